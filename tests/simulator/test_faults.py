"""Injected faults: 429 with retry_after, 5xx, timeouts and latency, as PTB experiences them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot.simulator import BotApiSimulator


async def test_429_surfaces_as_retry_after(
    sim: BotApiSimulator, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22 warns about retry_after's type otherwise
    user = sim.user()
    fault = sim.inject("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(user.user_id, "halo")
    assert raised.value.retry_after == timedelta(seconds=7)
    assert sim.calls[-1].description == "Too Many Requests: retry after 7"
    assert fault.hits == 1 and not fault.active
    await bot.send_message(user.user_id, "halo")
    assert user.last_message == "halo", "times=1: the next request goes through"


@pytest.mark.parametrize("code", [500, 502, 503])
async def test_server_errors_surface_as_network_errors(
    sim: BotApiSimulator, bot: Bot, code: int
) -> None:
    user = sim.user()
    sim.inject("sendMessage", code)
    with pytest.raises(NetworkError):
        await bot.send_message(user.user_id, "halo")
    assert user.messages == []
    assert sim.calls[-1].status == code


async def test_403_can_be_injected(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    sim.inject("sendMessage", 403)
    with pytest.raises(Forbidden, match=r"blocked"):
        await bot.send_message(user.user_id, "halo")


async def test_a_fault_until_cleared_hits_every_method(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    fault = sim.inject("*", 502, times=None)
    for _ in range(3):
        with pytest.raises(NetworkError):
            await bot.send_message(user.user_id, "halo")
    with pytest.raises(NetworkError):
        await bot.get_me()
    assert fault.hits == 4
    sim.clear_faults()
    await bot.send_message(user.user_id, "halo")
    assert user.last_message == "halo"


async def test_timeout_holds_the_request_past_the_client_timeout(
    sim: BotApiSimulator, bot: Bot
) -> None:
    user = sim.user()
    sim.inject("sendMessage", "timeout")
    with pytest.raises(TimedOut):
        await bot.send_message(user.user_id, "halo", read_timeout=0.5)
    assert user.messages == []
    await sim.wait_idle()


async def test_latency_delays_but_delivers(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    sim.latency = 0.05
    fault = sim.inject("sendMessage", "latency", latency=0.05)
    await bot.send_message(user.user_id, "pelan")
    assert fault.hits == 1
    assert user.last_message == "pelan"


def test_unknown_fault_kinds_are_refused(sim: BotApiSimulator) -> None:
    with pytest.raises(ValueError, match=r"HTTP code"):
        sim.inject("sendMessage", "explode")
    with pytest.raises(ValueError, match=r"4xx or 5xx"):
        sim.inject("sendMessage", 200)


def test_a_misspelt_method_is_refused(sim: BotApiSimulator) -> None:
    with pytest.raises(ValueError, match="sendMesage"):
        sim.inject("sendMesage", 500)
