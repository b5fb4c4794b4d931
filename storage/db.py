"""The SQLite connection: WAL, foreign keys, a busy timeout, migrations, and serialised access.

There is one aiosqlite connection per Database, shared by every coroutine. A connection has one
transaction at a time, so whoever uses it takes a turn: `transaction()` for writes (BEGIN
IMMEDIATE ... COMMIT, ROLLBACK on any exception), `read()` for several reads that must agree, and
`fetchone()`/`fetchall()` for a single query. A turn is held by the task that took it and by the
tasks it starts inside it (a context variable marks it), so repository reads made inside a
transaction see that transaction's own writes, while other coroutines wait and never see
uncommitted data.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.folders import make_private_dir
from storage.migrations import MIGRATIONS, Migration, migrate

Clock = Callable[[], datetime]
PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA secure_delete=ON",  # erased values are zeroed on disk (storage/erasure.py)
)

# Which databases (by id) the current task holds a turn on. Not a connection: only a marker.
_HOLDING: ContextVar[frozenset[int]] = ContextVar("jembatan_db_holding", default=frozenset())


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """Stores a time as ISO-8601 UTC text (sortable as text)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(value: str) -> datetime:
    """Reads a stored time."""
    return datetime.fromisoformat(value)


class NestedTransaction(RuntimeError):
    """A task asked for a transaction while already inside one on the same database."""


async def _configure(conn: aiosqlite.Connection) -> None:
    """Switches to WAL and sets the per-connection PRAGMAs."""
    async with conn.execute("PRAGMA journal_mode=WAL") as cursor:
        row = await cursor.fetchone()
    mode = str(row[0]).lower() if row is not None else "?"
    if mode != "wal":
        raise RuntimeError(
            f"SQLite would not use WAL journaling (it reports {mode!r}); "
            "keep the database on a local disk."
        )
    for pragma in PRAGMAS:
        await conn.execute(pragma)


class Database:
    """One aiosqlite connection, used by one task at a time; writes go through transaction()."""

    def __init__(self, conn: aiosqlite.Connection, path: Path, clock: Clock) -> None:
        self.conn = conn
        self.path = path
        self.clock = clock
        self._lock = asyncio.Lock()

    @classmethod
    async def open(
        cls,
        path: Path,
        *,
        clock: Clock = utc_now,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> Database:
        """Opens (creating if needed) the database and brings its schema up to date."""
        make_private_dir(path.parent)
        # A new file is readable by this user only; SQLite gives its -wal and -shm the same mode.
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await _configure(conn)
            db = cls(conn, path, clock)
            await migrate(db, migrations)
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        """Waits for a transaction in flight, then closes the connection (checkpointing the WAL)."""
        async with self._turn():
            await self.conn.close()

    def now(self) -> str:
        """The current time as stored text."""
        return to_text(self.clock())

    def _holds_turn(self) -> bool:
        return id(self) in _HOLDING.get()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[aiosqlite.Connection]:
        """Gives this task the connection; inside a turn it already holds, shares that turn."""
        if self._holds_turn():
            yield self.conn
            return
        async with self._lock:
            token = _HOLDING.set(_HOLDING.get() | {id(self)})
            try:
                yield self.conn
            finally:
                _HOLDING.reset(token)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Runs a block in one IMMEDIATE transaction: all of it is committed, or none."""
        if self._holds_turn():
            raise NestedTransaction(
                "A transaction or read is already open in this task; "
                "pass its connection down instead of opening another."
            )
        async with self._turn() as conn:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                await conn.execute("COMMIT")
            except BaseException:
                # Statements run in order on the connection's thread, so this ROLLBACK comes
                # after any statement of the block that is still running, even on cancellation.
                with suppress(sqlite3.Error):
                    await conn.execute("ROLLBACK")
                raise

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Yields the connection for reads that see one committed snapshot; writes are discarded."""
        if self._holds_turn():
            yield self.conn
            return
        async with self._turn() as conn:
            await conn.execute("BEGIN DEFERRED")
            try:
                yield conn
            finally:
                with suppress(sqlite3.Error):
                    await conn.execute("ROLLBACK")

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """Runs a query and returns its first row."""
        async with self._turn() as conn, conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """Runs a query and returns all rows."""
        async with self._turn() as conn, conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())
