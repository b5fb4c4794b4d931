"""The caseworker's desk, pure: notification texts, the queue, the case view and what may change.

The host loads the cases (only those of her regions) and checks who may do what before it calls
these functions; they decide nothing about access, they only say what to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from flows.node import Context
from flows.services import service_title
from flows.types import Bubble, Button, Moment, Part, Plain, Screen, Text, bubble, t

PER_PAGE = 8
SERVICE_KINDS: dict[str, Text] = {
    "training": t("Training"),
    "livelihood": t("Business support"),
    "health": t("Health"),
    "going_home": t("Going home"),
    "callback": t("Asked to be contacted"),
    "other": t("Other help"),
}
OUTCOMES: dict[str, Text] = {
    "received_help": t("Received help"),
    "not_eligible": t("Not eligible"),
    "could_not_contact": t("Could not contact"),
    "no_longer_interested": t("No longer interested"),
    "referred_elsewhere": t("Referred elsewhere"),
}
NEXT_STATUS: dict[str, tuple[str, Text]] = {
    "claimed": ("contacted", t("📞 Mark as contacted")),
    "contacted": ("in_progress", t("🔧 Mark as in progress")),
}
STAFF_STATUS: dict[str, Text] = {
    "new": t("New"),
    "claimed": t("Claimed"),
    "contacted": t("Contacted"),
    "in_progress": t("In progress"),
    "closed": t("Closed"),
    "cancelled": t("Cancelled by her"),
    "withdrawn": t("Withdrawn by her"),
    "handed_over": t("Handed over"),
    "travel_date": t("Travel date set"),
}
HANDOVER_REASONS: dict[str, Text] = {
    "went_home": t("She went home to that region"),
    "moved": t("She moved to that region"),
    "other": t("Another reason"),
}
HER_UPDATES: dict[str, Text] = {
    "claimed": t("Your request {code} has been taken by a caseworker."),
    "in_progress": t("Your request {code} is being worked on."),
    "closed": t("Your request {code} is finished. Thank you, Kak."),
}


@dataclass(frozen=True, slots=True)
class CaseCard:
    """What the desk shows of a referral in lists and notifications (no personal fields)."""

    code: str
    service: str
    item: str
    region_code: str
    home_region: str
    urgency: str
    status: str
    created_at: datetime
    mine: bool


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """A referral with the consented details, for the case view."""

    card: CaseCard
    contact: str
    window: str
    phone_alone: bool | None
    nickname: str
    phone: str
    outcome: str
    history: tuple[tuple[datetime, str, str], ...]
    notes: tuple[tuple[datetime, str], ...] = ()
    thread: tuple[tuple[str, str], ...] = ()
    relay_open: bool = True


def staff_status(status: str) -> Part:
    """A referral status as staff call it."""
    return STAFF_STATUS.get(status, Plain(status))


def button(verb: str, code: str = "") -> str:
    """Callback data of a desk button: "d:<verb>:<code>"."""
    return f"d:{verb}:{code}"


def parse(data: str) -> tuple[str, str] | None:
    """Splits desk callback data into verb and code; None when it is not desk data."""
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != "d" or not parts[1]:
        return None
    return ":".join(parts[1:-1]), parts[-1]


def _region(code: str, ctx: Context) -> Plain:
    region = ctx.regions.region(code)
    return Plain(region.name if region else code)


def _age_hours(card: CaseCard, ctx: Context) -> int:
    return max(0, int((ctx.now - card.created_at).total_seconds() // 3600))


def notification(card: CaseCard, ctx: Context) -> Bubble:
    """A new referral, told with minimal content: code, kind of service, region, urgency, age."""
    urgency = t("urgent") if card.urgency == "urgent" else t("normal")
    return bubble(
        t("New request {code}", code=Plain(card.code)),
        t("Service: {service}", service=SERVICE_KINDS.get(card.service, Plain(card.service))),
        t("Region: {region}", region=_region(card.region_code, ctx)),
        t("Urgency: {urgency}", urgency=urgency),
        t("Waiting: {hours} h", hours=_age_hours(card, ctx)),
    )


def notification_keyboard(code: str) -> tuple[tuple[Button, ...], ...]:
    """The claim button under a notification."""
    return ((Button(t("✋ Claim"), button("claim", code)),),)


REPLY_LABEL = t("✉️ Reply")


def claim_reminder(card: CaseCard, ctx: Context) -> Bubble:
    """Reminds the caseworkers that a referral still waits to be claimed."""
    return bubble(
        t("⏰ Request {code} is still waiting to be claimed.", code=Plain(card.code)),
        t("Region: {region}", region=_region(card.region_code, ctx)),
        t("Waiting: {hours} h", hours=_age_hours(card, ctx)),
    )


def claim_escalation(card: CaseCard, ctx: Context) -> Bubble:
    """Tells a supervisor that nobody has claimed a referral."""
    return bubble(
        t("⚠️ Nobody has claimed request {code} yet.", code=Plain(card.code)),
        t("Region: {region}", region=_region(card.region_code, ctx)),
        t("Waiting: {hours} h", hours=_age_hours(card, ctx)),
    )


def her_answer_escalation(code: str, answer: str) -> Bubble:
    """Tells staff what she answered to a follow-up that needs them."""
    if answer == "help":
        text = t("⚠️ Request {code}: she says she needs help after travelling.", code=Plain(code))
    else:
        text = t("⚠️ Request {code}: she says nobody has contacted her yet.", code=Plain(code))
    return bubble(text)


def open_keyboard(code: str) -> tuple[tuple[Button, ...], ...]:
    """The button under a reminder: open the case (or claim it from there)."""
    return ((Button(t("📂 Open"), button("open", code)),),)


def cancelled_notice(code: str) -> Bubble:
    """What staff see once she cancelled her request."""
    return bubble(t("{code} was cancelled by the person who sent it.", code=Plain(code)))


def withdrawn_notice(code: str) -> Bubble:
    """What staff see once she withdrew her consent (or deleted her data)."""
    return bubble(t("{code} was withdrawn by the person who sent it.", code=Plain(code)))


def taken_notice(code: str, by_me: bool) -> Bubble:
    """What a notification turns into once the referral is claimed."""
    if by_me:
        return bubble(t("✅ You claimed {code}. Open it with /antrian.", code=Plain(code)))
    return bubble(t("{code} was claimed by another caseworker.", code=Plain(code)))


def queue_screen(cards: tuple[CaseCard, ...], page: int, ctx: Context) -> Screen:
    """Open referrals of her regions, urgent first, then oldest; a page at a time."""
    if not cards:
        return Screen("desk_queue", (bubble(t("No open requests in your regions.")),))
    pages = max(1, -(-len(cards) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    rows: list[tuple[Button, ...]] = []
    for card in cards[page * PER_PAGE : (page + 1) * PER_PAGE]:
        flag = "⚡" if card.urgency == "urgent" else "·"
        mine = "★" if card.mine else ""
        label = t(
            "{flag}{mine} {code} {service} · {status} · {hours} h",
            flag=Plain(flag),
            mine=Plain(mine),
            code=Plain(card.code),
            service=SERVICE_KINDS.get(card.service, Plain(card.service)),
            status=staff_status(card.status),
            hours=_age_hours(card, ctx),
        )
        rows.append((Button(label, button("open", card.code)),))
    paging: list[Button] = []
    if page > 0:
        paging.append(Button(t("‹ Previous"), button("queue", str(page - 1))))
    if page < pages - 1:
        paging.append(Button(t("More ›"), button("queue", str(page + 1))))
    if paging:
        rows.append(tuple(paging))
    heading = t(
        "Open requests: {count} (page {page} of {pages})",
        count=len(cards),
        page=page + 1,
        pages=pages,
    )
    return Screen("desk_queue", (bubble(heading),), tuple(rows))


def actions(detail: CaseDetail, role: str) -> tuple[tuple[str, Text], ...]:
    """The changes she may make now: claim, the next status, close, or (supervisors) reopen."""
    status = detail.card.status
    if status == "new":
        return (("claim", t("✋ Claim")),)
    if status == "closed":
        return (("reopen", t("↩ Reopen")),) if role in {"supervisor", "admin"} else ()
    if status in {"cancelled", "withdrawn"}:
        return ()
    if not detail.card.mine and role == "caseworker":
        return ()
    found: list[tuple[str, Text]] = []
    if status in NEXT_STATUS:
        target, label = NEXT_STATUS[status]
        found.append((f"status:{target}", label))
    found.append(("note", t("📝 Add a note")))
    if detail.contact != "visit" and detail.relay_open:
        found.append(("relay", t("✉️ Write to her")))
    if detail.thread and detail.relay_open:
        found.append(("relay_close", t("🔕 Close the conversation")))
    if detail.card.service == "going_home":
        found.append(("travel", t("🧳 Set the travel date")))
    found.append(("handover", t("🔀 Hand over to another region")))
    found.append(("close", t("✅ Close with an outcome")))
    return tuple(found)


def case_screen(detail: CaseDetail, role: str, ctx: Context) -> Screen:
    """The case view: what she asked for, how to reach her, and what happened so far."""
    card = detail.card
    lines: list[Part] = [
        t("Request {code}", code=Plain(card.code)),
        t(
            "Help with: {title}",
            title=service_title(card.service, card.item, card.home_region, ctx),
        ),
        t("Region: {region}", region=_region(card.region_code, ctx)),
        t("Status: {status}", status=staff_status(card.status)),
    ]
    if card.urgency == "urgent":
        lines.append(t("⚡ Urgent"))
    contact = {
        "chat": t("Contact: in the Jembatan chat"),
        "phone": t("Contact: by phone {phone}", phone=Plain(detail.phone or "-")),
        "visit": t("Contact: none, she will come to the office"),
    }.get(detail.contact, t("Contact: in the Jembatan chat"))
    lines.append(contact)
    if detail.window:
        lines.append(t("Safe time: {window}", window=Plain(detail.window)))
    if detail.nickname:
        lines.append(t("Nickname: {name}", name=Plain(detail.nickname)))
    if detail.phone_alone is False:
        lines.append(t("⚠ Her phone is shared: keep every message neutral."))
    if detail.outcome:
        lines.append(
            t("Outcome: {outcome}", outcome=OUTCOMES.get(detail.outcome, Plain(detail.outcome)))
        )
    history = [
        t("{when}: {status}", when=Moment(at, "datetime"), status=staff_status(status))
        for at, _, status in detail.history
    ]
    rows = tuple((Button(label, button(verb, card.code)),) for verb, label in actions(detail, role))
    back = ((Button(t("‹ Queue"), button("queue", "0")),),)
    bubbles = [bubble(*lines), bubble(*history)]
    work: list[Part] = [
        t("📝 {when}: {text}", when=Moment(at, "datetime"), text=Plain(text))
        for at, text in detail.notes
    ]
    work += [
        t("✉️ To her: {text}", text=Plain(text))
        if direction == "to_her"
        else t("💬 From her: {text}", text=Plain(text))
        for direction, text in detail.thread
    ]
    if work:
        bubbles.append(bubble(*work))
    return Screen("desk_case", tuple(bubbles), rows + back)


def prompt(kind: str, code: str) -> Screen:
    """Asks her to type a note, a message to relay, or the region to hand over to."""
    text = {
        "note": t("Type the note for {code}. Notes are stored encrypted.", code=Plain(code)),
        "relay": t(
            "Type your message for the person of {code}. It is sent by the bot; neither of "
            "you sees the other's account.",
            code=Plain(code),
        ),
        "handover": t("Type the kab/kota to hand {code} over to.", code=Plain(code)),
        "travel": t(
            "Type the day she travels for {code}, for example 05-12-2026.", code=Plain(code)
        ),
    }[kind]
    return Screen("desk_prompt", (bubble(text),), ((Button(t("‹ Back"), button("open", code)),),))


def handover_choices(code: str, regions: tuple[tuple[str, str], ...]) -> Screen:
    """The kab/kota that match what she typed, as buttons."""
    rows = tuple((Button(Plain(name), button(f"hto:{region}", code)),) for region, name in regions)
    question = t("Hand {code} over to which region?", code=Plain(code))
    if not rows:
        question = t("No region with an office matches. Type another name.")
    return Screen(
        "desk_handover", (bubble(question),), (*rows, (Button(t("‹ Back"), button("open", code)),))
    )


def handover_reasons(code: str) -> Screen:
    """Asks why the case moves."""
    rows = tuple(
        (Button(label, button(f"hwhy:{key}", code)),) for key, label in HANDOVER_REASONS.items()
    )
    return Screen(
        "desk_handover",
        (bubble(t("Why does {code} move?", code=Plain(code))),),
        (*rows, (Button(t("‹ Back"), button("open", code)),)),
    )


def to_her(code: str, text: str) -> Bubble:
    """A caseworker's message as she receives it (the first line reveals nothing)."""
    return bubble(t("Message about request {code}:", code=Plain(code)), Plain(text))


