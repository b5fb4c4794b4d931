"""Start-up goes on when a non-essential call fails: the command menu, the webhook removal."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.simulator import BotApiSimulator
from tests.auxil.harness import TOKEN, Jembatan, free_port


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


async def test_a_refused_webhook_removal_does_not_stop_the_bot(
    jembatan: Jembatan, sim: BotApiSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    await jembatan.stop()
    sim.inject("deleteWebhook", 500, times=1)
    await jembatan.start()
    assert any(c.method == "deleteWebhook" and c.status == 500 for c in sim.calls)
    assert "webhook not removed" in caplog.text

    user = jembatan.user()
    await user.send("/start")
    assert user.last_buttons == ["Bahasa Indonesia", "English", "🆘 Darurat"]


async def test_a_webhook_left_set_is_removed_once_polling_meets_the_conflict(
    jembatan: Jembatan, sim: BotApiSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    await jembatan.stop()
    async with Bot(TOKEN, base_url=sim.base_url) as other:  # e.g. an earlier run in webhook mode
        await other.set_webhook(f"http://127.0.0.1:{free_port()}/telegram")
    sim.inject("deleteWebhook", 500, times=1)  # the first removal, at start, fails
    await jembatan.start()

    user = jembatan.user()
    await user.send("/start")  # polled once the webhook is gone
    assert user.last_buttons == ["Bahasa Indonesia", "English", "🆘 Darurat"]
    assert [c.status for c in sim.calls if c.method == "deleteWebhook"][-2:] == [500, 200]
    assert any(c.method == "getUpdates" and c.status == 409 for c in sim.calls)
