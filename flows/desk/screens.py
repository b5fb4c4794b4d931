"""The desk's screens: the queue, the case view, prompts, hand-over and outcome choices."""

from __future__ import annotations

from flows.core.node import Context
from flows.core.services import service_title
from flows.core.types import Bubble, Button, Part, Plain, Screen, Text, bubble, t
from flows.desk import thread
from flows.desk.model import (
    HANDOVER_REASONS,
    OUTCOMES,
    SERVICE_KINDS,
    CaseCard,
    CaseDetail,
    button,
    staff_status,
)
from flows.desk.notices import age_hours, region_name

PER_PAGE = 8


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
            hours=age_hours(card, ctx),
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


def case_screen(detail: CaseDetail, actions: tuple[tuple[str, Text], ...], ctx: Context) -> Screen:
    """The case view: what she asked for, how to reach her, what happened, what may change."""
    card = detail.card
    lines: list[Part] = [
        t("Request {code}", code=Plain(card.code)),
        t(
            "Help with: {title}",
            title=service_title(card.service, card.item, card.home_region, ctx),
        ),
        t("Region: {region}", region=region_name(card.region_code, ctx)),
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
        lines.append(
            t(
                "⚠ Her phone is shared. In messages: do not mention Dinsos, Puskesmas, HIV or "
                "going home; write short and neutral. When calling: say her nickname first and "
                "ask whether she can talk now; do not name the office before you are sure it is "
                "her."
            )
        )
    if detail.outcome:
        lines.append(
            t("Outcome: {outcome}", outcome=OUTCOMES.get(detail.outcome, Plain(detail.outcome)))
        )
    page_screen = case_page(detail, actions, 0)
    return Screen("desk_case", (bubble(*lines), *page_screen.bubbles), page_screen.keyboard)


def case_page(detail: CaseDetail, actions: tuple[tuple[str, Text], ...], page: int) -> Screen:
    """One page of the case's thread with the case's buttons, and ◀ / ▶ to the other pages."""
    code = detail.card.code
    count = thread.page_count(detail)
    page = min(max(page, 0), count - 1)
    rows: list[tuple[Button, ...]] = [
        (Button(label, button(verb, code)),) for verb, label in actions
    ]
    paging: list[Button] = []
    if page < count - 1:
        paging.append(Button(t("◀ Older"), button(f"page:{page + 1}", code)))
    if page > 0:
        paging.append(Button(t("Newer ▶"), button(f"page:{page - 1}", code)))
    if paging:
        rows.append(tuple(paging))
    rows.append((Button(t("‹ Queue"), button("queue", "0")),))
    return Screen("desk_case", (thread.page_bubble(detail, page),), tuple(rows))


def prompt(kind: str, code: str) -> Screen:
    """Asks her to type a note, a message to relay, or the region to hand over to."""
    text = {
        "note": t("Type the note for {code}. Notes are stored encrypted.", code=Plain(code)),
        "relay": t(
            "Type your message for the applicant of {code}. It reaches her phone, where others "
            "may see it: do not name the office, the service, HIV or going home at the start "
            "of the message.",
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


def desk_home() -> Screen:
    """What a caseworker sees on /start."""
    return Screen(
        "desk_home",
        (bubble(t("Jembatan desk. New requests of your regions arrive here.")),),
        ((Button(t("📋 Open requests"), button("queue", "0")),),),
    )


def done_screen(notice: Bubble) -> Screen:
    """A confirmation on its own (no buttons)."""
    return Screen("desk_done", (notice,))
