"""Telegram's rate limits as python-telegram-bot's AIORateLimiter applies them, minus edits.

Telegram documents its limits for messages sent (about 30 per second overall, 1 per second per
chat, 20 per minute per group). Editing the pressed message into the next screen is not a new
message, so edits and deletions are not counted against those limits here; a 429 on them is
still waited out and retried like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

NOT_MESSAGES = frozenset(
    {"editMessageText", "editMessageReplyMarkup", "deleteMessage", "deleteMessages"}
)


class MessageRateLimiter(AIORateLimiter):
    """Limits sent messages; edits and deletions only get the retry-after handling."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Processes a request; an edit or deletion is not counted as a message."""
        if endpoint in NOT_MESSAGES:
            data = {k: v for k, v in data.items() if k != "chat_id"}
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
