"""Erasure: one referral's personal fields, or everything of one person, gone from the disk too.

The helpers at the top (`staff`, `her_data`) write a person's data through the real repositories
(and, for the follow-up, outbox and chat tables, plain SQL in their schema); the retention,
rotation and backup tests use them as well.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from storage.casework import CaseworkRepo
from storage.caseworkers import CaseworkerRepo
from storage.consents import ConsentRepo
from storage.crypto import FieldCipher
from storage.db import Database
from storage.erasure import HANDLED, Erased, checkpoint, erase_referral_personal, erase_user
from storage.fields import ENCRYPTED_FIELDS
from storage.referrals import NewReferral, ReferralRepo
from storage.sessions import SessionRepo
from storage.users import UserRepo
from tests.storage.conftest import file_bytes

STORAGE = Path(__file__).resolve().parents[2] / "storage"


@dataclass(frozen=True)
class Person:
    """What her_data wrote for one person."""

    user_id: int
    telegram_id: int
    referral_id: int
    consent_id: int
    code: str
    nickname: str
    phone: str


async def staff(db: Database, cipher: FieldCipher) -> int:
    """A caseworker for Kota Kupang; returns her id."""
    caseworker_id, _ = await CaseworkerRepo(db, cipher).invite(
        "Rina", "caseworker", ["53.71"], ["*"], timedelta(days=7)
    )
    return caseworker_id


async def her_data(
    db: Database,
    cipher: FieldCipher,
    caseworker_id: int,
    *,
    telegram_id: int,
    code: str,
    nickname: str,
    phone: str,
    phone_alone: str = "yes",
) -> Person:
    """Writes everything a person can leave behind: session, consent, referral, case work."""
    user_id = (await UserRepo(db).get_or_create(telegram_id)).id
    async with db.transaction() as conn:
        await UserRepo(db).save_profile(conn, user_id, "id", "53.71")
        await SessionRepo(db, cipher).save(
            conn, user_id, {"flow": "intake", "answers": {"nickname": nickname}}
        )
        consent_id = await ConsentRepo(db).record(conn, user_id, "referral", "v1", "id")
        referral_id = await ReferralRepo(db, cipher).create(
            conn,
            NewReferral(
                code=code,
                user_id=user_id,
                service="health",
                item="klinik-mawar",
                region_code="53.71",
                region_system="kemendagri",
                office_key="kupang",
                answers={
                    "nickname": nickname,
                    "phone": phone,
                    "contact": "phone",
                    "window": "sore",
                    "phone_alone": phone_alone,
                },
                consent_id=consent_id,
            ),
            f"user:{user_id}",
        )
        casework = CaseworkRepo(db, cipher)
        await casework.add_note(conn, referral_id, caseworker_id, f"Telepon {phone} sore hari")
        await casework.add_relay(conn, referral_id, "to_her", f"Halo {nickname}")
        await casework.add_relay(conn, referral_id, "from_her", f"Ini {nickname}, nomor {phone}")
        now = db.now()
        for state, chat_id, to_her in (
            ("pending", telegram_id, True),
            ("sent", 900001, False),
        ):
            payload = cipher.encrypt(
                json.dumps({"text": f"Pesan untuk {nickname}", "markup": None, "protect": True}),
                context="outbox.payload",
            )
            await conn.execute(
                "INSERT INTO outbox (kind, chat_id, user_id, caseworker_id, referral_id, payload, "
                "state, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    "test",
                    chat_id,
                    user_id if to_her else None,
                    None if to_her else caseworker_id,
                    referral_id,
                    payload,
                    state,
                    now,
                    now,
                ),
            )
        for kind, state in (("contact_check", "pending"), ("closure_checkin", "answered")):
            await conn.execute(
                "INSERT INTO followups (kind, referral_id, user_id, due_at, valid_until, state, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, referral_id, user_id, now, now, state, now, now),
            )
        for message_id in (11, 12):
            await conn.execute(
                "INSERT INTO chat_messages (chat_id, message_id, sent_at) VALUES (?, ?, ?)",
                (telegram_id, message_id, now),
            )
    return Person(user_id, telegram_id, referral_id, consent_id, code, nickname, phone)


async def tokens_of(db: Database, person: Person) -> list[str]:
    """Every encrypted value that belongs to her (session, referral, notes, relay, outbox)."""
    rows = await db.fetchall(
        "SELECT data FROM flow_sessions WHERE user_id = ?1 "
        "UNION ALL SELECT personal FROM referrals WHERE id = ?2 "
        "UNION ALL SELECT body FROM notes WHERE referral_id = ?2 "
        "UNION ALL SELECT body FROM relay_messages WHERE referral_id = ?2 "
        "UNION ALL SELECT payload FROM outbox WHERE referral_id = ?2",
        (person.user_id, person.referral_id),
    )
    return [str(row[0]) for row in rows if row[0]]


def traces(data: bytes, person: Person, tokens: list[str]) -> list[str]:
    """Which of her values (plain, encrypted, her Telegram id as SQLite stores it) are in data."""
    found = [t for t in (person.nickname, person.phone) if t.encode() in data]
    found += [f"token {t[:20]}..." for t in tokens if t[:60].encode() in data]
    if person.telegram_id.to_bytes(6, "big") in data:
        found.append("telegram id")
    return found


async def values(db: Database, sql: str, *params: object) -> list[tuple[object, ...]]:
    return [tuple(row) for row in await db.fetchall(sql, params)]


@pytest.fixture
async def two(db: Database, cipher: FieldCipher) -> tuple[Person, Person]:
    caseworker_id = await staff(db, cipher)
    her = await her_data(
        db,
        cipher,
        caseworker_id,
        telegram_id=7_412_589_630,
        code="K7M4QX",
        nickname="Melati-ERASE-5521",
        phone="+62 812-5521-0099",
    )
    other = await her_data(
        db,
        cipher,
        caseworker_id,
        telegram_id=7_400_000_111,
        code="A3C4EF",
        nickname="Kenanga-KEEP-1200",
        phone="+62 813-1200-7788",
    )
    return her, other


async def test_erasing_a_referral_keeps_statistics_and_drops_everything_personal(
    db: Database, cipher: FieldCipher, two: tuple[Person, Person]
) -> None:
    her, other = two
    referrals = ReferralRepo(db, cipher)
    async with db.transaction() as conn:
        await referrals.close(conn, her.referral_id, "received_help", "caseworker:1")
        erased = await erase_referral_personal(conn, her.referral_id)

    assert (erased.referrals, erased.notes, erased.relay_messages, erased.outbox) == (1, 1, 2, 2)
    kept = await referrals.by_code(her.code)
    assert kept is not None
    assert (kept.user_id, kept.service, kept.region_code, kept.status, kept.outcome) == (
        her.user_id,
        "health",
        "53.71",
        "closed",
        "received_help",
    )
    assert (kept.contact, kept.urgency, kept.time_window) == ("phone", "normal", None)
    assert [status for _, _, status in await referrals.history(her.referral_id)] == [
        "new",
        "closed",
    ]
    assert await referrals.personal(her.referral_id) == {}
    assert await CaseworkRepo(db, cipher).notes(her.referral_id) == []
    assert await CaseworkRepo(db, cipher).relay_thread(her.referral_id) == []
    assert await values(
        db, "SELECT state, payload FROM outbox WHERE referral_id = ? ORDER BY id", her.referral_id
    ) == [("cancelled", ""), ("sent", "")]
    # Her account and the other person's referral are untouched.
    assert await UserRepo(db).get(her.telegram_id) is not None
    assert await SessionRepo(db, cipher).load(her.user_id) is not None
    assert (await referrals.personal(other.referral_id))["nickname"] == other.nickname
    assert len(await CaseworkRepo(db, cipher).relay_thread(other.referral_id)) == 2

    async with db.transaction() as conn:
        assert await erase_referral_personal(conn, her.referral_id) == Erased()


async def test_erasing_a_person_leaves_nothing_that_leads_to_her(
    db: Database, cipher: FieldCipher, two: tuple[Person, Person]
) -> None:
    her, other = two
    async with db.transaction() as conn:
        erased = await erase_user(conn, her.user_id, cipher)

    assert (erased.users, erased.sessions, erased.consents, erased.chat_messages) == (1, 1, 1, 2)
    assert (erased.referrals, erased.notes, erased.relay_messages, erased.followups) == (1, 1, 2, 1)
    assert await UserRepo(db).get(her.telegram_id) is None
    assert await UserRepo(db).by_id(her.user_id) is None
    assert await values(db, "SELECT * FROM flow_sessions WHERE user_id = ?", her.user_id) == []
    assert await values(db, "SELECT * FROM chat_messages WHERE chat_id = ?", her.telegram_id) == []
    # Her consent stays as anonymous proof: purpose, text version, language, time.
    assert await values(
        db, "SELECT user_id, purpose, text_version FROM consents WHERE id = ?", her.consent_id
    ) == [(None, "referral", "v1")]
    referral = await ReferralRepo(db, cipher).by_code(her.code)
    assert referral is not None and referral.user_id is None and referral.service == "health"
    assert await ReferralRepo(db, cipher).personal(her.referral_id) == {}
    assert await values(
        db,
        "SELECT kind, state, user_id FROM followups WHERE referral_id = ? ORDER BY id",
        her.referral_id,
    ) == [("contact_check", "cancelled", None), ("closure_checkin", "answered", None)]
    # The message to her chat is gone; the caseworker's notification stays, blanked.
    assert await values(
        db, "SELECT chat_id, state, payload FROM outbox WHERE referral_id = ?", her.referral_id
    ) == [(900001, "sent", "")]

    # The other person keeps everything.
    assert await UserRepo(db).get(other.telegram_id) is not None
    assert await SessionRepo(db, cipher).load(other.user_id) is not None
    assert (await ReferralRepo(db, cipher).personal(other.referral_id))["phone"] == other.phone
    assert (
        len(await values(db, "SELECT * FROM chat_messages WHERE chat_id = ?", other.telegram_id))
        == 2
    )
    assert await values(db, "SELECT state FROM outbox WHERE user_id = ?", other.user_id) == [
        ("pending",)
    ]

    async with db.transaction() as conn:
        assert await erase_user(conn, her.user_id, cipher) == Erased()


async def test_after_erasure_and_a_checkpoint_her_bytes_are_gone_from_the_files(
    db: Database, db_path: Path, cipher: FieldCipher, two: tuple[Person, Person]
) -> None:
    her, other = two
    her_tokens = await tokens_of(db, her)
    other_tokens = await tokens_of(db, other)
    assert len(her_tokens) == 7  # session, referral, note, two relayed, two outbox payloads
    await checkpoint(db)
    assert len(traces(file_bytes(db_path), her, her_tokens)) == len(her_tokens) + 1  # + her id

    async with db.transaction() as conn:
        await erase_user(conn, her.user_id, cipher)
    await checkpoint(db)

    on_disk = file_bytes(db_path)
    assert traces(on_disk, her, her_tokens) == []
    assert len(traces(on_disk, other, other_tokens)) == len(other_tokens) + 1


async def test_without_secure_delete_the_erased_bytes_would_stay(
    db: Database, db_path: Path, cipher: FieldCipher, two: tuple[Person, Person]
) -> None:
    """The control for the test above: the PRAGMA is what zeroes the freed space."""
    her, _ = two
    her_tokens = await tokens_of(db, her)
    await db.conn.execute("PRAGMA secure_delete=OFF")
    async with db.transaction() as conn:
        await erase_user(conn, her.user_id, cipher)
    await checkpoint(db)
    assert traces(file_bytes(db_path), her, her_tokens) != []


async def test_secure_delete_is_on_for_every_connection(db: Database) -> None:
    row = await db.fetchone("PRAGMA secure_delete")
    assert row is not None and row[0] == 1


def test_every_encrypted_column_is_listed_in_one_place() -> None:
    """A repository that binds a new context must add its column to storage/fields.py."""
    used: set[str] = set()
    for source in STORAGE.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        used.update(re.findall(r'^\w*CONTEXT\s*=\s*"([a-z_]+\.[a-z_]+)"', text, re.MULTILINE))
    listed = {f.context for f in ENCRYPTED_FIELDS}
    assert used == listed
    # Each column binds its own name, but meta's rows (each its own) and the quarantine (inbox
    # rows set aside as they were, so with the inbox's context).
    own = [f for f in ENCRYPTED_FIELDS if f.table not in ("meta", "inbox_quarantine")]
    assert all(f.context == f.name for f in own)
    assert all(f.context.startswith("meta.") for f in ENCRYPTED_FIELDS if f.table == "meta")
    assert {f.context for f in ENCRYPTED_FIELDS if f.table == "inbox_quarantine"} == {
        "inbox.payload"
    }


def test_erasure_says_what_it_does_with_every_encrypted_column() -> None:
    assert set(HANDLED) == {f.name for f in ENCRYPTED_FIELDS}


async def test_every_listed_column_exists_in_the_schema(db: Database) -> None:
    for f in ENCRYPTED_FIELDS:
        columns = {row[1] for row in await db.fetchall(f"PRAGMA table_info({f.table})")}
        assert {f.column, f.key} <= columns, f
        await db.fetchall(f"SELECT {f.key}, {f.column} FROM {f.table} WHERE {f.rows()}")
