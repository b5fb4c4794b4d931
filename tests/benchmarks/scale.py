"""Scale pass: a database with USERS people and as many pending follow-ups; start-up and dispatch.

Two steps, each in its own process so that each peak RSS is its own:

    python -m tests.benchmarks.scale seed DIR --users 100000 --due 3000
    python -m tests.benchmarks.scale measure DIR --due 3000

`seed` creates one person through the real storage code (user, profile, two consents, a
referral with an encrypted nickname, its first status, a flow session, a contact check)
and copies her rows USERS times with executemany, renumbering ids, Telegram ids, reference codes
and due times: DUE follow-ups are due now, the rest fall due over the next two weeks.

`measure` times what a real start does (open_services + build_application + start, until the
bot polls), reads RSS, then lets the bot run with the production sweep interval
(JEMBATAN_SWEEP_SECONDS, 60 s) until every due follow-up has reached its simulated chat, and
reports the delivery rate (from the simulator's real-time stamps) and any 429. Prints one JSON
object on its last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.core.services import CODE_ALPHABET, open_services
from bot.simulator import BotApiSimulator
from bot.simulator.core import ApiCall
from bot.telegram import app as telegram_app
from flows.regions import REGION_CODE_SYSTEM
from storage.db import to_text
from storage.referrals import NewReferral
from tests.auxil.harness import TOKEN, FakeClock, settings_in, spec_path
from tests.benchmarks.measure import peak_rss_mb, rss_mb

KEDIRI = "35.71"
TEMPLATE_TELEGRAM_ID = 10**12
FIRST_TELEGRAM_ID = 7_000_000_000
CHUNK = 10_000
LATENCY = 0.05
# Copied per person, in foreign-key order. Ids of the first three are renumbered.
TABLES = ("users", "consents", "referrals", "referral_events", "flow_sessions", "followups")
RENUMBERED = {"users": "user_id", "consents": "consent_id", "referrals": "referral_id"}


def code_of(n: int) -> str:
    """A unique six-letter reference code for person n (codes of real requests are random)."""
    letters = []
    for _ in range(6):
        n, digit = divmod(n, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[digit])
    return "".join(letters)


async def seed(data_dir: Path, users: int, due: int) -> dict[str, Any]:
    """Creates the database: one real person, then USERS copies of her rows."""
    clock = FakeClock()
    now = clock()
    started = time.perf_counter()
    services = await open_services(settings_in(data_dir), clock=clock)
    db = services.db
    try:
        template = await services.users.get_or_create(TEMPLATE_TELEGRAM_ID)
        async with db.transaction() as conn:
            await services.users.save_profile(conn, template.id, "id", KEDIRI, False)
            consent = await services.consents.record(conn, template.id, "referral", "v1", "id")
            await services.consents.record(conn, template.id, "followups", "v1", "id")
            await services.users.set_followups(conn, template.id, "on")
            referral = await services.referrals.create(
                conn,
                NewReferral(
                    code="TEMPLT",
                    user_id=template.id,
                    service="training",
                    item="",
                    region_code=KEDIRI,
                    region_system=REGION_CODE_SYSTEM,
                    office_key="seed",
                    answers={"contact": "chat", "window": "any", "nickname": "Sari"},
                    consent_id=consent,
                ),
                "seed",
            )
            await services.sessions.save(
                conn, template.id, {"node": "home", "locale": "id", "region_code": KEDIRI}
            )
            later = now + timedelta(days=3)
            await services.followups.schedule(
                conn, "contact_check", referral, template.id, later, later + timedelta(days=7)
            )
        rows = {t: [dict(r) for r in await db.fetchall(f"SELECT * FROM {t}")] for t in TABLES}
        next_id = {t: 1 + max(r["id"] for r in rows[t]) for t in RENUMBERED}
        positions = {t: {r["id"]: i for i, r in enumerate(rows[t])} for t in RENUMBERED}
        async with db.transaction() as conn:
            for table in TABLES:
                template_rows = rows[table]
                keep_id = table in RENUMBERED
                columns = [c for c in template_rows[0] if c != "id" or keep_id]
                sql = (
                    f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})"
                )
                copy = _copier(table, template_rows, positions, next_id, now, due, users)
                for low in range(0, users, CHUNK):
                    batch = [
                        [row[c] for c in columns]
                        for n in range(low, min(users, low + CHUNK))
                        for row in copy(n)
                    ]
                    await conn.executemany(sql, batch)
            # the template person is not part of the measurement
            await conn.execute("DELETE FROM followups WHERE user_id = ?", (template.id,))
        counts = {t: (await db.fetchall(f"SELECT COUNT(*) FROM {t}"))[0][0] for t in TABLES}
    finally:
        await services.close()
    size = sum(p.stat().st_size for p in data_dir.glob("*.sqlite3*"))
    return {
        "seed_seconds": time.perf_counter() - started,
        "rows": counts,
        "db_mb": size / 2**20,
    }


def _copier(
    table: str,
    template: Sequence[dict[str, Any]],
    positions: dict[str, dict[int, int]],
    next_id: dict[str, int],
    now: datetime,
    due: int,
    users: int,
) -> Callable[[int], list[dict[str, Any]]]:
    """Returns a function giving person n's copies of the template rows of one table."""
    span = timedelta(days=14)

    def new_id(t: str, old: int, n: int) -> int:
        return next_id[t] + n * len(positions[t]) + positions[t][old]

    def copy(n: int) -> list[dict[str, Any]]:
        out = []
        for row in template:
            new = dict(row)
            if table in RENUMBERED:
                new["id"] = new_id(table, row["id"], n)
            for t, column in RENUMBERED.items():
                if row.get(column) is not None:
                    new[column] = new_id(t, row[column], n)
            if table == "users":
                new["telegram_id"] = FIRST_TELEGRAM_ID + n
            elif table == "referrals":
                new["code"] = code_of(n)
            elif table == "followups":
                at = now - timedelta(minutes=1) if n < due else now + span * (n / users)
                new["due_at"] = to_text(at)
                new["valid_until"] = to_text(at + timedelta(days=7))
            out.append(new)
        return out

    return copy


