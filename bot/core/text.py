"""Flow screens as channel-neutral text: message texts and buttons as (label, data) rows."""

from __future__ import annotations

from bot.core.i18n import Translator
from flows.core.types import Bubble, Screen

#: The longest message any channel of ours accepts (Telegram's limit).
MAX_MESSAGE_LENGTH = 4096

#: Buttons as rows of (label, data): what the outbox stores and a channel renders.
ButtonRows = tuple[tuple[tuple[str, str], ...], ...]


def bubble_text(bubble: Bubble, tr: Translator, limit: int = MAX_MESSAGE_LENGTH) -> str:
    """Renders one chat message, within the channel's length limit."""
    text = "\n".join(tr.render(part) for part in bubble.parts).strip()
    return text[:limit] or "…"


def button_rows(screen: Screen, tr: Translator) -> ButtonRows:
    """Renders a screen's buttons as rows of (label, data), the data as the flow wrote it."""
    return tuple(tuple((tr.render(b.label), b.action) for b in row) for row in screen.keyboard)
