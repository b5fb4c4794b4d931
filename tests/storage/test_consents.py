"""Consents: what she agreed to, which text version, in which language, when; and withdrawal."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from storage.consents import ConsentRepo
from storage.db import Database
from storage.users import UserRepo
from tests.storage.conftest import START, Clock

WIB = timezone(timedelta(hours=7))


async def new_user(db: Database, telegram_id: int = 42) -> int:
    return (await UserRepo(db).get_or_create(telegram_id)).id


async def test_record_stores_purpose_text_version_locale_and_the_moment_given(
    db: Database, clock: Clock
) -> None:
    consents = ConsentRepo(db)
    user_id = await new_user(db)
    agreed = datetime(2025, 2, 28, 21, 15, 30, 123456, tzinfo=WIB)
    clock.advance(timedelta(minutes=5))  # stored later than she agreed
    async with db.transaction() as conn:
        consent_id = await consents.record(conn, user_id, "referral", "2025-02-v3", "en", agreed)

    [consent] = await consents.list_for(user_id)
    assert consent.id == consent_id
    assert consent.user_id == user_id
    assert (consent.purpose, consent.text_version, consent.locale) == (
        "referral",
        "2025-02-v3",
        "en",
    )
    assert consent.given_at == agreed
    assert consent.withdrawn_at is None and consent.active
    row = await db.fetchone("SELECT given_at FROM consents WHERE id = ?", (consent_id,))
    assert row is not None and row[0] == "2025-02-28T14:15:30.123456+00:00"


async def test_without_a_moment_the_consent_is_given_now(db: Database) -> None:
    consents = ConsentRepo(db)
    user_id = await new_user(db)
    async with db.transaction() as conn:
        await consents.record(conn, user_id, "followup", "v1", "id")
    [consent] = await consents.list_for(user_id)
    assert consent.given_at == START
    assert consent.given_at.tzinfo is not None and consent.given_at.utcoffset() == timedelta(0)


async def test_withdrawal_is_recorded_once_and_ends_the_active_consent(
    db: Database, clock: Clock
) -> None:
    consents = ConsentRepo(db)
    user_id = await new_user(db)
    async with db.transaction() as conn:
        consent_id = await consents.record(conn, user_id, "referral", "v1", "id")
    active = await consents.active(user_id, "referral")
    assert active is not None and active.id == consent_id

    clock.advance(timedelta(days=3))
    async with db.transaction() as conn:
        assert await consents.withdraw(conn, consent_id) is True
    async with db.transaction() as conn:
        assert await consents.withdraw(conn, consent_id) is False
        assert await consents.withdraw(conn, 9999) is False

    assert await consents.active(user_id, "referral") is None
    [withdrawn] = await consents.list_for(user_id)
    assert withdrawn.withdrawn_at == START + timedelta(days=3)
    assert not withdrawn.active


async def test_active_is_her_newest_consent_for_that_purpose(db: Database) -> None:
    consents = ConsentRepo(db)
    her, other = await new_user(db, 1), await new_user(db, 2)
    async with db.transaction() as conn:
        await consents.record(conn, her, "referral", "v1", "id")
        newest = await consents.record(conn, her, "referral", "v2", "id")
        await consents.record(conn, her, "followup", "v1", "id")
        await consents.record(conn, other, "referral", "v9", "en")

    active = await consents.active(her, "referral")
    assert active is not None and (active.id, active.text_version) == (newest, "v2")
    assert [c.purpose for c in await consents.list_for(her)] == [
        "referral",
        "referral",
        "followup",
    ]
    assert await consents.active(her, "photos") is None


async def test_a_consent_outlives_her_account_without_a_link_to_it(db: Database) -> None:
    consents = ConsentRepo(db)
    user_id = await new_user(db)
    async with db.transaction() as conn:
        consent_id = await consents.record(conn, user_id, "referral", "v1", "id")
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
    row = await db.fetchone("SELECT user_id, purpose FROM consents WHERE id = ?", (consent_id,))
    assert row is not None and tuple(row) == (None, "referral")
    assert await consents.list_for(user_id) == []
