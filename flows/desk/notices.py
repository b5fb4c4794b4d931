"""Single messages of the desk: notifications and reminders for staff, what she is told."""

from __future__ import annotations

from datetime import datetime

from flows.core.node import Context
from flows.core.types import Bubble, Button, Moment, Plain, Text, bubble, t
from flows.desk.model import HER_UPDATES, CaseCard, button

REPLY_LABEL = t("✉️ Reply")
NOT_CURRENT = t("This menu is no longer current. Here is the current one.")
CLAIMED_FIRST = t("Someone else claimed it first.")
HINT = t("Please use the buttons, or /antrian for the open requests.")


def _region(code: str, ctx: Context) -> Plain:
    region = ctx.regions.region(code)
    return Plain(region.name if region else code)


def age_hours(card: CaseCard, ctx: Context) -> int:
    """How many whole hours the referral has waited."""
    return max(0, int((ctx.now - card.created_at).total_seconds() // 3600))


def region_name(code: str, ctx: Context) -> Plain:
    """A region's name (its code when unknown)."""
    return _region(code, ctx)


def notification(card: CaseCard, ctx: Context) -> Bubble:
    """A new referral as a staff lock screen may show it: code and urgency only.

    Service and region are in the case view: code, health service and kab/kota together are the
    most sensitive thing a caseworker's phone can show. The hours waiting come with reminders.
    """
    urgency = t("urgent") if card.urgency == "urgent" else t("normal")
    return bubble(t("New request {code} ({urgency})", code=Plain(card.code), urgency=urgency))


def notification_keyboard(code: str) -> tuple[tuple[Button, ...], ...]:
    """The claim button under a notification."""
    return ((Button(t("✋ Claim"), button("claim", code)),),)


def claim_reminder(card: CaseCard, ctx: Context) -> Bubble:
    """Reminds the caseworkers that a referral still waits to be claimed."""
    return bubble(
        t("⏰ Request {code} is still waiting to be claimed.", code=Plain(card.code)),
        t("Waiting: {hours} h", hours=age_hours(card, ctx)),
    )


def claim_escalation(card: CaseCard, ctx: Context) -> Bubble:
    """Tells a supervisor that nobody has claimed a referral."""
    return bubble(
        t("⚠️ Nobody has claimed request {code} yet.", code=Plain(card.code)),
        t("Waiting: {hours} h", hours=age_hours(card, ctx)),
    )


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


def to_her(code: str, text: str) -> Bubble:
    """A caseworker's message as she receives it (the first line reveals nothing)."""
    return bubble(t("Message about request {code}:", code=Plain(code)), Plain(text))


def from_her(code: str, text: str) -> Bubble:
    """Her message as the caseworker receives it."""
    return bubble(t("Reply about {code}:", code=Plain(code)), Plain(text))


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
            "Travel date saved for {code}. On the morning after the travel date, the applicant "
            "is asked whether she arrived safely (if she agreed to check-in messages).",
            code=Plain(code),
        ),
    }[kind]
    return bubble(text)


def held_notice(code: str, at: datetime) -> Bubble:
    """Says when a relayed message will reach her (held for her safe time)."""
    return bubble(
        t(
            "The message for the applicant of {code} reaches her phone {when} (the safe time "
            "she chose). She has to tap Open to read it.",
            code=Plain(code),
            when=Moment(at, "datetime"),
        )
    )


def typed_refused(kind: str, code: str) -> Bubble:
    """Says that what she typed was not used because the case can no longer take it."""
    if kind == "relay":
        text = t(
            "Not sent: request {code} is no longer open to messages (she may have cancelled "
            "or withdrawn it, or it was closed). Nobody received your message.",
            code=Plain(code),
        )
    else:
        text = t(
            "Not saved: request {code} can no longer be worked on from here (it may have been "
            "cancelled, withdrawn, closed or handed over).",
            code=Plain(code),
        )
    return bubble(text)


def erased_line() -> Bubble:
    """What a staff message about a referral becomes once her data is erased."""
    return bubble(t("The data of this request has been erased."))


def closed_line() -> Bubble:
    """What a staff message about a referral becomes once the case is closed (if configured)."""
    return bubble(t("This request is closed; its details are no longer shown in this chat."))


def uncleaned_notice(code: str) -> Bubble:
    """Tells the caseworker that the bot could not clean some messages about an erased request."""
    return bubble(
        t(
            "Some messages about request {code} in this chat could not be cleaned. Her data was "
            "erased: please delete those messages yourself.",
            code=Plain(code),
        )
    )
