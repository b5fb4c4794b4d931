"""Her data as she may see it and take it with her: plain words in the chat, a JSON and a text file.

Reads storage (decrypting her personal fields) and builds flow texts; ChatEffects sends them.
Seeing and copying are audited like any other access to personal data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.core.i18n import Translator
from bot.core.services import Services
from bot.core.text import bubble_text
from flows.core import consents
from flows.core.node import Context
from flows.core.services import service_title, status_words
from flows.core.types import Bubble, Moment, Part, Plain, Text, t
from flows.steps.intake import CONTACT_WORDS, WINDOWS
from flows.steps.welcome import LANGUAGES
from storage.consents import Consent
from storage.referrals import Referral
from storage.users import User

THREAD_LIMIT = 1000
REMINDER_WORDS: dict[str, Text] = {
    "on": t("• Check-ins: on"),
    "paused": t("• Check-ins: paused"),
    "off": t("• Check-ins: off"),
}
PURPOSES: dict[str, Text] = {
    "referral": t("Sending a request"),
    "followups": t("Check-ins"),
}


@dataclass(frozen=True)
class Request:
    """One of her referrals with its decrypted personal fields, history and messages."""

    referral: Referral
    personal: dict[str, str]
    history: list[tuple[datetime, str]]
    thread: list[tuple[str, str]]


@dataclass(frozen=True)
class Snapshot:
    """Everything stored about her, read at one moment."""

    user: User
    requests: list[Request]
    consents: list[Consent]
    taken_at: datetime


class MyData:
    """Reads her data and renders it for one person in one chat."""

    def __init__(self, services: Services, user_id: int) -> None:
        self.services = services
        self.user_id = user_id

    async def snapshot(self, action: str) -> Snapshot | None:
        """Reads everything stored about her and audits the access (action: view or copy)."""
        services = self.services
        user = await services.users.by_id(self.user_id)
        if user is None:
            return None
        requests = []
        for referral in await services.referrals.for_user(self.user_id):
            history = [
                (at, status) for at, _, status in await services.referrals.history(referral.id)
            ]
            requests.append(
                Request(
                    referral=referral,
                    personal=await services.referrals.personal(referral.id),
                    history=history,
                    thread=await services.casework.relay_thread(referral.id, THREAD_LIMIT),
                )
            )
        consents = await services.consents.list_for(self.user_id)
        async with services.db.transaction() as conn:
            await services.audit.append(conn, f"user:{self.user_id}", f"data.{action}")
        return Snapshot(user, requests, consents, services.clock())

    def context(self) -> Context:
        """The flow context, for naming services and places."""
        return self.services.flow_context()

    async def bubbles(self) -> list[Bubble]:
        """Her data in plain words, one subject per message."""
        snap = await self.snapshot("view")
        if snap is None:
            return []
        return render_bubbles(snap, self.services, self.context())

    async def files(self, tr: Translator) -> list[tuple[str, bytes]]:
        """A copy of her data: a readable text file and a JSON file."""
        snap = await self.snapshot("copy")
        if snap is None:
            return []
        ctx = self.context()
        # Named neutrally (no service, office or bot name) and dated in her own zone.
        day = snap.taken_at.astimezone(tr.tz).date().isoformat()
        readable = "\n\n".join(bubble_text(b, tr) for b in render_bubbles(snap, self.services, ctx))
        machine = json.dumps(as_json(snap, self.services, ctx, tr), ensure_ascii=False, indent=2)
        return [
            (f"data-{day}.txt", (readable + "\n").encode()),
            (f"data-{day}.json", (machine + "\n").encode()),
        ]


def _language(locale: str) -> Plain:
    return Plain(dict(LANGUAGES).get(locale, locale))


def _region_name(services: Services, code: str | None) -> str | None:
    region = services.regions.region(code) if code else None
    return region.name if region else None


def _title(request: Request, ctx: Context) -> Part:
    r = request.referral
    return service_title(r.service, request.personal.get("item") or r.item, r.home_region, ctx)


def profile_bubble(snap: Snapshot, services: Services) -> Bubble:
    """Language, region, shared-phone mode and check-in messages."""
    user = snap.user
    region = _region_name(services, user.region_code)
    return Bubble(
        (
            t("What Jembatan keeps about you:"),
            t("• Language: {language}", language=_language(user.locale)),
            t("• Region: {region}", region=Plain(region))
            if region
            else t("• Region: (not chosen)"),
            t("• Shared phone: yes") if user.shared_phone else t("• Shared phone: no"),
            REMINDER_WORDS.get(user.followups, REMINDER_WORDS["off"]),
        )
    )


def request_bubble(request: Request, ctx: Context) -> Bubble:
    """One request: what, status, when, and the personal answers she gave."""
    r, personal = request.referral, request.personal
    lines: list[Part] = [
        t("Request {code}", code=Plain(r.code)),
        t("Help with: {title}", title=_title(request, ctx)),
        t("Status: {status}", status=status_words(r.status)),
        t("Sent on: {when}", when=Moment(r.created_at, "date")),
        t("• Contact: {how}", how=CONTACT_WORDS.get(r.contact, Plain(r.contact))),
    ]
    window = WINDOWS.get(r.time_window or "")
    if window is not None:
        lines.append(t("• Safe time: {window}", window=window))
    if personal.get("phone"):
        lines.append(t("• Phone: {phone}", phone=Plain(personal["phone"])))
    nickname = personal.get("nickname")
    lines.append(
        t("• Nickname: {name}", name=Plain(nickname)) if nickname else t("• Nickname: (none)")
    )
    if request.thread:
        lines.append(t("• Messages with the caseworker: {count}", count=len(request.thread)))
    return Bubble(tuple(lines))


def version_date(text_version: str) -> Moment | Plain:
    """A consent text's version as the month it dates from ("November 2026"), else as stored."""
    found = re.search(r"(\d{4})-(\d{2})", text_version)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        return Plain(text_version)
    return Moment(datetime(int(found.group(1)), int(found.group(2)), 15, 12, tzinfo=UTC), "month")


