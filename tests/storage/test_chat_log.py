"""The chat log: message ids of her chat are recorded, listed within 48 hours and forgotten."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.chat_log import ChatLog, record_sent
from storage.db import Database
from storage.users import UserRepo
from tests.storage.conftest import Clock

CHAT = 555_000_111
OTHER = 555_000_222


@pytest.fixture(autouse=True)
async def people(db: Database) -> None:
    """The two chats are of people the bot knows (ids are kept only while she exists)."""
    for telegram_id in (CHAT, OTHER):
        await UserRepo(db).get_or_create(telegram_id)


async def test_recorded_ids_are_listed_once_and_per_chat(db: Database) -> None:
    log = ChatLog(db)
    await log.record(CHAT, [3, 1, 2])
    await log.record(CHAT, [2])
    await record_sent(db, OTHER, 7)
    assert await log.recent(CHAT) == [1, 2, 3]
    assert await log.recent(OTHER) == [7]


async def test_only_ids_younger_than_48_hours_are_recent(db: Database, clock: Clock) -> None:
    log = ChatLog(db)
    await log.record(CHAT, [1])
    clock.advance(timedelta(hours=47))
    await log.record(CHAT, [2])
    clock.advance(timedelta(hours=2))
    assert await log.recent(CHAT) == [2]


async def test_forget_some_or_all_ids_of_one_chat(db: Database) -> None:
    log = ChatLog(db)
    await log.record(CHAT, [1, 2, 3])
    await log.record(OTHER, [1])
    await log.forget(CHAT, [2])
    assert await log.recent(CHAT) == [1, 3]
    await log.forget(CHAT)
    assert await log.recent(CHAT) == []
    assert await log.recent(OTHER) == [1]


async def test_nothing_but_ids_and_times_is_stored(db: Database) -> None:
    await ChatLog(db).record(CHAT, [1])
    row = await db.fetchone("SELECT * FROM chat_messages")
    assert row is not None and set(row.keys()) == {"chat_id", "message_id", "sent_at"}


async def test_no_id_is_recorded_for_a_chat_whose_person_is_gone(db: Database) -> None:
    """An erased person (or one never known) gets no ids back, from either way of recording."""
    gone = 555_000_333
    await ChatLog(db).record(gone, [1, 2])
    await record_sent(db, gone, 3)
    assert await ChatLog(db).recent(gone) == []
    assert await db.fetchall("SELECT * FROM chat_messages WHERE chat_id = ?", (gone,)) == []
