"""The e2e simulator fixture, with a bot whose overall rate limit is off (see fuzz_settings)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.simulator import BotApiSimulator
from tests.auxil.harness import Jembatan
from tests.e2e.conftest import sim
from tests.fuzz.runner import fuzz_settings

__all__ = ["jembatan", "sim"]


@pytest.fixture
async def jembatan(sim: BotApiSimulator, tmp_path: Path) -> AsyncIterator[Jembatan]:
    harness = Jembatan(sim, fuzz_settings(tmp_path))
    await harness.start()
    yield harness
    await harness.stop()