def consents_bubble(consents: list[Consent]) -> Bubble:
    """Her consents with their text version and dates."""
    if not consents:
        return Bubble((t("You have given no consent."),))
    lines: list[Part] = [t("Your consents:")]
    for c in consents:
        purpose = PURPOSES.get(c.purpose, Plain(c.purpose))
        given = Moment(c.given_at, "date")
        if c.withdrawn_at is None:
            line = t(
                "• {purpose}: the text of {version}, given on {given}",
                purpose=purpose,
                version=version_date(c.text_version),
                given=given,
            )
        else:
            line = t(
                "• {purpose}: the text of {version}, given on {given}, withdrawn on {withdrawn}",
                purpose=purpose,
                version=version_date(c.text_version),
                given=given,
                withdrawn=Moment(c.withdrawn_at, "date"),
            )
        lines.append(line)
    return Bubble(tuple(lines))


def agreed_words(c: Consent, days: int) -> tuple[str, ...]:
    """The words of the consent text she agreed to, in the language she agreed in."""
    return consents.words(c.text_version, c.locale, days) or ()


def words_bubbles(items: list[Consent], days: int) -> list[Bubble]:
    """The words of each consent text she agreed to, once per text version."""
    bubbles: list[Bubble] = []
    seen: set[str] = set()
    for c in items:
        said = agreed_words(c, days)
        if c.text_version in seen or not said:
            continue
        seen.add(c.text_version)
        heading = t(
            "The words you agreed to ({purpose}, text of {version}):",
            purpose=PURPOSES.get(c.purpose, Plain(c.purpose)),
            version=version_date(c.text_version),
        )
        bubbles.append(Bubble((heading, *(Plain(f"“{line}”") for line in said))))
    return bubbles


def render_bubbles(snap: Snapshot, services: Services, ctx: Context) -> list[Bubble]:
    """Her profile, each request (newest first) and her consents, as chat messages."""
    bubbles = [profile_bubble(snap, services)]
    if snap.requests:
        newest_first = sorted(snap.requests, key=lambda q: q.referral.created_at, reverse=True)
        bubbles += [request_bubble(q, ctx) for q in newest_first]
    else:
        bubbles.append(Bubble((t("You have sent no requests."),)))
    bubbles.append(consents_bubble(snap.consents))
    bubbles += words_bubbles(snap.consents, services.retention_days)
    return bubbles


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def as_json(snap: Snapshot, services: Services, ctx: Context, tr: Translator) -> dict[str, Any]:
    """Her data for a computer: plain field names, ISO times, no other person's identity."""
    user = snap.user
    requests = []
    for q in snap.requests:
        r = q.referral
        office = ctx.catalog.office_for(r.region_code)
        requests.append(
            {
                "code": r.code,
                "service": r.service,
                "item": q.personal.get("item") or r.item or None,
                "about": tr.render(_title(q, ctx)),
                "region_code": r.region_code,
                "office": tr.render(office.name) if office else None,
                "status": r.status,
                "outcome": r.outcome,
                "urgency": r.urgency,
                "contact": r.contact,
                "safe_time": r.time_window,
                "phone_alone": r.phone_alone,
                "home_region": r.home_region or None,
                "nickname": q.personal.get("nickname"),
                "phone": q.personal.get("phone"),
                "created_at": _iso(r.created_at),
                "updated_at": _iso(r.updated_at),
                "history": [{"at": _iso(at), "status": status} for at, status in q.history],
                "messages": [
                    {"from": "you" if direction == "from_her" else "caseworker", "text": text}
                    for direction, text in q.thread
                ],
            }
        )
    return {
        "copy_made_at": _iso(snap.taken_at),
        "profile": {
            "telegram_account": user.telegram_id,
            "language": user.locale,
            "region_code": user.region_code,
            "region": _region_name(services, user.region_code),
            "shared_phone": user.shared_phone,
            "check_in_messages": user.followups,
            "first_contact": _iso(user.created_at),
            "last_seen": _iso(user.last_seen_at),
        },
        "requests": requests,
        "consents": [
            {
                "purpose": c.purpose,
                "text_version": c.text_version,
                "words": list(agreed_words(c, services.retention_days)),
                "words_note": consents.note(c.text_version) or None,
                "language": c.locale,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in snap.consents
        ],
    }
