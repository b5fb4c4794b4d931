"""`./jembatan bench`: Jembatan against a stock echo bot, then the scale pass at 1M stored people.

    ./jembatan bench              # full matrix, 1,000,000 stored people (well over an hour)
    ./jembatan bench --quick      # what the targets need (under 10 minutes)
    ./jembatan bench --json       # also print the figures as one JSON object, on the last line
    ./jembatan bench --only throughput|scale|ordering
    ./jembatan bench ordering     # the older "50 at once vs one alone" benchmark (concurrency.py)

Throughput (throughput.py, one driver process per run): the simulator and the simulated people
run in the driver process, the bot under test in a child process of its own (botproc.py) that
polls the simulator over loopback HTTP. The full matrix is both bots x limiter on/off x 0/50/250
ms added to every Bot API call x 50/200/1,000 people, each person doing the whole referral
conversation (14 updates) or as many echo messages. `--quick` runs the points the targets need:
200 people at 250 ms with the limiter on (Jembatan: own time) and off (both bots: the ratio),
the same at 0 ms, and the people curve at 250 ms with the limiter off (50 whole conversations;
1,000 people doing their first seconds, 2 updates each).

Scale (scale.py): a database of 1,000,000 people (full and quick alike; seeding takes about a
minute), start-up until polling, RSS, and the delivery of the follow-ups due at once.

Every run is its own process (so each RSS is its own); the figures are printed as tables with
each target and whether it is met. Benchmarks assert nothing and are not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.benchmarks.her import her_rows, her_summary, print_her

LATENCIES = (0.0, 0.05, 0.25)
PEOPLE = (50, 200, 1000)
HEADLINE_PEOPLE = 200
HEADLINE_LATENCY = 0.25
TARGET_RATIO = 1.0
TARGET_OWN_P99_MS = 25.0
TARGET_STARTUP_S = 1.0
TARGET_RSS_MB = 100.0
TARGET_DISPATCH = 28.0


@dataclass(frozen=True)
class Point:
    """One throughput run."""

    bot: str
    limiter: str
    people: int
    latency: float
    journey: str = "full"


@dataclass(frozen=True)
class Plan:
    """What one bench run measures."""

    points: tuple[Point, ...]
    scale_people: int
    due: int


def _full_points() -> tuple[Point, ...]:
    return tuple(
        Point(bot, limiter, people, latency)
        for latency in LATENCIES
        for people in PEOPLE
        for limiter in ("on", "off")
        for bot in ("jembatan", "echo")
    )


QUICK_POINTS = (
    Point("jembatan", "on", HEADLINE_PEOPLE, HEADLINE_LATENCY),
    Point("jembatan", "off", HEADLINE_PEOPLE, HEADLINE_LATENCY),
    Point("echo", "off", HEADLINE_PEOPLE, HEADLINE_LATENCY),
    Point("jembatan", "off", HEADLINE_PEOPLE, 0.0),
    Point("echo", "off", HEADLINE_PEOPLE, 0.0),
    Point("jembatan", "off", 50, HEADLINE_LATENCY),
    Point("jembatan", "off", 1000, HEADLINE_LATENCY, "short"),
    Point("jembatan", "on", 50, HEADLINE_LATENCY),  # what she sees on a tap; vs echo at 50
    Point("echo", "on", 50, HEADLINE_LATENCY),
)
FULL = Plan(points=_full_points(), scale_people=1_000_000, due=3_000)
QUICK = Plan(points=QUICK_POINTS, scale_people=1_000_000, due=300)


def run(module: str, *args: str) -> dict[str, Any]:
    """Runs `python -m module args` and returns the JSON object it printed last."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"{module} {' '.join(args)} failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def verdict(ok: bool) -> str:
    """The targets table's last column."""
    return "met" if ok else "NOT met"


def measure_point(point: Point) -> dict[str, Any]:
    """Runs one throughput point (driver and bot process) and prints its row."""
    result = run(
        "tests.benchmarks.throughput",
        "--bot",
        point.bot,
        "--limiter",
        point.limiter,
        "--people",
        str(point.people),
        "--latency",
        str(point.latency),
        "--journey",
        point.journey,
    )
    b = result["bot_figures"]
    print(
        f"{point.bot:>8} | {point.limiter:>7} | {point.latency * 1000:5.0f}ms | "
        f"{point.people:>6} | {point.journey:>7} | {result['updates_per_s']:8.1f} | "
        f"{b['own_p50_ms']:6.1f}/{b['own_p99_ms']:<7.1f} | {b['cpu_ms_per_update']:7.2f} | "
        f"{result['api_calls_per_update']:9.2f} | {b['rss_mb']:6.0f} | "
        f"{result['driver_cpu_share']:10.0%}",
        flush=True,
    )
    if result["errors"]:
        print(f"         errors: {result['errors']}", flush=True)
    return result


