"""The audit log: appended in the caller's transaction, read newest first, never changed."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from storage.audit import AuditRepo
from storage.db import Database
from tests.storage.conftest import START, Clock


async def append_three(db: Database, clock: Clock) -> list[int]:
    audit = AuditRepo(db)
    ids = []
    for n, action in enumerate(("view", "claim", "export")):
        clock.now = START + timedelta(minutes=n)
        async with db.transaction() as conn:
            ids.append(await audit.append(conn, "caseworker:3", action, f"referral:K{n}", "d"))
    return ids


async def test_entries_come_back_newest_first_with_what_was_appended(
    db: Database, clock: Clock
) -> None:
    ids = await append_three(db, clock)
    entries = await AuditRepo(db).list()
    assert [e.id for e in entries] == ids[::-1]
    assert [e.action for e in entries] == ["export", "claim", "view"]
    newest = entries[0]
    assert newest.at == START + timedelta(minutes=2)
    assert (newest.actor, newest.subject, newest.detail) == ("caseworker:3", "referral:K2", "d")


async def test_subject_and_detail_are_optional(db: Database) -> None:
    async with db.transaction() as conn:
        await AuditRepo(db).append(conn, "system", "purge")
    [entry] = await AuditRepo(db).list()
    assert (entry.actor, entry.action, entry.subject, entry.detail) == (
        "system",
        "purge",
        None,
        None,
    )


async def test_limit_and_since_narrow_the_list(db: Database, clock: Clock) -> None:
    await append_three(db, clock)
    audit = AuditRepo(db)
    assert [e.action for e in await audit.list(limit=2)] == ["export", "claim"]
    since = START + timedelta(minutes=1)
    assert [e.action for e in await audit.list(since=since)] == ["export", "claim"]
    assert await audit.list(since=START + timedelta(hours=1)) == []


async def test_an_entry_in_a_failed_transaction_is_not_kept(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await AuditRepo(db).append(conn, "user:1", "erase")
            raise RuntimeError("erasing failed")
    assert await AuditRepo(db).list() == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'someone else'",
        "UPDATE audit_log SET detail = NULL WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ],
)
async def test_the_database_refuses_to_change_or_delete_entries(
    db: Database, clock: Clock, statement: str
) -> None:
    await append_three(db, clock)
    before = await AuditRepo(db).list()
    with pytest.raises(sqlite3.IntegrityError, match="audit_log is append-only"):
        async with db.transaction() as conn:
            await conn.execute(statement)
    assert await AuditRepo(db).list() == before
