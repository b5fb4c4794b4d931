"""The SQLite connection: WAL, foreign keys, a busy timeout, migrations, and serialised writes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.migrations import MIGRATIONS, Migration, migrate

Clock = Callable[[], datetime]
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
)


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """Stores a time as ISO-8601 UTC text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(value: str) -> datetime:
    """Reads a stored time."""
    return datetime.fromisoformat(value)


class Database:
    """One aiosqlite connection; writes go through transaction(), one at a time."""

    def __init__(self, conn: aiosqlite.Connection, path: Path, clock: Clock) -> None:
        self.conn = conn
        self.path = path
        self.clock = clock
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(
        cls,
        path: Path,
        *,
        clock: Clock = utc_now,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> Database:
        """Opens (creating if needed) the database and brings its schema up to date."""
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            for pragma in PRAGMAS:
                await conn.execute(pragma)
            db = cls(conn, path, clock)
            await migrate(db, migrations)
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        """Closes the connection (checkpointing the WAL)."""
        await self.conn.close()

    def now(self) -> str:
        """The current time as stored text."""
        return to_text(self.clock())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Runs a block in one IMMEDIATE transaction: all of it is committed, or none."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """Runs a query and returns its first row."""
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """Runs a query and returns all rows."""
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())
