"""Acting as a person returns only after the bot has finished reacting."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.simulator import BotApiSimulator, SimUser
from tests.simulator.conftest import TOKEN
from tests.simulator.echo import EchoBot, build_echo_app


@pytest.fixture
async def slow_bot(sim: BotApiSimulator) -> AsyncIterator[None]:
    """A bot that pauses before each of its two replies, and signals nothing."""
    app = Application.builder().token(TOKEN).base_url(sim.base_url).build()

    async def reply_twice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await asyncio.sleep(0.1)
        await update.message.reply_text("satu")
        await asyncio.sleep(0.1)
        await update.message.reply_text("dua")

    app.add_handler(MessageHandler(filters.TEXT, reply_twice))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=2)
    yield
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


async def test_without_a_signal_she_waits_for_the_bot_to_go_quiet(
    sim: BotApiSimulator, slow_bot: None
) -> None:
    assert not sim.expect_processed_signal
    user = sim.user()
    await user.send("halo")
    assert [m.text for m in user.bot_messages] == ["satu", "dua"]


async def test_with_a_signal_she_waits_for_on_processed(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    assert sim.expect_processed_signal
    users = [sim.user(f"U{i}") for i in range(10)]
    await asyncio.gather(*(u.send(f"halo {i}") for i, u in enumerate(users)))
    for i, user in enumerate(users):
        assert user.last_message == f"Echo: halo {i}"
    await sim.wait_idle()


async def test_latency_keeps_every_chat_complete_and_in_order(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    sim.latency = 0.05
    users = [sim.user(f"U{i}") for i in range(5)]

    async def journey(user: SimUser) -> list[str]:
        await user.send("/start")
        await user.press("English")
        return [m.text or "" for m in user.bot_messages]

    chats = await asyncio.gather(*(journey(u) for u in users))
    assert all(chat == ["Halo!", "Bahasa: lang:en"] for chat in chats)


async def test_no_bot_means_a_clear_assertion(sim: BotApiSimulator) -> None:
    sim.settle_timeout = 0.2
    sim.expect_processed_signal = True
    with pytest.raises(AssertionError, match=r"did not report it processed"):
        await sim.user().send("halo?")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_ptb_webhook_mode_end_to_end(sim: BotApiSimulator) -> None:
    seen = EchoBot()
    app = build_echo_app(sim, TOKEN, seen)
    port = free_port()
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="telegram",
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        secret_token="jembatan-secret",
    )
    sim.expect_processed_signal = True
    try:
        user = sim.user()
        await user.send("/start")
        await user.press("Bahasa Indonesia")
        assert user.last_message == "Bahasa: lang:id"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert sim.spec_violations == []
