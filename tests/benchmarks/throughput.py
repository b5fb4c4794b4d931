"""One throughput run: PEOPLE simulated people at once against Jembatan or a stock echo bot.

Two processes. This one, the driver, runs the local Bot API simulator (HTTP on 127.0.0.1, with
LATENCY added to every call) and the simulated people, on its own event loop. The bot under test
runs in a child process (botproc.py) that polls the simulator over HTTP, as a deployment polls
Telegram, so the bot's event loop and CPU are its own.

Each Jembatan person does a whole referral conversation (tests/auxil/asking.py: /start … request
sent, check-ins accepted: 14 updates), or with --journey short its first seconds (/start,
then her language: 2 updates); each echo person sends as many
text messages, each answered with one sendMessage. A person sends her next update once the bot
has reported the previous one finished (the bot writes each finished update's id on the
benchmark's control socket; the simulator wakes only the person it concerns). The limiter is
python-telegram-bot's AIORateLimiter at 30 messages/s overall (Jembatan: its MessageRateLimiter,
which does not count edits) or off (echo: no limiter at all; Jembatan: overall rate 0, so only
the 429 retry handling is left).

Run by `python -m tests.benchmarks` (one process pair per run, so each RSS is its own); alone:
    python -m tests.benchmarks.throughput --bot jembatan --people 200 --latency 0.25 --limiter on
It prints one JSON object on its last line: the driver's figures (updates/s, Bot API calls per
update, what she sees: tests/benchmarks/her.py) with the bot process's (own time, CPU per
update, commits, RSS) under "bot_figures".
With BENCH_PROFILE=FILE in the environment the bot process runs under cProfile, writing FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.simulator import BotApiSimulator, SimUser
from tests.auxil.asking import send_request
from tests.auxil.harness import TOKEN, spec_path
from tests.benchmarks.her import HerClock, her_figures
from tests.benchmarks.measure import peak_rss_mb

RECEIVING = {"getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo"}
SETTLE_TIMEOUT = 1800.0  # a person may wait long behind the 30/s limiter; never fail for it
START_TIMEOUT = 120.0
ROOT = Path(__file__).resolve().parents[2]
SHORT_UPDATES = 2
FULL_UPDATES = 14


async def short_journey(user: SimUser) -> None:
    """Her first seconds: /start, then her language (2 updates)."""
    await user.send("/start")
    await user.press("Bahasa Indonesia")


async def whole_request(user: SimUser) -> None:
    """The whole referral conversation (14 updates)."""
    await send_request(user)


def echo_chat(updates: int) -> Callable[[SimUser], Awaitable[None]]:
    """A person who sends `updates` texts to the echo bot."""

    async def chat(user: SimUser) -> None:
        for n in range(updates):
            await user.send(f"pesan {n}")

    return chat


class BotProcess:
    """The bot under test as a child process, and the driver's end of its control socket."""

    def __init__(self, sim: BotApiSimulator) -> None:
        self._sim = sim
        self._replies: asyncio.Queue[str] = asyncio.Queue()
        self._connected = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.process: asyncio.subprocess.Process | None = None
        self.processed = 0

    async def start(self, bot: str, limiter: str, data_dir: Path) -> float:
        """Starts the bot process and returns its start-up time (until polling) in seconds."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        profile = os.environ.get("BENCH_PROFILE")
        prefix = ["-m", "cProfile", "-o", profile] if profile else []
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *prefix,
            "-m",
            "tests.benchmarks.botproc",
            "--bot",
            bot,
            "--limiter",
            limiter,
            "--base-url",
            self._sim.base_url,
            "--file-url",
            self._sim.base_file_url,
            "--control",
            str(port),
            "--data",
            str(data_dir),
            cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL,
        )
        await asyncio.wait_for(self._connected.wait(), START_TIMEOUT)
        ready = await asyncio.wait_for(self._replies.get(), START_TIMEOUT)
        return float(ready.split()[1])

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self._connected.set()
        on_processed = self._sim.on_processed
        while line := await reader.readline():
            if line[:1].isdigit():
                self.processed += 1
                on_processed(int(line))
            else:
                await self._replies.put(line.decode().strip())

    async def command(self, line: str) -> dict[str, Any]:
        """Sends a command and returns the bot's JSON answer."""
        assert self._writer is not None
        self._writer.write(line.encode() + b"\n")
        await self._writer.drain()
        answer: dict[str, Any] = json.loads(await self._replies.get())
        return answer

    async def stop(self) -> None:
        """Asks the bot to shut down, waits for the process, closes the socket."""
        if self._writer is not None and self.process is not None:
            with contextlib.suppress(ConnectionError, asyncio.TimeoutError):
                await asyncio.wait_for(self.command("quit"), 60)
        if self.process is not None:
            try:
                await asyncio.wait_for(self.process.wait(), 60)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._writer is not None:
            self._writer.close()
        if self._server is not None:
            self._server.close()