def throughput(plan: Plan) -> list[dict[str, Any]]:
    """Runs every point of the plan; returns their results."""
    print(
        "\nThroughput: simulator and people in one process, the bot in another; "
        "whole conversation = 14 updates, short = 2\n"
    )
    head = (
        f"{'bot':>8} | {'limiter':>7} | {'latency':>7} | {'people':>6} | {'journey':>7} | "
        f"{'upd/s':>8} | {'own p50/p99 ms':>14} | {'CPU ms':>7} | {'calls/upd':>9} | "
        f"{'RSS MB':>6} | {'driver CPU':>10}"
    )
    print(head)
    print("-" * len(head), flush=True)
    return [measure_point(point) for point in plan.points]


def find(
    results: list[dict[str, Any]],
    bot: str,
    limiter: str,
    people: int,
    latency: float,
    journey: str = "full",
) -> dict[str, Any] | None:
    """The result of one point, if it was run."""
    for r in results:
        if (r["bot"], r["limiter"], r["people"], r["latency_ms"], r["journey"]) == (
            bot,
            limiter,
            people,
            round(latency * 1000),
            journey,
        ):
            return r
    return None


def ratio(results: list[dict[str, Any]], people: int, latency: float, journey: str) -> float | None:
    """Jembatan's updates/s over the echo bot's, both with the limiter off."""
    jem = find(results, "jembatan", "off", people, latency, journey)
    echo = find(results, "echo", "off", people, latency, journey)
    if jem is None or echo is None:
        return None
    return float(jem["updates_per_s"] / echo["updates_per_s"])


