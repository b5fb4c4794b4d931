"""Her screen first: a tap's new screen does not wait for the button's answer."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from bot.simulator import BotApiSimulator
from bot.simulator.core import ApiCall
from tests.auxil.harness import Jembatan
from tests.auxil.process import eventually
from tests.auxil.seed import due_check_ins

HELD = 3.0  # seconds the simulator holds the answer (under the client's 5 s read timeout)
WAIT_LIMIT = 2000  # polls of 10 ms for the edit to arrive while the answer is held
DUE = 300
RATE = 30
TALKING = 60
# 60 replies take about 2 s of the budget; the follow-ups' floor (3 a second) may send a few
# meanwhile. Without the lanes, follow-ups at 29 a second go on between the replies.
FLOOR_SLACK = 15


async def test_a_tap_edits_her_screen_while_the_button_answer_is_still_on_its_way(
    jembatan: Jembatan, sim: BotApiSimulator
) -> None:
    her = jembatan.user()
    await her.send("/start")
    first = len(sim.calls)
    sim.inject("answerCallbackQuery", "latency", latency=HELD, times=1)
    pressing = asyncio.create_task(her.press("Bahasa Indonesia"))
    edits: list[ApiCall] = []
    answers: list[ApiCall] = []
    for _ in range(WAIT_LIMIT):  # until both requests reached the simulator
        edits = [c for c in sim.calls[first:] if c.method == "editMessageText"]
        answers = [c for c in sim.calls[first:] if c.method == "answerCallbackQuery"]
        if (edits and answers) or pressing.done():
            break
        await asyncio.sleep(0.01)
    assert edits, "her new screen was not sent"
    assert answers and answers[0].status is None, "the edit waited for the answer to finish"
    await pressing
    assert answers[0].status == 200, "the button is still answered"
    assert "Kak" in her.last_message


async def test_with_300_follow_ups_due_the_replies_go_first_in_one_budget_and_each_follow_up_once(
    jembatan: Jembatan, sim: BotApiSimulator
) -> None:
    services = jembatan.services
    assert services is not None and jembatan.settings.overall_rate == RATE, "the limiter is on"
    waiting = [sim.user(f"P{n}") for n in range(DUE)]
    talking = [sim.user(f"T{n}") for n in range(TALKING)]
    due = jembatan.clock.now + timedelta(hours=1)  # no sweep of the bot's own finds them early
    await due_check_ins(services, [p.user_id for p in waiting], due)
    jembatan.clock.now = due
    first = len(sim.calls)
    waiting_ids = {p.user_id for p in waiting}

    def follow_ups_sent() -> int:
        return sum(
            c.method == "sendMessage" and c.params.get("chat_id") in waiting_ids
            for c in sim.calls[first:]
        )

    dispatch = asyncio.create_task(jembatan.run_due(within=120))
    await eventually(lambda: follow_ups_sent() >= 30, within=60)  # the backlog is going out
    assert jembatan.outbox.busy, "follow-ups are queued ahead of the replies"
    mark = len(sim.calls)
    await asyncio.gather(*(person.send("/start") for person in talking))
    await dispatch

    sends = [c for c in sim.calls[first:] if c.method == "sendMessage"]
    after = [c for c in sim.calls[mark:] if c.method == "sendMessage"]
    talking_ids = {p.user_id for p in talking}
    last_reply = max(i for i, c in enumerate(after) if c.params["chat_id"] in talking_ids)
    overtaking = [c for c in after[:last_reply] if c.params["chat_id"] in waiting_ids]
    assert len(overtaking) <= FLOOR_SLACK, f"{len(overtaking)} follow-ups went between the replies"
    per_chat = Counter(c.params["chat_id"] for c in sends if c.params["chat_id"] in waiting_ids)
    assert per_chat == Counter(waiting_ids), "every follow-up is sent, each exactly once"
    assert all(c.status == 200 for c in sends), "no 429 and no refusal"
    walls = [c.wall for c in sends]
    budget = RATE + RATE * (max(walls) - min(walls))  # a second's burst, then 30 a second
    assert len(sends) <= budget, f"{len(sends)} messages: replies and follow-ups share one 30/s"
    assert all(p.last_message for p in talking), "everyone who talked was answered"
