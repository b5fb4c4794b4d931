"""The durable inbox and the hardened webhook: stored before acknowledged, handled once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sqlite3
from pathlib import Path
from typing import Any

import httpx

from bot.core.services import open_services
from bot.simulator import BotApiSimulator
from bot.telegram import app as telegram_app
from flows.core.types import Session
from tests.auxil.harness import Jembatan, free_port, settings_in
from tests.auxil.process import bind_caseworker, eventually, run_bot

SECRET = "inbox-test-Secret_1"


def sends_to(sim: BotApiSimulator, chat_id: int) -> list[str]:
    return [
        str(c.params.get("text", ""))
        for c in sim.calls
        if c.method == "sendMessage" and c.params.get("chat_id") == chat_id
    ]


async def session_seq(data_dir: Path, telegram_id: int) -> int:
    services = await open_services(settings_in(data_dir))
    try:
        user = await services.users.get(telegram_id)
        assert user is not None
        return Session.from_dict(await services.sessions.load(user.id)).seq
    finally:
        await services.close()


async def test_an_update_acknowledged_but_not_handled_is_handled_after_a_kill(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    sim.settle_timeout = 60
    settings = settings_in(tmp_path)
    rina = sim.user("Rina")
    await bind_caseworker(settings, rina, "35.71")
    sim.inject("sendMessage", "latency", latency=60.0, times=None)  # her answer hangs
    first = await run_bot(tmp_path, sim)
    sending = asyncio.create_task(rina.send("/antrian"))

    def acknowledged_and_in_hand() -> bool:
        offsets = [int(c.params.get("offset") or 0) for c in sim.calls if c.method == "getUpdates"]
        return bool(sends_to(sim, rina.user_id)) and any(o > 0 for o in offsets)

    await eventually(acknowledged_and_in_hand)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    sending.cancel()
    with contextlib.suppress(asyncio.CancelledError, AssertionError):
        await sending
    services = await open_services(settings)
    assert await services.inbox.counts() == {"pending": 1}, "stored before acknowledged"
    await services.close()

    sim.clear_faults()
    second = await run_bot(tmp_path, sim)
    try:
        await eventually(lambda: len(sends_to(sim, rina.user_id)) >= 2)
        await asyncio.sleep(1.0)
    finally:
        second.send_signal(signal.SIGTERM)
        assert await second.wait() == 0
    assert "Tidak ada permintaan" in sends_to(sim, rina.user_id)[-1]
    assert len(sends_to(sim, rina.user_id)) == 2, "handled again once, not more"
    services = await open_services(settings)
    assert await services.inbox.counts() == {"done": 1}
    await services.close()


async def test_a_batch_is_not_acknowledged_until_it_is_stored(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    sim.settle_timeout = 60
    settings = settings_in(tmp_path)
    services = await open_services(settings)
    await services.close()
    her = sim.user("Sari")
    first = await run_bot(tmp_path, sim)
    await eventually(lambda: any(c.method == "getUpdates" for c in sim.calls))
    locker = sqlite3.connect(settings.database, timeout=1)
    locker.execute("BEGIN IMMEDIATE")  # storage is busy: the batch cannot be stored
    sending = asyncio.create_task(her.send("/start"))
    await asyncio.sleep(7.0)  # past the bot's 5 s busy timeout: "database is locked"
    offsets = [int(c.params.get("offset") or 0) for c in sim.calls if c.method == "getUpdates"]
    assert all(o == 0 for o in offsets), "nothing acknowledged while it could not be stored"
    first.send_signal(signal.SIGKILL)
    await first.wait()
    locker.rollback()
    locker.close()
    sending.cancel()
    with contextlib.suppress(asyncio.CancelledError, AssertionError):
        await sending

    second = await run_bot(tmp_path, sim)
    try:
        await eventually(lambda: any("Halo, Kak!" in t for t in sends_to(sim, her.user_id)))
        await asyncio.sleep(1.0)
    finally:
        second.send_signal(signal.SIGTERM)
        assert await second.wait() == 0
    assert await session_seq(tmp_path, her.user_id) == 1, "handled exactly once"


async def test_a_batch_being_stored_when_polling_stops_is_handled_before_the_bot_stops(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    harness = Jembatan(sim, settings_in(tmp_path))
    await harness.start()
    assert harness.app is not None and harness.services is not None
    app, inbox = harness.app, harness.services.inbox
    storing, go_on = asyncio.Event(), asyncio.Event()
    accept = inbox.accept

    async def held_accept(*args: Any) -> list[int]:  # the real store, held until told to go on
        storing.set()
        await go_on.wait()
        return await accept(*args)

    inbox.accept = held_accept  # type: ignore[method-assign]
    her = sim.user("Sari")
    sending = asyncio.create_task(her.send("/start"))
    await asyncio.wait_for(storing.wait(), 30)  # fetched; polling is storing it
    stopping = asyncio.create_task(harness.stop())
    await eventually(lambda: app.bot_data.source is None)  # polling has been told to stop
    go_on.set()
    await asyncio.wait_for(stopping, 60)
    sending.cancel()
    with contextlib.suppress(asyncio.CancelledError, AssertionError):
        await sending
    assert any("Halo, Kak!" in t for t in sends_to(sim, her.user_id)), "answered before stopping"
    services = await open_services(settings_in(tmp_path))
    try:
        assert await services.inbox.counts() == {"done": 1}, "stored, handled once, none pending"
    finally:
        await services.close()


async def webhook_bot(sim: BotApiSimulator, tmp_path: Path) -> tuple[Jembatan, str]:
    port = free_port()
    harness = Jembatan(sim, settings_in(tmp_path))
    url = f"http://127.0.0.1:{port}/telegram"
    harness.webhook = telegram_app.Webhook(url=url, secret=SECRET, listen="127.0.0.1", port=port)
    await harness.start()
    return harness, url


async def test_the_same_update_pushed_twice_is_handled_once(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    harness, url = await webhook_bot(sim, tmp_path)
    try:
        chat = {"id": 4242, "type": "private", "first_name": "Sari"}
        person = {"id": 4242, "is_bot": False, "first_name": "Sari", "language_code": "id"}
        message = {
            "message_id": 1,
            "date": 1,
            "chat": chat,
            "from": person,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
        update = {"update_id": 900001, "message": message}
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient() as client:
            first = await client.post(url, json=update, headers=headers)
            again = await client.post(url, json=update, headers=headers)
        assert (first.status_code, again.status_code) == (200, 200)
        assert harness.services is not None
        services = harness.services

        async def handled() -> bool:
            return (await services.inbox.counts()).get("done") == 1

        for _ in range(200):
            if await handled():
                break
            await asyncio.sleep(0.05)
        user = await services.users.get(4242)
        assert user is not None
        assert Session.from_dict(await services.sessions.load(user.id)).seq == 1
    finally:
        await harness.stop()


async def test_the_webhook_limits_bodies_checks_the_secret_and_reports_health(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    harness, url = await webhook_bot(sim, tmp_path)
    try:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient() as client:
            huge = await client.post(url, content=b"{" + b" " * 1_100_000 + b"}", headers=headers)
            broken = await client.post(url, content=b"not json", headers=headers)
            almost = await client.post(
                url, json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET[:-1]}
            )
            health = await client.get(url.replace("/telegram", "/health"))
        assert huge.status_code == 413
        assert broken.status_code == 400
        assert almost.status_code == 403
        assert health.status_code == 200
        assert json.loads(health.text) == {"ok": True, "pending_updates": 0}
    finally:
        await harness.stop()


async def test_sigterm_in_webhook_mode_finishes_the_update_in_hand(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    sim.settle_timeout = 60
    settings_in(tmp_path)
    port = free_port()
    her = sim.user("Sari")
    sim.inject("sendMessage", "latency", latency=2.0, times=1)
    bot = await run_bot(
        tmp_path,
        sim,
        JEMBATAN_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        JEMBATAN_WEBHOOK_SECRET=SECRET,
        JEMBATAN_WEBHOOK_PORT=str(port),
    )
    await eventually(lambda: any(c.method == "setWebhook" for c in sim.calls))
    sending = asyncio.create_task(her.send("/start"))
    await eventually(lambda: bool(sends_to(sim, her.user_id)))
    bot.send_signal(signal.SIGTERM)  # while her reply is still on its way
    assert await bot.wait() == 0
    with contextlib.suppress(AssertionError):
        await sending
    delivered = [
        c for c in sim.calls if c.method == "sendMessage" and c.params.get("chat_id") == her.user_id
    ]
    assert delivered and delivered[0].status == 200, "the reply in hand was finished"
    services = await open_services(settings_in(tmp_path))
    assert await services.inbox.counts() == {"done": 1}
    await services.close()
