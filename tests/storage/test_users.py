"""Users: found or created by Telegram id, with language, region and last-seen time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from storage.db import Database
from storage.users import UserRepo
from tests.storage.conftest import START, Clock

TELEGRAM_ID = 555_000_111


async def test_first_contact_creates_her_with_the_default_language(db: Database) -> None:
    users = UserRepo(db)
    assert await users.get(TELEGRAM_ID) is None
    user = await users.get_or_create(TELEGRAM_ID)
    assert user.telegram_id == TELEGRAM_ID
    assert user.locale == "id"
    assert user.region_code is None
    assert user.created_at == user.last_seen_at == START
    assert await users.by_id(user.id) == user == await users.get(TELEGRAM_ID)


async def test_get_or_create_twice_gives_the_same_person(db: Database, clock: Clock) -> None:
    users = UserRepo(db)
    first = await users.get_or_create(TELEGRAM_ID)
    clock.advance(timedelta(hours=1))
    again = await users.get_or_create(TELEGRAM_ID)
    assert again == first
    rows = await db.fetchall("SELECT id FROM users")
    assert [r[0] for r in rows] == [first.id]


async def test_simultaneous_first_contacts_create_one_person(db: Database) -> None:
    users = UserRepo(db)
    found = await asyncio.gather(*(users.get_or_create(TELEGRAM_ID) for _ in range(20)))
    assert len({u.id for u in found}) == 1
    row = await db.fetchone("SELECT COUNT(*) FROM users")
    assert row is not None and row[0] == 1


async def test_different_telegram_ids_are_different_people(db: Database) -> None:
    users = UserRepo(db)
    one = await users.get_or_create(1)
    two = await users.get_or_create(2)
    assert one.id != two.id


async def test_save_profile_stores_language_region_and_last_seen(
    db: Database, clock: Clock
) -> None:
    users = UserRepo(db)
    user = await users.get_or_create(TELEGRAM_ID)
    clock.advance(timedelta(days=2))
    async with db.transaction() as conn:
        await users.save_profile(conn, user.id, "en", "53.71")
    saved = await users.by_id(user.id)
    assert saved is not None
    assert (saved.locale, saved.region_code) == ("en", "53.71")
    assert saved.last_seen_at == START + timedelta(days=2)
    assert saved.created_at == START

    async with db.transaction() as conn:
        await users.save_profile(conn, user.id, "id", None)
    forgotten = await users.by_id(user.id)
    assert forgotten is not None
    assert (forgotten.locale, forgotten.region_code) == ("id", None)


async def test_a_profile_saved_in_a_failed_transaction_is_not_kept(db: Database) -> None:
    users = UserRepo(db)
    user = await users.get_or_create(TELEGRAM_ID)
    try:
        async with db.transaction() as conn:
            await users.save_profile(conn, user.id, "en", "53.71")
            raise RuntimeError("the update failed later")
    except RuntimeError:
        pass
    assert await users.by_id(user.id) == user


async def test_set_locale_and_set_region_change_only_their_field(db: Database) -> None:
    users = UserRepo(db)
    user = await users.get_or_create(TELEGRAM_ID)
    async with db.transaction() as conn:
        await users.set_region(conn, user.id, "31.71")
    async with db.transaction() as conn:
        await users.set_locale(conn, user.id, "en")
    saved = await users.by_id(user.id)
    assert saved is not None
    assert (saved.locale, saved.region_code, saved.last_seen_at) == ("en", "31.71", START)
