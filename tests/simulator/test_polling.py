"""Long polling: held requests, offsets that confirm, limits, and conflicts."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot
from telegram.error import Conflict

from bot.simulator import BotApiSimulator
from tests.simulator.conftest import TOKEN


async def test_a_held_poll_returns_when_she_writes(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    sending = asyncio.create_task(user.send("/start hello"))
    updates = await poll
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start hello"
    assert message.from_user is not None and message.from_user.id == user.user_id
    assert message.chat.id == user.user_id
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 6)]
    await bot.get_updates(offset=updates[0].update_id + 1, timeout=0)
    await sending


async def test_updates_stay_until_an_offset_confirms_them(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    sending = asyncio.gather(user.send("satu"), user.send("dua"))
    first = await bot.get_updates(timeout=5)
    while len(first) < 2:
        first = await bot.get_updates(timeout=5)
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert first[0].update_id < first[1].update_id
    limited = await bot.get_updates(offset=first[0].update_id + 1, limit=1, timeout=0)
    assert [u.message.text for u in limited if u.message] == ["dua"]
    assert await bot.get_updates(offset=first[1].update_id + 1, timeout=0) == ()
    await sending


async def test_a_second_poll_terminates_the_first(sim: BotApiSimulator, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    while not any(c.method == "getUpdates" for c in sim.calls):  # noqa: ASYNC110 - no event for it
        await asyncio.sleep(0.01)
    async with Bot(TOKEN, base_url=sim.base_url) as other_instance:
        assert await other_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match=r"terminated by other getUpdates request"):
        await first


async def test_polling_is_refused_while_a_webhook_is_set(sim: BotApiSimulator, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/unused")
    with pytest.raises(Conflict, match=r"webhook is active"):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_drop_pending_updates_forgets_them(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    sending = asyncio.create_task(user.send("lama"))
    while not await bot.get_updates(timeout=1):
        pass
    await bot.delete_webhook(drop_pending_updates=True)
    await sending
    assert await bot.get_updates(timeout=0) == ()
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
