"""One bot per database: a second `python -m bot run` on it is refused, a killed one blocks nothing.

Two bots on one database would both deliver the outbox's notifications in flight; the lock on
the database directory (storage/lockfile.py) lets one run. The administrator's commands still
work while it does.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from bot.simulator import BotApiSimulator, SimUser
from tests.auxil.harness import settings_in
from tests.auxil.process import eventually, run_bot, serving
from tests.test_cli import run_cli

WELCOME = ["Bahasa Indonesia", "English", "🆘 Darurat"]


async def answered(person: SimUser) -> None:
    """She sends /start and the running bot answers with the welcome."""
    before = len(person.bot_messages)
    sending = asyncio.create_task(person.send("/start"))
    await eventually(lambda: len(person.bot_messages) > before, within=60)
    await sending
    assert person.last_buttons == WELCOME


async def test_a_second_bot_on_the_same_database_is_refused_and_a_killed_one_blocks_nothing(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    sim.expect_processed_signal = False
    settings_in(tmp_path)
    her = sim.user("Sari")
    since = len(sim.calls)
    first = await run_bot(tmp_path, sim)
    try:
        await serving(sim, since)
        await answered(her)

        second = await run_bot(tmp_path, sim, capture=True)
        try:
            out, err = await asyncio.wait_for(second.communicate(), 120)
        finally:
            if second.returncode is None:  # it ran as a second bot: stop it
                second.send_signal(signal.SIGKILL)
                await second.wait()
        printed = (out + err).decode()
        assert second.returncode == 2, printed
        assert f"another Jembatan bot (process {first.pid}) is already running" in printed
        assert "Traceback" not in printed

        # the administrator's commands still work while the bot runs
        code, said, problem = await run_cli("backup", "copy.sqlite3", data_dir=tmp_path)
        assert code == 0 and "Backup written" in said, problem
        assert (tmp_path / "copy.sqlite3").is_file()
        await answered(her)  # the first bot goes on answering
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()

    since = len(sim.calls)
    third = await run_bot(tmp_path, sim)  # the kernel dropped the killed bot's lock
    try:
        await serving(sim, since)
        await answered(her)
    finally:
        third.send_signal(signal.SIGTERM)
        assert await third.wait() == 0