def from_her(code: str, text: str) -> Bubble:
    """Her message as the caseworker receives it."""
    return bubble(t("Reply about {code}:", code=Plain(code)), Plain(text))


def parse_day(text: str, today: date) -> date | None:
    """Reads a day typed as 05-12-2026, 5/12/2026 or 5/12 (the next such day); None if not."""
    parts = [p for p in re.split(r"[-/. ]+", text.strip()) if p]
    if len(parts) not in {2, 3} or not all(p.isdigit() for p in parts):
        return None
    day, month = int(parts[0]), int(parts[1])
    year = int(parts[2]) if len(parts) == 3 else today.year
    if year < 100:
        year += 2000
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if len(parts) == 2 and found < today:
        found = found.replace(year=year + 1)
    return found


def done_notice(kind: str, code: str) -> Bubble:
    """Confirms a note, a relayed message or a hand-over."""
    text = {
        "note": t("Note saved on {code}.", code=Plain(code)),
        "relay": t("Sent to the person of {code}.", code=Plain(code)),
        "handover": t(
            "{code} was handed over; that region's caseworkers were told.", code=Plain(code)
        ),
        "relay_close": t("The conversation about {code} is closed.", code=Plain(code)),
        "travel": t(
            "Travel date saved on {code}. She will be asked the next morning whether she "
            "arrived safely (if she agreed to check-in messages).",
            code=Plain(code),
        ),
    }[kind]
    return bubble(text)


def outcome_screen(code: str) -> Screen:
    """Asks for the outcome of a case being closed."""
    rows = tuple(
        (Button(label, button(f"outcome:{key}", code)),) for key, label in OUTCOMES.items()
    )
    return Screen(
        "desk_outcome",
        (bubble(t("How did {code} end?", code=Plain(code))),),
        (*rows, (Button(t("‹ Back"), button("open", code)),)),
    )


def handed_over_to_her(code: str, region: str) -> Bubble:
    """Tells her that her request moved to another region's office."""
    return bubble(
        t(
            "Your request {code} was passed to the office in {region}.",
            code=Plain(code),
            region=Plain(region),
        )
    )


def her_update(status: str, code: str) -> Bubble | None:
    """The short neutral message she gets when her request changes in a way that concerns her."""
    text = HER_UPDATES.get(status)
    return bubble(Text(text.msgid, (("code", Plain(code)),))) if text else None


def desk_home() -> Screen:
    """What a caseworker sees on /start."""
    return Screen(
        "desk_home",
        (bubble(t("Jembatan desk. New requests of your regions arrive here.")),),
        ((Button(t("📋 Open requests"), button("queue", "0")),),),
    )
