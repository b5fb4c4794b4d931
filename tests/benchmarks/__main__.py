"""`./jembatan bench`: throughput against a bare echo bot, then the 100,000-person scale pass.

    ./jembatan bench              # full: 200 people, latency 0/50/250 ms; 100,000 people, 3,000 due
    ./jembatan bench --quick      # 30 people; 10,000 people, 300 due (about a minute)
    ./jembatan bench --only throughput|scale|ordering
    ./jembatan bench ordering     # the older "50 at once vs one alone" benchmark (concurrency.py)

Every run is its own process (so each peak RSS is its own); the figures are printed as a table
with each target and whether it is met. Benchmarks assert nothing and are not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LATENCIES = (0.0, 0.05, 0.25)
TARGET_RATIO = 0.8
TARGET_OWN_P99_MS = 25.0
TARGET_STARTUP_S = 3.0
TARGET_RSS_MB = 200.0
TARGET_DISPATCH = 28.0


@dataclass(frozen=True)
class Plan:
    """Sizes of one bench run."""

    users: int
    scale_users: int
    due: int


FULL = Plan(users=200, scale_users=100_000, due=3_000)
QUICK = Plan(users=30, scale_users=10_000, due=300)


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
    """The table's last column."""
    return "met" if ok else "NOT met"


def throughput(plan: Plan) -> list[tuple[str, str, str]]:
    """Jembatan and the echo bot at each latency; returns the target rows."""
    rows: list[tuple[str, str, str]] = []
    solo = run("tests.benchmarks.throughput", "--bot", "jembatan", "--users", "1", "--latency", "0")
    print(
        f"\nThroughput: {plan.users} people at once, each a whole referral conversation "
        f"({solo['updates']} updates), vs a bare echo bot; rate limiter 30 msg/s on both\n"
    )
    head = (
        f"{'latency':>7} | {'Jembatan upd/s':>14} | {'echo upd/s':>10} | {'ratio':>5} | "
        f"{'own p50/p99 ms':>14} | {'echo own p99':>12} | {'calls/upd':>9} | "
        f"{'limited/upd':>11} | {'commits/upd':>11} | {'peak RSS MB':>11}"
    )
    print(head)
    print("-" * len(head))
    for latency in LATENCIES:
        common = ("--users", str(plan.users), "--latency", str(latency))
        jem = run("tests.benchmarks.throughput", "--bot", "jembatan", *common)
        echo = run(
            "tests.benchmarks.throughput",
            "--bot",
            "echo",
            *common,
            "--updates-per-user",
            str(solo["updates"]),
        )
        ratio = jem["updates_per_s"] / echo["updates_per_s"]
        print(
            f"{latency * 1000:5.0f}ms | {jem['updates_per_s']:14.1f} | "
            f"{echo['updates_per_s']:10.1f} | {ratio:5.2f} | "
            f"{jem['own_p50_ms']:6.1f}/{jem['own_p99_ms']:<7.1f} | "
            f"{echo['own_p99_ms']:12.2f} | {jem['api_calls_per_update']:9.2f} | "
            f"{jem['limited_calls_per_update']:11.2f} | {jem['commits_per_update']:11.2f} | "
            f"{jem['peak_rss_mb']:5.0f} / {echo['peak_rss_mb']:<3.0f}"
        )
        if jem["errors"] or echo["errors"]:
            print(f"        errors: Jembatan {jem['errors']}, echo {echo['errors']}")
        if latency == max(LATENCIES):
            rows.append(
                (
                    f"throughput vs echo at {latency * 1000:.0f} ms, {plan.users} people",
                    f"{ratio:.2f}x (>= {TARGET_RATIO}x)",
                    verdict(ratio >= TARGET_RATIO),
                )
            )
            rows.append(
                (
                    f"own processing p99 at {latency * 1000:.0f} ms, {plan.users} people",
                    f"{jem['own_p99_ms']:.1f} ms (< {TARGET_OWN_P99_MS:.0f} ms)",
                    verdict(jem["own_p99_ms"] < TARGET_OWN_P99_MS),
                )
            )
    print(
        f"\n  one person alone, latency 0: own processing p50 {solo['own_p50_ms']:.1f} ms, "
        f"p99 {solo['own_p99_ms']:.1f} ms; methods per conversation {solo['methods']}"
    )
    rows.append(
        (
            "own processing p99, one person alone",
            f"{solo['own_p99_ms']:.1f} ms (< {TARGET_OWN_P99_MS:.0f} ms)",
            verdict(solo["own_p99_ms"] < TARGET_OWN_P99_MS),
        )
    )
    return rows


