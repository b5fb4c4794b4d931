"""Knows when the bot has finished reacting: processed signals, or acknowledgement plus quiet.

A person waiting for her update is woken only by what concerns it: her update being confirmed
or reported processed, or a bot request in her chat starting or ending. So the cost of an event
does not grow with the number of people waiting.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.simulator.aio import Pulse, first_of

QUIET_PERIOD = 0.3
SETTLE_TIMEOUT = 15.0
ANY_CHAT = None


class ActivityTracker:
    """Tracks updates (queued, acknowledged, processed) and the bot's requests per chat."""

    def __init__(self, quiet_period: float = QUIET_PERIOD) -> None:
        self.quiet_period = quiet_period
        self._inflight: Counter[int | None] = Counter()
        self._last_done: dict[int | None, float] = {}
        self._queued: set[int] = set()
        self._acked: dict[int, float] = {}
        self._processed: set[int] = set()
        self._pulse = Pulse()  # every change: for wait_idle
        self._chat_pulses: dict[int, Pulse] = {}  # per chat someone waits in
        self._waited: dict[int, int] = {}  # update being settled -> its chat

    @staticmethod
    def _clock() -> float:
        return asyncio.get_running_loop().time()

    def _changed(self, chat_id: int | None) -> None:
        self._pulse.fire()
        pulse = self._chat_pulses.get(chat_id) if chat_id is not None else None
        if pulse is not None:
            pulse.fire()

    def _update_changed(self, update_id: int) -> None:
        self._changed(self._waited.get(update_id))

    def request_started(self, chat_id: int | None) -> None:
        """Notes a bot request in progress (chat None when it concerns no chat)."""
        for key in {chat_id, ANY_CHAT}:
            self._inflight[key] += 1
        self._changed(chat_id)

    def request_finished(self, chat_id: int | None) -> None:
        """Notes the end of a bot request."""
        now = self._clock()
        for key in {chat_id, ANY_CHAT}:
            self._inflight[key] -= 1
            self._last_done[key] = now
        self._changed(chat_id)

    def queued(self, update_id: int) -> None:
        """Notes an update waiting for the bot."""
        self._queued.add(update_id)

    def acknowledged(self, update_id: int, delivered: bool = True) -> None:
        """Notes that the bot confirmed an update, or that it was dropped undelivered."""
        self._acked[update_id] = self._clock()
        if not delivered:
            self._processed.add(update_id)
        self._update_changed(update_id)

    def processed(self, update_id: int) -> None:
        """Notes that the bot reported an update as fully processed."""
        self._processed.add(update_id)
        self._update_changed(update_id)

    async def settle(
        self, update_id: int, chat_id: int, use_signal: bool, within: float = SETTLE_TIMEOUT
    ) -> None:
        """Returns once the bot has finished reacting to an update; AssertionError on timeout."""
        deadline = self._clock() + within
        pulse = self._chat_pulses.setdefault(chat_id, Pulse())
        self._waited[update_id] = chat_id
        try:
            while True:
                wait = self._remaining_for_update(update_id, chat_id, use_signal)
                if wait is not None and wait <= 0:
                    return
                left = deadline - self._clock()
                if left <= 0:
                    how = "report it processed" if use_signal else "go quiet after receiving it"
                    raise AssertionError(
                        f"the bot did not {how} (update {update_id}) in {within} s"
                    )
                await first_of(pulse.event, within=min(wait or left, left))
        finally:
            del self._waited[update_id]

    async def wait_idle(self, use_signal: bool, within: float = SETTLE_TIMEOUT) -> None:
        """Returns once every update is handled and no request has run for the quiet period."""
        deadline = self._clock() + within
        while True:
            wait = self._remaining_for_idle(use_signal)
            if wait is not None and wait <= 0:
                return
            left = deadline - self._clock()
            if left <= 0:
                raise AssertionError(f"the bot did not become idle in {within} s")
            await first_of(self._pulse.event, within=min(wait or left, left))

    def _remaining_for_update(self, update_id: int, chat_id: int, use_signal: bool) -> float | None:
        if use_signal:
            return 0.0 if update_id in self._processed else None
        acked = self._acked.get(update_id)
        if acked is None or self._inflight[chat_id] > 0:
            return None
        quiet_since = max(acked, self._last_done.get(chat_id, acked))
        return quiet_since + self.quiet_period - self._clock()

    def _remaining_for_idle(self, use_signal: bool) -> float | None:
        done = self._processed if use_signal else self._acked.keys()
        if not self._queued <= done or self._inflight[ANY_CHAT] > 0:
            return None
        last = max([self._last_done.get(ANY_CHAT, 0.0), *self._acked.values()], default=0.0)
        return last + self.quiet_period - self._clock()
