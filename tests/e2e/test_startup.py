"""Start-up goes on when a non-essential call fails: the command menu is a convenience."""

from __future__ import annotations

import pytest

from bot.simulator import BotApiSimulator
from tests.auxil.harness import Jembatan


@pytest.mark.parametrize("error", [500, 404], ids=["server error", "method unknown to it"])
async def test_a_refused_command_menu_does_not_stop_the_bot(
    jembatan: Jembatan, sim: BotApiSimulator, error: int, caplog: pytest.LogCaptureFixture
) -> None:
    await jembatan.stop()
    sim.inject("setMyCommands", error, times=None)
    await jembatan.start()
    assert any(c.method == "setMyCommands" and c.status == error for c in sim.calls)
    assert "command menu not published" in caplog.text

    user = jembatan.user()
    await user.send("/start")
    assert user.last_buttons == ["Bahasa Indonesia", "English", "🆘 Darurat"]
