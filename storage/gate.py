"""Who may use the writing connection right now: one holder at a time, on either thread.

The database thread's jobs and the main loop's turns queue for the gate on the database loop
(`take`, `let_go`): they wait there without blocking that loop. A job on the main loop may also
take the gate at once when nobody holds it and nobody is queued (`try_take`, `let_go_here`),
and then runs right where it is, with no thread hop. That path never waits: when the gate is
busy the caller hands its job to the database thread instead.
"""

from __future__ import annotations

import asyncio
import threading


class Gate:
    """One holder of the writing connection at a time: a queued one, or one taken at once."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop  # the database loop, where `take` queues
        self._mutex = threading.Lock()  # guards the two fields below
        self._held = False
        self._waiter: asyncio.Future[None] | None = None
        self._queue = asyncio.Lock()  # the queued holders, in order (database loop only)
        self._queued = 0

    def try_take(self) -> bool:
        """Takes the gate if it is free and nobody is queued for it (any thread; never waits)."""
        with self._mutex:
            if self._held or self._queued:
                return False
            self._held = True
            return True

    def let_go_here(self) -> None:
        """Lets go of a gate taken with try_take, waking the queued holder waiting for it."""
        with self._mutex:
            self._held = False
            waiter, self._waiter = self._waiter, None
        if waiter is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(_wake, waiter)

    async def take(self) -> None:
        """Waits on the database loop until this caller holds the gate."""
        with self._mutex:
            self._queued += 1
        try:
            await self._queue.acquire()
        except BaseException:
            with self._mutex:
                self._queued -= 1
            raise
        try:
            while True:
                with self._mutex:
                    if not self._held:
                        self._held = True
                        self._queued -= 1
                        return
                    waiter = self._waiter = self._loop.create_future()
                await waiter  # woken by let_go_here
        except BaseException:
            with self._mutex:
                self._queued -= 1
                self._waiter = None
            self._queue.release()
            raise

    def let_go(self) -> None:
        """Lets go of a gate taken with take (on the database loop)."""
        with self._mutex:
            self._held = False
        self._queue.release()

    def let_go_from_afar(self) -> None:
        """Lets go of a gate taken with take, from another thread: free for try_take at once."""
        with self._mutex:
            self._held = False
        self._loop.call_soon_threadsafe(self._queue.release)


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
