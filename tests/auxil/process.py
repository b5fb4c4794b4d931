"""The bot as a real process (`python -m bot run`) against the simulator: kill and restart."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.core.config import Settings
from bot.core.services import open_services
from bot.simulator import BotApiSimulator, SimUser
from tests.auxil.harness import TOKEN

ROOT = Path(__file__).resolve().parents[2]


async def run_bot(
    data_dir: Path,
    sim: BotApiSimulator,
    *,
    token: str = TOKEN,
    capture: bool = False,
    **extra: str,
) -> asyncio.subprocess.Process:
    """Starts `python -m bot run` against the simulator, as a deployment would.

    With `capture`, what it prints is kept for `communicate()`; otherwise it is dropped.
    """
    output = asyncio.subprocess.PIPE if capture else asyncio.subprocess.DEVNULL
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": token,
        "JEMBATAN_DATA_DIR": str(data_dir),
        "JEMBATAN_API_BASE_URL": sim.base_url,
        "JEMBATAN_API_FILE_URL": sim.base_file_url,
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=data_dir,
        env=env,
        stdout=output,
        stderr=output,
    )


async def serving(sim: BotApiSimulator, since: int, within: float = 120.0) -> None:
    """Waits until a bot started after call number `since` polls the simulator (it is up).

    A process that gets SIGTERM before it is up (still importing, under load) cannot exit
    cleanly; tests that stop a bot cleanly wait for this first.
    """
    await eventually(
        lambda: any(c.method == "getUpdates" for c in sim.calls[since:]), within=within
    )


async def eventually(check: Callable[[], bool], within: float = 30.0) -> None:
    """Waits until a condition holds (polling), or fails."""
    for _ in range(int(within / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition did not come true in time")


async def bind_caseworker(settings: Settings, person: SimUser, region: str) -> None:
    """Makes a simulated person an active caseworker of a region, straight in storage."""
    services = await open_services(settings)
    try:
        _, token = await services.caseworkers.invite(
            person.first_name, "caseworker", [region], ["*"], timedelta(days=1)
        )
        async with services.db.transaction() as conn:
            await services.caseworkers.redeem(conn, token, person.user_id)
    finally:
        await services.close()
