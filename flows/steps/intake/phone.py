"""Her phone number, typed or shared, only when she chose a phone call."""

from __future__ import annotations

from lokal import parse_phone

from flows.core.node import Context, Step, with_answers
from flows.core.types import Bubble, Button, Screen, Session, bubble, t
from flows.steps.intake.common import CANCEL, _cancel_row, cancelled, next_step


def view_phone(session: Session, ctx: Context) -> Screen:
    """Asks for her phone number: typed, or shared with Telegram's button."""
    return Screen(
        "intake_phone",
        (
            bubble(
                t(
                    "Please type your phone number, for example 0812-3456-7890, or press "
                    '"📱 Send my number" below.'
                )
            ),
            bubble(t("Or choose another way:")),
        ),
        ((Button(t("💬 Use this chat instead"), "chat_any"),), _cancel_row()),
        contact_button=t("📱 Send my number"),
    )


def _leave_phone(step: Step, notice: Bubble) -> Step:
    return Step(step.session, notices=(notice, *step.notices))


def on_button_phone(session: Session, action: str, ctx: Context) -> Step:
    """Switches to contact in this chat, or cancels."""
    if action == CANCEL:
        return cancelled(session)
    if action == "chat_any":
        chosen = with_answers(session, contact="chat", window="any")
        return _leave_phone(Step(next_step(chosen)), bubble(t("All right, in this chat then.")))
    return Step(session)


def accept_phone(session: Session, raw: str) -> Step:
    """Validates an Indonesian phone number and stores it, or explains what is wrong."""
    parsed = parse_phone(raw)
    if not parsed.valid or parsed.e164 is None:
        return Step(
            session,
            notices=(
                bubble(
                    t(
                        "That does not look like an Indonesian phone number. Please type it "
                        "like this: 0812-3456-7890."
                    )
                ),
            ),
        )
    stored = with_answers(session, phone=parsed.e164)
    notice = bubble(t("Thank you. The number will be sent only with this request."))
    return _leave_phone(Step(next_step(stored)), notice)


def on_text_phone(session: Session, text: str, ctx: Context) -> Step:
    """Takes a typed phone number."""
    return accept_phone(session, text)
