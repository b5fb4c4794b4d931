"""Python-telegram-bot talks to the simulator over HTTP exactly as to Telegram."""

from __future__ import annotations

import pytest
from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, InvalidToken

from bot.simulator import BotApiSimulator
from tests.simulator.conftest import TOKEN, raw_request


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot
    assert me.username == "jembatan_bot"


async def test_send_message_returns_a_real_message_and_shows_in_her_chat(
    sim: BotApiSimulator, bot: Bot
) -> None:
    user = sim.user(first_name="Sari")
    sent = await bot.send_message(user.user_id, "Halo, Kak!", protect_content=True)
    assert isinstance(sent, Message)
    assert sent.chat.id == user.user_id
    assert sent.chat.type == "private"
    assert sent.from_user is not None and sent.from_user.id == 123456
    assert sent.text == "Halo, Kak!"
    assert sent.date.timestamp() == pytest.approx(int(sim.now()), abs=1)
    assert user.last_message == "Halo, Kak!"
    assert user.bot_messages[0].protect_content
    assert [c.method for c in sim.calls] == ["getMe", "sendMessage"]
    assert sim.calls[-1].params["text"] == "Halo, Kak!"
    assert sim.calls[-1].params["chat_id"] == user.user_id


async def test_message_ids_count_per_chat(sim: BotApiSimulator, bot: Bot) -> None:
    sari, budi = sim.user("Sari"), sim.user("Budi")
    first = await bot.send_message(sari.user_id, "satu")
    second = await bot.send_message(sari.user_id, "dua")
    other = await bot.send_message(budi.user_id, "satu")
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert sari.user_id != budi.user_id


async def test_parse_mode_shows_plain_text_with_entities(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    html = await bot.send_message(user.user_id, "<b>Halo</b> &amp; 👋", parse_mode=ParseMode.HTML)
    assert html.text == "Halo & 👋"
    assert [(e.type, e.offset, e.length) for e in html.entities] == [("bold", 0, 4)]
    md = await bot.send_message(user.user_id, r"*Jam* 14\.05", parse_mode=ParseMode.MARKDOWN_V2)
    assert md.text == "Jam 14.05"
    assert user.last_message == "Jam 14.05"


async def test_unescaped_markdown_is_refused(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(user.user_id, "Jam 14.05", parse_mode=ParseMode.MARKDOWN_V2)
    assert user.messages == []


async def test_wrong_token_is_unauthorized(sim: BotApiSimulator) -> None:
    wrong = Bot("123456:WRONG-token", base_url=sim.base_url)
    try:
        with pytest.raises(InvalidToken, match=r"rejected") as raised:
            await wrong.initialize()
    finally:
        await wrong.shutdown()
    assert "Unauthorized" in str(raised.value.__cause__)
    assert sim.calls == []


async def test_unknown_method_is_not_found_and_a_violation(sim: BotApiSimulator, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await raw_request(bot, "sendTelepathy", chat_id=1)
    if sim.spec_violations:
        assert sim.spec_violations == ["sendTelepathy: unknown method"]


async def test_method_names_are_case_insensitive(bot: Bot, sim: BotApiSimulator) -> None:
    user = sim.user()
    await raw_request(bot, "SENDMESSAGE", chat_id=user.user_id, text="hai")
    assert user.last_message == "hai"
    assert sim.calls[-1].method == "sendMessage"


async def test_commands_menu_is_kept_per_language(bot: Bot, sim: BotApiSimulator) -> None:
    await bot.set_my_commands([("start", "Mulai"), ("menu", "Menu")])
    await bot.set_my_commands([("start", "Start")], language_code="en")
    assert [c.command for c in await bot.get_my_commands()] == ["start", "menu"]
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    await bot.delete_my_commands(language_code="en")
    assert await bot.get_my_commands(language_code="en") == ()
    assert [c.params.get("language_code") for c in sim.calls if c.method == "setMyCommands"] == [
        None,
        "en",
    ]


async def test_chat_action_close_and_log_out_are_harmless(bot: Bot, sim: BotApiSimulator) -> None:
    user = sim.user()
    assert await bot.send_chat_action(user.user_id, "typing")
    assert await bot.close()
    assert await bot.log_out()
    assert user.messages == []


async def test_token_is_never_logged(
    sim: BotApiSimulator, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    user = sim.user()
    await bot.send_message(user.user_id, "rahasia")
    with pytest.raises(BadRequest):
        await bot.send_message(user.user_id, "")
    simulator_logs = [
        r.getMessage() for r in caplog.records if r.name.startswith(("bot.", "tornado"))
    ]
    assert not any(TOKEN in line or "rahasia" in line for line in simulator_logs)
