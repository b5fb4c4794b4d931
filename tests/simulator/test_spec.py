"""Every request is checked against the Bot API spec; violations fail and are recorded."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.simulator import BotApiSimulator
from tests.simulator.conftest import raw_request, spec_path

pytestmark = pytest.mark.skipif(spec_path() is None, reason="the shared Bot API spec is absent")


async def test_an_unknown_parameter_is_a_violation(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    with pytest.raises(BadRequest, match=r"no_such_param"):
        await raw_request(bot, "sendMessage", chat_id=user.user_id, text="x", no_such_param=1)
    assert sim.spec_violations == ["sendMessage: unknown parameter 'no_such_param'"]
    assert user.messages == [], "a violating request does nothing"


async def test_a_missing_required_parameter_is_a_violation(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    with pytest.raises(BadRequest, match=r"(?i)missing required parameter 'text'"):
        await raw_request(bot, "sendMessage", chat_id=user.user_id)
    assert sim.spec_violations == ["sendMessage: missing required parameter 'text'"]


async def test_a_wrong_scalar_type_is_a_violation(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    with pytest.raises(BadRequest):
        await raw_request(bot, "deleteMessage", chat_id=user.user_id, message_id="first")
    with pytest.raises(BadRequest):
        await raw_request(
            bot, "sendMessage", chat_id=user.user_id, text="x", disable_notification="maybe"
        )
    assert sim.spec_violations == [
        "deleteMessage: parameter 'message_id' must be Integer, not String",
        "sendMessage: parameter 'disable_notification' must be Boolean, not String",
    ]


async def test_nested_objects_are_checked(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    markup = {"inline_keyboard": [[{"callback_data": "a"}]]}
    with pytest.raises(BadRequest):
        await raw_request(bot, "sendMessage", chat_id=user.user_id, text="x", reply_markup=markup)
    with pytest.raises(BadRequest):
        await raw_request(bot, "sendMessage", chat_id=user.user_id, text="x", reply_markup=[1])
    with pytest.raises(BadRequest):
        await raw_request(bot, "setMyCommands", commands={"command": "start"})
    assert sim.spec_violations == [
        "sendMessage: parameter 'reply_markup.inline_keyboard[0][0]' misses required field 'text'",
        "sendMessage: parameter 'reply_markup' must be InlineKeyboardMarkup or "
        "ReplyKeyboardMarkup or ReplyKeyboardRemove or ForceReply, not Array",
        "setMyCommands: parameter 'commands' must be Array of BotCommand, not Object",
    ]


async def test_violations_never_carry_message_text(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    with pytest.raises(BadRequest):
        await raw_request(bot, "sendMessage", chat_id=user.user_id, text="rahasia", extra="rahasia")
    assert sim.spec_violations and "rahasia" not in " ".join(sim.spec_violations)


async def test_ordinary_ptb_requests_conform(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    sent = await bot.send_message(
        user.user_id,
        "<b>halo</b>",
        parse_mode="HTML",
        disable_notification=True,
        protect_content=True,
    )
    await bot.edit_message_text("hai", chat_id=user.user_id, message_id=sent.message_id)
    await bot.send_document(user.user_id, b"%PDF-1.4", filename="surat.pdf", caption="Surat")
    await bot.set_my_commands([("start", "Mulai")])
    await bot.get_updates(timeout=0, allowed_updates=["message", "callback_query"])
    assert sim.spec_violations == []
