"""Receiving updates durably: long polling or a webhook, both through the inbox.

Polling: a batch from getUpdates is stored before the next getUpdates call, which is what moves
Telegram's offset on; that call is sent before the stored batch is handed to its handlers.
Webhook: an update is stored before the 200 answer. Either way an update is queued for handling
only once (its update_id is the inbox key); updates stored but not handled when the process
stopped are queued again at the next start.

What arrives is checked before anything else: an update whose update_id is not a positive
64-bit integer, or whose JSON nests deeper than any Telegram update, is refused (400 from the
webhook; skipped from a polled batch). One that python-telegram-bot cannot parse is quarantined
in the inbox (kept encrypted, audited, counted in /health) and never handed to the bot; the same
happens at replay to an unreadable row stored by an older version. Nothing of its content is
logged: only its update_id and the type of the error. The webhook server: bot/telegram/webhook.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import Application

from storage.inbox import InboxRepo

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10
POLL_BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)
READ_MARGIN = 5.0  # seconds beyond the long-poll timeout before a getUpdates read gives up
MAX_UPDATE_ID = 2**63 - 2  # stored as SQLite INTEGER; the next offset (id + 1) must fit too
MAX_DEPTH = 64  # levels of objects and arrays; a real update has well under 20
POLL_AHEAD = True  # the next getUpdates leaves before a stored batch is handed over

App = Application[Any, Any, Any, Any, Any, Any]


def nested_too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """Whether objects and arrays nest deeper than the limit (checked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = list(item)
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def update_id_of(payload: object) -> int | None:
    """The update's id when it is a JSON object with a valid update_id, not nested too deep."""
    if not isinstance(payload, dict):
        return None
    update_id = payload.get("update_id")
    if type(update_id) is not int or not 0 < update_id <= MAX_UPDATE_ID:  # bool is not an id
        return None
    return None if nested_too_deep(payload) else update_id


def parsed(payload: dict[str, Any], app: App) -> Update | str:
    """The update as python-telegram-bot reads it, or the type name of why it cannot."""
    try:
        update = Update.de_json(payload, app.bot)
    except Exception as exc:  # any parse failure: the update is quarantined, not fatal
        return type(exc).__name__
    return update if isinstance(update, Update) else "NotAnUpdate"


class Receiver:
    """Stores updates in the inbox and hands each new one to the Application once."""

    def __init__(self, app: App, inbox: InboxRepo) -> None:
        self.app = app
        self.inbox = inbox

    async def take(self, payloads: list[Any]) -> int:
        """Stores a batch, then queues the updates not seen before; returns how many.

        Items without a valid update_id (or nested too deep) are skipped; unreadable ones are
        stored quarantined and not queued.
        """
        fresh = await self.store(payloads)
        await self.hand_over(fresh)
        return len(fresh)

    async def store(self, payloads: list[Any]) -> list[Update]:
        """Stores a batch and returns the updates not seen before, to hand over (take())."""
        readable: dict[int, Update] = {}
        batch: list[tuple[int, dict[str, Any]]] = []
        unreadable: list[tuple[int, Any, str]] = []
        for payload in payloads:
            update_id = update_id_of(payload)
            if update_id is None:
                log.warning("an update without a valid update_id (or nested too deep) skipped")
                continue
            update = parsed(payload, self.app)
            if isinstance(update, str):
                log.warning("update %d cannot be read (%s); quarantined", update_id, update)
                unreadable.append((update_id, payload, update))
                continue
            readable[update_id] = update
            batch.append((update_id, payload))
        fresh = await self.inbox.accept(batch, unreadable)
        return [readable[update_id] for update_id in fresh]

    async def hand_over(self, updates: list[Update]) -> None:
        """Queues stored updates for their handlers."""
        for update in updates:
            await self.app.update_queue.put(update)

    async def replay(self) -> int:
        """Queues what was stored but not handled before the last stop (oldest first).

        A stored update that cannot be read is quarantined instead.
        """
        await self.inbox.forget_old()
        pending = await self.inbox.pending()
        queued = 0
        for update_id in pending:
            payload = await self.inbox.payload(update_id)
            if payload is None:
                continue
            update = parsed(payload, self.app)
            if isinstance(update, str):
                log.warning("stored update %d cannot be read (%s); quarantined", update_id, update)
                await self.inbox.quarantine(update_id, update)
                continue
            await self.app.update_queue.put(update)
            queued += 1
        if queued:
            log.warning("%d update(s) stored before the last stop are handled now", queued)
        return queued


class Poller:
    """Long polling that acknowledges a batch only after it is stored."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        """Drops any webhook and starts polling (a refused deleteWebhook is tried again later)."""
        await self._drop_webhook()
        self._task = asyncio.create_task(self._run(), name="poller")

    async def _drop_webhook(self) -> None:
        """Removes a webhook left from webhook mode; a failure only warns.

        Polling goes on either way: while a webhook is still set, getUpdates answers 409
        Conflict, and the poller tries this again before it polls once more.
        """
        try:
            await self.receiver.app.bot.delete_webhook()
        except TelegramError as exc:
            log.warning("webhook not removed (%s); polling all the same", type(exc).__name__)

    async def stop(self) -> None:
        """Stops polling; a batch being stored is stored first."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        offset: int | None = None
        failures = 0
        ahead: asyncio.Task[list[Any]] | None = None  # the next getUpdates, already sent
        try:
            while not self._stopping.is_set():
                try:
                    if ahead is not None:
                        fetching, ahead = ahead, None
                        payloads = await fetching
                    else:
                        payloads = await self._fetch(offset)
                except InvalidToken:
                    log.error("Telegram refused the bot token; polling stops")
                    return
                except Conflict as exc:
                    failures = await self._back_off(failures)
                    if "webhook" in exc.message.lower():  # a webhook is still set: remove it
                        log.warning("getUpdates refused while a webhook is set; removing it")
                        await self._drop_webhook()
                    else:  # another process polls with the same token; not our webhook
                        log.error("another getUpdates is running with this bot token; retrying")
                    continue
                except (TelegramError, RecursionError) as exc:  # RecursionError: nested too deep
                    failures = await self._back_off(failures)
                    log.warning("getUpdates failed (%s); retrying", type(exc).__name__)
                    continue
                failures = 0
                if not payloads:
                    continue
                ids = [i for i in map(update_id_of, payloads) if i is not None]
                # Once fetched, a batch is stored and handed over even if polling is stopped
                # meanwhile: the stop waits for it, so it is handled before the bot stops.
                taking = asyncio.ensure_future(self._take(payloads, max(ids) + 1 if ids else None))
                try:
                    ahead = await asyncio.shield(taking)
                except asyncio.CancelledError:
                    with contextlib.suppress(Exception):  # not stored: fetched again at start
                        ahead = await taking
                    raise
                except Exception as exc:  # not stored: not acknowledged, fetched again
                    log.error("updates not stored (%s); fetching them again", type(exc).__name__)
                    failures = await self._back_off(failures)
                    continue
                if ids:
                    offset = max(ids) + 1
                else:  # nothing in the batch can move the offset on: do not ask again at once
                    failures = await self._back_off(failures)
        finally:
            if ahead is not None:
                ahead.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await ahead

    async def _take(
        self, payloads: list[Any], offset: int | None
    ) -> asyncio.Task[list[Any]] | None:
        """Stores a batch, sends the next getUpdates (acknowledging it), then hands it over.

        The next poll leaves before the batch's handlers start, so the gap between two polls
        is the storing only; returns that poll, or None when the offset did not move.
        """
        fresh = await self.receiver.store(payloads)
        ahead = None
        if POLL_AHEAD and offset is not None and not self._stopping.is_set():
            ahead = asyncio.ensure_future(self._fetch(offset))
            await asyncio.sleep(0)  # its request starts before the handlers do
        await self.receiver.hand_over(fresh)
        return ahead

    async def _fetch(self, offset: int | None) -> list[Any]:
        """One getUpdates call, its result as raw JSON (each update is checked by take()).

        Not `bot.get_updates`: that parses the whole batch at once, so one unreadable update
        fails all of them, and it logs the whole batch (her messages) when it does. `_post` is
        the request it makes itself, through the same rate limiter and connection pool.
        """
        data: dict[str, Any] = {
            "timeout": POLL_TIMEOUT,
            "offset": offset,
            "allowed_updates": Update.ALL_TYPES,
        }
        result = await self.receiver.app.bot._post(
            "getUpdates", data, read_timeout=POLL_TIMEOUT + READ_MARGIN
        )
        return result if isinstance(result, list) else []

    async def _back_off(self, failures: int) -> int:
        """Waits the next back-off delay (or until stopped); returns the new failure count."""
        delay = POLL_BACKOFF[min(failures, len(POLL_BACKOFF) - 1)]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), delay)
        return failures + 1
