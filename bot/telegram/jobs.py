"""The daily retention purge as a job of python-telegram-bot's job queue (the purge: bot/core)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.core.retention import RetentionPolicy, purge
from bot.core.services import Services

log = logging.getLogger(__name__)
AnyContext = CallbackContext[Any, Any, Any, Any]  # whatever bot_data the Application has

JOB_NAME = "retention-purge"
PURGE_EVERY = timedelta(hours=24)
FIRST_PURGE_AFTER = timedelta(minutes=1)


def schedule_purge(
    app: Application[Any, Any, Any, Any, Any, Any],
    services: Services,
    policy: RetentionPolicy | None = None,
) -> None:
    """Registers the daily purge job ("retention-purge"), first run a minute from now."""
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job queue.")
    for job in queue.get_jobs_by_name(JOB_NAME):
        job.schedule_removal()

    async def run(context: AnyContext) -> None:
        """Runs one purge; a failure is logged and retried at the next run."""
        try:
            report = await purge(services, services.clock(), policy)
        except Exception:
            log.exception("Retention purge failed; it runs again in %s", PURGE_EVERY)
            return
        log.info("Retention purge done: %s", report.detail())

    queue.run_repeating(run, interval=PURGE_EVERY, first=FIRST_PURGE_AFTER, name=JOB_NAME)
