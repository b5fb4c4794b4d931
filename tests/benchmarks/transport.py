"""HTTP transports for python-telegram-bot, compared: calls/s and the client's CPU per call.

    .venv/bin/python -m tests.benchmarks.transport                 # 200 workers x 10 calls
    .venv/bin/python -m tests.benchmarks.transport --workers 50 --calls 4 --latency 0.25

The simulator runs in a process of its own (spawned), so `time.process_time()` here counts only
the client: a telegram.Bot built with each transport sends sendMessage calls from many workers
at once, as the bot does when a couple of hundred people write at the same time. Each transport
gets a fresh Bot and a warm-up before it is measured. Asserts nothing; not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

import httpx
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.simulator import BotApiSimulator
from bot.telegram.request import AiohttpRequest
from tests.auxil.harness import TOKEN, spec_path

APP_POOL = 128  # bot/telegram/app.py: connection_pool_size of the bot's own request

TRANSPORTS: dict[str, Callable[[], BaseRequest]] = {
    "httpx pool 128 (as the app had it)": lambda: HTTPXRequest(connection_pool_size=APP_POOL),
    "httpx pool 256 (PTB default)": lambda: HTTPXRequest(connection_pool_size=256),
    "httpx pool 512, keep-alive 512": lambda: HTTPXRequest(
        httpx_kwargs={"limits": httpx.Limits(max_connections=512, max_keepalive_connections=512)}
    ),
    "aiohttp pool 128": lambda: AiohttpRequest(connection_pool_size=APP_POOL),
    "aiohttp pool 512": lambda: AiohttpRequest(connection_pool_size=512),
}


@dataclass(frozen=True)
class Result:
    """One transport's run at one latency."""

    name: str
    latency: float
    calls: int
    failed: int
    wall: float
    cpu: float

    @property
    def per_second(self) -> float:
        """Successful calls per second of wall time."""
        return (self.calls - self.failed) / self.wall

    @property
    def cpu_ms(self) -> float:
        """Client CPU milliseconds per call."""
        return 1000 * self.cpu / self.calls


def _serve(latency: float, conn: Connection) -> None:
    """The simulator's process: sends (base_url, user id), serves until told to stop."""
    asyncio.run(_serve_async(latency, conn))


async def _serve_async(latency: float, conn: Connection) -> None:
    async with BotApiSimulator(token=TOKEN, spec_path=spec_path()) as sim:
        sim.latency = latency
        user = sim.user()
        conn.send((sim.base_url, user.user_id))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)


async def _measure(
    name: str,
    make: Callable[[], BaseRequest],
    base_url: str,
    chat_id: int,
    latency: float,
    workers: int,
    calls: int,
) -> Result:
    """Runs workers x calls sendMessage calls through a fresh Bot on this transport."""
    failed = 0

    async def worker(bot: Bot, n: int) -> None:
        nonlocal failed
        for _ in range(n):
            try:
                await bot.send_message(chat_id, "halo")
            except Exception:
                failed += 1

    async with Bot(TOKEN, base_url=base_url, request=make()) as bot:
        await asyncio.gather(*(worker(bot, 1) for _ in range(min(workers, 64))))  # warm-up
        failed = 0
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker(bot, calls) for _ in range(workers)))
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return Result(name, latency, workers * calls, failed, wall, cpu)


async def _run_all(
    base_url: str, chat_id: int, latency: float, workers: int, calls: int, only: str | None
) -> list[Result]:
    results = []
    for name, make in TRANSPORTS.items():
        if only is None or only in name:
            results.append(await _measure(name, make, base_url, chat_id, latency, workers, calls))
    return results


def run(latency: float, workers: int, calls: int, only: str | None = None) -> list[Result]:
    """Starts the simulator in its own process at this latency and measures every transport."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(target=_serve, args=(latency, theirs), daemon=True)
    server.start()
    try:
        base_url, chat_id = ours.recv()
        return asyncio.run(_run_all(base_url, chat_id, latency, workers, calls, only))
    finally:
        ours.send("stop")
        server.join(10)
        if server.is_alive():
            server.terminate()


def main() -> None:
    """Prints one table row per transport and latency."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--calls", type=int, default=10, help="calls per worker")
    parser.add_argument("--latency", type=float, action="append", help="seconds; repeatable")
    parser.add_argument("--only", help="run only transports whose name contains this")
    args = parser.parse_args()
    print(f"{args.workers} workers x {args.calls} sendMessage calls; client CPU only")
    print(f"{'transport':<36} {'latency':>8} {'calls/s':>9} {'CPU ms/call':>12} {'failed':>7}")
    for latency in args.latency or [0.0, 0.25]:
        for r in run(latency, args.workers, args.calls, args.only):
            print(
                f"{r.name:<36} {r.latency * 1000:>6.0f}ms {r.per_second:>9.1f}"
                f" {r.cpu_ms:>12.3f} {r.failed:>7}",
                flush=True,
            )


if __name__ == "__main__":
    main()
