"""One shard of the fuzz run: a bot, a simulator and a database of its own, in its own process.

`run_shard` is what a worker process runs (tests/fuzz/test_updates.py starts one per shard, so
that the run uses every core); it never raises: it returns what it saw, failures included.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.fuzz.invariants import Collector
from tests.fuzz.runner import Fuzzer
from tests.fuzz.strategies import Act, plans, roles


@dataclass
class ShardReport:
    """What one shard did and found (plain data: it crosses the process boundary)."""

    shard: int
    acts: int = 0
    updates: int = 0
    plans: int = 0
    sweeps: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    failure: str | None = None
    errors: list[str] = field(default_factory=list)
    spec_violations: list[str] = field(default_factory=list)
    seconds: float = 0.0
    states: dict[str, int] = field(default_factory=dict)
    depth: dict[str, int] = field(default_factory=dict)


def shard_settings(examples: int) -> settings:
    """Deterministic: the seed is the shard's number, and no example database is kept."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
    )


def run_shard(shard: int, data_dir: str, examples: int) -> ShardReport:
    """Runs `examples` plans against one bot; a failing plan is shrunk and reported."""
    warnings.simplefilter("error")  # as pytest's filterwarnings=error does in the parent
    report = ShardReport(shard)
    collector = Collector()
    logging.getLogger().addHandler(collector)
    started = time.monotonic()
    world: Fuzzer | None = None
    try:
        with asyncio.Runner() as runner:
            world = runner.run(Fuzzer.open(Path(data_dir), collector))
            try:

                @seed(shard)
                @shard_settings(examples)
                @given(plan=plans, role=roles)
                def run_plan(plan: list[Act], role: str) -> None:
                    assert world is not None
                    runner.run(world.run(plan, role))

                try:
                    run_plan()
                except Exception as exc:
                    report.failure = "".join(traceback.format_exception(exc))
            finally:
                try:
                    report.depth = runner.run(world.depth())
                finally:
                    runner.run(world.close())
    except Exception as exc:
        report.failure = (report.failure or "") + "".join(traceback.format_exception(exc))
    finally:
        logging.getLogger().removeHandler(collector)
    if world is not None:
        report.acts, report.updates, report.plans = world.acts, world.count, world.examples
        report.sweeps, report.kinds = world.laters, dict(world.kinds)
        report.states = dict(world.states)
        report.spec_violations = list(world.sim.spec_violations)
        report.errors = [f"{r.name}: {r.getMessage()}" for r in collector.errors()]
        report.errors += [f"{f.error}\n{f.update}\n{f.trace}" for f in world.failures]
    report.seconds = time.monotonic() - started
    return report
