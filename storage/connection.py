"""A thin async face over one sqlite3 connection that lives on its own database thread.

`Connection` offers the small part of aiosqlite's interface that the repositories use:
`await conn.execute(...)` (or `async with conn.execute(...) as cursor`), `executemany`, cursor
`fetchone()`/`fetchall()`, `rowcount`, `lastrowid`. On the database thread each call runs sqlite3
at once and never suspends, so a whole job (storage/db.py `Database.run`) is one piece of
synchronous work. From any other thread each statement is one hop: it is handed to the database
thread, run there together with fetching its rows, and the caller awaits the result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Generator, Iterable, Sequence
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
Row = sqlite3.Row
Hop = Callable[[Callable[[], T]], Awaitable[T]]


class Cursor:
    """The result of one statement: its rows (read on demand on the thread), rowcount, lastrowid."""

    def __init__(self, cursor: sqlite3.Cursor, rows: list[Row] | None = None) -> None:
        self._cursor = cursor
        self._rows = rows  # already fetched (a statement run from another thread)
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid

    async def fetchone(self) -> Row | None:
        """The next row, or None."""
        if self._rows is None:
            row: Row | None = self._cursor.fetchone()
            return row
        return self._rows.pop(0) if self._rows else None

    async def fetchall(self) -> list[Row]:
        """The remaining rows."""
        if self._rows is None:
            return list(self._cursor.fetchall())
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        """Ends the statement (a no-op for one run from another thread: it is already over)."""
        if self._rows is None:
            self._cursor.close()

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
    """One sqlite3 connection, used on its database thread, reachable from others by a hop."""

    def __init__(self, raw: sqlite3.Connection, here: Callable[[], bool], hop: Hop[Any]) -> None:
        self._conn = raw
        self._here = here  # whether the caller runs on the connection's thread
        self._hop = hop  # runs a function on that thread and awaits its result

    @property
    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection itself (use it on the database thread only)."""
        return self._conn

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open on the connection."""
        return self._conn.in_transaction

    async def _call(self, fn: Callable[[], T]) -> T:
        if self._here():
            return fn()
        result: T = await self._hop(fn)
        return result

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> _Pending:
        """Runs one statement; await it for its cursor or use `async with`."""

        async def start() -> Cursor:
            if self._here():
                return Cursor(self._conn.execute(sql, params))

            def run() -> Cursor:
                cursor = self._conn.execute(sql, params)
                rows = cursor.fetchall()
                done = Cursor(cursor, rows)
                cursor.close()
                return done

            result: Cursor = await self._hop(run)
            return result

        return _Pending(start)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor:
        """Runs one statement for each row of parameters."""
        batch = list(rows)

        def run() -> Cursor:
            cursor = self._conn.executemany(sql, batch)
            return Cursor(cursor, [])

        return await self._call(run)

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        """Calls `callback` with each statement's SQL, on the database thread, before it runs."""
        await self._call(lambda: self._conn.set_trace_callback(callback))

    async def backup(self, target: sqlite3.Connection) -> None:
        """Copies the whole database into `target` (a connection made on the database thread)."""
        await self._call(lambda: self._conn.backup(target))
