"""Buttons pressed by label: inline keyboards send callback queries, reply keyboards send text."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.simulator import BotApiSimulator, InlineButton
from tests.simulator.conftest import polled
from tests.simulator.echo import EchoBot


async def test_inline_press_reaches_the_bot_as_a_callback_query(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    user = sim.user()
    await user.send("/start")
    assert user.last_message == "Pilih bahasa:"
    assert user.last_buttons == ["Bahasa Indonesia", "English", "Situs"]
    choice = user.bot_messages[-1]
    assert choice.inline_keyboard[0][1] == InlineButton("English", "lang:en")
    await user.press("English")
    query = echo.updates[-1].callback_query
    assert query is not None
    assert query.data == "lang:en"
    assert query.from_user.id == user.user_id
    assert query.message is not None and query.message.message_id == choice.message_id
    assert query.chat_instance
    assert user.last_callback_answer == "Dipilih lang:en"
    assert user.last_message == "Bahasa: lang:en"
    assert user.last_buttons == ["☰ Menu"]


async def test_press_by_label_searches_newest_first_or_the_given_message(
    sim: BotApiSimulator, bot: Bot
) -> None:
    user = sim.user()
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="old")]])
    await bot.send_message(user.user_id, "lama", reply_markup=markup)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="new")]])
    await bot.send_message(user.user_id, "baru", reply_markup=markup)
    await bot.send_message(user.user_id, "tanpa tombol")
    updates = await polled(bot, user.press("Ya"))
    updates += await polled(bot, user.press("Ya", message=user.bot_messages[0]))
    assert [u.callback_query.data for u in updates if u.callback_query] == ["new", "old"]


async def test_pressing_a_missing_label_lists_what_is_visible(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    user = sim.user()
    await user.send("/start")
    with pytest.raises(AssertionError, match=r"Bahasa Indonesia.*Bagikan nomor"):
        await user.press("Français")


async def test_url_buttons_open_a_link_and_send_nothing(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    user = sim.user()
    await user.send("/start")
    before = len(echo.updates)
    await user.press("Situs")
    assert user.opened_urls == ["https://example.org/"]
    assert len(echo.updates) == before


async def test_reply_keyboard_contact_button_shares_her_own_contact(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    user = sim.user(phone_number="+6281234567890")
    await user.send("/start")
    assert user.reply_keyboard == ["Bagikan nomor", "Bantuan"]
    await user.press("Bagikan nomor")
    message = echo.updates[-1].message
    assert message is not None and message.contact is not None
    assert message.contact.phone_number == "+6281234567890"
    assert message.contact.user_id == user.user_id
    assert user.last_message == "Nomor diterima, own=True"
    assert user.reply_keyboard is None, "the bot removed the keyboard"


async def test_reply_keyboard_text_button_sends_its_label(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    user = sim.user()
    await user.send("/start")
    await user.press("Bantuan")
    assert user.last_message == "Echo: Bantuan"


async def test_forged_callback_data_reaches_the_bot(sim: BotApiSimulator, echo: EchoBot) -> None:
    user = sim.user()
    await user.send("/start")
    await user.forge_callback("999:evil")
    query = echo.updates[-1].callback_query
    assert query is not None and query.data == "999:evil"
    assert user.last_callback_answer == "Dipilih 999:evil"


async def test_contact_of_someone_else_has_no_user_id(sim: BotApiSimulator, echo: EchoBot) -> None:
    user = sim.user()
    await user.send_contact(phone_number="+628111", own=False)
    assert user.last_message == "Nomor diterima, own=False"
