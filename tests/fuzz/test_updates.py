"""Fuzzing (issue 7 item 4): thousands of random updates never break the bot or a session.

Hypothesis draws plans: lists of acts by three people, a caseworker (invited and bound with
/start inv_...), a group and a channel. Each act becomes one Bot API update, of every update
type and message kind, built in the simulator's world and given straight to the running
Application (`process_update`: the real handler, real SQLite files, real Bot API calls to the
simulator, whose spec check stays on); a few acts let time pass so that follow-ups and
reminders go out. After every update: no exception reached python-telegram-bot's error
handlers, nothing was logged at ERROR, each person's stored session loads onto a known screen
with a consistent draft, and her referrals decrypt (tests/fuzz/runner.py, invariants.py).

The plans are split into shards, each run by its own process with its own bot, simulator and
database (tests/fuzz/shard.py), so that the run uses both cores of a CI machine. Each shard
feeds its updates one at a time with a fixed seed: the run is the same every time.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from telegram import Update

from flows.core.states import NODES
from tests.fuzz.shard import ShardReport, run_shard

SHARDS = 2
# Plans of 36 to 40 acts (a "run" act is several updates): 100 plans a shard are more than
# 10,000 updates. A longer local run: JEMBATAN_FUZZ_PLANS=1000 .venv/bin/pytest tests/fuzz
PLANS = int(os.environ.get("JEMBATAN_FUZZ_PLANS", "100"))
MIN_UPDATES = 50 * PLANS * SHARDS


def test_ten_thousand_random_updates_break_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(SHARDS, mp_context=context) as pool:
        futures = [
            pool.submit(run_shard, shard, str(tmp_path / f"shard{shard}"), PLANS)
            for shard in range(SHARDS)
        ]
        reports: list[ShardReport] = [f.result() for f in futures]

    for report in reports:
        assert report.failure is None, f"shard {report.shard}:\n{report.failure}"
        assert report.errors == [], f"shard {report.shard}: {report.errors[:3]}"
        assert report.spec_violations == [], "the bot made requests the Bot API spec rejects"
    generated = sum(r.acts for r in reports)
    assert generated >= MIN_UPDATES, generated
    kinds = {kind for r in reports for kind in r.kinds}
    assert kinds == {str(kind) for kind in Update.ALL_TYPES}, kinds ^ {*Update.ALL_TYPES}
    # The plans reach deep: sent requests that caseworkers claimed and wrote about.
    depth = {k: sum(r.depth.get(k, 0) for r in reports) for k in reports[0].depth}
    states = {state for r in reports for state in r.states}
    if PLANS >= 100:
        assert depth["referrals"] >= 10 and depth["claimed"] >= 3 and depth["relayed"] >= 3, depth
        assert len(states) >= len(NODES) * 2 // 3, sorted(set(NODES) - states)
    print(f"\ndepth: {depth}\nscreens not reached: {sorted(set(NODES) - states)}")
    print(
        f"\n{generated} generated updates ({sum(r.updates for r in reports)} with the invites) "
        f"in {sum(r.plans for r in reports)} plans, {sum(r.sweeps for r in reports)} sweeps; "
        + ", ".join(f"shard {r.shard}: {r.seconds:.0f} s" for r in reports)
    )
