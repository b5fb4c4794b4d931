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
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

NOT_MESSAGES = frozenset(
    {"editMessageText", "editMessageReplyMarkup", "deleteMessage", "deleteMessages"}
)
PACING_MARGIN = 1.04  # a little under the limit: network jitter never puts rate + 1 in a second
PROACTIVE_FLOOR = 3.0  # proactive messages a second, however many replies wait


FOLLOW_ON: ContextVar[bool] = ContextVar("jembatan_follow_on", default=False)


@contextlib.contextmanager
def follow_on(active: bool = True) -> Iterator[None]:
    """Marks the messages sent inside as the rest of a reply whose first change is already out."""
    token = FOLLOW_ON.set(active)
    try:
        yield
    finally:
        FOLLOW_ON.reset(token)


class _Waiting:
    """How many wait in one lane, and an event set whenever none does."""

    def __init__(self) -> None:
        self.count = 0
        self.none = asyncio.Event()
        self.none.set()

    @contextlib.contextmanager
    def one(self) -> Iterator[None]:
        """Counts one waiter for as long as the block runs."""
        self.count += 1
        self.none.clear()
        try:
            yield
        finally:
            self.count -= 1
            if not self.count:
                self.none.set()


class MessageBudget(AsyncLimiter):
    """Telegram's overall limit as one leaky bucket, in three lanes, each before the next.

    `acquire` (what AIORateLimiter enters) is the reply lane: the first message that answers
    what she just did, or, inside `follow_on()`, the rest of that reply (more bubbles after the
    screen already changed); `proactive` is the outbox's lane. A lower lane waits while a
    higher one waits, but takes a slot at least `floor` times a second.
    """

    def __init__(self, rate: float, floor: float = PROACTIVE_FLOOR) -> None:
        self.interval = PACING_MARGIN / rate
        burst = max(1, int(rate))  # replies that may go at once after a quiet second
        super().__init__(burst, burst * self.interval)
        self.floor_interval = 1.0 / floor
        self._first = _Waiting()
        self._replies = _Waiting()  # first messages and the rest of replies
        self._rest_turn = asyncio.Lock()  # the rest of replies enter the bucket one at a time
        self._last_rest = float("-inf")
        self._last_proactive = float("-inf")

    async def acquire(self, amount: float = 1) -> None:
        """Takes a slot for a reply: its first message first, the rest after (`follow_on`)."""
        with self._replies.one():
            if not FOLLOW_ON.get():
                with self._first.one():
                    await super().acquire(amount)
                return
            async with self._rest_turn:
                await self._yield_to(self._first, self._last_rest)
                await super().acquire(amount)
                self._last_rest = asyncio.get_running_loop().time()

    async def _yield_to(self, higher: _Waiting, last: float) -> None:
        """Waits while a higher lane waits, until this lane's floor is due."""
        loop = asyncio.get_running_loop()
        while higher.count:
            floor_due = last + self.floor_interval - loop.time()
            if floor_due <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(higher.none.wait(), floor_due)

    async def proactive(self) -> None:
        """Takes a slot for a proactive message: after waiting replies, or when its floor is due."""
        loop = asyncio.get_running_loop()
        while True:
            await self._yield_to(self._replies, self._last_proactive)
            now = loop.time()
            if self._last_proactive + self.floor_interval <= now:
                break  # the floor is due: into the bucket whatever waits
            # Evenly spaced, into a (nearly) empty bucket: the burst's room stays the replies'.
            wait = max(self._last_proactive + self.interval - now, self._drained_in())
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        planned = self._last_proactive + self.interval
        await super().acquire()
        now = loop.time()
        # A slot taken a little late keeps the schedule, so wake-up delays do not add up.
        self._last_proactive = planned if now - planned < self.interval else now

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
