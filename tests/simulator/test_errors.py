"""Telegram's limits, with its exact error texts."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot.simulator import BotApiSimulator
from tests.simulator.conftest import raw_request

NOT_MODIFIED = (
    "Message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def button(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data=data)]])


async def test_empty_text_is_refused(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(user.user_id, "")
    assert sim.calls[-1].description == "Bad Request: message text is empty"


async def test_text_over_4096_characters_is_too_long(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    await bot.send_message(user.user_id, "x" * 4096)
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(user.user_id, "x" * 4097)
    assert sim.calls[-1].description == "Bad Request: message is too long"
    assert len(user.messages) == 1


async def test_length_counts_text_after_entity_parsing(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    await bot.send_message(user.user_id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert len(user.last_message) == 4096


@pytest.mark.parametrize("data", ["x" * 65, "é" * 33])
async def test_callback_data_over_64_bytes_is_invalid(
    sim: BotApiSimulator, bot: Bot, data: str
) -> None:
    user = sim.user()
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await bot.send_message(user.user_id, "Pilih:", reply_markup=button(data))
    assert sim.calls[-1].description == "Bad Request: BUTTON_DATA_INVALID"
    await bot.send_message(user.user_id, "Pilih:", reply_markup=button("x" * 64))


async def test_empty_callback_data_is_invalid(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    markup = {"inline_keyboard": [[{"text": "Ya", "callback_data": ""}]]}
    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await raw_request(bot, "sendMessage", chat_id=user.user_id, text="x", reply_markup=markup)


async def test_identical_edit_is_not_modified(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    sent = await bot.send_message(user.user_id, "Pilih:", reply_markup=button("a"))
    with pytest.raises(BadRequest, match=rf"^{NOT_MODIFIED}$"):
        await bot.edit_message_text(
            "Pilih:", chat_id=user.user_id, message_id=sent.message_id, reply_markup=button("a")
        )
    assert sim.calls[-1].description == "Bad Request: " + NOT_MODIFIED[0].lower() + NOT_MODIFIED[1:]
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(user.user_id, sent.message_id, reply_markup=button("a"))


async def test_unknown_messages_are_not_found(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id=user.user_id, message_id=42)
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(user.user_id, 42)
    sent = await bot.send_message(user.user_id, "x")
    await bot.delete_message(user.user_id, sent.message_id)
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(user.user_id, sent.message_id)


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.send_message(987654321, "halo")


async def test_blocked_user_gets_403(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    sent = await bot.send_message(user.user_id, "halo")
    user.block()
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(user.user_id, "halo lagi")
    with pytest.raises(Forbidden):
        await bot.edit_message_text("x", chat_id=user.user_id, message_id=sent.message_id)
    user.unblock()
    await bot.send_message(user.user_id, "selamat datang kembali")
    assert [m.text for m in user.messages] == ["halo", "selamat datang kembali"]


async def test_a_callback_query_is_answered_once(sim: BotApiSimulator, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("12345")
