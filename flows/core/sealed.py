"""Sealed previews: every message the bot sends her on its own arrives as one neutral sentence.

What a lock screen shows is only "You have a new message." and an "Open" button; the content stays
sealed (stored encrypted by the host) until she taps it. Tapping is an input of hers like any
other: the host loads the sealed content named by the button into the context (`ctx.opened`),
and the step reveals it in place of the preview (a channel that cannot edit sends it anew). On a
shared phone the revealed message carries the quick exit.
"""

from __future__ import annotations

from flows.core.effects import AnswerButton, OpenSealed, Outcome, RevealMessage, SealedView
from flows.core.node import QUICK_EXIT, Context, quick_exit_button
from flows.core.types import Button, Plain, Screen, Session, bubble, t

PREFIX = "o"
PREVIEW = t("You have a new message.")
OPEN = t("Open")
GONE = t("This message is no longer available.")


def button(sealed_id: int) -> str:
    """Callback data of the button that opens a sealed message."""
    return f"{PREFIX}:{sealed_id}"


def sealed_id(data: str) -> int | None:
    """The sealed message a button opens; None when the data is not such a button."""
    prefix, sep, rest = data.partition(":")
    return int(rest) if prefix == PREFIX and sep and rest.isdigit() else None


def preview(sealed: int) -> Screen:
    """The neutral message her chat (and lock screen) shows, with the button that opens it."""
    return Screen("sealed", (bubble(PREVIEW),), ((Button(OPEN, button(sealed)),),))


def revealed(session: Session, opened: SealedView) -> Screen:
    """The content in place of the preview, with its buttons (and the quick exit if shared)."""
    rows = tuple(tuple(Button(Plain(label), data) for label, data in row) for row in opened.buttons)
    if session.shared_phone:
        rows = (*rows, (Button(quick_exit_button().label, quick_exit_data(session)),))
    return Screen("revealed", (bubble(Plain(opened.text)),), rows)


def quick_exit_data(session: Session) -> str:
    """The quick exit's callback data (valid whatever screen she is on)."""
    return f"{session.seq}:{QUICK_EXIT}"


def on_button(session: Session, data: str, ctx: Context) -> Outcome | None:
    """Reveals a sealed message; None when the data is not an "open" button."""
    wanted = sealed_id(data)
    if wanted is None:
        return None
    opened = ctx.opened
    if opened is None or opened.id != wanted:
        return Outcome(session, (AnswerButton(GONE),))
    screen = revealed(session, opened)
    return Outcome(session, (OpenSealed(opened.id), AnswerButton(None), RevealMessage(screen)))
