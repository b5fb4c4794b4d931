"""Bot methods for receiving updates: long polling and webhooks."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.simulator import errors
from bot.simulator.aio import first_of
from bot.simulator.core import Call, SimCore
from bot.simulator.errors import ApiError, bad_request
from bot.simulator.webhook import WebhookConfig

MAX_LIMIT = 100
MAX_POLL_TIMEOUT = 50
SECRET_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,256}")
DEFAULT_MAX_CONNECTIONS = 40


def _confirm(core: SimCore, offset: int | None) -> None:
    if offset is None or offset == 0:
        return
    if offset < 0:
        core.queue.keep_last(-offset)
    else:
        core.queue.confirm_below(offset)


async def get_updates(core: SimCore, call: Call) -> Any:
    """Long polling: confirms updates below offset, then waits for new ones up to timeout."""
    params = call.params
    if core.webhook.config is not None:
        raise ApiError(409, errors.WEBHOOK_ACTIVE)
    limit = params.opt_int("limit") or MAX_LIMIT
    limit = min(max(limit, 1), MAX_LIMIT)
    timeout = min(max(params.opt_int("timeout") or 0, 0), MAX_POLL_TIMEOUT)
    _confirm(core, params.opt_int("offset"))
    core.queue.set_allowed(params.opt_list("allowed_updates"))
    if core.poll_terminator is not None:
        core.poll_terminator.set()
    terminated = core.poll_terminator = asyncio.Event()
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (updates := core.queue.deliverable()):
            left = deadline - loop.time()
            if left <= 0 or core.stopping.is_set() or call.closed.is_set():
                break
            await first_of(core.queue.arrived, terminated, call.closed, core.stopping, within=left)
            if terminated.is_set():
                raise ApiError(409, errors.POLL_TERMINATED)
    finally:
        if core.poll_terminator is terminated:
            core.poll_terminator = None
    return [u.json() for u in updates[:limit]]


async def set_webhook(core: SimCore, call: Call) -> Any:
    """Sets (or with an empty url removes) the webhook and starts pushing updates to it."""
    params = call.params
    url = params.opt_str("url") or ""
    if params.opt_bool("drop_pending_updates"):
        core.queue.drop_all()
    core.queue.set_allowed(params.opt_list("allowed_updates"))
    if not url:
        await core.webhook.delete()
        return True
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: HTTPS url must be provided for webhook")
    secret = params.opt_str("secret_token")
    if secret is not None and not SECRET_FORMAT.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.opt_int("max_connections") or DEFAULT_MAX_CONNECTIONS
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    config = WebhookConfig(url, secret, max_connections, params.opt_str("ip_address"))
    await core.webhook.set(config)
    return True


async def delete_webhook(core: SimCore, call: Call) -> Any:
    """Removes the webhook, optionally dropping pending updates."""
    if call.params.opt_bool("drop_pending_updates"):
        core.queue.drop_all()
    await core.webhook.delete()
    return True


async def get_webhook_info(core: SimCore, call: Call) -> Any:
    """Describes the current webhook and how many updates are pending."""
    config = core.webhook.config
    info: dict[str, Any] = {
        "url": config.url if config else "",
        "has_custom_certificate": False,
        "pending_update_count": len(core.queue.pending),
    }
    if config is not None:
        info["max_connections"] = config.max_connections
        if config.ip_address:
            info["ip_address"] = config.ip_address
        if core.webhook.last_error_date is not None:
            info["last_error_date"] = core.webhook.last_error_date
            info["last_error_message"] = core.webhook.last_error_message
    if core.queue.allowed_updates is not None:
        info["allowed_updates"] = sorted(core.queue.allowed_updates)
    return info
