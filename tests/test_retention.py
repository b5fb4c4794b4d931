"""Retention: personal data goes when its time is up, sooner on a shared phone; silent people go."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.config import load_settings
from bot.core.retention import PurgeReport, RetentionPolicy, purge
from bot.core.services import Services, open_services
from bot.simulator import BotApiSimulator
from bot.telegram.jobs import JOB_NAME, PURGE_EVERY, schedule_purge
from tests.auxil.harness import TOKEN, FakeClock, Jembatan, settings_in, spec_path
from tests.storage.test_erasure import Person, her_data, staff
from tests.test_cli import run_cli

POLICY = RetentionPolicy(referral_days=180, shared_phone_days=30, inactive_days=365)


async def person(services: Services, caseworker_id: int, n: int, **kwargs: str) -> Person:
    return await her_data(
        services.db,
        services.referrals.cipher,
        caseworker_id,
        telegram_id=8_000_000 + n,
        code=f"CODE{n:02d}"[:6],
        nickname=f"Nama-{n}",
        phone=f"+62 812-3000-{n:04d}",
        **kwargs,
    )


async def end(services: Services, who: Person, status: str = "closed") -> None:
    async with services.db.transaction() as conn:
        if status == "closed":
            await services.referrals.close(conn, who.referral_id, "received_help", "caseworker:1")
        else:
            await services.referrals.set_status(
                conn, who.referral_id, status, f"user:{who.user_id}"
            )


async def has_personal(services: Services, who: Person) -> bool:
    return bool(await services.referrals.personal(who.referral_id))


async def exists(services: Services, who: Person) -> bool:
    return await services.users.get(who.telegram_id) is not None


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def services(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Services]:
    opened = await open_services(settings_in(tmp_path / "data"), clock=clock)
    yield opened
    await opened.close()


async def test_ended_referrals_lose_personal_fields_after_their_period(
    services: Services, clock: FakeClock
) -> None:
    caseworker_id = await staff(services.db, services.referrals.cipher)
    alone = await person(services, caseworker_id, 1)
    shared = await person(services, caseworker_id, 2, phone_alone="no")
    cancelled = await person(services, caseworker_id, 3)
    still_open = await person(services, caseworker_id, 4)
    later = await person(services, caseworker_id, 5)
    account_shared = await person(services, caseworker_id, 6)
    async with services.db.transaction() as conn:
        await conn.execute(
            "UPDATE users SET shared_phone = 1 WHERE id = ?", (account_shared.user_id,)
        )
    for who in (alone, shared, account_shared):
        await end(services, who)
    await end(services, cancelled, "cancelled")
    clock.advance(days=10)
    await end(services, later)

    clock.advance(days=21)  # 31 days after the first ones ended
    report = await purge(services, clock(), POLICY)
    assert report == PurgeReport(referrals=2, people=0)
    assert not await has_personal(services, shared)
    assert not await has_personal(services, account_shared)
    assert await has_personal(services, alone) and await has_personal(services, cancelled)

    clock.advance(days=154)  # 185 days after the first ones, 175 after `later`
    assert await purge(services, clock(), POLICY) == PurgeReport(referrals=2, people=0)
    assert not await has_personal(services, alone) and not await has_personal(services, cancelled)
    assert await has_personal(services, later) and await has_personal(services, still_open)
    assert not await services.casework.notes(alone.referral_id)
    assert not await services.casework.relay_thread(alone.referral_id)

    clock.advance(days=6)
    assert await purge(services, clock(), POLICY) == PurgeReport(referrals=1, people=0)
    assert not await has_personal(services, later)
    assert await has_personal(services, still_open)  # open: kept however old
    for who in (alone, shared, cancelled, later):
        referral = await services.referrals.by_code(who.code)
        assert referral is not None and referral.user_id == who.user_id  # the row stays
        assert referral.status in {"closed", "cancelled"} and referral.service == "health"


async def test_people_silent_for_a_year_without_an_open_referral_are_erased(
    services: Services, clock: FakeClock
) -> None:
    caseworker_id = await staff(services.db, services.referrals.cipher)
    done = await person(services, caseworker_id, 1)
    waiting = await person(services, caseworker_id, 2)
    await end(services, done)
    browsing = await services.users.get_or_create(8_100_000)  # never asked for anything
    clock.advance(days=300)
    active = await person(services, caseworker_id, 3)
    await end(services, active)

    clock.advance(days=66)  # 366 days after the first ones were last seen
    report = await purge(services, clock(), POLICY)

    assert report == PurgeReport(referrals=0, people=2)
    assert not await exists(services, done) and await services.users.get(8_100_000) is None
    assert await exists(services, waiting) and await has_personal(services, waiting)
    assert await exists(services, active) and await has_personal(services, active)
    assert await services.sessions.load(done.user_id) is None
    assert await services.sessions.load(browsing.id) is None
    referral = await services.referrals.by_code(done.code)
    assert referral is not None and referral.user_id is None
    assert not await has_personal(services, done)


async def test_a_purge_is_idempotent_and_audits_counts_only(
    services: Services, clock: FakeClock
) -> None:
    caseworker_id = await staff(services.db, services.referrals.cipher)
    who = await person(services, caseworker_id, 1)
    await end(services, who)
    clock.advance(days=400)

    first = await purge(services, clock(), POLICY)
    second = await purge(services, clock(), POLICY)

    assert first == PurgeReport(referrals=0, people=1)  # her referral went with her
    assert second == PurgeReport(referrals=0, people=0)
    entries = [e for e in await services.audit.list() if e.action == "retention.purge"]
    assert [(e.actor, e.subject, e.detail) for e in reversed(entries)] == [
        ("system", None, "referrals=0 people=1"),
        ("system", None, "referrals=0 people=0"),
    ]


async def test_without_a_policy_the_services_retention_days_apply(
    services: Services, clock: FakeClock
) -> None:
    caseworker_id = await staff(services.db, services.referrals.cipher)
    who = await person(services, caseworker_id, 1)
    await end(services, who)
    clock.advance(days=services.retention_days - 1)
    assert await purge(services, clock()) == PurgeReport(referrals=0, people=0)
    clock.advance(days=2)
    assert await purge(services, clock()) == PurgeReport(referrals=1, people=0)


def test_the_periods_come_from_the_environment(tmp_path: Path) -> None:
    defaults = load_settings(environ={}, dotenv=None)
    assert RetentionPolicy.from_settings(defaults) == RetentionPolicy(180, 30, 365)
    configured = load_settings(
        environ={
            "JEMBATAN_RETENTION_DAYS": "90",
            "JEMBATAN_SHARED_RETENTION_DAYS": "14",
            "JEMBATAN_INACTIVE_DAYS": "200",
        },
        dotenv=None,
    )
    assert RetentionPolicy.from_settings(configured) == RetentionPolicy(90, 14, 200)


async def test_the_daily_job_is_registered_once_and_purges(tmp_path: Path) -> None:
    async with BotApiSimulator(token=TOKEN, spec_path=spec_path()) as sim:
        sim.expect_processed_signal = True
        bot = Jembatan(sim, settings_in(tmp_path / "data"))
        await bot.start()
        try:
            assert bot.app is not None and bot.services is not None
            caseworker_id = await staff(bot.services.db, bot.services.referrals.cipher)
            who = await person(bot.services, caseworker_id, 1)
            await end(bot.services, who)
            schedule_purge(bot.app, bot.services, POLICY)
            schedule_purge(bot.app, bot.services, POLICY)  # a second call replaces the first
            assert bot.app.job_queue is not None
            [job] = bot.app.job_queue.get_jobs_by_name(JOB_NAME)
            assert job.job.trigger.interval == PURGE_EVERY
            assert job.next_t is not None
            bot.clock.advance(days=181)

            await job.run(bot.app)

            assert not await has_personal(bot.services, who)
            [entry] = [e for e in await bot.services.audit.list() if e.action == "retention.purge"]
            assert entry.detail == "referrals=1 people=0"
        finally:
            await bot.stop()


async def test_the_purge_command_prints_the_counts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = settings_in(data)
    services = await open_services(settings)
    try:
        caseworker_id = await staff(services.db, services.referrals.cipher)
        who = await person(services, caseworker_id, 1)
        await end(services, who)
    finally:
        await services.close()

    code, out, err = await run_cli("purge", data_dir=data, JEMBATAN_RETENTION_DAYS="0")

    assert code == 0, err
    assert "Erased the personal fields of 1 ended referral(s)." in out
    assert "Erased 0 inactive person(s) entirely." in out
    assert "Deleted 0 unreadable update(s) kept longer than 14 days." in out
    assert who.nickname not in out + err and who.phone not in out + err


async def test_on_her_request_the_office_erases_her_at_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = settings_in(data)
    services = await open_services(settings)
    try:
        caseworker_id = await staff(services.db, services.referrals.cipher)
        her = await person(services, caseworker_id, 1)
        other = await person(services, caseworker_id, 2)
    finally:
        await services.close()

    code, out, err = await run_cli("erase", her.code.lower(), data_dir=data)
    assert code == 0, err
    assert f"Erased everything personal of the person behind {her.code}." in out
    code, _, err = await run_cli("erase", "ZZZZZZ", data_dir=data)
    assert code == 1 and "nothing was erased" in err

    services = await open_services(settings)
    try:
        assert not await exists(services, her) and not await has_personal(services, her)
        assert await exists(services, other) and await has_personal(services, other)
        [entry] = [e for e in await services.audit.list() if e.action == "privacy.erase"]
        assert (entry.actor, entry.subject) == ("admin:cli", f"referral:{her.code}")
    finally:
        await services.close()
