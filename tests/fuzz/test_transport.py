"""Fuzzing through the transport: a few hundred random updates travel the whole way.

The same plans as tests/fuzz/test_updates.py, but every update is queued in the simulator and
fetched by the bot's own long polling (getUpdates), then ordered per person by its update
processor; the people act at the same time, each in her own order. Texts, buttons, forged
buttons, stickers, photos, voice notes, documents, locations, contacts and edits go through
SimUser as a Telegram app would send them; other update types are queued as they are.
The same properties hold after every update.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.simulator import SimUser
from bot.simulator.chat import ChatMessage
from tests.fuzz.invariants import Collector, check_person
from tests.fuzz.runner import Cast, Fuzzer
from tests.fuzz.strategies import CASEWORKER, Act, acts, roles

EXAMPLES = 10
MIN_UPDATES = 300
SIM_MEDIA = {"sticker", "photo", "voice", "document", "location"}

small_plans = st.lists(acts, min_size=30, max_size=34)


def chat_of(payload: dict[str, Any]) -> int | None:
    """The chat an update concerns (for the simulator's settling), if any."""
    body = next(v for k, v in payload.items() if k != "update_id")
    chat = body.get("chat") or (body.get("message") or {}).get("chat")
    return int(chat["id"]) if isinstance(chat, dict) else None


class TransportFuzzer(Fuzzer):
    """Feeds through the simulator's update queue; people act concurrently."""

    async def feed(self, payload: dict[str, Any], actor: int | None = None) -> None:
        kind = next(k for k in payload if k != "update_id")
        await self.sim._core.submit(kind, payload[kind], chat_of(payload) or 0)
        await self.settled(kind, actor)

    async def settled(self, kind: str, actor: int | None) -> None:
        """Counts an update the simulator saw processed, then checks what must hold."""
        self.count += 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        assert not self.failures, (
            f"an exception reached the error handler: {self.failures[0].error}\n"
            f"update: {self.failures[0].update}\n{self.failures[0].trace}"
        )
        errors = self.collector.errors()
        assert not errors, f"ERROR logged: {errors[0].name}: {errors[0].getMessage()}"
        if actor is not None:
            self.seen(await check_person(self.services, actor))

    async def play(self, cast: Cast, plan: list[Act]) -> None:
        """Each person (and the caseworker) acts in her own order, all at the same time."""
        queues: dict[int, list[Act]] = {}
        for act in plan:
            queues.setdefault(act.actor, []).append(act)
        await asyncio.gather(*(self.act_in_order(cast, q) for q in queues.values()))

    async def act_in_order(self, cast: Cast, queue: list[Act]) -> None:
        for act in queue:
            await self.step(cast, act)

    async def step(self, cast: Cast, act: Act) -> None:
        """Acts through the person's Telegram app when the simulator has the gesture."""
        who = self.telegram_id(cast, act.actor)
        user = cast.users[who]
        checked = who if act.actor != CASEWORKER else None
        if await self.by_app(user, act):
            self.acts += 1
            kind = "callback_query" if act.kind in {"press", "forge"} else "message"
            await self.settled("edited_message" if act.kind == "edit" else kind, checked)
            return
        await super().step(cast, act)

    async def by_app(self, user: SimUser, act: Act) -> bool:
        """Does the act with SimUser; False when it has no such gesture."""
        match act.kind:
            case "word" | "text" if act.text.strip():
                await user.send(act.text)
            case "press":
                pressable = self.pressable(user)
                if not pressable:
                    return False
                message, labels = pressable[act.m % len(pressable)]
                await user.press(labels[act.n % len(labels)], message=message)
            case "forge" if act.data and user.bot_messages:
                await user.forge_callback(act.data)
            case "media" if act.text in SIM_MEDIA:
                if act.text == "location":
                    await user.send_location(-10.17, 123.6)
                else:
                    await getattr(user, f"send_{act.text}")()
            case "contact":
                await user.send_contact(act.text or None, own=act.flag)
            case "edit" if act.text.strip() and any(
                m.sender_id == user.user_id and m.kind == "text" for m in user.messages
            ):
                await user.edit_sent(text=act.text)
            case _:
                return False
        return True

    @staticmethod
    def pressable(user: SimUser) -> list[tuple[ChatMessage, list[str]]]:
        """The bot's messages with callback buttons, newest first, with their labels."""
        found = []
        for message in reversed(user.bot_messages):
            labels = [b.text for row in message.inline_keyboard for b in row if b.callback_data]
            if labels:
                found.append((message, labels))
        return found


def test_a_few_hundred_random_updates_through_polling(tmp_path: Path) -> None:
    collector = Collector()
    logging.getLogger().addHandler(collector)
    try:
        with asyncio.Runner() as runner:
            world = runner.run(TransportFuzzer.open(tmp_path, collector))
            world.sim.expect_processed_signal = True
            try:

                @settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    derandomize=True,
                    database=None,
                    phases=(Phase.explicit, Phase.generate, Phase.shrink),
                    suppress_health_check=list(HealthCheck),
                    report_multiple_bugs=False,
                )
                @given(plan=small_plans, role=roles)
                def run_plan(plan: list[Act], role: str) -> None:
                    runner.run(world.run(plan, role))

                run_plan()
            finally:
                runner.run(world.close())
    finally:
        logging.getLogger().removeHandler(collector)

    assert world.failures == []
    assert collector.errors() == []
    assert world.sim.spec_violations == []
    assert world.acts >= MIN_UPDATES, world.acts
    assert {"message", "callback_query", "edited_message"} <= set(world.kinds)
    assert len(world.kinds) >= len(Update.ALL_TYPES) // 2, world.kinds
    print(
        f"\n{world.acts} acts, {world.count} updates through polling: {sorted(world.kinds.items())}"
    )
