"""One throughput run: USERS simulated people at once against Jembatan or a bare echo bot.

Both bots talk to the same local Bot API simulator over HTTP with the same injected latency,
the same python-telegram-bot rate limiter (AIORateLimiter, 30 messages/s overall, 3 retries),
concurrent updates and connection pool. Each Jembatan user does a whole referral conversation
(tests/auxil/asking.py: /start … request sent, check-ins accepted: 14 updates); each echo user
sends as many text messages, each answered with one sendMessage. A person waits for the bot to
finish one update before sending the next, as the simulator's users always do.

Run by `python -m tests.benchmarks` (one process per run, so peak RSS is the run's own); alone:
    python -m tests.benchmarks.throughput --bot jembatan --users 200 --latency 0.25
It prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

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

from bot.simulator import BotApiSimulator, SimUser
from bot.telegram.conversation import Conversation
from tests.auxil.asking import ask
from tests.auxil.harness import TOKEN, Jembatan, settings_in, spec_path
from tests.benchmarks.measure import (
    ApiClock,
    CommitCounter,
    HandlerTimer,
    peak_rss_mb,
    percentile,
)

OVERALL_RATE = 30.0
MAX_CONCURRENT_UPDATES = 512  # as bot/telegram/app.py
POLL_TIMEOUT = 10
RECEIVING = {"getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo"}
SETTLE_TIMEOUT = 900.0  # a person may wait long behind the 30/s limiter; never fail for it


def _summary(
    sim: BotApiSimulator,
    first_call: int,
    timer: HandlerTimer,
    elapsed: float,
    commits: int | None,
) -> dict[str, Any]:
    calls = [c for c in sim.calls[first_call:] if c.method not in RECEIVING]
    updates = len(timer.wall)
    per = max(updates, 1)
    return {
        "updates": updates,
        "seconds": elapsed,
        "updates_per_s": updates / elapsed,
        "own_p50_ms": percentile(timer.own, 0.50) * 1000,
        "own_p99_ms": percentile(timer.own, 0.99) * 1000,
        "handler_p50_ms": percentile(timer.wall, 0.50) * 1000,
        "handler_p99_ms": percentile(timer.wall, 0.99) * 1000,
        "api_calls_per_update": len(calls) / per,
        # requests naming a chat: the ones AIORateLimiter's overall 30/s limit applies to
        "limited_calls_per_update": sum("chat_id" in c.params for c in calls) / per,
        "methods": dict(Counter(c.method for c in calls)),
        "errors": dict(Counter(str(c.status) for c in calls if c.status != 200)),
        "commits_per_update": None if commits is None else commits / per,
        "peak_rss_mb": peak_rss_mb(),
    }


def _simulator(latency: float) -> BotApiSimulator:
    sim = BotApiSimulator(token=TOKEN, spec_path=spec_path())
    sim.expect_processed_signal = True
    sim.latency = latency
    sim.settle_timeout = SETTLE_TIMEOUT
    return sim


async def run_jembatan(users: int, latency: float) -> dict[str, Any]:
    """USERS whole referral conversations at once; one more before, as a warm-up."""
    ApiClock().install()
    timer = HandlerTimer()
    Conversation.on_update = timer.wrap(Conversation.on_update)  # type: ignore[method-assign]
    counter = CommitCounter()
    with tempfile.TemporaryDirectory() as tmp:
        sim = _simulator(latency)
        async with sim:
            harness = Jembatan(sim, settings_in(Path(tmp)))
            await harness.start()
            try:
                assert harness.services is not None
                await counter.attach(harness.services.db.conn)
                await ask(harness)  # warm-up: imports, translations, caches
                first_call, commits_before = len(sim.calls), counter.total
                timer.recording = True
                started = time.perf_counter()
                await asyncio.gather(*(ask(harness) for _ in range(users)))
                elapsed = time.perf_counter() - started
                timer.recording = False
                result = _summary(sim, first_call, timer, elapsed, counter.total - commits_before)
                referrals = await harness.services.db.fetchall("SELECT COUNT(*) FROM referrals")
                result["referrals"] = int(referrals[0][0]) - 1
            finally:
                await harness.stop()
    return result


def build_echo(sim: BotApiSimulator, timer: HandlerTimer) -> Application:  # type: ignore[type-arg]
    """A bare python-telegram-bot bot: one handler, one sendMessage per update."""
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(sim.base_url)
        .base_file_url(sim.base_file_url)
        .rate_limiter(AIORateLimiter(overall_max_rate=OVERALL_RATE, max_retries=3))
        .concurrent_updates(MAX_CONCURRENT_UPDATES)
        .connection_pool_size(128)
        .build()
    )

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, "Echo")

    async def processed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        sim.on_processed(update.update_id)

    timed = timer.wrap(answer)
    app.add_handler(MessageHandler(filters.ALL, timed))
    app.add_handler(CallbackQueryHandler(timed))
    app.add_handler(TypeHandler(Update, processed), group=1)
    return app


async def _chat(user: SimUser, updates: int) -> None:
    for n in range(updates):
        await user.send(f"pesan {n}")


async def run_echo(users: int, latency: float, updates_per_user: int) -> dict[str, Any]:
    """USERS people at once, each sending updates_per_user texts; one more before, as a warm-up."""
    ApiClock().install()
    timer = HandlerTimer()
    sim = _simulator(latency)
    async with sim:
        app = build_echo(sim, timer)
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES)
        try:
            await _chat(sim.user("Warm"), updates_per_user)
            people = [sim.user(f"U{i}") for i in range(users)]
            first_call = len(sim.calls)
            timer.recording = True
            started = time.perf_counter()
            await asyncio.gather(*(_chat(p, updates_per_user) for p in people))
            elapsed = time.perf_counter() - started
            timer.recording = False
            result = _summary(sim, first_call, timer, elapsed, None)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
    return result


def main() -> None:
    """Runs one configuration and prints its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bot", choices=("jembatan", "echo"), required=True)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.25, help="seconds per Bot API call")
    parser.add_argument("--updates-per-user", type=int, default=14, help="echo bot only")
    args = parser.parse_args()
    if args.bot == "jembatan":
        result = asyncio.run(run_jembatan(args.users, args.latency))
    else:
        result = asyncio.run(run_echo(args.users, args.latency, args.updates_per_user))
    result.update(bot=args.bot, users=args.users, latency=args.latency)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
