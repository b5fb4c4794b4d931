"""Referrals: stored with a status history; personal answers only ever stored encrypted."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from storage.caseworkers import CaseworkerRepo
from storage.consents import ConsentRepo
from storage.crypto import FieldCipher
from storage.db import Database
from storage.referrals import DuplicateCode, NewReferral, ReferralRepo
from storage.sessions import SessionRepo
from storage.users import UserRepo
from tests.storage.conftest import START, Clock, file_bytes, wal_bytes

NICKNAME = "Sari-MARKER-7731"
PHONE = "+62 812-7731-0042"


async def her_and_consent(db: Database, telegram_id: int = 42) -> tuple[int, int]:
    user_id = (await UserRepo(db).get_or_create(telegram_id)).id
    async with db.transaction() as conn:
        consent_id = await ConsentRepo(db).record(conn, user_id, "referral", "v1", "id")
    return user_id, consent_id


def new_referral(
    user_id: int, consent_id: int, code: str = "K7M4QX", **answers: str
) -> NewReferral:
    return NewReferral(
        code=code,
        user_id=user_id,
        service="training",
        item="menjahit",
        region_code="53.71",
        region_system="kemendagri",
        office_key="kupang",
        answers=answers,
        consent_id=consent_id,
    )


async def create(db: Database, cipher: FieldCipher, new: NewReferral, actor: str = "user:1") -> int:
    async with db.transaction() as conn:
        return await ReferralRepo(db, cipher).create(conn, new, actor)


async def test_a_new_referral_is_new_with_one_event(db: Database, cipher: FieldCipher) -> None:
    referrals = ReferralRepo(db, cipher)
    user_id, consent_id = await her_and_consent(db)
    referral_id = await create(
        db,
        cipher,
        new_referral(user_id, consent_id, window="sore", phone_alone="yes", home_region="35.78"),
        actor=f"user:{user_id}",
    )

    referral = await referrals.by_code("K7M4QX")
    assert referral is not None and referral.id == referral_id
    assert referral.status == "new"
    assert (referral.user_id, referral.service, referral.item) == (user_id, "training", "menjahit")
    assert (referral.region_code, referral.office_key, referral.home_region) == (
        "53.71",
        "kupang",
        "35.78",
    )
    assert (referral.urgency, referral.contact) == ("normal", "chat")  # the safe defaults
    assert (referral.time_window, referral.phone_alone) == ("sore", True)
    assert referral.created_at == referral.updated_at == START
    assert (referral.outcome, referral.claimed_by, referral.relay_open) == (None, None, True)
    assert await referrals.history(referral_id) == [(START, f"user:{user_id}", "new")]


async def test_unanswered_optional_questions_stay_empty(db: Database, cipher: FieldCipher) -> None:
    referrals = ReferralRepo(db, cipher)
    user_id, consent_id = await her_and_consent(db)
    referral_id = await create(db, cipher, new_referral(user_id, consent_id, phone_alone="no"))
    referral = await referrals.by_code("K7M4QX")
    assert referral is not None
    assert (referral.time_window, referral.home_region, referral.phone_alone) == (None, "", False)
    assert await referrals.personal(referral_id) == {}
    row = await db.fetchone("SELECT personal FROM referrals WHERE id = ?", (referral_id,))
    assert row is not None and row[0] is None


async def test_a_taken_code_raises_duplicate_code_and_another_code_works(
    db: Database, cipher: FieldCipher
) -> None:
    referrals = ReferralRepo(db, cipher)
    user_id, consent_id = await her_and_consent(db)
    await create(db, cipher, new_referral(user_id, consent_id))

    async with db.transaction() as conn:
        with pytest.raises(DuplicateCode):
            await referrals.create(conn, new_referral(user_id, consent_id), "user:1")
        # The transaction goes on: draw another code and store it.
        await referrals.create(conn, new_referral(user_id, consent_id, code="H3T9WC"), "user:1")

    assert [r.code for r in await referrals.for_user(user_id)] == ["K7M4QX", "H3T9WC"]
    events = await db.fetchall("SELECT referral_id FROM referral_events")
    assert len(events) == 2


async def test_a_broken_link_is_not_mistaken_for_a_duplicate_code(
    db: Database, cipher: FieldCipher
) -> None:
    user_id, _ = await her_and_consent(db)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await create(db, cipher, new_referral(user_id, consent_id=9999))
    assert await ReferralRepo(db, cipher).for_user(user_id) == []


async def test_nickname_and_phone_come_back_through_personal(
    db: Database, cipher: FieldCipher
) -> None:
    user_id, consent_id = await her_and_consent(db)
    referral_id = await create(
        db,
        cipher,
        new_referral(user_id, consent_id, nickname=NICKNAME, phone=PHONE, contact="phone"),
    )
    referrals = ReferralRepo(db, cipher)
    assert await referrals.personal(referral_id) == {"nickname": NICKNAME, "phone": PHONE}
    assert await referrals.personal(referral_id + 1) == {}
    row = await db.fetchone("SELECT personal FROM referrals WHERE id = ?", (referral_id,))
    assert row is not None and row[0].startswith(f"v1:{cipher.current_key_id}:")


async def test_personal_answers_never_reach_the_raw_file_or_wal(
    db_path: Path, clock: Clock, cipher: FieldCipher
) -> None:
    db = await Database.open(db_path, clock=clock)
    try:
        user_id, consent_id = await her_and_consent(db)
        referral_id = await create(
            db, cipher, new_referral(user_id, consent_id, nickname=NICKNAME, phone=PHONE)
        )
        assert await ReferralRepo(db, cipher).personal(referral_id) == {
            "nickname": NICKNAME,
            "phone": PHONE,
        }
        assert wal_bytes(db_path), "the writes are in the WAL while the database is open"
        raw = file_bytes(db_path)
    finally:
        await db.close()
    raw_after_checkpoint = file_bytes(db_path)
    for secret in (NICKNAME, PHONE, '"nickname"', '"phone"'):
        assert secret.encode() not in raw
        assert secret.encode() not in raw_after_checkpoint


async def test_set_status_records_a_second_event_with_its_actor(
    db: Database, clock: Clock, cipher: FieldCipher
) -> None:
    referrals = ReferralRepo(db, cipher)
    user_id, consent_id = await her_and_consent(db)
    referral_id = await create(db, cipher, new_referral(user_id, consent_id), f"user:{user_id}")

    clock.advance(timedelta(hours=3))
    async with db.transaction() as conn:
        await referrals.set_status(conn, referral_id, "contacted", "caseworker:7")

    referral = await referrals.by_code("K7M4QX")
    assert referral is not None
    assert referral.status == "contacted"
    assert (referral.created_at, referral.updated_at) == (START, START + timedelta(hours=3))
    assert await referrals.history(referral_id) == [
        (START, f"user:{user_id}", "new"),
        (START + timedelta(hours=3), "caseworker:7", "contacted"),
    ]


async def test_for_user_returns_only_her_referrals_oldest_first(
    db: Database, cipher: FieldCipher
) -> None:
    referrals = ReferralRepo(db, cipher)
    her, her_consent = await her_and_consent(db, 1)
    other, other_consent = await her_and_consent(db, 2)
    await create(db, cipher, new_referral(her, her_consent, code="AAAAAA"))
    await create(db, cipher, new_referral(other, other_consent, code="BBBBBB"))
    await create(db, cipher, new_referral(her, her_consent, code="CCCCCC"))

    assert [r.code for r in await referrals.for_user(her)] == ["AAAAAA", "CCCCCC"]
    assert [r.code for r in await referrals.for_user(other)] == ["BBBBBB"]
    assert await referrals.for_user(9999) == []


async def test_deleting_her_account_unlinks_referrals_and_removes_her_session(
    db: Database, cipher: FieldCipher
) -> None:
    referrals, sessions = ReferralRepo(db, cipher), SessionRepo(db, cipher)
    user_id, consent_id = await her_and_consent(db)
    referral_id = await create(db, cipher, new_referral(user_id, consent_id))
    async with db.transaction() as conn:
        await sessions.save(conn, user_id, {"screen": "menu"})

    async with db.transaction() as conn:
        await conn.execute("DELETE FROM users WHERE id = ?", (user_id,))

    referral = await referrals.by_code("K7M4QX")
    assert referral is not None and referral.user_id is None  # ON DELETE SET NULL
    assert [status for _, _, status in await referrals.history(referral_id)] == ["new"]
    assert await sessions.load(user_id) is None  # ON DELETE CASCADE
    row = await db.fetchone("SELECT COUNT(*) FROM flow_sessions")
    assert row is not None and row[0] == 0


async def test_of_two_simultaneous_claims_exactly_one_wins(
    db: Database, cipher: FieldCipher
) -> None:
    referrals, staff = ReferralRepo(db, cipher), CaseworkerRepo(db, cipher)
    user_id, consent_id = await her_and_consent(db)
    referral_id = await create(db, cipher, new_referral(user_id, consent_id))
    first, _ = await staff.invite("Ana", "caseworker", ["53.71"], ["*"], timedelta(days=1))
    second, _ = await staff.invite("Budi", "caseworker", ["53.71"], ["*"], timedelta(days=1))

    async def claim(caseworker_id: int) -> bool:
        async with db.transaction() as conn:
            return await referrals.claim(conn, "K7M4QX", caseworker_id)

    results = await asyncio.gather(claim(first), claim(second))
    assert sorted(results) == [False, True]
    winner = first if results[0] else second
    referral = await referrals.by_code("K7M4QX")
    assert referral is not None
    assert (referral.status, referral.claimed_by) == ("claimed", winner)
    assert [(actor, status) for _, actor, status in await referrals.history(referral_id)] == [
        ("user:1", "new"),
        (f"caseworker:{winner}", "claimed"),
    ]


async def test_urgency_and_contact_answers_are_stored(db: Database, cipher: FieldCipher) -> None:
    user_id, consent_id = await her_and_consent(db)
    await create(db, cipher, new_referral(user_id, consent_id, urgency="urgent", contact="none"))
    [referral] = await ReferralRepo(db, cipher).for_user(user_id)
    assert (referral.urgency, referral.contact) == ("urgent", "none")
