"""Webhook delivery: pushes each update to the bot's URL, in order, until it answers 2xx."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bot.simulator.updates import PendingUpdate, UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_FIRST = 0.1
RETRY_MAX = 2.0
POST_TIMEOUT = 30.0


@dataclass(frozen=True)
class WebhookConfig:
    """What setWebhook asked for."""

    url: str
    secret_token: str | None
    max_connections: int
    ip_address: str | None


class WebhookDelivery:
    """Delivers pending updates to the webhook, one at a time, retrying failures."""

    def __init__(self, queue: UpdateQueue, now: Callable[[], int]) -> None:
        self._queue = queue
        self._now = now
        self._task: asyncio.Task[None] | None = None
        self.config: WebhookConfig | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None

    async def set(self, config: WebhookConfig) -> None:
        """Starts delivering to a new webhook, replacing any previous one."""
        await self.delete()
        self.config = config
        self.last_error_date = self.last_error_message = None
        self._task = asyncio.create_task(self._run(config), name="sim-webhook")

    async def delete(self) -> None:
        """Stops delivering and forgets the webhook."""
        self.config = None
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, config: WebhookConfig) -> None:
        delay = RETRY_FIRST
        async with httpx.AsyncClient(timeout=POST_TIMEOUT, trust_env=False) as client:
            while True:
                await self._queue.arrived.wait()
                updates = self._queue.deliverable()
                if not updates:
                    continue
                if await self._post(client, config, updates[0]):
                    self._queue.drop(updates[:1], delivered=True)
                    delay = RETRY_FIRST
                else:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, RETRY_MAX)

    async def _post(
        self, client: httpx.AsyncClient, config: WebhookConfig, update: PendingUpdate
    ) -> bool:
        headers = {"Content-Type": "application/json"}
        if config.secret_token:
            headers[SECRET_HEADER] = config.secret_token
        try:
            response = await client.post(
                config.url, content=json.dumps(update.json()).encode(), headers=headers
            )
        except httpx.HTTPError as exc:
            self._failed(f"Connection failed: {type(exc).__name__}")
            return False
        if 200 <= response.status_code <= 299:
            return True
        self._failed(
            f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
        )
        return False

    def _failed(self, message: str) -> None:
        self.last_error_date = self._now()
        self.last_error_message = message
