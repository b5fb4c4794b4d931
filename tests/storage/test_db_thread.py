"""The database thread: a job is one hop and one commit, jobs and main-loop turns never
interleave, and look-ups outside a turn go to a read-only connection that sees every commit."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from storage.caseworkers import CaseworkerRepo
from storage.connection import Connection
from storage.crypto import FieldCipher
from storage.db import Database, NestedTransaction
from tests.storage.conftest import Clock


async def value(db: Database, key: str) -> str | None:
    row = await db.fetchone("SELECT value FROM meta WHERE key = ?", (key,))
    return None if row is None else str(row[0])


async def test_a_job_runs_in_one_piece_with_no_hop_when_free_and_commits_as_a_whole(
    db: Database,
) -> None:
    async def job(db: Database) -> str | None:
        assert db.in_job()
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            seen = await value(db, "a")  # a repository read inside the job sees its own write
            async with conn.execute("INSERT INTO meta (key, value) VALUES ('b', '2')") as cursor:
                assert cursor.rowcount == 1
        return seen

    before, jobs = db.hops, db.jobs
    assert await db.run(job, db) == "1"
    assert db.jobs == jobs + 1
    assert db.hops == before, "nobody held the gate: it ran where it was asked, no hop"
    assert not db.in_job()
    assert (await value(db, "a"), await value(db, "b")) == ("1", "2")


async def test_a_failing_job_leaves_nothing_behind(db: Database) -> None:
    async def job(db: Database) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            await conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)", [("b", "2"), ("c", "3")]
            )
            raise RuntimeError("the job breaks")

    with pytest.raises(RuntimeError, match="the job breaks"):
        await db.run(job, db)
    assert await db.fetchall("SELECT key FROM meta WHERE key IN ('a', 'b', 'c')") == []


async def test_jobs_and_main_loop_transactions_never_interleave(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO meta (key, value) VALUES ('n', '0')")

    async def bump(conn_value: str | None) -> str:
        return str(int(conn_value or "0") + 1)

    async def job(db: Database) -> None:
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'n'", (await bump(await value(db, "n")),)
            )

    async def main_side() -> None:
        async with db.transaction() as conn:
            current = await value(db, "n")  # inside the turn: the writer, one hop
            await asyncio.sleep(0)  # let every other task try to get in between
            await conn.execute("UPDATE meta SET value = ? WHERE key = 'n'", (await bump(current),))

    tasks = [db.run(job, db) if i % 2 else main_side() for i in range(60)]
    await asyncio.gather(*tasks)
    assert await value(db, "n") == "60"


async def test_a_transaction_inside_a_job_transaction_is_refused(db: Database) -> None:
    async def nested(db: Database) -> None:
        async with db.transaction(), db.transaction():
            pass

    async def inside_read(db: Database) -> None:
        async with db.read(), db.transaction():
            pass

    with pytest.raises(NestedTransaction):
        await db.run(nested, db)
    with pytest.raises(NestedTransaction):
        await db.run(inside_read, db)
    with pytest.raises(NestedTransaction):
        async with db.transaction():
            await db.run(nested, db)  # a job started inside a turn shares its transaction
    async with db.transaction() as conn:  # the connection is usable again
        await conn.execute("INSERT INTO meta (key, value) VALUES ('after', '1')")
    assert await value(db, "after") == "1"


async def test_the_writer_has_the_pragmas(db: Database) -> None:
    names = ("journal_mode", "foreign_keys", "synchronous", "secure_delete", "wal_autocheckpoint")

    async def pragmas(db: Database) -> tuple[object, ...]:
        rows = [await db.fetchone(f"PRAGMA {name}") for name in names]
        return tuple(row[0] if row is not None else None for row in rows)

    async def busy_timeout(db: Database) -> object:
        async with db.conn.execute("PRAGMA busy_timeout") as cursor:
            row = await cursor.fetchone()
        return None if row is None else row[0]

    assert await db.run(pragmas, db) == ("wal", 1, 1, 1, 0), "the writer never checkpoints"
    assert await db.run_there(busy_timeout, db) == 5000, "on its thread it waits for a writer"
    assert await db.run(busy_timeout, db) == 0, "run where it was asked, it never waits"


async def test_look_ups_see_every_commit_and_cannot_write(db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
    assert await value(db, "a") == "1", "a commit of the main loop"

    async def job(db: Database) -> None:
        async with db.transaction() as conn:
            await conn.execute("UPDATE meta SET value = '2' WHERE key = 'a'")

    await db.run(job, db)
    assert await value(db, "a") == "2", "a commit of a job"
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await db.fetchone("INSERT INTO meta (key, value) VALUES ('x', 'y') RETURNING key")
    assert await value(db, "x") is None


async def test_a_look_up_does_not_wait_for_an_open_transaction(db: Database) -> None:
    opened, release = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO meta (key, value) VALUES ('late', '1')")
            opened.set()
            await release.wait()

    holding = asyncio.create_task(writer())
    await opened.wait()
    # The writer is held open; a look-up that waited for it would never return.
    assert await asyncio.wait_for(value(db, "late"), 60) is None, "uncommitted: not seen"
    release.set()
    await holding
    assert await value(db, "late") == "1"


async def test_staff_covers_follow_changes_made_by_another_process(
    db: Database, db_path: Path, clock: Clock
) -> None:
    cipher = FieldCipher.from_key(b"k" * 32)
    repo = CaseworkerRepo(db, cipher)
    assert await repo.covers() == ()
    other = await Database.open(db_path, clock=clock)  # e.g. the command line
    try:
        theirs = CaseworkerRepo(other, cipher)
        caseworker_id, token = await theirs.invite(
            "Rina", "caseworker", ["53.71"], ["*"], timedelta(days=1)
        )
        async with other.transaction() as conn:
            await theirs.redeem(conn, token, 9001)
        [cover] = await repo.covers()
        assert cover.regions == ("53.71",)
        async with other.transaction() as conn:
            await theirs.deactivate(conn, caseworker_id)
    finally:
        await other.close()
    assert await repo.covers() == ()


async def test_a_rolled_back_staff_change_is_not_kept(db: Database) -> None:
    repo = CaseworkerRepo(db, FieldCipher.from_key(b"k" * 32))
    _, token = await repo.invite("Rina", "caseworker", ["53.71"], ["*"], timedelta(days=1))
    assert await repo.covers() == ()
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await repo.redeem(conn, token, 9001)
            assert len(await repo.covers()) == 1  # its own uncommitted change
            raise RuntimeError("rolled back")
    # Another change now takes the version the rolled-back one had: still nobody reachable.
    await repo.invite("Sari", "caseworker", ["53.71"], ["*"], timedelta(days=1))
    assert await repo.covers() == ()


async def test_a_turn_cancelled_while_a_job_holds_the_gate_leaves_the_database_usable(
    db: Database,
) -> None:
    started = asyncio.Event()  # set from the database thread, through the main loop
    release: asyncio.Event | None = None
    main = asyncio.get_running_loop()

    async def slow_job() -> None:
        nonlocal release
        release = asyncio.Event()  # an event of the database loop: this job waits on it
        main.call_soon_threadsafe(started.set)
        await release.wait()

    job = asyncio.create_task(db.run_there(slow_job))
    await started.wait()

    async def turn() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO meta (key, value) VALUES ('never', '1')")

    before = db.hops
    waiting = asyncio.create_task(turn())
    for _ in range(10_000):  # until the turn has asked for the gate (its hop counted first)
        if db.hops != before:
            break
        await asyncio.sleep(0)
    assert db.hops != before
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert release is not None
    db._worker.loop.call_soon_threadsafe(release.set)
    await job
    async with db.transaction() as conn:  # the gate was let go: this does not hang
        await conn.execute("INSERT INTO meta (key, value) VALUES ('after', '1')")
    assert await value(db, "after") == "1"
    assert await value(db, "never") is None


async def test_a_job_asked_while_the_gate_is_held_waits_for_it_on_the_database_thread(
    db: Database,
) -> None:
    started = asyncio.Event()
    release: asyncio.Event | None = None
    main = asyncio.get_running_loop()
    order: list[str] = []

    async def slow_job() -> None:
        nonlocal release
        release = asyncio.Event()  # an event of the database loop: this job waits on it
        main.call_soon_threadsafe(started.set)
        await release.wait()
        order.append("slow")

    async def quick(db: Database) -> None:
        assert db.in_job()
        order.append("quick")

    slow = asyncio.create_task(db.run_there(slow_job))
    await started.wait()
    before = db.hops
    quick_task = asyncio.create_task(db.run(quick, db))
    for _ in range(10_000):  # until the quick job was handed over (its hop counted)
        if db.hops != before:
            break
        await asyncio.sleep(0)
    assert db.hops == before + 1, "the gate was held: the job went to the database thread"
    assert order == [], "it did not run beside the job holding the gate"
    assert release is not None
    db._worker.loop.call_soon_threadsafe(release.set)
    await asyncio.gather(slow, quick_task)
    assert order == ["slow", "quick"]


async def test_another_process_holding_the_write_lock_never_blocks_the_event_loop(
    db: Database,
) -> None:
    other = sqlite3.connect(db.path, isolation_level=None, timeout=0)  # the admin CLI, say
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO meta (key, value) VALUES ('cli', '1')")

    async def job(conn: Connection) -> None:
        await conn.execute("INSERT INTO meta (key, value) VALUES ('bot', '1')")

    before = db.hops
    writing = asyncio.create_task(db.write(job))
    loop_turns = 0
    for _ in range(10_000):  # the loop goes on while the job waits, on the database thread
        if db.hops != before:
            break
        loop_turns += 1
        await asyncio.sleep(0)
    assert db.hops == before + 1, "its BEGIN was handed to the database thread to wait there"
    assert loop_turns >= 1
    assert not writing.done(), "it waits for the other writer"
    other.execute("COMMIT")
    other.close()
    await writing
    assert (await value(db, "cli"), await value(db, "bot")) == ("1", "1")


async def test_the_checkpointer_copies_the_wal_into_the_database_file(db: Database) -> None:
    async def fill(conn: Connection) -> None:
        await conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [(f"k{i}", "x" * 500) for i in range(400)],
        )

    await db.write(fill)
    checkpointer = db.checkpointer
    assert checkpointer is not None
    runs = checkpointer.runs
    for _ in range(600):  # it runs every CHECKPOINT_SECONDS; wait for two more runs at most
        if checkpointer.runs >= runs + 2:
            break
        await asyncio.sleep(0.05)
    assert checkpointer.last is not None
    busy, frames, copied = checkpointer.last
    assert busy == 0 and frames > 0 and copied == frames, "every frame of the WAL was copied"
