"""The durable outbox and the follow-ups across restarts, floods, blocks and a killed process."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.services import open_services
from bot.simulator import BotApiSimulator
from storage.outbox import OutMessage
from tests.auxil.harness import Jembatan, settings_in
from tests.auxil.process import run_bot
from tests.auxil.seed import due_check_ins
from tests.e2e.test_followups import KEDIRI, KUPANG, ask_training


async def eventually(check: object, within: float = 20.0) -> None:
    """Waits until a condition holds (polling), or fails."""
    assert callable(check)
    for _ in range(int(within / 0.05)):
        if await check() if asyncio.iscoroutinefunction(check) else check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition did not come true in time")


async def test_due_while_stopped_is_sent_on_start_when_still_valid(jembatan: Jembatan) -> None:
    her, _ = await ask_training(jembatan, KEDIRI)
    before = len(her.bot_messages)
    await jembatan.stop()
    jembatan.clock.now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # due a day ago, still valid
    await jembatan.start()  # the sweeper job runs once at start

    await eventually(lambda: len(her.bot_messages) > before)
    await jembatan.open_sealed()
    assert "apakah sudah ada petugas" in her.last_message


async def test_due_while_stopped_at_night_waits_for_the_morning(jembatan: Jembatan) -> None:
    her, _ = await ask_training(jembatan, KEDIRI)
    before = len(her.bot_messages)
    await jembatan.stop()
    jembatan.clock.now = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)  # 23:00 WIB
    await jembatan.start()
    assert jembatan.services is not None
    services = jembatan.services

    async def postponed() -> bool:
        found = await services.followups.for_user(1)
        return any(f.due_at == datetime(2026, 11, 27, 1, 0, tzinfo=UTC) for f in found)

    await eventually(postponed)
    assert len(her.bot_messages) == before, "nothing at night"
    jembatan.clock.now = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 08:00 WIB
    await jembatan.run_due()
    assert len(her.bot_messages) == before + 1


async def test_due_while_stopped_beyond_validity_is_expired_and_audited(
    jembatan: Jembatan,
) -> None:
    her, code = await ask_training(jembatan, KEDIRI)
    before = len(her.bot_messages)
    await jembatan.stop()
    jembatan.clock.now += timedelta(days=10)  # asked after 3 days, valid 4 more
    await jembatan.start()
    assert jembatan.services is not None
    services = jembatan.services

    async def expired() -> bool:
        return any(f.state == "expired" for f in await services.followups.for_user(1))

    await eventually(expired)
    await jembatan.run_due()
    assert len(her.bot_messages) == before
    rows = await services.db.fetchall(
        "SELECT subject, detail FROM audit_log WHERE action = 'followup.expired'"
    )
    assert (f"referral:{code}", "contact_check") in [(r[0], r[1]) for r in rows]


async def test_a_blocked_person_stops_getting_attempts_and_her_follow_ups_are_cancelled(
    jembatan: Jembatan, sim: BotApiSimulator
) -> None:
    her, _ = await ask_training(jembatan, KUPANG)  # also a training reminder for January
    her.block()
    assert jembatan.services is not None
    services = jembatan.services

    def attempts() -> int:
        return sum(
            1
            for c in sim.calls
            if c.method == "sendMessage" and c.params.get("chat_id") == her.user_id
        )

    start = attempts()
    jembatan.clock.now = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    await jembatan.run_due()
    assert attempts() == start + 1
    for _ in range(4):
        jembatan.clock.now += timedelta(minutes=30)  # past every retry's backoff
        await jembatan.run_due()
    assert attempts() == start + 3, "three refusals, then no more attempts"
    user = await services.users.by_id(1)
    assert user is not None and user.unreachable
    states = {f.kind: f.state for f in await services.followups.for_user(1)}
    assert states["training_reminder"] == "cancelled"

    jembatan.clock.now = datetime(2027, 1, 17, 0, 0, tzinfo=UTC)
    await jembatan.run_due()
    assert attempts() == start + 3


async def test_500_follow_ups_during_a_10_second_flood_are_all_delivered_once_within_limits(
    jembatan: Jembatan, sim: BotApiSimulator
) -> None:
    assert jembatan.services is not None
    services = jembatan.services
    people = [sim.user(f"P{n}") for n in range(500)]
    start = len(sim.calls)
    # Due an hour from now: whatever sweep of the bot's own runs meanwhile (the one at start, or
    # its job) finds nothing; once the clock reaches them the flood is already on, for 10 s.
    due = jembatan.clock.now + timedelta(hours=1)
    await due_check_ins(services, [p.user_id for p in people], due)
    flood = sim.flood(10.0, "sendMessage")
    assert flood.until is not None
    jembatan.clock.now = due

    await jembatan.run_due(within=120)  # whichever sweep queues them, all 500 must go out

    async def settled() -> bool:
        pending = (await services.followups.counts()).get("pending", 0)
        sent = (await services.outbox.counts()).get("sent", 0)
        return pending == 0 and sent >= 500

    await eventually(settled, within=120)
    await jembatan.outbox_idle(30)
    assert await services.followups.counts() == {"sent": 500}
    assert await services.outbox.counts() == {"sent": 500}

    sends = [c for c in sim.calls[start:] if c.method == "sendMessage"]
    delivered = [c for c in sends if c.status == 200]
    limited = [c for c in sends if c.status == 429]
    assert sorted(c.params["chat_id"] for c in delivered) == sorted(p.user_id for p in people)
    assert all(c.wall >= flood.until for c in delivered), "nothing got through while limited"
    walls = sorted(c.wall for c in sends)
    busiest = max(sum(1 for w in walls if t <= w < t + 1.0) for t in walls)
    assert busiest <= 30, f"{busiest} requests in one second"
    rate = len(delivered) / (max(c.wall for c in delivered) - min(c.wall for c in delivered))
    print(
        f"\n500 follow-ups: {len(limited)} request(s) answered 429 during the 10 s flood; "
        f"afterwards {rate:.1f} messages/s, at most {busiest} requests in any second"
    )


async def test_killing_the_process_between_send_and_record_loses_nothing(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    settings = settings_in(tmp_path)
    people = [sim.user(f"P{n}") for n in range(5)]
    services = await open_services(settings)
    async with services.db.transaction() as conn:
        for person in people:
            await services.outbox.add(conn, OutMessage("to_her", person.user_id, "Halo, Kak 👋"))
    await services.close()
    sim.inject("sendMessage", "latency", latency=30.0, times=None)  # every send hangs

    first = await run_bot(tmp_path, sim)
    await eventually(lambda: any(c.method == "sendMessage" for c in sim.calls), within=30)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    services = await open_services(settings)
    in_flight = (await services.outbox.counts()).get("sending", 0)
    await services.close()
    assert in_flight >= 1

    sim.clear_faults()
    second = await run_bot(tmp_path, sim)
    try:
        await eventually(lambda: all(p.messages for p in people), within=30)
        await asyncio.sleep(1.5)  # nothing more arrives
    finally:
        second.send_signal(signal.SIGTERM)
        await second.wait()
    counts = [len(p.bot_messages) for p in people]
    assert all(1 <= n <= 2 for n in counts), counts
    assert sum(counts) - len(people) <= in_flight, "a duplicate only for a message in flight"
    services = await open_services(settings)
    assert await services.outbox.counts() == {"sent": 5}
    await services.close()
    print(f"\nkilled with {in_flight} message(s) in flight; delivered per chat: {counts}")
