"""The bot under test, in a process of its own: Jembatan or a stock echo bot, with its meters.

Started by the throughput driver (throughput.py), never by hand:

    python -m tests.benchmarks.botproc --bot jembatan --limiter on \\
        --base-url URL --file-url URL --control PORT --data DIR

It polls the simulator at URL like a deployment would and connects to the driver's control
socket (127.0.0.1:PORT), a benchmark instrument with one line per message:

- bot to driver: `ready` once polling; then the id of every update it has finished (the
  cross-process form of the simulator's `on_processed`, which the in-process tests call
  directly); and one JSON object in answer to each command;
- driver to bot: `start` (begin measuring), `stop` (end measuring, answer with the figures),
  `quit` (stop the bot as a shutdown would, then exit).

Measured between `start` and `stop`, in this process only: own time per update (HandlerTimer:
wall time in the handler minus time awaiting the Bot API, the rate limiter's wait included),
CPU time (time.process_time(), every thread of this process) and Jembatan's commits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

os.environ.setdefault("PTB_TIMEDELTA", "true")

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core.services import open_services
from bot.telegram import app as telegram_app
from bot.telegram.conversation import Conversation
from tests.auxil.harness import TOKEN, FakeClock, settings_in
from tests.benchmarks.measure import (
    ApiClock,
    CommitCounter,
    HandlerTimer,
    peak_rss_mb,
    percentile,
    rss_mb,
)

OVERALL_RATE = 30.0
MAX_CONCURRENT_UPDATES = 512  # as bot/telegram/app.py
POOL = 128  # as bot/telegram/app.py
POLL_TIMEOUT = 10

Stop = Callable[[], Awaitable[None]]
EchoHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


class Control:
    """The bot's end of the control socket."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def processed(self, update_id: int) -> None:
        """Tells the driver an update is finished (no await: the line is buffered)."""
        self.writer.write(b"%d\n" % update_id)

    async def send(self, line: str) -> None:
        """Sends one line and flushes."""
        self.writer.write(line.encode() + b"\n")
        await self.writer.drain()


class Meters:
    """What the bot process measures between `start` and `stop`."""

    def __init__(self) -> None:
        self.clock = ApiClock()
        self.clock.install()
        self.timer = HandlerTimer()
        self.commits: CommitCounter | None = None
        self._cpu = 0.0
        self._wall = 0.0
        self._commits = 0

    def start(self) -> None:
        """Begins the measured window."""
        self.timer.own.clear()
        self.timer.wall.clear()
        self.timer.recording = True
        self._cpu = time.process_time()
        self._wall = time.perf_counter()
        self._commits = self.commits.total if self.commits else 0

    def stop(self) -> dict[str, Any]:
        """Ends the window and returns its figures."""
        cpu = time.process_time() - self._cpu
        wall = time.perf_counter() - self._wall
        self.timer.recording = False
        own, handler = self.timer.own, self.timer.wall
        updates = len(own)
        return {
            "handled": updates,
            "own_p50_ms": percentile(own, 0.50) * 1000,
            "own_p99_ms": percentile(own, 0.99) * 1000,
            "own_max_ms": max(own, default=0.0) * 1000,
            "handler_p50_ms": percentile(handler, 0.50) * 1000,
            "handler_p99_ms": percentile(handler, 0.99) * 1000,
            "cpu_s": cpu,
            "cpu_ms_per_update": cpu * 1000 / max(updates, 1),
            "cpu_share": cpu / wall if wall > 0 else 0.0,
            "commits_per_update": (
                None if self.commits is None else (self.commits.total - self._commits) / updates
            )
            if updates
            else None,
            "rss_mb": rss_mb(),
            "peak_rss_mb": peak_rss_mb(),
        }


async def start_jembatan(
    args: argparse.Namespace, meters: Meters, control: Control
) -> tuple[Stop, Callable[[], Awaitable[int]]]:
    """Jembatan's real application (as the e2e harness builds it), polling the simulator."""
    Conversation.on_update = meters.timer.wrap(Conversation.on_update)  # type: ignore[method-assign,assignment]
    rate = OVERALL_RATE if args.limiter == "on" else 0.0
    settings = replace(settings_in(Path(args.data)), overall_rate=rate)
    services = await open_services(settings, clock=FakeClock())
    meters.commits = CommitCounter()
    await meters.commits.attach(services.db.conn)
    app = telegram_app.build_application(
        services,
        TOKEN,
        base_url=args.base_url,
        base_file_url=args.file_url,
        overall_rate=settings.overall_rate,
        on_update_done=control.processed,
        sweep_seconds=3600.0,
    )
    await telegram_app.start(app, services.catalogs)

    async def stop() -> None:
        await telegram_app.stop(app)
        await services.close()

    async def referrals() -> int:
        rows = await services.db.fetchall("SELECT COUNT(*) FROM referrals")
        return int(rows[0][0])

    return stop, referrals


def build_echo(args: argparse.Namespace, timer: HandlerTimer, control: Control) -> Application:  # type: ignore[type-arg]
    """A stock python-telegram-bot bot: one handler, one sendMessage per update."""
    builder = (
        Application.builder()
        .token(TOKEN)
        .base_url(args.base_url)
        .base_file_url(args.file_url)
        .concurrent_updates(MAX_CONCURRENT_UPDATES)
        .connection_pool_size(POOL)
    )
    if args.limiter == "on":
        limiter = AIORateLimiter(overall_max_rate=OVERALL_RATE, max_retries=3)
        app: Application = builder.rate_limiter(limiter).build()  # type: ignore[type-arg]
    else:
        app = builder.build()

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, "Echo")

    async def processed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        control.processed(update.update_id)

    timed = cast(EchoHandler, timer.wrap(answer))
    app.add_handler(MessageHandler(filters.ALL, timed))
    app.add_handler(CallbackQueryHandler(timed))
    app.add_handler(TypeHandler(Update, processed), group=1)
    return app


async def start_echo(
    args: argparse.Namespace, meters: Meters, control: Control
) -> tuple[Stop, Callable[[], Awaitable[int]]]:
    """The echo bot, polling the simulator."""
    app = build_echo(args, meters.timer, control)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES)

    async def stop() -> None:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    async def referrals() -> int:
        return 0

    return stop, referrals


async def serve(args: argparse.Namespace) -> None:
    """Starts the bot, then answers the driver's commands until `quit`."""
    reader, writer = await asyncio.open_connection("127.0.0.1", args.control)
    control = Control(reader, writer)
    meters = Meters()
    begin = time.perf_counter()
    starter = start_jembatan if args.bot == "jembatan" else start_echo
    stop, referrals = await starter(args, meters, control)
    await control.send(f"ready {time.perf_counter() - begin:.3f}")
    while line := (await reader.readline()).decode().strip():
        if line == "start":
            meters.start()
            await control.send(json.dumps({"started": True}))
        elif line == "stop":
            figures = meters.stop()
            figures["referrals"] = await referrals()
            figures["api_calls_seen"] = meters.clock.calls
            await control.send(json.dumps(figures))
        elif line == "quit":
            break
    await stop()
    await control.send(json.dumps({"stopped": True}))
    writer.close()


def main() -> None:
    """Parses the arguments and runs the bot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bot", choices=("jembatan", "echo"), required=True)
    parser.add_argument("--limiter", choices=("on", "off"), required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--file-url", required=True)
    parser.add_argument("--control", type=int, required=True)
    parser.add_argument("--data", required=True, help="Jembatan's data directory")
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
