"""Start-up goes on when a non-essential call fails (the command menu, the webhook removal),
tries the Bot API again while it cannot be reached, and otherwise stops with a clear reason."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from telegram import Bot

from bot.simulator import BotApiSimulator
from bot.telegram import app as telegram_app
from tests.auxil.harness import TOKEN, Jembatan, free_port, settings_in
from tests.auxil.process import run_bot


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


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram_app, "START_BACKOFF", (0.05, 0.05, 0.05, 0.05))


@pytest.mark.usefixtures("quick_retries")
async def test_a_bot_api_server_failing_at_first_is_tried_again_at_start(
    jembatan: Jembatan, sim: BotApiSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    await jembatan.stop()
    since = len(sim.calls)
    sim.inject("getMe", 500, times=2)
    await jembatan.start()
    assert [c.status for c in sim.calls[since:] if c.method == "getMe"][:3] == [500, 500, 200]
    assert "trying again" in caplog.text

    user = jembatan.user()
    await user.send("/start")
    assert user.last_buttons == ["Bahasa Indonesia", "English", "🆘 Darurat"]


@pytest.mark.usefixtures("quick_retries")
async def test_a_bot_api_server_never_reached_stops_start_up_with_its_reason(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.inject("getMe", 500, times=None)
    harness = Jembatan(sim, settings_in(tmp_path))
    try:
        with pytest.raises(telegram_app.StartFailed, match="could not be reached in 5 tries"):
            await harness.start()
        assert harness.app is not None
        requests = harness.app.bot_data.requests
        assert len(requests) == 3 and all(r.is_closed for r in requests), "sessions closed"
    finally:
        await harness.stop()
    assert [c.status for c in sim.calls if c.method == "getMe"] == [500] * 5


async def run_until_it_stops(
    sim: BotApiSimulator, data_dir: Path, token: str, **extra: str
) -> tuple[int | None, str]:
    """`python -m bot run` as a deployment starts it; its exit code and all it printed."""
    settings_in(data_dir)
    bot = await run_bot(data_dir, sim, token=token, capture=True, **extra)
    out, err = await asyncio.wait_for(bot.communicate(), 120)
    return bot.returncode, (out + err).decode()


async def test_a_refused_token_stops_start_up_with_a_clear_line_and_no_token(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    wrong = "987654321:WRONG-token-Never-Printed"
    code, printed = await run_until_it_stops(sim, tmp_path, wrong)
    assert code == 2
    assert "Jembatan cannot start: the Bot API server refused the bot token" in printed
    assert wrong not in printed and wrong.split(":")[1] not in printed
    assert "Traceback" not in printed and "Unclosed" not in printed


async def test_a_refused_webhook_stops_start_up_with_the_server_s_reason(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    code, printed = await run_until_it_stops(
        sim,
        tmp_path,
        TOKEN,
        JEMBATAN_WEBHOOK_URL="ftp://127.0.0.1/telegram",  # the server answers 400
        JEMBATAN_WEBHOOK_SECRET="startup-Secret_1",
        JEMBATAN_WEBHOOK_PORT=str(free_port()),
    )
    assert code == 2
    assert "Jembatan cannot start: the Bot API server refused the webhook (BadRequest" in printed
    assert "https url must be provided" in printed.lower(), "the server's own reason"
    assert TOKEN not in printed and TOKEN.split(":")[1] not in printed
    assert "Traceback" not in printed and "Unclosed" not in printed


async def test_a_getme_refused_as_a_bad_request_stops_start_up_at_once(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.inject("getMe", 400, times=None)
    harness = Jembatan(sim, settings_in(tmp_path))
    try:
        with pytest.raises(telegram_app.StartFailed, match=r"refused getMe \(BadRequest"):
            await harness.start()
    finally:
        await harness.stop()
    assert [c.status for c in sim.calls if c.method == "getMe"] == [400], "not tried again"


async def test_another_poller_with_the_same_token_is_reported_and_no_webhook_is_touched(
    jembatan: Jembatan, sim: BotApiSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    user = jembatan.user()
    await user.send("/start")
    since = len(sim.calls)
    async with Bot(TOKEN, base_url=sim.base_url) as other:  # a second copy of the bot
        await other.get_updates(timeout=0)  # ends the bot's own long poll with 409
    for _ in range(600):
        if "another getUpdates is running" in caplog.text:
            break
        await asyncio.sleep(0.05)
    assert "another getUpdates is running" in caplog.text
    assert not [c for c in sim.calls[since:] if c.method in {"deleteWebhook", "setWebhook"}]

    await user.press("Bahasa Indonesia")  # polling goes on: her tap is answered
    assert user.last_buttons != ["Bahasa Indonesia", "English", "🆘 Darurat"]
    assert any(c.method == "getUpdates" and c.status == 409 for c in sim.calls)


async def test_a_webhook_port_already_taken_stops_start_up_with_a_clear_line(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, printed = await run_until_it_stops(
            sim,
            tmp_path,
            TOKEN,
            JEMBATAN_WEBHOOK_URL="https://bot.example.org/telegram",
            JEMBATAN_WEBHOOK_SECRET="startup-Secret_1",
            JEMBATAN_WEBHOOK_PORT=str(taken.getsockname()[1]),
        )
    assert code == 2
    assert "Jembatan cannot start: the webhook server cannot listen there" in printed
    assert "Traceback" not in printed
