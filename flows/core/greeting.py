"""The neutral first line of every message the bot sends her on its own."""

from __future__ import annotations

from flows.core.types import Part, Screen, bubble, t

NEUTRAL_FIRST_LINE = t("Hello, Kak 👋")


def neutral(*parts: Part) -> Screen:
    """Any other message the bot sends her on its own: the greeting first, then the news."""
    return Screen("to_her", (bubble(NEUTRAL_FIRST_LINE, *parts),))