def curve(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Updates/s against people at 250 ms with the limiter off, for each journey measured."""
    points = []
    for r in results:
        if r["limiter"] == "off" and r["latency_ms"] == round(HEADLINE_LATENCY * 1000):
            points.append(
                {
                    "bot": r["bot"],
                    "people": r["people"],
                    "journey": r["journey"],
                    "updates_per_s": round(r["updates_per_s"], 1),
                    "own_p99_ms": round(r["bot_figures"]["own_p99_ms"], 1),
                    "cpu_ms_per_update": round(r["bot_figures"]["cpu_ms_per_update"], 2),
                }
            )
    return sorted(points, key=lambda p: (p["bot"], p["journey"], p["people"]))


def summary(results: list[dict[str, Any]], scaled: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON object: the headline figures, the people curve, the scale pass."""
    out: dict[str, Any] = {}
    on = find(results, "jembatan", "on", HEADLINE_PEOPLE, HEADLINE_LATENCY)
    if on is not None:
        out.update(
            own_p50_ms=round(on["bot_figures"]["own_p50_ms"], 2),
            own_p99_ms=round(on["bot_figures"]["own_p99_ms"], 2),
            limited_updates_per_s=round(on["updates_per_s"], 2),
            limited_cpu_ms_per_update=round(on["bot_figures"]["cpu_ms_per_update"], 2),
            limited_api_calls_per_update=round(on["api_calls_per_update"], 3),
        )
    echo_on = find(results, "echo", "on", HEADLINE_PEOPLE, HEADLINE_LATENCY)
    if echo_on is not None:
        out["echo_limited_updates_per_s"] = round(echo_on["updates_per_s"], 2)
    off = find(results, "jembatan", "off", HEADLINE_PEOPLE, HEADLINE_LATENCY)
    echo_off = find(results, "echo", "off", HEADLINE_PEOPLE, HEADLINE_LATENCY)
    if off is not None:
        out.update(
            updates_per_s=round(off["updates_per_s"], 2),
            cpu_ms_per_update=round(off["bot_figures"]["cpu_ms_per_update"], 2),
            api_calls_per_update=round(off["api_calls_per_update"], 3),
            commits_per_update=off["bot_figures"]["commits_per_update"],
        )
    if echo_off is not None:
        out.update(
            echo_updates_per_s=round(echo_off["updates_per_s"], 2),
            echo_cpu_ms_per_update=round(echo_off["bot_figures"]["cpu_ms_per_update"], 2),
        )
    for key, latency in (("ratio_vs_echo_no_limiter", 0.25), ("ratio_vs_echo_no_limiter_0ms", 0)):
        value = ratio(results, HEADLINE_PEOPLE, latency, "full")
        if value is not None:
            out[key] = round(value, 3)
    if results:
        out["people_curve"] = curve(results)
    if scaled is not None:
        out.update(
            scale_people=scaled["people"],
            startup_s=round(scaled["startup_s"], 3),
            rss_mb=round(scaled["rss_started_mb"], 1),
            scale_peak_rss_mb=round(scaled["peak_rss_mb"], 1),
            dispatch_per_s=round(scaled["rate_while_sending"], 1),
        )
    return out


def throughput_rows(results: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """The throughput targets."""
    rows: list[tuple[str, str, str]] = []
    on = find(results, "jembatan", "on", HEADLINE_PEOPLE, HEADLINE_LATENCY)
    if on is not None:
        p99 = on["bot_figures"]["own_p99_ms"]
        rows.append(
            (
                f"own time p99, {HEADLINE_PEOPLE} people, 250 ms, limiter on",
                f"{p99:.1f} ms (< {TARGET_OWN_P99_MS:.0f} ms)",
                verdict(p99 < TARGET_OWN_P99_MS),
            )
        )
    for latency in (HEADLINE_LATENCY, 0.0):
        value = ratio(results, HEADLINE_PEOPLE, latency, "full")
        if value is not None:
            rows.append(
                (
                    f"vs echo, no limiter, {HEADLINE_PEOPLE} people, {latency * 1000:.0f} ms",
                    f"{value:.2f}x (>= {TARGET_RATIO:.1f}x)",
                    verdict(value >= TARGET_RATIO) if latency == HEADLINE_LATENCY else "reported",
                )
            )
    return rows


def scale(plan: Plan) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """Seeds the big database, then starts the bot on it and lets the due follow-ups go out."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        seeded = run(
            "tests.benchmarks.scale",
            "seed",
            str(data),
            "--users",
            str(plan.scale_people),
            "--due",
            str(plan.due),
        )
        print(
            f"\nScale: {plan.scale_people:,} people with {seeded['rows']['followups']:,} pending "
            f"follow-ups ({plan.due:,} due now); database {seeded['db_mb']:.0f} MB, "
            f"seeded in {seeded['seed_seconds']:.1f} s",
            flush=True,
        )
        m = run("tests.benchmarks.scale", "measure", str(data), "--due", str(plan.due))
    m["people"] = plan.scale_people
    print(
        f"  start-up (open_services + build_application + start, until polling): "
        f"{m['startup_s']:.2f} s (opening storage {m['open_services_s']:.2f} s); "
        f"RSS {m['rss_started_mb']:.0f} MB once polling, peak {m['peak_rss_mb']:.0f} MB\n"
        f"  dispatch (sweep every {m['sweep_seconds']:.0f} s): {m['delivered']:,}/{m['due']:,} "
        f"delivered to {m['distinct_chats']:,} chats, first {m['first_send_after_start_s']:.1f} s "
        f"and last {m['last_send_after_start_s']:.1f} s after start; "
        f"{m['rate_while_sending']:.1f} msg/s while sending, {m['rate_overall']:.1f} msg/s "
        f"first to last; at most {m['max_in_one_second']} in any second; "
        f"429 answers: {m['too_many_requests']}",
        flush=True,
    )
    dispatch_ok = m["delivered"] == m["due"] and m["too_many_requests"] == 0
    rows = [
        (
            f"start-up with {plan.scale_people:,} people",
            f"{m['startup_s']:.2f} s (< {TARGET_STARTUP_S:.0f} s)",
            verdict(m["startup_s"] < TARGET_STARTUP_S),
        ),
        (
            "RSS once polling / peak",
            f"{m['rss_started_mb']:.0f} / {m['peak_rss_mb']:.0f} MB (< {TARGET_RSS_MB:.0f} MB)",
            verdict(m["peak_rss_mb"] < TARGET_RSS_MB),
        ),
        (
            f"dispatch of {plan.due:,} due, while sending",
            f"{m['rate_while_sending']:.1f} msg/s, {m['too_many_requests']} x 429 "
            f"(>= {TARGET_DISPATCH:.0f}/s, no 429)",
            verdict(dispatch_ok and m["rate_while_sending"] >= TARGET_DISPATCH),
        ),
    ]
    return m, rows


def main() -> None:
    """Runs the chosen parts and prints the targets table (and the JSON line)."""
    parser = argparse.ArgumentParser(prog="./jembatan bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the targets' points only")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument("--only", choices=("throughput", "scale", "ordering"))
    parser.add_argument("part", nargs="?", choices=("ordering",), help="the older benchmark")
    args = parser.parse_args()
    only = args.only or args.part
    if only == "ordering":
        import asyncio

        from tests.benchmarks import concurrency

        asyncio.run(concurrency.main())
        return
    began = time.perf_counter()
    plan = QUICK if args.quick else FULL
    rows: list[tuple[str, str, str]] = []
    results: list[dict[str, Any]] = []
    scaled: dict[str, Any] | None = None
    if only in (None, "throughput"):
        results = throughput(plan)
        rows += throughput_rows(results) + her_rows(results)
        print_her(results)
    if only in (None, "scale"):
        scaled, scale_rows = scale(plan)
        rows += scale_rows
    figures = summary(results, scaled)
    if results:
        figures.update(her_summary(results))
    if "people_curve" in figures:
        print("\nPeople curve (250 ms, limiter off):")
        for p in figures["people_curve"]:
            print(
                f"  {p['bot']:>8} {p['journey']:>5} {p['people']:>5} people: "
                f"{p['updates_per_s']:7.1f} upd/s, own p99 {p['own_p99_ms']:.1f} ms, "
                f"CPU {p['cpu_ms_per_update']:.2f} ms/update"
            )
    width = max(len(r[0]) for r in rows)
    value = max(len(r[1]) for r in rows)
    print(f"\n{'Target':{width}} | {'Measured':{value}} | Verdict")
    print("-" * (width + value + 13))
    for name, measured, ok in rows:
        print(f"{name:{width}} | {measured:{value}} | {ok}")
    figures["bench_seconds"] = round(time.perf_counter() - began, 1)
    print(f"\nbench took {figures['bench_seconds']:.0f} s", flush=True)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
