"""Migrations: numbered steps, each in its own transaction, idempotent, refusing newer schemas."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.connection import Connection
from storage.db import Database
from storage.migrations import MIGRATIONS, Migration, SchemaTooNew, current_version
from tests.storage.conftest import Clock, file_bytes

LATEST = len(MIGRATIONS)


async def tables(db: Database) -> set[str]:
    rows = await db.fetchall("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
    return {r[0] for r in rows}


async def version_rows(db: Database) -> list[tuple[int, str]]:
    rows = await db.fetchall("SELECT version, applied_at FROM schema_version ORDER BY version")
    return [(r[0], r[1]) for r in rows]


async def test_a_new_database_gets_every_step_once(db: Database) -> None:
    assert await current_version(db) == LATEST
    assert [v for v, _ in await version_rows(db)] == list(range(1, LATEST + 1))
    assert {
        "meta",
        "users",
        "flow_sessions",
        "consents",
        "audit_log",
        "audit_log_no_update",
        "audit_log_no_delete",
    } <= await tables(db)


async def test_migration_one_columns(db: Database) -> None:
    async def columns(table: str) -> list[str]:
        return [r["name"] for r in await db.fetchall(f"PRAGMA table_info({table})")]

    assert (await columns("users"))[:6] == [
        "id",
        "telegram_id",
        "locale",
        "region_code",
        "created_at",
        "last_seen_at",
    ]
    assert await columns("flow_sessions") == ["user_id", "data", "version", "updated_at"]
    assert await columns("audit_log") == ["id", "at", "actor", "action", "subject", "detail"]
    assert (await columns("consents"))[:7] == [
        "id",
        "user_id",
        "purpose",
        "text_version",
        "locale",
        "given_at",
        "withdrawn_at",
    ]


async def test_opening_again_changes_nothing(db_path: Path, clock: Clock) -> None:
    first = await Database.open(db_path, clock=clock)
    before = await version_rows(first)
    await first.close()
    clock.now = clock.now.replace(year=2026)
    again = await Database.open(db_path, clock=clock)
    try:
        assert await version_rows(again) == before
    finally:
        await again.close()


async def broken_step(conn: Connection) -> None:
    await conn.execute("CREATE TABLE half_done (x INTEGER)")
    raise RuntimeError("step failed")


@pytest.mark.parametrize(
    "step",
    [
        Migration(LATEST + 1, "bad SQL", ("CREATE TABLE half_done (x INTEGER)", "NOT SQL AT ALL")),
        Migration(LATEST + 1, "failing function", ("CREATE TABLE also (y)",), broken_step),
    ],
    ids=["sql", "function"],
)
async def test_a_failing_step_leaves_schema_and_version_unchanged(
    db_path: Path, clock: Clock, step: Migration
) -> None:
    db = await Database.open(db_path, clock=clock)
    schema_before = await tables(db)
    await db.close()

    with pytest.raises((sqlite3.OperationalError, RuntimeError)):
        await Database.open(db_path, clock=clock, migrations=(*MIGRATIONS, step))

    db = await Database.open(db_path, clock=clock)
    try:
        assert await current_version(db) == LATEST
        assert await tables(db) == schema_before
    finally:
        await db.close()


async def test_a_good_extra_step_runs_sql_and_function_together(
    db_path: Path, clock: Clock
) -> None:
    async def fill(conn: Connection) -> None:
        await conn.execute("INSERT INTO extra (x) VALUES (7)")

    step = Migration(LATEST + 1, "extra", ("CREATE TABLE extra (x INTEGER)",), fill)
    db = await Database.open(db_path, clock=clock, migrations=(*MIGRATIONS, step))
    try:
        assert await current_version(db) == LATEST + 1
        row = await db.fetchone("SELECT x FROM extra")
        assert row is not None and row[0] == 7
    finally:
        await db.close()


async def test_a_database_newer_than_the_code_is_refused_untouched(
    db_path: Path, clock: Clock
) -> None:
    db = await Database.open(db_path, clock=clock)
    await db.close()
    with pytest.raises(SchemaTooNew, match=rf"version {LATEST}, newer than this code \(1\)"):
        await Database.open(db_path, clock=clock, migrations=MIGRATIONS[:1])
    db = await Database.open(db_path, clock=clock)
    try:
        assert await current_version(db) == LATEST
    finally:
        await db.close()


@pytest.mark.parametrize("numbers", [(2,), (1, 3), (2, 1), (1, 1)])
async def test_steps_must_be_numbered_in_order_without_gaps(
    db_path: Path, clock: Clock, numbers: tuple[int, ...]
) -> None:
    steps = tuple(Migration(n, f"step {n}") for n in numbers)
    with pytest.raises(ValueError, match="numbered 1, 2, 3"):
        await Database.open(db_path, clock=clock, migrations=steps)


async def test_a_broken_sql_step_records_no_version_row_and_no_half_table(
    db_path: Path, clock: Clock
) -> None:
    db = await Database.open(db_path, clock=clock)
    rows_before = await version_rows(db)
    await db.close()

    step = Migration(
        LATEST + 1,
        "deliberately broken",
        ("CREATE TABLE first_half (x INTEGER)", "THIS IS NOT SQL"),
    )
    with pytest.raises(sqlite3.OperationalError, match="syntax error"):
        await Database.open(db_path, clock=clock, migrations=(*MIGRATIONS, step))

    db = await Database.open(db_path, clock=clock)
    try:
        assert await version_rows(db) == rows_before
        assert "first_half" not in await tables(db)
    finally:
        await db.close()


async def test_a_database_written_by_newer_code_is_left_byte_for_byte_unchanged(
    db_path: Path, clock: Clock
) -> None:
    db = await Database.open(db_path, clock=clock)
    await db.close()
    newer = sqlite3.connect(db_path)  # a later Jembatan has upgraded the file
    try:
        with newer:
            newer.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, 'later')",
                (LATEST + 5,),
            )
    finally:
        newer.close()
    before = file_bytes(db_path)
    files_before = sorted(p.name for p in db_path.parent.iterdir())

    with pytest.raises(SchemaTooNew, match="nothing was changed"):
        await Database.open(db_path, clock=clock)

    assert file_bytes(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == files_before
