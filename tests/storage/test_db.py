"""The connection: PRAGMAs in effect, one transaction at a time, all-or-nothing commits."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from storage.db import Database, NestedTransaction, from_text, to_text
from tests.storage.conftest import START, Clock


async def pragma(db: Database, name: str) -> object:
    row = await db.fetchone(f"PRAGMA {name}")
    assert row is not None
    return row[0]


async def test_open_creates_the_directory_and_sets_the_pragmas(db: Database, db_path: Path) -> None:
    assert db_path.is_file()
    assert await pragma(db, "journal_mode") == "wal"
    assert await pragma(db, "foreign_keys") == 1
    assert await pragma(db, "synchronous") == 1  # NORMAL
    assert await pragma(db, "busy_timeout") == 5000


async def test_clock_is_the_one_given_and_times_are_utc_text(db: Database, clock: Clock) -> None:
    assert db.clock is clock
    assert db.now() == "2025-03-01T08:00:00.000000+00:00"
    assert from_text(to_text(START)) == START


async def test_transaction_commits_the_whole_block(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
        await conn.execute("INSERT INTO meta (key, value) VALUES ('b', '2')")
    assert [tuple(r) for r in await db.fetchall("SELECT key, value FROM meta ORDER BY key")] == [
        ("a", "1"),
        ("b", "2"),
    ]


async def test_an_exception_rolls_back_the_whole_block(db: Database) -> None:
    with pytest.raises(LookupError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            raise LookupError("stop")
    assert await db.fetchall("SELECT * FROM meta") == []
    async with db.transaction() as conn:  # the connection is usable again
        await conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
    assert len(await db.fetchall("SELECT * FROM meta")) == 1


async def test_a_failing_statement_rolls_back_earlier_ones(db: Database) -> None:
    with pytest.raises(Exception, match="UNIQUE"):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            await conn.execute("INSERT INTO meta (key, value) VALUES ('a', '2')")
    assert await db.fetchall("SELECT * FROM meta") == []


async def test_fifty_concurrent_increments_do_not_interleave(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO meta (key, value) VALUES ('n', '0')")

    async def increment() -> None:
        async with db.transaction() as conn:
            async with conn.execute("SELECT value FROM meta WHERE key = 'n'") as cursor:
                row = await cursor.fetchone()
            assert row is not None
            await asyncio.sleep(0)  # let every other coroutine try to get in here
            await conn.execute("UPDATE meta SET value = ? WHERE key = 'n'", (str(int(row[0]) + 1),))

    await asyncio.gather(*(increment() for _ in range(50)))
    row = await db.fetchone("SELECT value FROM meta WHERE key = 'n'")
    assert row is not None and row[0] == "50"


async def test_other_coroutines_never_read_uncommitted_writes(db: Database) -> None:
    inside, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        with pytest.raises(LookupError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO meta (key, value) VALUES ('draft', 'x')")
                inside.set()
                await release.wait()
                raise LookupError("rolled back")

    task = asyncio.create_task(writer())
    await inside.wait()
    reader = asyncio.create_task(db.fetchall("SELECT * FROM meta"))
    for _ in range(20):  # let the reader go as far as it can; the draft is still there
        await asyncio.sleep(0)
    release.set()
    assert await asyncio.wait_for(reader, 5) == []
    await task


async def test_reads_inside_a_transaction_see_its_own_writes(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO meta (key, value) VALUES ('mine', 'y')")
        row = await asyncio.wait_for(db.fetchone("SELECT value FROM meta WHERE key = 'mine'"), 5)
        assert row is not None and row[0] == "y"


async def test_nesting_a_transaction_fails_at_once_instead_of_deadlocking(db: Database) -> None:
    async with db.transaction():
        with pytest.raises(NestedTransaction):
            async with db.transaction():
                pass
    async with db.read():
        with pytest.raises(NestedTransaction):
            async with db.transaction():
                pass


async def test_read_gives_one_snapshot_and_discards_writes(db: Database) -> None:
    async with db.read() as conn:
        async with conn.execute("SELECT COUNT(*) FROM meta") as cursor:
            row = await cursor.fetchone()
        assert row is not None and row[0] == 0
        await conn.execute("INSERT INTO meta (key, value) VALUES ('stray', 'z')")
    assert await db.fetchall("SELECT * FROM meta") == []


async def test_two_databases_do_not_share_a_turn(tmp_path: Path, clock: Clock) -> None:
    first = await Database.open(tmp_path / "one.sqlite3", clock=clock)
    second = await Database.open(tmp_path / "two.sqlite3", clock=clock)
    try:
        async with first.transaction(), second.transaction() as conn:
            await conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
        assert len(await second.fetchall("SELECT * FROM meta")) == 1
        assert await first.fetchall("SELECT * FROM meta") == []
    finally:
        await first.close()
        await second.close()


async def test_close_waits_for_a_transaction_in_flight(db_path: Path, clock: Clock) -> None:
    db = await Database.open(db_path, clock=clock)
    inside = asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as conn:
            inside.set()
            await asyncio.sleep(0.05)
            await conn.execute("INSERT INTO meta (key, value) VALUES ('late', 'ok')")

    task = asyncio.create_task(writer())
    await inside.wait()
    await db.close()
    await task
    again = await Database.open(db_path, clock=clock)
    try:
        assert len(await again.fetchall("SELECT * FROM meta WHERE key = 'late'")) == 1
    finally:
        await again.close()


async def test_a_new_database_and_its_wal_are_readable_by_this_user_only(tmp_path: Path) -> None:
    import stat

    from storage.db import Database

    path = tmp_path / "fresh" / "jembatan.sqlite3"
    db = await Database.open(path)
    try:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        for file in (path, path.with_name(path.name + "-wal")):
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name
    finally:
        await db.close()
