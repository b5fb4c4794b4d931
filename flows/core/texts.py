"""Texts shared by several conversations."""

from __future__ import annotations

from flows.core.types import Bubble, Text, bubble, t, tn


def erase_chat_hint() -> Text:
    """How to erase this chat with Telegram's own menu."""
    return t(
        "To erase this chat: tap the ⋮ menu at the top of the chat and choose "
        '"Clear history" or "Delete chat".'
    )


def not_understood() -> Text:
    """The gentle answer to typed text the current screen cannot use."""
    return t("Sorry, Kak, I did not understand that. Please choose one of the buttons.")


def wipe_incomplete(count: int) -> Bubble:
    """Says plainly how many messages the wipe could not delete and how she deletes them."""
    return bubble(
        tn(
            "I could not delete {count} message; it is still in this chat.",
            "I could not delete {count} messages; they are still in this chat.",
            count,
            count=count,
        ),
        erase_chat_hint(),
    )
