"""Updates the bot cannot read: quarantined or refused, never a crash, never a stuck start."""

from __future__ import annotations

import io
import json
import logging
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.core.logs import setup_logging
from bot.core.services import Services, open_services
from bot.simulator import BotApiSimulator
from bot.telegram import app as telegram_app
from tests.auxil.harness import TOKEN, Jembatan, free_port, settings_in
from tests.auxil.process import eventually, run_bot, serving

SECRET = "unreadable-test-Secret_1"
MARKER = "rahasia-Sari-081299998888"  # what she wrote: never in a log or the audit log
UNREADABLE = {"message": MARKER}  # a message that is a string: python-telegram-bot cannot parse it


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    setup_logging("DEBUG", secrets=[TOKEN], stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


async def quarantine_audit(services: Services) -> list[tuple[str, str | None, str | None]]:
    entries = await services.audit.list()
    return [(e.actor, e.subject, e.detail) for e in entries if e.action == "inbox.quarantine"]


async def test_an_unreadable_polled_update_is_quarantined_and_the_bot_goes_on(
    jembatan: Jembatan, log_output: io.StringIO
) -> None:
    sim = jembatan.sim
    broken = sim.push_raw(UNREADABLE)
    her = jembatan.user()
    await her.send("/start")
    assert her.last_message.endswith("Pilih bahasa / Choose language")
    assert sim._core.queue.pending == (), "the offset moved past the unreadable update"
    assert jembatan.services is not None
    services = jembatan.services
    assert await services.inbox.counts() == {"quarantined": 1, "done": 1}
    row = await services.db.fetchone(
        "SELECT payload, reason FROM inbox_quarantine WHERE update_id = ?", (broken,)
    )
    assert row is not None and MARKER not in row["payload"], "kept encrypted"
    assert await services.inbox.quarantined(broken) == (
        {"update_id": broken, **UNREADABLE},
        row["reason"],
    )
    assert await quarantine_audit(services) == [("system:inbox", f"update:{broken}", row["reason"])]

    await jembatan.restart()  # the quarantined row is not replayed into a crash
    await her.send("/menu")
    assert her.last_message
    assert jembatan.services is not None
    assert (await jembatan.services.inbox.counts())["quarantined"] == 1
    logs = log_output.getvalue()
    assert f"update {broken} cannot be read" in logs
    assert MARKER not in logs
    assert all(MARKER not in str(e) for e in await jembatan.services.audit.list())


async def test_a_polled_batch_with_invalid_ids_or_deep_nesting_is_skipped_item_by_item(
    jembatan: Jembatan,
) -> None:
    sim = jembatan.sim
    her = jembatan.user()
    message = {"message_id": 1, "date": 1, "chat": {"id": her.user_id, "type": "private"}}
    for bad_id in (2**70, True, -5, "100000001"):
        sim.push_raw({"update_id": bad_id, "message": {**message, "text": "/start"}})
    sim.push_raw({"message": {**message, "text": json.loads(nested(200))}})
    await her.send("/start")
    assert her.last_message.endswith("Pilih bahasa / Choose language")
    assert sim._core.queue.pending == (), "polling moved on past every bad item"
    assert jembatan.services is not None
    assert await jembatan.services.inbox.counts() == {"done": 1}, "only her update was stored"
    await her.send("/menu")
    assert her.last_message, "still polling"


async def test_a_start_after_an_older_version_stored_an_unreadable_update_works(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    settings = settings_in(tmp_path)
    services = await open_services(settings)
    try:  # stored as pending, as the version before quarantine did
        assert await services.inbox.accept([(7, {"update_id": 7, **UNREADABLE})]) == [7]
    finally:
        await services.close()
    her = sim.user("Sari")

    def greetings() -> int:
        return sum(
            "Halo, Kak!" in str(c.params.get("text", ""))
            for c in sim.calls
            if c.method == "sendMessage" and c.params.get("chat_id") == her.user_id
        )

    for start in (1, 2):  # starting twice: neither start is stopped by the row
        since = len(sim.calls)
        bot = await run_bot(tmp_path, sim)
        try:
            await serving(sim, since)
            await her.send("/start")
            await eventually(lambda: greetings() == start)  # noqa: B023
        finally:
            bot.send_signal(signal.SIGTERM)
            assert await bot.wait() == 0
    services = await open_services(settings)
    try:
        assert await services.inbox.counts() == {"quarantined": 1, "done": 2}
        audit = await quarantine_audit(services)
        assert len(audit) == 1 and audit[0][1] == "update:7", "quarantined and audited once"
        assert MARKER not in str(audit)
    finally:
        await services.close()


async def webhook_bot(sim: BotApiSimulator, tmp_path: Path) -> tuple[Jembatan, str]:
    port = free_port()
    harness = Jembatan(sim, settings_in(tmp_path))
    url = f"http://127.0.0.1:{port}/telegram"
    harness.webhook = telegram_app.Webhook(url=url, secret=SECRET, listen="127.0.0.1", port=port)
    await harness.start()
    return harness, url


async def test_the_webhook_quarantines_unreadable_updates_and_refuses_invalid_ones(
    sim: BotApiSimulator, tmp_path: Path, log_output: io.StringIO
) -> None:
    harness, url = await webhook_bot(sim, tmp_path)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    chat = {"id": 4242, "type": "private"}
    message = {"message_id": 1, "date": 1, "chat": chat, "text": "/start"}
    try:
        async with httpx.AsyncClient() as client:
            unreadable = await client.post(
                url, json={"update_id": 900010, **UNREADABLE}, headers=headers
            )
            refused = [
                await client.post(url, json={"update_id": bad, "message": message}, headers=headers)
                for bad in (2**70, True, -5, 0, "900011", 1.5, None)
            ]
            deep = await client.post(
                url,
                content=b'{"update_id": 900012, "message": ' + nested(10_000).encode() + b"}",
                headers=headers,
            )
            deeper_than_an_update = await client.post(
                url,
                content=b'{"update_id": 900013, "message": ' + nested(200).encode() + b"}",
                headers=headers,
            )
            health = await client.get(url.replace("/telegram", "/health"))
        assert unreadable.status_code == 200, "stored (quarantined): Telegram need not resend"
        assert [r.status_code for r in refused] == [400] * 7
        assert deep.status_code == 400
        assert deeper_than_an_update.status_code == 400
        assert json.loads(health.text) == {
            "ok": True,
            "pending_updates": 0,
            "quarantined_updates": 1,
        }
        assert harness.services is not None
        services = harness.services
        assert await services.db.fetchall("SELECT * FROM inbox") == [], "nothing taken as id 1"
        assert await services.inbox.quarantined(900010) is not None
        assert await services.db.fetchall("SELECT * FROM users") == []
        assert [a[1] for a in await quarantine_audit(services)] == ["update:900010"]
    finally:
        await harness.stop()
    assert MARKER not in log_output.getvalue()
