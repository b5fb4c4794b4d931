"""Edits and deletions show in her chat; the 48-hour rule follows simulated time."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.simulator import BotApiSimulator
from tests.simulator.echo import EchoBot

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes")]])


async def test_edits_show_in_her_chat(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    sent = await bot.send_message(user.user_id, "Pilih:", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text(
        "Dipilih: Ya", chat_id=user.user_id, message_id=sent.message_id
    )
    assert isinstance(edited, Message) and edited.edit_date is not None
    [message] = user.messages
    assert message.text == "Dipilih: Ya"
    assert message.edited
    assert message.inline_keyboard == [], "an edit without reply_markup removes the keyboard"
    await bot.edit_message_reply_markup(user.user_id, sent.message_id, reply_markup=KEYBOARD)
    assert user.last_buttons == ["Ya"]


async def test_deleted_messages_are_gone(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    first = await bot.send_message(user.user_id, "satu")
    second = await bot.send_message(user.user_id, "dua")
    third = await bot.send_message(user.user_id, "tiga")
    assert await bot.delete_message(user.user_id, second.message_id)
    assert [m.text for m in user.messages] == ["satu", "tiga"]
    assert await bot.delete_messages(user.user_id, [first.message_id, third.message_id, 99])
    assert user.messages == []
    assert user.last_message == ""


async def test_messages_older_than_48_hours_cannot_be_deleted(
    sim: BotApiSimulator, bot: Bot
) -> None:
    user = sim.user()
    old = await bot.send_message(user.user_id, "lama")
    sim.advance(49 * 3600)
    fresh = await bot.send_message(user.user_id, "baru")
    assert fresh.date.timestamp() - old.date.timestamp() >= 49 * 3600
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted for everyone"):
        await bot.delete_message(user.user_id, old.message_id)
    assert await bot.delete_message(user.user_id, fresh.message_id)
    assert [m.text for m in user.messages] == ["lama"]


async def test_her_edit_reaches_the_bot_as_edited_message(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    user = sim.user()
    sent = await user.send("kupng")
    edited = await user.edit_sent(text="kupang")
    assert edited.message_id == sent.message_id and edited.edited
    update = echo.updates[-1]
    assert update.edited_message is not None
    assert update.edited_message.text == "kupang"
    assert update.edited_message.edit_date is not None
    assert user.last_message == "Diedit: kupang"
    assert [m.text for m in user.messages if not m.from_bot] == ["kupang"]
