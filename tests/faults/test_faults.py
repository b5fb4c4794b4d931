"""Telegram and storage faults, one by one: she gets a calm answer and nothing is lost.

After every fault the invariants of tests/faults/invariants.py hold: SQLite's integrity check
passes, every referral she was shown a code for is stored with its consent, every notification
went out at most once.
"""

from __future__ import annotations

import pytest

from bot.simulator import BotApiSimulator
from tests.auxil.asking import KEDIRI, Request, ask
from tests.auxil.harness import Jembatan
from tests.e2e.test_desk import staff
from tests.faults.invariants import check_invariants

REGION_QUESTION = "Kakak sekarang ada di kota atau kabupaten mana?"
CALM = "Maaf, Kak, ada gangguan di sistem saya. Silakan coba lagi."


@pytest.mark.parametrize("retry_after", [1, 5, 30])
async def test_429_with_retry_after_is_waited_out(
    jembatan: Jembatan, sim: BotApiSimulator, retry_after: int
) -> None:
    sim.settle_timeout = retry_after + 30
    her = jembatan.user()
    await her.send("/start")
    sim.inject("editMessageText", 429, retry_after=retry_after, times=1)
    await her.press("Bahasa Indonesia")
    assert her.last_message.startswith(REGION_QUESTION)
    limited = [c for c in sim.calls if c.status == 429]
    after = [c for c in sim.calls if c.method == "editMessageText" and c.wall > limited[-1].wall]
    assert after and after[0].wall - limited[-1].wall >= retry_after, "waited as told"
    await check_invariants(jembatan)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_get_a_calm_answer_and_keep_her_place(
    jembatan: Jembatan, sim: BotApiSimulator, status: int
) -> None:
    her = jembatan.user()
    await her.send("/start")
    await her.press("Bahasa Indonesia")
    sim.inject("sendMessage", status, times=1)
    await her.send("kediri")
    assert her.last_message == CALM
    await her.send("kediri")
    assert "Kota Kediri" in " ".join(her.last_buttons), "her place was kept"
    await check_invariants(jembatan)


async def test_a_timeout_gets_a_calm_answer(jembatan: Jembatan, sim: BotApiSimulator) -> None:
    sim.settle_timeout = 60
    her = jembatan.user()
    await her.send("/start")
    await her.press("Bahasa Indonesia")
    sim.inject("sendMessage", "timeout", times=1)
    await her.send("kediri")
    assert her.last_message == CALM
    await her.send("/menu")
    assert her.bot_messages, "she can go on"
    await check_invariants(jembatan)


async def test_403_while_answering_her_is_logged_and_the_bot_goes_on(
    jembatan: Jembatan, sim: BotApiSimulator
) -> None:
    her = jembatan.user()
    await her.send("/start")
    her.block()
    await her.press("Bahasa Indonesia")
    her.unblock()
    other = jembatan.user("Dewi")
    await other.send("/start")
    assert any((m.text or "").startswith("Halo, Kak!") for m in other.bot_messages)
    await check_invariants(jembatan)


@pytest.mark.parametrize(
    ("method", "status"),
    [("editMessageText", 400), ("answerCallbackQuery", 400), ("sendMessage", 400)],
)
async def test_400_variants_get_a_calm_answer(
    jembatan: Jembatan, sim: BotApiSimulator, method: str, status: int
) -> None:
    her = jembatan.user()
    await her.send("/start")
    sim.inject(method, status, times=1)
    await her.press("Bahasa Indonesia")
    await her.send("/menu")
    assert her.bot_messages[-1].text, "she is answered after the fault"
    await check_invariants(jembatan)


async def test_database_is_locked_holds_the_update_until_storage_is_free(
    jembatan: Jembatan,
) -> None:
    import asyncio
    import sqlite3

    await staff(jembatan, "Ana", ["35.71"], ["*"])
    her, code = await ask(jembatan, Request(region=KEDIRI, nickname="Melati"))
    jembatan.sim.settle_timeout = 90
    locker = sqlite3.connect(jembatan.settings.database, timeout=1)
    locker.execute("BEGIN IMMEDIATE")
    sending = asyncio.create_task(her.send("/menu"))
    await asyncio.sleep(6.0)  # past the bot's 5 s busy timeout: "database is locked"
    assert not sending.done()
    locker.rollback()
    locker.close()
    await sending
    assert "Mau lihat apa, Kak?" in her.last_message, "handled once storage was free"
    assert jembatan.services is not None
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None
    assert (await jembatan.services.referrals.personal(referral.id))["nickname"] == "Melati"
    await check_invariants(jembatan, [her])


async def test_a_full_disk_holds_the_update_unacknowledged_until_there_is_room(
    jembatan: Jembatan, sim: BotApiSimulator
) -> None:
    import asyncio

    assert jembatan.services is not None
    db = jembatan.services.db
    her = jembatan.user()
    await her.send("/start")
    await her.press("Bahasa Indonesia")
    polls = len(sim.calls)
    pages = (await db.fetchone("PRAGMA page_count"))[0]
    # On the writing connection (fetchone would use the read-only one): "database or disk is full"
    await db.conn.execute(f"PRAGMA max_page_count = {pages}")
    sending = asyncio.create_task(her.send("kediri " + "x" * 3000))
    await asyncio.sleep(2.0)
    offsets = [c.params.get("offset") for c in sim.calls[polls:] if c.method == "getUpdates"]
    assert len(set(offsets)) <= 1, "the update was not acknowledged while it could not be stored"
    assert not sending.done()
    await db.conn.execute("PRAGMA max_page_count = 1073741823")  # room again
    await sending
    assert her.bot_messages[-1].text, "handled once there was room"
    assert (await jembatan.services.inbox.counts()).get("pending", 0) == 0
    await check_invariants(jembatan)