async def later(act: Callable[[SimUser], Awaitable[None]], user: SimUser, delay: float) -> None:
    """She starts `delay` seconds into the run."""
    if delay > 0:
        await asyncio.sleep(delay)
    await act(user)


def _simulator(latency: float) -> BotApiSimulator:
    sim = BotApiSimulator(token=TOKEN, spec_path=spec_path())
    sim.expect_processed_signal = True
    sim.latency = latency
    sim.settle_timeout = SETTLE_TIMEOUT
    return sim


async def run(
    bot: str, limiter: str, people: int, latency: float, journey: str, ramp: float = 0.0
) -> dict[str, Any]:
    """One measured run: warm-up person, then PEOPLE at once (or over `ramp` s); the figures."""
    updates_each = SHORT_UPDATES if journey == "short" else FULL_UPDATES
    if bot == "echo":
        act = echo_chat(updates_each)
    else:
        act = short_journey if journey == "short" else whole_request
    with tempfile.TemporaryDirectory() as tmp:
        sim = _simulator(latency)
        her = HerClock()
        her.install(sim)
        async with sim:
            child = BotProcess(sim)
            try:
                startup = await child.start(bot, limiter, Path(tmp))
                await act(sim.user("Warm"))  # imports, translations, caches, connections
                crowd = [sim.user(f"U{i}") for i in range(people)]
                first_call, first_processed = len(sim.calls), child.processed
                await child.command("start")
                cpu = time.process_time()
                started = time.perf_counter()
                her.recording = True
                await asyncio.gather(
                    *(later(act, person, ramp * i / people) for i, person in enumerate(crowd))
                )
                her.recording = False
                elapsed = time.perf_counter() - started
                driver_cpu = time.process_time() - cpu
                figures = await child.command("stop")
                updates = child.processed - first_processed
                calls = [c for c in sim.calls[first_call:] if c.method not in RECEIVING]
                seen = her_figures(her.pushed, calls)
            finally:
                await child.stop()
    per = max(updates, 1)
    figures["referrals"] -= 1 if bot == "jembatan" else 0  # the warm-up's
    return {
        "bot": bot,
        "limiter": limiter,
        "people": people,
        "latency_ms": round(latency * 1000),
        "journey": journey,
        "ramp_s": ramp,
        "updates": updates,
        "seconds": elapsed,
        "updates_per_s": updates / elapsed,
        "api_calls_per_update": len(calls) / per,
        # requests naming a chat: the ones AIORateLimiter's overall 30/s limit may apply to
        "chat_calls_per_update": sum("chat_id" in c.params for c in calls) / per,
        "methods": dict(Counter(c.method for c in calls)),
        "errors": dict(Counter(str(c.status) for c in calls if c.status != 200)),
        "bot_startup_s": startup,
        "driver_cpu_share": driver_cpu / elapsed,
        "driver_peak_rss_mb": peak_rss_mb(),
        "bot_figures": figures,
        **seen,
    }


def main() -> None:
    """Runs one configuration and prints its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bot", choices=("jembatan", "echo"), required=True)
    parser.add_argument("--limiter", choices=("on", "off"), default="on")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.25, help="seconds per Bot API call")
    parser.add_argument("--journey", choices=("full", "short"), default="full")
    parser.add_argument("--ramp", type=float, default=0.0, help="seconds over which people start")
    args = parser.parse_args()
    result = asyncio.run(
        run(args.bot, args.limiter, args.people, args.latency, args.journey, args.ramp)
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
