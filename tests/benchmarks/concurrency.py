"""Benchmark: many people at once against one, with slow Telegram (reports ratios, asserts nothing).

Run with `./jembatan bench`. Each person does /start, picks a language, types a region with a
typo and picks it (9 Bot API calls). The ratio compares the wall time of USERS people at once
with the time of one person alone, with Telegram's 30 messages/s limiter on and off.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bot.simulator import BotApiSimulator, SimUser
from tests.auxil.harness import TOKEN, Jembatan, settings_in, spec_path

USERS = 50
LATENCY = 0.2


async def journey(user: SimUser) -> list[str]:
    """One person's first minute."""
    await user.send("/start")
    await user.press("Bahasa Indonesia")
    await user.send("kupng")
    await user.press("Kota Kupang (Nusa Tenggara Timur)")
    return [m.text or "" for m in user.bot_messages]


async def measure(overall_rate: float) -> tuple[float, float, bool, int]:
    """Returns (one alone, USERS at once, every chat in order, bot calls) in seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        async with BotApiSimulator(token=TOKEN, spec_path=spec_path()) as sim:
            sim.expect_processed_signal = True
            sim.latency = LATENCY
            settings = replace(settings_in(Path(tmp)), overall_rate=overall_rate)
            harness = Jembatan(sim, settings)
            await harness.start()
            try:
                started = time.perf_counter()
                alone = await journey(harness.user("Alone"))
                one = time.perf_counter() - started
                users = [harness.user(f"U{i}") for i in range(USERS)]
                calls_before = len(sim.calls)
                started = time.perf_counter()
                chats = await asyncio.gather(*(journey(u) for u in users))
                many = time.perf_counter() - started
                calls = (len(sim.calls) - calls_before) // USERS
            finally:
                await harness.stop()
    return one, many, all(chat == alone for chat in chats), calls


async def main() -> None:
    """Prints the figures."""
    print(f"{USERS} people at once vs one alone, {LATENCY * 1000:.0f} ms Telegram latency")
    for rate, label in ((30.0, "limiter 30 msg/s (Telegram's limit)"), (0.0, "limiter off")):
        one, many, ordered, calls = await measure(rate)
        print(
            f"  {label:38s} one: {one:5.2f} s   {USERS} at once: {many:5.2f} s   "
            f"ratio {many / one:4.2f}   calls/person {calls}   in order: {ordered}"
        )


if __name__ == "__main__":
    asyncio.run(main())
