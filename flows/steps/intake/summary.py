"""The summary she checks, sending the request, and changing an answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flows.core.effects import CreateReferral
from flows.core.node import Context, Step, emergency_button, goto
from flows.core.services import service_title
from flows.core.types import Bubble, Button, Part, Plain, Screen, Session, Text, bubble, t
from flows.followups.timing import add_office_days
from flows.routing.handling import handler_for
from flows.steps.intake.common import CANCEL, _cancel_button, _office_name, cancelled, next_step
from flows.steps.intake.consent import consent_version
from flows.steps.intake.contact import WINDOWS

CONTACT_DAYS = 2
CONTACT_HOUR = 16


CONTACT_WORDS: dict[str, Text] = {
    "chat": t("in this chat"),
    "phone": t("by phone"),
    "visit": t("no contact, I will come myself"),
}


def summary_lines(session: Session, ctx: Context) -> tuple[Part, ...]:
    """The answers she is about to send, in plain words."""
    title = service_title(
        session.answer("service"), session.answer("item"), session.answer("home_region"), ctx
    )
    window = WINDOWS.get(session.answer("window"))
    lines: list[Part] = [
        t("Please check, Kak:"),
        t("• Help with: {title}", title=title),
        t("• Sent to: {office}", office=_office_name(session, ctx)),
        t("• Contact: {how}", how=CONTACT_WORDS[session.answer("contact", "chat")]),
    ]
    if window is not None:
        lines.append(t("• Safe time: {window}", window=window))
    if session.answer("phone"):
        lines.append(t("• Phone: {phone}", phone=Plain(session.answer("phone"))))
    nickname = session.answer("nickname")
    lines.append(
        t("• Nickname: {name}", name=Plain(nickname)) if nickname else t("• Nickname: (none)")
    )
    alone = session.answer("phone_alone") == "yes"
    lines.append(t("• This phone: only you") if alone else t("• This phone: shared"))
    if session.answer("urgency") == "urgent":
        lines.append(t("• Urgent: yes"))
    return tuple(lines)


def view_summary(session: Session, ctx: Context) -> Screen:
    """Shows everything that will be sent, with send, change and cancel."""
    send_rows: tuple[tuple[Button, ...], ...] = ((Button(t("✅ Send"), "send"),),)
    if session.answer("urgency") != "urgent":
        send_rows += ((Button(t("⚡ Send, it is urgent"), "send_urgent"),),)
    return Screen(
        "intake_summary",
        (Bubble(summary_lines(session, ctx)),),
        (
            *send_rows,
            (Button(t("✏️ Change something"), "change"), _cancel_button()),
            (emergency_button(),),
        ),
    )


WINDOW_ENDS = {"morning": 12, "midday": 16, "evening": 20, "any": 20}


def _due(session: Session, ctx: Context) -> datetime:
    """The latest time she will be contacted: two working days on, at the end of her window."""
    region = ctx.regions.region(session.region_code) if session.region_code else None
    zone = ZoneInfo(region.timezone if region else "Asia/Jakarta")
    local_today = ctx.now.astimezone(zone).date()
    day = add_office_days(local_today, CONTACT_DAYS)
    hour = WINDOW_ENDS.get(session.answer("window"), CONTACT_HOUR)
    return datetime.combine(day, time(hour), zone).astimezone(UTC)


def submit(session: Session, ctx: Context, *, urgent: bool, version: str = "") -> Step:
    """Creates the referral (stored before the confirmation is shown) and shows its code."""
    answers = dict(session.draft)
    if urgent:
        answers["urgency"] = "urgent"
    answers.setdefault("urgency", "normal")
    office = handler_for(session.region_code, answers["service"], ctx)
    if office is None or session.region_code is None:
        return cancelled(session)
    kept = (
        "contact",
        "window",
        "phone",
        "nickname",
        "phone_alone",
        "urgency",
        "home_region",
    )
    create = CreateReferral(
        code=ctx.new_code,
        service=answers["service"],
        item=answers.get("item", ""),
        region_code=session.region_code,
        office_key=office.key,
        answers=tuple(sorted((k, answers[k]) for k in kept if answers.get(k))),
        consent_version=version or consent_version(),
        consent_locale=answers.get("consent_locale", session.locale),
        consent_given_at=datetime.fromisoformat(answers["consent_at"]),
    )
    done = goto(
        session,
        "referral_done",
        code=ctx.new_code,
        contact=answers.get("contact", "chat"),
        due=_due(session, ctx).isoformat(),
        service=answers["service"],
        **({"urgent": "yes"} if answers["urgency"] == "urgent" else {}),
    )
    return Step(replace(done, draft=()), effects=(create,))


def on_button_summary(session: Session, action: str, ctx: Context) -> Step:
    """Sends the request, opens the change menu, or cancels."""
    if next_step(session).state != "intake_summary":
        return Step(next_step(session))
    if action in {"send", "send_urgent"}:
        return submit(session, ctx, urgent=action == "send_urgent")
    if action == "change":
        return Step(goto(session, "intake_change"))
    if action == CANCEL:
        return cancelled(session)
    return Step(session)


CHANGES: dict[str, tuple[Text, tuple[str, ...]]] = {
    "contact": (t("How to contact me"), ("contact", "window", "phone")),
    "window": (t("Safe time"), ("window",)),
    "nickname": (t("Nickname"), ("nickname", "nickname_asked")),
    "shared": (t("Who uses this phone"), ("phone_alone",)),
}


def view_change(session: Session, ctx: Context) -> Screen:
    """Lets her pick the answer to change."""
    rows = [
        (Button(label, key),)
        for key, (label, _) in CHANGES.items()
        if key != "window" or session.answer("contact") in {"chat", "phone"}
    ]
    rows.append((Button(t("‹ Back to the summary"), "summary"),))
    return Screen("intake_change", (bubble(t("What would you like to change?")),), tuple(rows))


def on_button_change(session: Session, action: str, ctx: Context) -> Step:
    """Forgets the chosen answer and asks for it again."""
    if action == "summary":
        return Step(goto(session, "intake_summary"))
    change = CHANGES.get(action)
    if change is None:
        return Step(session)
    kept = tuple((k, v) for k, v in session.draft if k not in change[1])
    return Step(next_step(replace(session, draft=kept)))
