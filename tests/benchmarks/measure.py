"""Instruments for the benchmarks, applied from outside the production code.

- `ApiClock`: wraps `telegram.Bot._post` (every Bot API call of every Bot, the rate limiter's
  wait included) and adds the time spent awaiting it to the update being handled, found through
  a context variable that the handler wrapper sets.
- `HandlerTimer`: wraps an update handler; per update it records wall time inside the handler
  minus the time spent awaiting the Bot API, i.e. the bot's own processing (its Python code, its
  database work, and waiting for the database connection or the event loop).
- `CommitCounter`: a SQLite trace callback on the bot's connection that counts COMMITs and
  writes made outside a transaction (each of those commits by itself).
- `rss_mb` / `peak_rss_mb`: resident memory now (/proc) and at its peak (getrusage).
"""

from __future__ import annotations

import functools
import resource
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot

from storage.connection import Connection

_API_SPENT: ContextVar[list[float] | None] = ContextVar("bench_api_spent", default=None)
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (nearest rank); 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[rank]


def rss_mb() -> float:
    """Resident set size of this process now, in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class ApiClock:
    """Times every Bot API call made through telegram.Bot._post (installed once per process)."""

    calls: int = 0
    installed: bool = False

    def install(self) -> None:
        """Wraps Bot._post; ExtBot's rate limiter runs inside it, so its waits count as API."""
        if self.installed:
            return
        original = Bot._post
        clock = self

        @functools.wraps(original)
        async def timed(bot: Bot, *args: Any, **kwargs: Any) -> Any:
            spent = _API_SPENT.get()
            started = time.perf_counter()
            try:
                return await original(bot, *args, **kwargs)
            finally:
                clock.calls += 1
                if spent is not None:
                    spent[0] += time.perf_counter() - started

        Bot._post = timed  # type: ignore[method-assign,assignment]
        self.installed = True


Handler = Callable[..., Awaitable[Any]]


@dataclass
class HandlerTimer:
    """Own processing time per update: wall time in the handler minus Bot API waits."""

    own: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    recording: bool = False

    def wrap(self, handler: Handler) -> Handler:
        """Returns the handler, timed."""

        @functools.wraps(handler)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            spent = [0.0]
            token = _API_SPENT.set(spent)
            started = time.perf_counter()
            try:
                return await handler(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                _API_SPENT.reset(token)
                if self.recording:
                    self.wall.append(elapsed)
                    self.own.append(max(0.0, elapsed - spent[0]))

        return timed


@dataclass
class CommitCounter:
    """Counts commits on one SQLite connection (explicit COMMITs and autocommitted writes)."""

    commits: int = 0
    autocommits: int = 0
    _conn: Connection | None = None

    async def attach(self, conn: Connection) -> None:
        """Installs the trace callback (it runs where each statement runs, before it)."""
        self._conn = conn  # to read in_transaction
        await conn.set_trace_callback(self._trace)

    def _trace(self, sql: str) -> None:
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head in {"COMMIT", "END"}:
            self.commits += 1
        elif head in WRITES and self._conn is not None and not self._conn.in_transaction:
            self.autocommits += 1

    @property
    def total(self) -> int:
        """Every commit, explicit or implicit."""
        return self.commits + self.autocommits
