"""Small asyncio helpers: wait for the first of several events, with a timeout."""

from __future__ import annotations

import asyncio
import contextlib


async def first_of(*events: asyncio.Event, within: float | None = None) -> bool:
    """Waits until any event is set or `within` seconds pass; returns whether one was set."""
    if any(event.is_set() for event in events):
        return True
    if within is not None and within <= 0:
        return False
    tasks = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        done, _ = await asyncio.wait(tasks, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return bool(done)


class Pulse:
    """Wakes everyone currently waiting whenever something changes."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wakes all current waiters."""
        event, self._event = self._event, asyncio.Event()
        event.set()

    @property
    def event(self) -> asyncio.Event:
        """The event the next fire() sets."""
        return self._event
