"""One budget for Telegram's overall message limit, in two lanes: her replies, then the rest.

Telegram documents its limits for messages sent (about 30 per second overall, 1 per second per
chat, 20 per minute per group). Every message the bot sends takes a slot of one `MessageBudget`:
the replies of the update being handled (python-telegram-bot's AIORateLimiter enters it for each
message) and the outbox's proactive messages (follow-ups, staff notices). The budget is
aiolimiter's leaky bucket, draining a little under the rate, with room for a second's worth of
replies at once, as python-telegram-bot's AIORateLimiter allows (the answers to one getUpdates
batch go out together). A reply takes a slot as soon as
there is room; a proactive message waits while any reply waits, except that it gets a slot at
least `floor` times a second, so a busy hour never starves the follow-ups; proactive messages
are spaced evenly and leave the burst's room to the replies.

Editing the pressed message into the next screen is not a new message, so edits and deletions
take no slot; a 429 on them is still waited out and retried like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

NOT_MESSAGES = frozenset(
    {"editMessageText", "editMessageReplyMarkup", "deleteMessage", "deleteMessages"}
)
PACING_MARGIN = 1.04  # a little under the limit: network jitter never puts rate + 1 in a second
PROACTIVE_FLOOR = 3.0  # proactive messages a second, however many replies wait


class MessageBudget(AsyncLimiter):
    """Telegram's overall limit as one leaky bucket; replies before proactive messages.

    `acquire` (what AIORateLimiter enters) is the reply lane; `proactive` the outbox's lane.
    """

    def __init__(self, rate: float, floor: float = PROACTIVE_FLOOR) -> None:
        self.interval = PACING_MARGIN / rate
        burst = max(1, int(rate))  # replies that may go at once after a quiet second
        super().__init__(burst, burst * self.interval)
        self.floor_interval = 1.0 / floor
        self._replies = 0
        self._no_replies = asyncio.Event()
        self._no_replies.set()
        self._last_proactive = float("-inf")

    async def acquire(self, amount: float = 1) -> None:
        """Takes the next slot for a reply to what she just did."""
        self._replies += 1
        self._no_replies.clear()
        try:
            await super().acquire(amount)
        finally:
            self._replies -= 1
            if not self._replies:
                self._no_replies.set()

    async def proactive(self) -> None:
        """Takes a slot for a proactive message: after waiting replies, or when its floor is due."""
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            floor_due = self._last_proactive + self.floor_interval - now
            if self._replies and floor_due > 0:  # replies first, until the floor is due
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._no_replies.wait(), floor_due)
                continue
            # Evenly spaced, into a (nearly) empty bucket: the burst's room stays the replies'.
            wait = max(self._last_proactive + self.interval - now, self._drained_in())
            if wait <= 0 or floor_due <= 0:
                break
            await asyncio.sleep(wait)
        await super().acquire()
        self._last_proactive = loop.time()

    def _drained_in(self) -> float:
        """Seconds until the bucket holds less than one message (aiolimiter's level and rate)."""
        self._leak()
        return max(0.0, (self._level - (1 - 1e-9)) / self._rate_per_sec)


class MessageRateLimiter(AIORateLimiter):
    """Counts sent messages in the shared budget's reply lane; edits and deletions take none.

    Without a budget (the limiter off) only the retry-after handling is left.
    """

    def __init__(self, budget: MessageBudget | None, max_retries: int = 0) -> None:
        super().__init__(overall_max_rate=0, max_retries=max_retries)
        self._base_limiter = budget

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
