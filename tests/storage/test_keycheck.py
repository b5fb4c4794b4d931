"""The key check: a new database remembers its key; a wrong key is refused, touching nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storage.crypto import FieldCipher, KeyProblem, encode_key, key_id
from storage.db import Database
from storage.keycheck import verify_key
from tests.storage.conftest import Clock, file_bytes, wal_bytes


async def test_a_new_database_stores_an_encrypted_canary_and_the_key_id(
    db: Database, cipher: FieldCipher
) -> None:
    await verify_key(db, cipher)
    rows = {r[0]: r[1] for r in await db.fetchall("SELECT key, value FROM meta")}
    assert rows["key_id"] == cipher.current_key_id
    assert rows["key_check"].startswith(f"v1:{cipher.current_key_id}:")
    assert "jembatan-key-check" not in rows["key_check"]


async def test_the_right_key_passes_again(db_path: Path, clock: Clock, key: bytes) -> None:
    for _ in range(2):
        db = await Database.open(db_path, clock=clock)
        try:
            await verify_key(db, FieldCipher.from_key(key))
        finally:
            await db.close()


async def test_a_wrong_key_is_refused_and_the_file_is_unchanged(
    db_path: Path, clock: Clock, key: bytes
) -> None:
    db = await Database.open(db_path, clock=clock)
    await verify_key(db, FieldCipher.from_key(key))
    await db.close()
    before = db_path.read_bytes()

    wrong = os.urandom(32)
    db = await Database.open(db_path, clock=clock)
    try:
        with pytest.raises(KeyProblem) as caught:
            await verify_key(db, FieldCipher.from_key(wrong))
    finally:
        await db.close()

    assert db_path.read_bytes() == before
    message = str(caught.value)
    assert message == (
        f"The encryption key does not match this database (key id {key_id(wrong)}, "
        f"database expects {key_id(key)}). Restore the right key; nothing was changed."
    )
    assert encode_key(key) not in message and encode_key(wrong) not in message


async def test_a_wrong_key_writes_nothing_even_to_the_wal(
    db_path: Path, clock: Clock, key: bytes
) -> None:
    db = await Database.open(db_path, clock=clock)
    await verify_key(db, FieldCipher.from_key(key))
    await db.close()  # checkpoints the WAL into the file, so the comparison is fair
    before = file_bytes(db_path)

    db = await Database.open(db_path, clock=clock)
    try:
        with pytest.raises(KeyProblem):
            await verify_key(db, FieldCipher.from_key(os.urandom(32)))
        assert wal_bytes(db_path) == b""
    finally:
        await db.close()
    assert file_bytes(db_path) == before


async def test_passing_the_check_again_keeps_the_first_canary(
    db: Database, cipher: FieldCipher
) -> None:
    await verify_key(db, cipher)
    first = await db.fetchall("SELECT key, value FROM meta ORDER BY key")
    await verify_key(db, cipher)
    assert [tuple(r) for r in await db.fetchall("SELECT key, value FROM meta ORDER BY key")] == [
        tuple(r) for r in first
    ]


async def test_a_rotated_cipher_that_still_holds_the_old_key_passes(
    db: Database, key: bytes
) -> None:
    await verify_key(db, FieldCipher.from_key(key))
    new = os.urandom(32)
    await verify_key(db, FieldCipher({key_id(key): key, key_id(new): new}, key_id(new)))