async def measure(data_dir: Path, due: int, sweep_seconds: float | None) -> dict[str, Any]:
    """Starts the bot on the seeded database; times it, then times the due follow-ups' delivery."""
    clock = FakeClock()
    settings = settings_in(data_dir)
    interval = settings.sweep_seconds if sweep_seconds is None else sweep_seconds
    result: dict[str, Any] = {"rss_before_mb": rss_mb(), "sweep_seconds": interval}
    async with BotApiSimulator(token=TOKEN, spec_path=spec_path()) as sim:
        sim.latency = LATENCY
        chats = {sim.user(f"P{n}", user_id=FIRST_TELEGRAM_ID + n).user_id for n in range(due)}
        started = time.perf_counter()
        services = await open_services(settings, clock=clock)
        opened = time.perf_counter()
        app = telegram_app.build_application(
            services,
            TOKEN,
            base_url=sim.base_url,
            base_file_url=sim.base_file_url,
            overall_rate=settings.overall_rate,
            on_update_done=sim.on_processed,
            sweep_seconds=interval,
        )
        await telegram_app.start(app, services.catalogs)
        polling = time.perf_counter()
        polling_wall = time.monotonic()
        result.update(
            startup_s=polling - started,
            open_services_s=opened - started,
            rss_started_mb=rss_mb(),
        )
        try:
            deadline = polling + (due / 500 + 1) * interval + due / 20 + 60
            while time.perf_counter() < deadline:
                if len(_delivered(sim, chats)) >= due:
                    break
                await asyncio.sleep(0.5)
            finished = time.perf_counter()
        finally:
            await telegram_app.stop(app)
            await services.close()
    ok = _delivered(sim, chats)
    walls = sorted(c.wall for c in ok)
    result.update(
        due=due,
        delivered=len(ok),
        distinct_chats=len({c.params["chat_id"] for c in ok}),
        too_many_requests=sum(c.status == 429 for c in sim.calls),
        dispatch_s=finished - polling,
        first_send_after_start_s=walls[0] - polling_wall if walls else None,
        last_send_after_start_s=walls[-1] - polling_wall if walls else None,
        rate_overall=(len(walls) - 1) / (walls[-1] - walls[0]) if len(walls) > 1 else 0.0,
        rate_while_sending=_busy_rate(walls),
        max_in_one_second=_max_window(walls),
        peak_rss_mb=peak_rss_mb(),
    )
    return result


def _delivered(sim: BotApiSimulator, chats: set[int]) -> list[ApiCall]:
    """The successful sendMessage calls to these chats."""
    return [
        c
        for c in sim.calls
        if c.method == "sendMessage" and c.status == 200 and c.params.get("chat_id") in chats
    ]


def _busy_rate(walls: list[float], gap: float = 2.0) -> float:
    """Messages per second counted only inside bursts (pauses longer than `gap` left out)."""
    sent, seconds = 0, 0.0
    start = 0
    for i in range(1, len(walls) + 1):
        if i == len(walls) or walls[i] - walls[i - 1] > gap:
            if i - start > 1:
                sent += i - start - 1
                seconds += walls[i - 1] - walls[start]
            start = i
    return sent / seconds if seconds else 0.0


def _max_window(walls: list[float]) -> int:
    """The most sends in any one-second window."""
    best, low = 0, 0
    for high, at in enumerate(walls):
        while at - walls[low] >= 1.0:
            low += 1
        best = max(best, high - low + 1)
    return best


def main() -> None:
    """Runs one step and prints its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("seed", "measure"))
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=3_000)
    parser.add_argument("--sweep-seconds", type=float, default=None)
    args = parser.parse_args()
    if args.step == "seed":
        result = asyncio.run(seed(args.data_dir, args.users, args.due))
    else:
        result = asyncio.run(measure(args.data_dir, args.due, args.sweep_seconds))
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
