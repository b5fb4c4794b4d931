"""Whether others use this phone; a shared phone gets a safety tip."""

from __future__ import annotations

from dataclasses import replace

from flows.core.node import Context, Step
from flows.core.types import Button, Screen, Session, bubble, t
from flows.steps.intake.common import _answer, _cancel_row


def view_shared(session: Session, ctx: Context) -> Screen:
    """Asks whether others use this phone."""
    return Screen(
        "intake_shared",
        (bubble(t("Is this phone used only by you?")),),
        (
            (Button(t("Yes, only me"), "alone"), Button(t("No, others use it too"), "shared")),
            _cancel_row(),
        ),
    )


def on_button_shared(session: Session, action: str, ctx: Context) -> Step:
    """Stores whether the phone is hers alone; a shared phone gets a safety tip."""
    step = _answer(
        session, action, ctx, {"alone": {"phone_alone": "yes"}, "shared": {"phone_alone": "no"}}
    )
    if action == "shared":
        tip = bubble(
            t(
                "Thank you. My messages will stay neutral. Remember to clear this chat when you "
                "are done."
            )
        )
        return Step(replace(step.session, shared_phone=True), notices=(tip,))
    return step
