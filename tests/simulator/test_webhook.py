"""Webhooks: updates pushed by HTTP POST with the secret header, retried until accepted."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram import Bot
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.simulator import BotApiSimulator


@dataclass
class Received:
    """What the receiver got, and the statuses it will answer with."""

    posts: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    url: str = ""


class _Receiver(RequestHandler):
    def initialize(self, received: Received) -> None:
        self.received = received

    async def post(self) -> None:
        secret = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.posts.append((secret, json.loads(self.request.body)))
        self.set_status(self.received.statuses.pop(0) if self.received.statuses else 200)
        self.finish()


@pytest.fixture
async def receiver() -> AsyncIterator[Received]:
    received = Received()
    app = Application([(r"/hook", _Receiver, {"received": received})], log_function=lambda h: None)
    sockets = bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
    server = HTTPServer(app)
    server.add_sockets(sockets)
    received.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook"
    yield received
    server.stop()
    await server.close_all_connections()


async def test_updates_are_pushed_with_the_secret_header(
    sim: BotApiSimulator, bot: Bot, receiver: Received
) -> None:
    user = sim.user()
    assert await bot.set_webhook(receiver.url, secret_token="s3cret-Token_1")
    await user.send("halo")
    await user.send("lagi")
    assert [secret for secret, _ in receiver.posts] == ["s3cret-Token_1"] * 2
    texts = [body["message"]["text"] for _, body in receiver.posts]
    assert texts == ["halo", "lagi"]
    ids = [body["update_id"] for _, body in receiver.posts]
    assert ids[0] < ids[1]
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0


async def test_failed_delivery_is_retried_until_accepted(
    sim: BotApiSimulator, bot: Bot, receiver: Received
) -> None:
    receiver.statuses = [500, 502]
    user = sim.user()
    await bot.set_webhook(receiver.url)
    await user.send("halo")
    assert len(receiver.posts) == 3
    assert {body["update_id"] for _, body in receiver.posts} == {receiver.posts[0][1]["update_id"]}
    assert receiver.posts[0][0] is None, "no secret header without a secret_token"
    info = await bot.get_webhook_info()
    assert info.last_error_message is not None and "502" in info.last_error_message


async def test_deleting_the_webhook_returns_to_polling(
    sim: BotApiSimulator, bot: Bot, receiver: Received
) -> None:
    await bot.set_webhook(receiver.url)
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates(timeout=0) == ()
