"""Sealed messages: encrypted until she opens them, only hers, gone with her data or the message."""

from __future__ import annotations

from pathlib import Path

from storage.crypto import FieldCipher
from storage.db import Database
from storage.erasure import checkpoint, erase_referral_personal, erase_user
from storage.outbox import OutboxRepo, OutMessage
from storage.sealed import SealedRepo
from tests.storage.conftest import file_bytes
from tests.storage.test_erasure import Person, her_data, staff

CONTENT = "Halo, Kak 👋\nJadwal konseling SEALED-7731 hari Kamis"


async def person(db: Database, cipher: FieldCipher, telegram_id: int, code: str) -> Person:
    return await her_data(
        db,
        cipher,
        await staff(db, cipher),
        telegram_id=telegram_id,
        code=code,
        nickname=f"Melati-{code}",
        phone="+62 812-0000-1111",
    )


async def sealed_for(
    db: Database, cipher: FieldCipher, her: Person, *, sent: bool = True
) -> tuple[int, int]:
    """A message to her: its sealed content and the outbox row of its preview."""
    repo, outbox = SealedRepo(db, cipher), OutboxRepo(db, cipher)
    async with db.transaction() as conn:
        sealed_id = await repo.add(
            conn, her.user_id, her.referral_id, CONTENT, ((("↩ Balas", "r:reply:X"),),)
        )
        preview = OutMessage(
            "to_her",
            her.telegram_id,
            "Ada pesan baru untuk Kakak.",
            ((("Buka", f"o:{sealed_id}"),),),
            user_id=her.user_id,
            referral_id=her.referral_id,
        )
        row_id = await outbox.add(conn, preview)
        await repo.link(conn, sealed_id, row_id)
        if sent:
            await outbox.sent(conn, row_id, 99, her.telegram_id)
    return sealed_id, row_id


async def test_the_content_is_encrypted_and_only_she_can_open_it(
    db: Database, db_path: Path, cipher: FieldCipher
) -> None:
    her = await person(db, cipher, 7_100_000_001, "K1SEAL")
    other = await person(db, cipher, 7_100_000_002, "K2SEAL")
    sealed_id, _ = await sealed_for(db, cipher, her)
    await checkpoint(db)
    assert b"SEALED-7731" not in file_bytes(db_path)
    repo = SealedRepo(db, cipher)
    found = await repo.get(sealed_id, her.user_id)
    assert found is not None and found.text == CONTENT
    assert found.buttons == ((("↩ Balas", "r:reply:X"),),)
    assert await repo.get(sealed_id, other.user_id) is None, "not someone else's"


async def test_unsent_content_cannot_be_opened_and_goes_when_the_message_is_cancelled(
    db: Database, cipher: FieldCipher
) -> None:
    her = await person(db, cipher, 7_100_000_003, "K3SEAL")
    sealed_id, row_id = await sealed_for(db, cipher, her, sent=False)
    repo = SealedRepo(db, cipher)
    assert await repo.get(sealed_id, her.user_id) is None, "no preview reached her yet"
    async with db.transaction() as conn:
        await OutboxRepo(db, cipher).cancel_to_her(conn, her.referral_id)
    row = await db.fetchone("SELECT state FROM outbox WHERE id = ?", (row_id,))
    assert row is not None and row["state"] == "cancelled"
    assert await db.fetchall("SELECT id FROM sealed_messages") == []


async def test_erasure_deletes_sealed_content_with_her_referral_or_her_account(
    db: Database, db_path: Path, cipher: FieldCipher
) -> None:
    first = await person(db, cipher, 7_100_000_004, "K4SEAL")
    second = await person(db, cipher, 7_100_000_005, "K5SEAL")
    await sealed_for(db, cipher, first)
    await sealed_for(db, cipher, second)
    async with db.transaction() as conn:
        by_referral = await erase_referral_personal(conn, first.referral_id)
        by_account = await erase_user(conn, second.user_id, cipher)
    assert (by_referral.sealed, by_account.sealed) == (1, 1)
    assert await db.fetchall("SELECT id FROM sealed_messages") == []
    await checkpoint(db)
    assert b"SEALED-7731" not in file_bytes(db_path)
