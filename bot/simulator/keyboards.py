"""Reply markup: inline keyboards checked as Telegram checks them, and reply keyboards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.simulator.errors import BUTTON_DATA_INVALID, bad_request

MAX_CALLBACK_DATA_BYTES = 64
INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
UNPARSABLE = "can't parse reply keyboard markup JSON object"


@dataclass(frozen=True)
class Markup:
    """What a reply_markup parameter asks for."""

    inline: dict[str, Any] | None = None
    keyboard: list[list[dict[str, Any]]] | None = None
    remove_keyboard: bool = False


def _inline_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(UNPARSABLE)
    if not any(button.get(action) is not None for action in INLINE_ACTIONS):
        raise bad_request("text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None:
        size = len(str(data).encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request(BUTTON_DATA_INVALID)
    return dict(button)


def _keyboard_button(button: Any) -> dict[str, Any]:
    if isinstance(button, str):
        return {"text": button}
    if isinstance(button, dict) and isinstance(button.get("text"), str):
        return dict(button)
    raise bad_request(UNPARSABLE)


def _rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(UNPARSABLE)
    return value


def read_markup(value: Any) -> Markup:
    """Checks a reply_markup value and says what it asks for."""
    if value is None:
        return Markup()
    if not isinstance(value, dict):
        raise bad_request(UNPARSABLE)
    if "inline_keyboard" in value:
        rows = [[_inline_button(b) for b in row] for row in _rows(value["inline_keyboard"])]
        return Markup(inline={"inline_keyboard": rows})
    if "keyboard" in value:
        rows = [[_keyboard_button(b) for b in row] for row in _rows(value["keyboard"])]
        return Markup(keyboard=rows)
    if value.get("remove_keyboard"):
        return Markup(remove_keyboard=True)
    if value.get("force_reply"):
        return Markup()
    raise bad_request(UNPARSABLE)


def inline_buttons(markup: dict[str, Any] | None) -> list[list[dict[str, Any]]]:
    """Returns the rows of an inline keyboard markup (empty when there is none)."""
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or []
    return [list(row) for row in rows]
