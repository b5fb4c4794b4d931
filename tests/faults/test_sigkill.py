"""SIGKILL at random points, many rounds, and SIGTERM under load: nothing confirmed is lost.

A real `python -m bot run` process serves three people who walk towards a referral while a
caseworker is notified. Each round the process is killed at a random moment; between rounds the
invariants are checked on the database (integrity, every referral she was shown a code for is
stored with its consent and follow-ups), and at the end every notification went out at most
twice (the documented duplicate of a message in flight at a kill).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
from pathlib import Path

from bot.core.services import open_services
from bot.simulator import BotApiSimulator, SimUser
from tests.auxil.asking import ANY_TIME
from tests.auxil.harness import settings_in
from tests.auxil.process import bind_caseworker, run_bot, serving
from tests.faults.invariants import check_storage, confirmed_codes, notifications_per_code

PROGRAMMES = "Pelatihan dan bantuan usaha di"
ROUNDS = int(os.environ.get("JEMBATAN_KILL_ROUNDS", "50"))
PATH = (
    "Bahasa Indonesia",
    "Kota Kediri (Jawa Timur)",
    "🎓 Pelatihan dan bantuan usaha",
    "🙋 Saya mau ikut",
    "Ya, 18 tahun ke atas",
    "✅ Saya setuju",
    ANY_TIME,
    "Lewati",
    "Ya, hanya saya",
    "✅ Kirim",
    "✅ Ya, boleh",
)


async def step(person: SimUser) -> None:
    """One adaptive step towards a referral, from whatever screen she is on."""
    buttons = person.last_buttons if person.bot_messages else []
    for label in PATH:
        if label in buttons:
            await person.press(label)
            return
    last = person.last_message if person.bot_messages else ""
    if last.startswith("Kakak sekarang ada di kota atau kabupaten mana?"):
        await person.send("kediri")
    elif last.startswith(PROGRAMMES) and buttons:
        await person.press(buttons[0])
    else:
        await person.send("/start")


async def walk(person: SimUser, seconds: float) -> None:
    """Keeps stepping until cancelled (a killed bot makes steps fail; she just tries again)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        with contextlib.suppress(AssertionError):
            await step(person)


async def test_fifty_sigkills_lose_nothing(sim: BotApiSimulator, tmp_path: Path) -> None:
    sim.expect_processed_signal = False
    sim.settle_timeout = 3.0
    settings = settings_in(tmp_path)
    ana = sim.user("Ana")
    await bind_caseworker(settings, ana, "35.71")
    people = [sim.user(f"P{n}") for n in range(3)]
    chance = random.Random(20261123)
    kills_in_flight = 0

    for _ in range(ROUNDS):
        bot = await run_bot(tmp_path, sim)
        walkers = [asyncio.create_task(walk(p, 30)) for p in people]
        await asyncio.sleep(chance.uniform(0.5, 3.0))  # during start-up or after: any moment
        in_flight = sum(1 for c in sim.calls if c.status is None and c.method == "sendMessage")
        kills_in_flight += in_flight
        bot.send_signal(signal.SIGKILL)
        await bot.wait()
        for walker in walkers:
            walker.cancel()
        await asyncio.gather(*walkers, return_exceptions=True)
        services = await open_services(settings)
        try:
            await check_storage(services, confirmed_codes(people))
        finally:
            await services.close()

    since = len(sim.calls)
    bot = await run_bot(tmp_path, sim)  # a clean run delivers what was left
    try:
        await serving(sim, since)
        await asyncio.sleep(4.0)
    finally:
        bot.send_signal(signal.SIGTERM)
        assert await bot.wait() == 0
    services = await open_services(settings)
    try:
        await check_storage(services, confirmed_codes(people))
        stored = [r[0] for r in await services.db.fetchall("SELECT code FROM referrals")]
        outbox = await services.outbox.counts()
    finally:
        await services.close()
    notified = notifications_per_code(sim, [ana])
    assert all(n <= 2 for n in notified.values()), notified
    assert {key.split(":")[1] for key in notified} == set(stored), "every referral notified"
    assert set(outbox) <= {"sent", "cancelled"}, outbox
    print(
        f"\n{ROUNDS} SIGKILL rounds: {len(stored)} referrals stored, "
        f"{len(confirmed_codes(people))} confirmed to her, "
        f"{sum(n - 1 for n in notified.values())} duplicate notification(s), "
        f"{kills_in_flight} request(s) in flight at the kills"
    )


async def test_sigterm_under_load_finishes_what_is_in_hand(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    sim.settle_timeout = 5.0
    settings = settings_in(tmp_path)
    people = [sim.user(f"P{n}") for n in range(10)]
    sim.latency = 0.05
    since = len(sim.calls)
    bot = await run_bot(tmp_path, sim)
    walkers = [asyncio.create_task(walk(p, 60)) for p in people]
    await serving(sim, since)
    await asyncio.sleep(6.0)
    bot.send_signal(signal.SIGTERM)
    assert await bot.wait() == 0, "a clean exit"
    for walker in walkers:
        walker.cancel()
    await asyncio.gather(*walkers, return_exceptions=True)
    services = await open_services(settings)
    try:
        await check_storage(services, confirmed_codes(people))
        assert (await services.outbox.counts()).get("sending", 0) == 0, "nothing left half-sent"
    finally:
        await services.close()
