"""An optional nickname for the caseworker to use."""

from __future__ import annotations

from flows.intake.common import _answer, _cancel_row, next_step
from flows.node import Context, Step, with_answers
from flows.types import Button, Screen, Session, bubble, t

NICKNAME_MAX = 40


def view_nickname(session: Session, ctx: Context) -> Screen:
    """Offers an optional nickname."""
    return Screen(
        "intake_nickname",
        (
            bubble(
                t(
                    "What may the caseworker call you? Type a nickname; a made-up name is fine. "
                    "Or skip this."
                )
            ),
        ),
        ((Button(t("Skip"), "skip"),), _cancel_row()),
    )


def on_button_nickname(session: Session, action: str, ctx: Context) -> Step:
    """Skips the nickname."""
    return _answer(session, action, ctx, {"skip": {"nickname_asked": "1", "nickname": ""}})


def on_text_nickname(session: Session, text: str, ctx: Context) -> Step:
    """Stores a typed nickname (short, single line)."""
    name = " ".join(text.split())
    if not name or len(name) > NICKNAME_MAX:
        notice = bubble(t("Please keep it short: at most {limit} letters.", limit=NICKNAME_MAX))
        return Step(session, notices=(notice,))
    return Step(next_step(with_answers(session, nickname=name, nickname_asked="1")))
