"""End-to-end harness: the real bot (python-telegram-bot over HTTP) against the simulator."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.config import Settings, load_settings
from bot.core.followups import SweepReport
from bot.core.services import Services, open_services
from bot.simulator import BotApiSimulator, SimUser
from bot.telegram import app as telegram_app
from bot.telegram.outbox import OutboxWorker
from storage.crypto import create_key_file
from tests.auxil.sealed import open_all

TOKEN = "123456789:TEST-token-never-in-logs"
SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "telegram" / "bot-api-spec.json"


@dataclass
class FakeClock:
    """A clock tests can move: starts at a fixed instant."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 7, 5, tzinfo=UTC))

    def __call__(self) -> datetime:
        """Returns the current fake time."""
        return self.now

    def advance(self, **delta: float) -> None:
        """Moves time forward."""
        self.now += timedelta(**delta)


def settings_in(data_dir: Path) -> Settings:
    """Settings for a bot whose data lives in a test's temporary directory."""
    settings = load_settings(environ={"JEMBATAN_DATA_DIR": str(data_dir)}, dotenv=None)
    if not settings.key_file.exists():
        create_key_file(settings.key_file)
    return settings


@dataclass
class Jembatan:
    """A running bot and its simulator; start, stop and restart like a real deployment."""

    sim: BotApiSimulator
    settings: Settings
    clock: FakeClock = field(default_factory=FakeClock)
    app: telegram_app.App | None = None
    services: Services | None = None
    webhook: telegram_app.Webhook | None = None
    sweep_seconds: float = 3600.0  # tests call run_due(); test_followups shows the job itself
    people: list[SimUser] = field(default_factory=list)

    @property
    def outbox(self) -> OutboxWorker:
        """The running bot's outbox worker."""
        assert self.app is not None
        worker = self.app.bot_data.outbox
        assert worker is not None
        return worker

    async def run_due(self, within: float = 30.0) -> SweepReport:
        """Runs the follow-up sweeper now, as its job would, and waits for the outbox to settle."""
        assert self.app is not None
        sweeper = self.app.bot_data.sweeper
        assert sweeper is not None
        report = await sweeper.sweep()
        await self.outbox_idle(within)
        return report

    async def outbox_idle(self, within: float = 30.0) -> None:
        """Waits until no outbox row is due and no message is in flight."""
        assert self.services is not None
        deadline = asyncio.get_running_loop().time() + within
        while self.outbox.busy or await self.services.outbox.due(1):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the outbox did not settle in {within} s")
            await asyncio.sleep(0.02)

    async def start(self) -> None:
        """Opens storage and starts polling the simulator."""
        self.services = await open_services(self.settings, clock=self.clock)
        self.app = telegram_app.build_application(
            self.services,
            TOKEN,
            base_url=self.sim.base_url,
            base_file_url=self.sim.base_file_url,
            overall_rate=self.settings.overall_rate,
            on_update_done=self.sim.on_processed,
            sweep_seconds=self.sweep_seconds,
        )
        await telegram_app.start(self.app, self.services.catalogs, self.webhook)

    async def stop(self) -> None:
        """Stops the bot and closes storage, as a shutdown would."""
        if self.app is not None:
            await telegram_app.stop(self.app)
            self.app = None
        if self.services is not None:
            await self.services.close()
            self.services = None

    async def restart(self) -> None:
        """Stops and starts again with the same data."""
        await self.stop()
        await self.start()

    def user(self, first_name: str = "Sari", language_code: str = "id") -> SimUser:
        """A new person in a private chat with the bot."""
        person = self.sim.user(first_name=first_name, language_code=language_code)
        self.people.append(person)
        return person

    async def open_sealed(self) -> int:
        """Every person opens the sealed previews in her chat ("Buka"); returns how many."""
        opened = 0
        for person in self.people:
            opened += await open_all(person)
        return opened


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spec_path() -> Path | None:
    """The shared Bot API spec, when it lies beside the project."""
    return SPEC_PATH if SPEC_PATH.is_file() else None
