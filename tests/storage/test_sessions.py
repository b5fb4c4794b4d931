"""Flow sessions: saved encrypted as a whole, versioned, and never readable in the raw file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from storage.crypto import DecryptionFailed, FieldCipher
from storage.db import Database
from storage.sessions import SessionRepo
from storage.users import UserRepo
from tests.storage.conftest import Clock, file_bytes, wal_bytes

MARKER = "Sari-MARKER-7731"
SESSION: dict[str, Any] = {
    "screen_marker_key": "intake.nickname",
    "answers_marker_key": {"nickname_marker_key": MARKER, "window_marker_key": "sore"},
    "stack_marker_key": [1, 2, 3],
}
SECRETS = (MARKER, "screen_marker_key", "answers_marker_key", "nickname_marker_key")


async def new_user(db: Database, telegram_id: int = 42) -> int:
    return (await UserRepo(db).get_or_create(telegram_id)).id


async def test_a_saved_session_loads_back_equal(db: Database, cipher: FieldCipher) -> None:
    sessions = SessionRepo(db, cipher)
    user_id = await new_user(db)
    data = {**SESSION, "greeting": "Halo, apa kabar? ✓"}
    async with db.transaction() as conn:
        await sessions.save(conn, user_id, data)
    assert await sessions.load(user_id) == data


async def test_someone_without_a_session_has_none_and_version_zero(
    db: Database, cipher: FieldCipher
) -> None:
    sessions = SessionRepo(db, cipher)
    user_id = await new_user(db)
    assert await sessions.load(user_id) is None
    assert await sessions.version(user_id) == 0


async def test_each_save_increments_the_version_and_keeps_the_latest(
    db: Database, cipher: FieldCipher
) -> None:
    sessions = SessionRepo(db, cipher)
    user_id = await new_user(db)
    for n in range(1, 4):
        async with db.transaction() as conn:
            await sessions.save(conn, user_id, {"step": n})
        assert await sessions.version(user_id) == n
        assert await sessions.load(user_id) == {"step": n}


async def test_a_save_in_a_failed_transaction_changes_nothing(
    db: Database, cipher: FieldCipher
) -> None:
    sessions = SessionRepo(db, cipher)
    user_id = await new_user(db)
    async with db.transaction() as conn:
        await sessions.save(conn, user_id, {"step": 1})
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await sessions.save(conn, user_id, {"step": 2})
            raise RuntimeError("sending failed")
    assert await sessions.load(user_id) == {"step": 1}
    assert await sessions.version(user_id) == 1


async def test_delete_forgets_the_session_once(db: Database, cipher: FieldCipher) -> None:
    sessions = SessionRepo(db, cipher)
    user_id = await new_user(db)
    async with db.transaction() as conn:
        await sessions.save(conn, user_id, SESSION)
    async with db.transaction() as conn:
        assert await sessions.delete(conn, user_id) is True
    async with db.transaction() as conn:
        assert await sessions.delete(conn, user_id) is False
    assert await sessions.load(user_id) is None


async def test_the_stored_column_is_a_token_for_the_current_key(
    db: Database, cipher: FieldCipher
) -> None:
    user_id = await new_user(db)
    async with db.transaction() as conn:
        await SessionRepo(db, cipher).save(conn, user_id, SESSION)
    row = await db.fetchone("SELECT data FROM flow_sessions WHERE user_id = ?", (user_id,))
    assert row is not None
    assert row[0].startswith(f"v1:{cipher.current_key_id}:")
    for secret in SECRETS:
        assert secret not in row[0]


async def test_another_key_cannot_read_the_session(db: Database, cipher: FieldCipher) -> None:
    user_id = await new_user(db)
    async with db.transaction() as conn:
        await SessionRepo(db, cipher).save(conn, user_id, SESSION)
    with pytest.raises(DecryptionFailed):
        await SessionRepo(db, FieldCipher.from_key(os.urandom(32))).load(user_id)


async def test_the_byte_scan_would_see_a_plaintext_value(db_path: Path, clock: Clock) -> None:
    # Control for the next test: the same scan does find a value stored in clear.
    db = await Database.open(db_path, clock=clock)
    try:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO meta (key, value) VALUES ('plain', ?)", (MARKER,))
        assert MARKER.encode() in wal_bytes(db_path)
    finally:
        await db.close()
    assert MARKER.encode() in file_bytes(db_path)


async def test_the_raw_file_and_wal_hold_only_ciphertext(
    db_path: Path, clock: Clock, cipher: FieldCipher
) -> None:
    db = await Database.open(db_path, clock=clock)
    try:
        sessions = SessionRepo(db, cipher)
        user_id = await new_user(db)
        for _ in range(3):  # several versions: none of them leaves plaintext behind
            async with db.transaction() as conn:
                await sessions.save(conn, user_id, SESSION)
        assert await sessions.load(user_id) == SESSION
        raw = file_bytes(db_path)
        assert wal_bytes(db_path), "the writes are in the WAL while the database is open"
    finally:
        await db.close()
    raw_after_checkpoint = file_bytes(db_path)
    for secret in SECRETS:
        assert secret.encode() not in raw
        assert secret.encode() not in raw_after_checkpoint
