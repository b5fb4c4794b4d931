"""Turns flow screens into Telegram message texts, inline keyboards and the reply key."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.core.i18n import Translator
from bot.core.text import ButtonRows, bubble_text
from flows.core.engine import button_data
from flows.core.types import Screen

__all__ = ["Markup", "bubble_text", "inline_keyboard", "keyboard", "messages", "reply_markup"]

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def inline_keyboard(rows: ButtonRows) -> InlineKeyboardMarkup | None:
    """Renders stored (label, data) button rows as an inline keyboard (None without buttons)."""
    if not any(rows):
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def keyboard(screen: Screen, seq: int | None, tr: Translator) -> InlineKeyboardMarkup | None:
    """Renders a screen's buttons; their data names the screen number (if any) and the action."""
    if not screen.keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.render(b.label),
                    callback_data=b.action if seq is None else button_data(seq, b.action),
                )
                for b in row
            ]
            for row in screen.keyboard
        ]
    )


def reply_markup(
    screen: Screen, tr: Translator
) -> ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    """The key under the text box: "share my number", or its removal."""
    if screen.contact_button is not None:
        label = KeyboardButton(tr.render(screen.contact_button), request_contact=True)
        return ReplyKeyboardMarkup([[label]], resize_keyboard=True, one_time_keyboard=True)
    if screen.remove_contact_button:
        return ReplyKeyboardRemove()
    return None


def messages(screen: Screen, seq: int | None, tr: Translator) -> list[tuple[str, Markup | None]]:
    """Renders a screen as messages: inline buttons on the last, the reply key on the first."""
    texts = [bubble_text(b, tr) for b in screen.bubbles]
    last = len(texts) - 1
    inline = keyboard(screen, seq, tr)
    under = reply_markup(screen, tr)
    rendered: list[tuple[str, Markup | None]] = []
    for i, text in enumerate(texts):
        markup: Markup | None = None
        if i == last and inline is not None:
            markup = inline
        elif i == 0:
            markup = under
        rendered.append((text, markup))
    return rendered
