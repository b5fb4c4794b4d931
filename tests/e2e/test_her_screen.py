"""Her screen first: a tap's new screen does not wait for the button's answer."""

from __future__ import annotations

import asyncio

from bot.simulator import BotApiSimulator
from bot.simulator.core import ApiCall
from tests.auxil.harness import Jembatan

HELD = 3.0  # seconds the simulator holds the answer (under the client's 5 s read timeout)
WAIT_LIMIT = 2000  # polls of 10 ms for the edit to arrive while the answer is held


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
