"""Many people at once: each one's replies arrive complete and in order."""

from __future__ import annotations

import asyncio

from tests.auxil.harness import Jembatan
from tests.benchmarks.concurrency import journey

USERS = 50


async def test_fifty_people_with_slow_telegram_each_see_their_own_ordered_chat(
    jembatan: Jembatan,
) -> None:
    jembatan.sim.latency = 0.2
    alone = await journey(jembatan.user("Alone"))
    users = [jembatan.user(f"U{i}") for i in range(USERS)]
    chats = await asyncio.gather(*(journey(u) for u in users))
    for chat in chats:
        assert chat == alone, "every person sees the same complete conversation, in order"
