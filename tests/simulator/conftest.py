"""Fixtures for the simulator's own tests: a simulator, a bare Bot, and a polling echo bot."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import pytest
from telegram import Bot, Update
from telegram.warnings import PTBUserWarning

from bot.simulator import BotApiSimulator
from tests.simulator.echo import EchoBot, build_echo_app

TOKEN = "123456:TEST-TOKEN"
SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "telegram" / "bot-api-spec.json"


def spec_path() -> Path | None:
    """The shared Bot API spec, when it lies beside the project."""
    return SPEC_PATH if SPEC_PATH.is_file() else None


@pytest.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    async with BotApiSimulator(token=TOKEN, spec_path=spec_path()) as simulator:
        yield simulator


@pytest.fixture
async def bot(sim: BotApiSimulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=sim.base_url, base_file_url=sim.base_file_url) as tg_bot:
        yield tg_bot


@pytest.fixture
async def echo(sim: BotApiSimulator) -> AsyncIterator[EchoBot]:
    seen = EchoBot()
    app = build_echo_app(sim, TOKEN, seen)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=2)
    sim.expect_processed_signal = True
    yield seen
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    assert sim.spec_violations == []


async def raw_request(bot: Bot, method: str, **params: object) -> object:
    """Sends any request as-is (PTB warns when a named method exists; that is intended here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)
        return await bot.do_api_request(method, api_kwargs=dict(params))


async def polled(bot: Bot, action: Awaitable[object]) -> list[Update]:
    """Runs a person's action while polling like a bot that does nothing; returns the updates."""
    task = asyncio.ensure_future(action)
    received: list[Update] = []
    offset: int | None = None
    while not task.done():
        updates = await bot.get_updates(offset=offset, timeout=1)
        received += updates
        if updates:
            offset = updates[-1].update_id + 1
    await task
    return received
