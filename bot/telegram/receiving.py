"""Receiving updates durably: long polling or a webhook, both through the inbox.

Polling: a batch from getUpdates is stored before the next getUpdates call, which is what moves
Telegram's offset on. Webhook: an update is stored before the 200 answer. Either way an update
is queued for handling only once (its update_id is the inbox key); updates stored but not handled
when the process stopped are queued again at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler

from storage.inbox import InboxRepo

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10
POLL_BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)
MAX_BODY = 1_000_000  # bytes; a Telegram update is far smaller (larger bodies get 413)
HARD_LIMIT = 4 * MAX_BODY  # beyond this the connection is closed without reading on
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

App = Application[Any, Any, Any, Any, Any, Any]


class Receiver:
    """Stores updates in the inbox and hands each new one to the Application once."""

    def __init__(self, app: App, inbox: InboxRepo) -> None:
        self.app = app
        self.inbox = inbox

    async def take(self, payloads: list[dict[str, Any]]) -> int:
        """Stores a batch, then queues the updates not seen before; returns how many."""
        batch = [(int(p["update_id"]), p) for p in payloads if isinstance(p.get("update_id"), int)]
        fresh = set(await self.inbox.accept(batch))
        for update_id, payload in batch:
            if update_id in fresh:
                await self.app.update_queue.put(Update.de_json(payload, self.app.bot))
        return len(fresh)

    async def replay(self) -> int:
        """Queues what was stored but not handled before the last stop (oldest first)."""
        await self.inbox.forget_old()
        pending = await self.inbox.pending()
        for update_id in pending:
            payload = await self.inbox.payload(update_id)
            if payload is not None:
                await self.app.update_queue.put(Update.de_json(payload, self.app.bot))
        if pending:
            log.warning("%d update(s) stored before the last stop are handled now", len(pending))
        return len(pending)


class Poller:
    """Long polling that acknowledges a batch only after it is stored."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        """Drops any webhook and starts polling."""
        await self.receiver.app.bot.delete_webhook()
        self._task = asyncio.create_task(self._run(), name="poller")

    async def stop(self) -> None:
        """Stops polling; a batch being stored is stored first."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        bot = self.receiver.app.bot
        offset: int | None = None
        failures = 0
        while not self._stopping.is_set():
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
                )
            except InvalidToken:
                log.error("Telegram refused the bot token; polling stops")
                return
            except TelegramError as exc:
                delay = POLL_BACKOFF[min(failures, len(POLL_BACKOFF) - 1)]
                failures += 1
                log.warning("getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                continue
            failures = 0
            if not updates:
                continue
            payloads = [u.to_dict() for u in updates]
            try:
                # Shielded: once fetched, a batch is stored even if polling is being stopped.
                await asyncio.shield(self.receiver.take(payloads))
            except Exception as exc:  # not stored: not acknowledged, fetched again
                delay = POLL_BACKOFF[min(failures, len(POLL_BACKOFF) - 1)]
                failures += 1
                log.error("updates not stored (%s); fetching them again", type(exc).__name__)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                continue
            offset = updates[-1].update_id + 1


class _Hook(RequestHandler):
    """POST /telegram: check the secret, store, then answer 200."""

    def initialize(self, receiver: Receiver, secret: str) -> None:
        self.receiver = receiver
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            return
        if len(self.request.body) > MAX_BODY:
            self.set_status(413)
            return
        try:
            payload = json.loads(self.request.body)
        except ValueError:
            self.set_status(400)
            return
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            self.set_status(400)
            return
        await self.receiver.take([payload])
        self.set_status(200)


class _Health(RequestHandler):
    """GET /health: is the bot up, and how many updates wait."""

    def initialize(self, receiver: Receiver) -> None:
        self.receiver = receiver

    async def get(self) -> None:
        counts = await self.receiver.inbox.counts()
        self.write({"ok": True, "pending_updates": counts.get("pending", 0)})


class WebhookServer:
    """The webhook endpoint (path /telegram) and a health check (path /health)."""

    def __init__(self, receiver: Receiver, url: str, secret: str, listen: str, port: int) -> None:
        self.receiver = receiver
        self.url = url
        self.secret = secret
        self.listen = listen
        self.port = port
        routes: list[tuple[str, type[RequestHandler], dict[str, Any]]] = [
            (r"/telegram", _Hook, {"receiver": receiver, "secret": secret}),
            (r"/health", _Health, {"receiver": receiver}),
        ]
        self._server = HTTPServer(WebApplication(routes), max_body_size=HARD_LIMIT)

    async def start(self) -> None:
        """Listens, then tells Telegram where to push."""
        self._server.listen(self.port, self.listen)
        await self.receiver.app.bot.set_webhook(
            self.url, secret_token=self.secret, allowed_updates=Update.ALL_TYPES
        )

    async def stop(self) -> None:
        """Stops accepting pushes; requests being stored are finished first."""
        self._server.stop()
        await self._server.close_all_connections()
