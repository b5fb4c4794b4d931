"""A thin async face over one sqlite3 connection that lives on its own database thread.

`Connection` offers the small part of aiosqlite's interface that the repositories use:
`await conn.execute(...)` (or `async with conn.execute(...) as cursor`), `executemany`, cursor
`fetchone()`/`fetchall()`, `rowcount`, `lastrowid`. Every statement runs to its end and its cursor
is closed where it ran. Inside a job (storage/db.py `Database.run`) each call runs sqlite3 at once
and never suspends, so a whole job is one piece of synchronous work. Outside a job each statement
is one hop: it is handed to the database thread, run there together with fetching its rows, and
the caller awaits the result.

A job may run off the database thread, where it was asked for, when nobody else held the gate.
There a statement never waits for another process's write lock (busy timeout 0): when SQLite
answers "busy", that statement is handed to the database thread, which waits for the lock as
usual (`BUSY_MS`), so the caller's event loop is never blocked by another process.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Generator, Iterable, Sequence
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
Row = sqlite3.Row
Hop = Callable[[Callable[[], T]], Awaitable[T]]
BUSY_MS = 5000  # how long a statement on the database thread waits for another writer


def is_busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds a lock (SQLITE_BUSY and kin)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


class Cursor:
    """The result of one statement, already run to its end: its rows, rowcount, lastrowid.

    The sqlite3 cursor is closed on the database thread before this object exists, so nothing
    of the statement is left for another thread to finalise (sqlite3 caches statements by their
    text: a cursor freed on another thread could reset a statement the database thread is using).
    """

    def __init__(self, rows: list[Row], rowcount: int, lastrowid: int | None) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    @classmethod
    def drained(cls, cursor: sqlite3.Cursor) -> Cursor:
        """Reads a statement's rows and closes it (on the database thread)."""
        try:
            rows = list(cursor.fetchall())
            return cls(rows, cursor.rowcount, cursor.lastrowid)
        finally:
            cursor.close()

    async def fetchone(self) -> Row | None:
        """The next row, or None."""
        return self._rows.pop(0) if self._rows else None

    async def fetchall(self) -> list[Row]:
        """The remaining rows."""
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        """Nothing to end: the statement is already over."""

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class _Pending:
    """A statement not yet run: await it for its cursor, or use it in `async with`."""

    def __init__(self, start: Callable[[], Awaitable[Cursor]]) -> None:
        self._start = start
        self._cursor: Cursor | None = None

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._start().__await__()

    async def __aenter__(self) -> Cursor:
        self._cursor = await self._start()
        return self._cursor

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._cursor is not None:
            await self._cursor.close()


class Connection:
    """One sqlite3 connection, used inside jobs at once, reachable from elsewhere by a hop."""

    def __init__(
        self,
        raw: sqlite3.Connection,
        here: Callable[[], bool],
        hop: Hop[Any],
        elsewhere: Callable[[], bool] = lambda: False,
    ) -> None:
        self._conn = raw
        self._here = here  # whether the caller runs inside a job (statements run at once)
        self._hop = hop  # runs a function on the database thread and awaits its result
        self._elsewhere = elsewhere  # whether that job runs off the database thread
        self._busy_ms = BUSY_MS  # the connection's busy timeout now

    @property
    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection itself (use it on the database thread only)."""
        return self._conn

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on the connection."""
        return self._conn.in_transaction

    def _waiting(self, ms: int) -> None:
        """Sets how long a statement waits for another writer's lock (only when it changes)."""
        if self._busy_ms != ms:
            self._conn.execute(f"PRAGMA busy_timeout={int(ms)}").close()
            self._busy_ms = ms

    def _there(self, fn: Callable[[], T]) -> T:
        """Runs fn on the database thread, waiting for another writer as long as usual."""
        self._waiting(BUSY_MS)
        return fn()

    async def _call(self, fn: Callable[[], T]) -> T:
        if self._elsewhere():
            self._waiting(0)
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
            # Another process holds the write lock: wait for it on the database thread.
        elif self._here():
            return self._there(fn)
        result: T = await self._hop(lambda: self._there(fn))
        return result

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> _Pending:
        """Runs one statement; await it for its cursor or use `async with`."""

        async def start() -> Cursor:
            return await self._call(lambda: Cursor.drained(self._conn.execute(sql, params)))

        return _Pending(start)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor:
        """Runs one statement for each row of parameters."""
        batch = list(rows)

        return await self._call(lambda: Cursor.drained(self._conn.executemany(sql, batch)))

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        """Calls `callback` with each statement's SQL, on the database thread, before it runs."""
        await self._call(lambda: self._conn.set_trace_callback(callback))

    async def backup(self, target: sqlite3.Connection) -> None:
        """Copies the whole database into `target` (a connection made on the database thread)."""
        await self._call(lambda: self._conn.backup(target))
