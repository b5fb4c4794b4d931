"""The simulator's shared state and services, handed to every method and to the user side."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.simulator.activity import SETTLE_TIMEOUT, ActivityTracker
from bot.simulator.clock import SimClock
from bot.simulator.errors import CHAT_NOT_FOUND, ApiError, bad_request, blocked
from bot.simulator.faults import FaultPlan
from bot.simulator.params import Params
from bot.simulator.spec import BotApiSpec
from bot.simulator.state import Chat, World
from bot.simulator.updates import UpdateQueue
from bot.simulator.webhook import WebhookDelivery

TOKEN_FORMAT = re.compile(r"\d+:[A-Za-z0-9_-]+")


@dataclass
class ApiCall:
    """One request the bot made: method, decoded parameters, sim time, and the outcome."""

    method: str
    params: dict[str, Any]
    at: float
    status: int | None = None
    description: str | None = None
    wall: float = field(default_factory=time.monotonic)  # real time, for measuring send rates


@dataclass(frozen=True)
class Call:
    """A bot request as a method implementation sees it."""

    params: Params
    closed: asyncio.Event


Handler = Callable[["SimCore", Call], Awaitable[Any]]


class SimCore:
    """Shared state of one simulator: world, update queue, webhook, faults, logs."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_name: str,
        spec: BotApiSpec | None,
        privacy_mode: bool = True,
    ) -> None:
        if not TOKEN_FORMAT.fullmatch(token):
            raise ValueError("a bot token looks like '123456:ABC-def'")
        self.token = token
        self.spec = spec
        self.clock = SimClock()
        bot_id = int(token.split(":")[0])
        self.world = World(bot_id, bot_username, bot_name, self.clock, privacy_mode)
        self.tracker = ActivityTracker()
        self.queue = UpdateQueue(self.tracker.acknowledged)
        self.webhook = WebhookDelivery(self.queue, self.world.now)
        self.faults = FaultPlan()
        self.calls: list[ApiCall] = []
        self.violations: list[str] = []
        self.latency = 0.0
        self.expect_processed_signal = False
        self.settle_timeout = SETTLE_TIMEOUT
        self.stopping = asyncio.Event()
        self.poll_terminator: asyncio.Event | None = None

    def target_chat(self, params: Params) -> Chat:
        """Returns the chat a request names; 400 when there is no such chat."""
        chat = self.world.find_chat(params.chat_ref())
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        return chat

    def check_not_blocked(self, chat: Chat) -> None:
        """Raises 403 when the chat is with a person who blocked the bot."""
        person = self.world.people.get(chat.chat_id)
        if person is not None and person.blocked:
            raise blocked()

    def chat_of_request(self, params: Params) -> int | None:
        """Returns the chat a request concerns, for settling, if any."""
        query_id = params.opt_str("callback_query_id")
        if query_id is not None:
            record = self.world.callbacks.get(query_id)
            return record.chat_id if record else None
        try:
            chat = self.world.find_chat(params.chat_ref())
        except ApiError:  # a malformed chat_id concerns no chat
            return None
        return chat.chat_id if chat else None

    async def submit(self, kind: str, payload: dict[str, Any], chat_id: int) -> int:
        """Queues an update from a person and returns once the bot has settled on it."""
        update_id = self.queue.push(kind, payload)
        self.tracker.queued(update_id)
        await self.tracker.settle(
            update_id, chat_id, self.expect_processed_signal, self.settle_timeout
        )
        return update_id