def scale(plan: Plan) -> list[tuple[str, str, str]]:
    """Seeds the big database, then starts the bot on it and lets the due follow-ups go out."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        seeded = run(
            "tests.benchmarks.scale",
            "seed",
            str(data),
            "--users",
            str(plan.scale_users),
            "--due",
            str(plan.due),
        )
        print(
            f"\nScale: {plan.scale_users:,} people with {seeded['rows']['followups']:,} pending "
            f"follow-ups ({plan.due:,} due now); database {seeded['db_mb']:.0f} MB, "
            f"seeded in {seeded['seed_seconds']:.1f} s"
        )
        m = run("tests.benchmarks.scale", "measure", str(data), "--due", str(plan.due))
    print(
        f"  start-up (open_services + build_application + start, until polling): "
        f"{m['startup_s']:.2f} s (opening storage {m['open_services_s']:.2f} s); "
        f"RSS {m['rss_started_mb']:.0f} MB once polling, peak {m['peak_rss_mb']:.0f} MB\n"
        f"  dispatch (sweep every {m['sweep_seconds']:.0f} s): {m['delivered']:,}/{m['due']:,} "
        f"delivered to {m['distinct_chats']:,} chats, first {m['first_send_after_start_s']:.1f} s "
        f"and last {m['last_send_after_start_s']:.1f} s after start; "
        f"{m['rate_while_sending']:.1f} msg/s while sending, {m['rate_overall']:.1f} msg/s "
        f"first to last; at most {m['max_in_one_second']} in any second; "
        f"429 answers: {m['too_many_requests']}"
    )
    dispatch_ok = m["delivered"] == m["due"] and m["too_many_requests"] == 0
    return [
        (
            f"start-up with {plan.scale_users:,} people",
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
        (
            f"dispatch of {plan.due:,} due, first to last",
            f"{m['rate_overall']:.1f} msg/s (>= {TARGET_DISPATCH:.0f}/s)",
            verdict(dispatch_ok and m["rate_overall"] >= TARGET_DISPATCH),
        ),
    ]


def main() -> None:
    """Runs the chosen parts and prints the targets table."""
    parser = argparse.ArgumentParser(prog="./jembatan bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about a minute")
    parser.add_argument("--only", choices=("throughput", "scale", "ordering"))
    parser.add_argument("part", nargs="?", choices=("ordering",), help="the older benchmark")
    args = parser.parse_args()
    only = args.only or args.part
    if only == "ordering":
        import asyncio

        from tests.benchmarks import concurrency

        asyncio.run(concurrency.main())
        return
    plan = QUICK if args.quick else FULL
    rows: list[tuple[str, str, str]] = []
    if only in (None, "throughput"):
        rows += throughput(plan)
    if only in (None, "scale"):
        rows += scale(plan)
    width = max(len(r[0]) for r in rows)
    value = max(len(r[1]) for r in rows)
    print(f"\n{'Target':{width}} | {'Measured':{value}} | Verdict")
    print("-" * (width + value + 13))
    for name, measured, ok in rows:
        print(f"{name:{width}} | {measured:{value}} | {ok}")


if __name__ == "__main__":
    main()
