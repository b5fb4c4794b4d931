"""Update processing: updates of one person in order, different people concurrently."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

UpdateDone = Callable[[int], None]
Handled = Callable[[int], Awaitable[None]]


def _key(update: object) -> int | None:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Runs updates concurrently, but one at a time and in arrival order per person."""

    def __init__(
        self,
        max_concurrent_updates: int,
        on_done: UpdateDone | None = None,
        handled: Handled | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._handled = handled
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._on_done = on_done

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Waits for this person's earlier updates, then processes this one."""
        key = _key(update)
        try:
            if key is None:
                await coroutine
                return
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._waiting[key] = self._waiting.get(key, 0) + 1
            try:
                async with lock:
                    await coroutine
            finally:
                self._waiting[key] -= 1
                if not self._waiting[key]:
                    del self._waiting[key], self._locks[key]
        finally:
            if isinstance(update, Update):
                await self._mark_handled(update.update_id)
                if self._on_done is not None:
                    self._on_done(update.update_id)

    async def _mark_handled(self, update_id: int) -> None:
        """Marks the update handled in the inbox (even if its handler failed: no poison loop)."""
        if self._handled is None:
            return
        try:
            await self._handled(update_id)
        except Exception as exc:  # never let bookkeeping break the processing of updates
            log.error("update %s not marked handled: %s", update_id, type(exc).__name__)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
