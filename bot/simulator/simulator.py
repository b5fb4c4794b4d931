"""BotApiSimulator: a local Telegram Bot API server plus the people who use the bot."""

from __future__ import annotations

import time
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.simulator.core import ApiCall, SimCore
from bot.simulator.dispatch import Dispatcher
from bot.simulator.faults import Fault
from bot.simulator.methods import METHODS
from bot.simulator.server import ApiServer
from bot.simulator.spec import BotApiSpec
from bot.simulator.state import StoredFile
from bot.simulator.user import SimGroup, SimUser


class BotApiSimulator:
    """Runs the simulated Bot API on 127.0.0.1 and lets tests act as the bot's users."""

    def __init__(
        self,
        token: str,
        spec_path: Path | None = None,
        bot_username: str = "jembatan_bot",
        bot_name: str = "Jembatan",
        privacy_mode: bool = True,
    ) -> None:
        spec = BotApiSpec.load(spec_path) if spec_path is not None and spec_path.is_file() else None
        self._core = SimCore(token, bot_username, bot_name, spec, privacy_mode)
        self._server = ApiServer(Dispatcher(self._core), self._lookup_file)
        self._port: int | None = None

    async def __aenter__(self) -> BotApiSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Starts the HTTP server on an ephemeral loopback port."""
        if self._port is None:
            self._core.stopping.clear()
            self._port = await self._server.start()

    async def stop(self) -> None:
        """Releases held requests, stops webhook delivery and closes every connection."""
        self._core.stopping.set()
        await self._core.webhook.delete()
        await self._server.stop()
        self._port = None

    @property
    def base_url(self) -> str:
        """The base_url to give python-telegram-bot."""
        return f"{self._origin}/bot"

    @property
    def base_file_url(self) -> str:
        """The base_file_url to give python-telegram-bot."""
        return f"{self._origin}/file/bot"

    @property
    def _origin(self) -> str:
        if self._port is None:
            raise RuntimeError("the simulator is not running; await start() first")
        return f"http://127.0.0.1:{self._port}"

    @property
    def spec_violations(self) -> list[str]:
        """Every spec violation seen in the bot's requests."""
        return self._core.violations

    @property
    def calls(self) -> list[ApiCall]:
        """Every request the bot made, in order."""
        return self._core.calls

    @property
    def latency(self) -> float:
        """Seconds added to every bot request."""
        return self._core.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self._core.latency = max(seconds, 0.0)

    @property
    def expect_processed_signal(self) -> bool:
        """Whether settling waits for on_processed rather than for a quiet period."""
        return self._core.expect_processed_signal

    @expect_processed_signal.setter
    def expect_processed_signal(self, value: bool) -> None:
        self._core.expect_processed_signal = value

    @property
    def settle_timeout(self) -> float:
        """Seconds to wait for the bot to settle before failing with AssertionError."""
        return self._core.settle_timeout

    @settle_timeout.setter
    def settle_timeout(self, seconds: float) -> None:
        self._core.settle_timeout = seconds

    def inject(
        self,
        method: str,
        error: int | str,
        *,
        retry_after: int = 1,
        times: int | None = 1,
        latency: float = 0.0,
    ) -> Fault:
        """Makes coming requests for a method (or '*') fail, hang or slow down."""
        spec = self._core.spec
        known = method == "*" or method.lower() in {m.lower() for m in METHODS}
        if not known and (spec is None or spec.method_name(method) is None):
            raise ValueError(f"no Bot API method is called {method!r}")
        return self._core.faults.add(Fault(method, error, retry_after, times, latency))

    def flood(self, seconds: float, method: str = "*") -> Fault:
        """Answers every request (or one method's) with 429 for a while, as a flood limit does."""
        fault = Fault(method, 429, times=None, until=time.monotonic() + seconds)
        return self._core.faults.add(fault)

    def clear_faults(self) -> None:
        """Removes every injected fault."""
        self._core.faults.clear()

    def now(self) -> float:
        """The simulated unix time."""
        return self._core.clock.now()

    def advance(self, seconds: float) -> None:
        """Moves simulated time forward (message dates, the 48-hour delete rule)."""
        self._core.clock.advance(seconds)

    def user(
        self,
        first_name: str = "Sari",
        language_code: str | None = "id",
        user_id: int | None = None,
        phone_number: str | None = None,
    ) -> SimUser:
        """Creates a person with a private chat whose id is her user id."""
        person = self._core.world.add_person(first_name, language_code, user_id, phone_number)
        return SimUser(self._core, person)

    def group(self, title: str, members: list[SimUser]) -> SimGroup:
        """Creates a group (negative id) with these members and the bot."""
        chat = self._core.world.add_group(title, [m.user_id for m in members])
        return SimGroup(self._core, chat, members)

    def push_raw(self, update: Any) -> int:
        """Queues an update as given (malformed ones too) without waiting for the bot.

        An object without "update_id" gets the next id; the update leaves the queue when a
        getUpdates offset passes the returned id, as any other does.
        """
        return self._core.queue.push_raw(update)

    def on_processed(self, update_id: int) -> None:
        """Called by the bot side when it has finished processing an update."""
        self._core.tracker.processed(update_id)

    async def wait_idle(self) -> None:
        """Returns once every update is handled and the bot has gone quiet."""
        core = self._core
        await core.tracker.wait_idle(core.expect_processed_signal, core.settle_timeout)

    def _lookup_file(self, token: str, path: str) -> StoredFile | None:
        if token != self._core.token:
            return None
        return next((f for f in self._core.world.files.values() if f.file_path == path), None)
