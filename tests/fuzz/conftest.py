from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.simulator import BotApiSimulator
from tests.auxil.harness import TOKEN, Jembatan, spec_path
from tests.fuzz.runner import fuzz_settings


@pytest.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    async with BotApiSimulator(token=TOKEN, spec_path=spec_path()) as simulator:
        simulator.expect_processed_signal = True
        yield simulator
        assert simulator.spec_violations == [], "the bot made requests the Bot API spec rejects"


@pytest.fixture
async def jembatan(sim: BotApiSimulator, tmp_path: Path) -> AsyncIterator[Jembatan]:
    harness = Jembatan(sim, fuzz_settings(tmp_path))
    await harness.start()
    yield harness
    await harness.stop()
