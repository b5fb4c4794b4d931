"""Wiring: builds the python-telegram-bot Application around the Conversation; start and stop."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from telegram import Bot, BotCommand, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext, ContextTypes, TypeHandler

from bot.core.followups import SWEEP_JOB, Sweeper
from bot.core.i18n import SUPPORTED_LOCALES, Catalogs
from bot.core.services import Services
from bot.telegram.conversation import Conversation
from bot.telegram.outbox import OutboxWorker, retry_seconds
from bot.telegram.processor import PerUserUpdateProcessor, UpdateDone
from bot.telegram.ratelimit import MessageBudget, MessageRateLimiter
from bot.telegram.receiving import Poller, Receiver
from bot.telegram.request import AiohttpRequest
from bot.telegram.scrub import Scrubber
from bot.telegram.webhook import WebhookServer
from flows.core.types import Text, t

log = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 512
BOT_CONNECTIONS = 128
POLL_CONNECTIONS = 1  # getUpdates: one long poll at a time, as PTB's own default
OUTBOX_CONNECTIONS = 64
FIRST_SWEEP = 0.5  # seconds after start: what fell due while the bot was down goes out now
START_BACKOFF = (1.0, 2.0, 5.0, 10.0)  # seconds between tries to reach the Bot API at start
MAX_START_WAIT = 60.0  # the longest a 429's retry_after holds start-up between two tries

COMMANDS: tuple[tuple[str, Text], ...] = (
    ("start", t("Start again")),
    ("menu", t("Main menu")),
    ("darurat", t("Emergency numbers")),
    ("privasi", t("About privacy")),
    ("bahasa", t("Change language")),
)


class Runtime:
    """What a running bot holds beside python-telegram-bot's own parts (its typed bot_data)."""

    def __init__(self) -> None:
        self.outbox: OutboxWorker | None = None
        self.sweeper: Sweeper | None = None
        self.sweep_seconds = 60.0
        self.receiver: Receiver | None = None
        self.source: Poller | WebhookServer | None = None
        self.requests: list[AiohttpRequest] = []


class StartFailed(Exception):
    """The bot could not start; the message says why and what to check (no secrets in it)."""


Context = CallbackContext[Any, Any, Any, Runtime]
App = Application[Any, Context, Any, Any, Runtime, Any]


@dataclass(frozen=True)
class Webhook:
    """Where Telegram pushes updates in webhook mode."""

    url: str
    secret: str
    listen: str
    port: int


def build_application(
    services: Services,
    token: str,
    *,
    base_url: str,
    base_file_url: str,
    overall_rate: float = 30,
    on_update_done: UpdateDone | None = None,
    sweep_seconds: float = 60.0,
) -> App:
    """Builds the Application: aiohttp transport, rate limiter, per-person ordering, one handler.

    Its `bot_data` (a `Runtime`) holds the outbox worker and the follow-up sweeper, started by
    start().
    """
    conversation = Conversation(services)
    # One budget for every message: the replies of updates first, the outbox's with what is left.
    budget = MessageBudget(overall_rate) if overall_rate > 0 else None
    requests = [
        AiohttpRequest(connection_pool_size=size)
        for size in (BOT_CONNECTIONS, POLL_CONNECTIONS, OUTBOX_CONNECTIONS)
    ]
    app: App = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .context_types(ContextTypes(bot_data=Runtime))
        .rate_limiter(MessageRateLimiter(budget, max_retries=3))
        .concurrent_updates(
            PerUserUpdateProcessor(MAX_CONCURRENT_UPDATES, on_update_done, services.inbox.done)
        )
        .updater(None)
        .request(requests[0])
        .get_updates_request(requests[1])
        .build()
    )
    app.add_handler(TypeHandler(Update, conversation.on_update))
    app.add_error_handler(conversation.on_error)
    sender = Bot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=requests[2],
    )
    outbox = OutboxWorker(services, sender, overall_rate, budget)
    conversation.use_outbox(outbox)
    runtime = app.bot_data
    runtime.outbox = outbox
    runtime.sweeper = Sweeper(services, outbox.wake, Scrubber(services, sender, outbox.wake).run)
    runtime.sweep_seconds = sweep_seconds
    runtime.receiver = Receiver(app, services.inbox)
    runtime.requests = requests
    return app


async def _sweep(context: Context) -> None:
    """The job queue's only task for follow-ups: wake the sweeper, which reads due rows."""
    sweeper = context.bot_data.sweeper
    if sweeper is not None:
        await sweeper.sweep()


async def _initialize(app: App) -> None:
    """Initialises the bot (getMe), trying again while the Bot API server cannot be reached.

    A refused token or a 400 stops at once; an unreachable server, a 5xx or a 429 is tried
    again after each of START_BACKOFF's delays. Either way what is raised is a StartFailed.
    """
    outbox = app.bot_data.outbox
    for attempt, delay in enumerate((*START_BACKOFF, None), start=1):
        try:
            await app.initialize()
            if outbox is not None:
                await outbox.bot.initialize()  # the outbox's own bot asks getMe too
            return
        except InvalidToken as exc:
            raise StartFailed(
                "the Bot API server refused the bot token; check TELEGRAM_BOT_TOKEN."
            ) from exc
        except BadRequest as exc:  # a NetworkError subclass, but no network fault
            raise StartFailed(
                f"the Bot API server refused getMe (BadRequest: {exc.message})."
            ) from exc
        except (NetworkError, RetryAfter) as exc:  # TimedOut and 5xx answers are NetworkErrors
            if delay is None:
                raise StartFailed(
                    f"the Bot API server could not be reached in {attempt} tries "
                    f"({type(exc).__name__}); check the network and JEMBATAN_API_BASE_URL."
                ) from exc
            wait = delay
            if isinstance(exc, RetryAfter):  # already waited out 3 times by the rate limiter
                wait = min(max(delay, retry_seconds(exc)), MAX_START_WAIT)
            log.warning(
                "Bot API server not reached at start (%s); trying again in %g s",
                type(exc).__name__,
                wait,
            )
            await asyncio.sleep(wait)
        except TelegramError as exc:  # any other refusal of getMe
            raise StartFailed(f"the Bot API server refused getMe ({type(exc).__name__}).") from exc


async def publish_commands(app: App, catalogs: Catalogs) -> None:
    """Sets the command menu, in Indonesian by default and in English for English apps.

    The menu is a convenience: a server that refuses or lacks the call only gets a warning.
    """
    for locale in SUPPORTED_LOCALES:
        tr = catalogs.translator(locale)
        commands = [BotCommand(name, tr.render(text)) for name, text in COMMANDS]
        try:
            await app.bot.set_my_commands(
                commands, language_code=None if locale == "id" else locale
            )
        except TelegramError as exc:
            log.warning("command menu not published (%s); going on", type(exc).__name__)
            return


async def start(app: App, catalogs: Catalogs, webhook: Webhook | None = None) -> None:
    """Initialises the bot, publishes its commands and starts receiving updates.

    Updates stored but not handled before the last stop are handled first.
    """
    runtime = app.bot_data
    assert runtime.outbox is not None and runtime.receiver is not None
    try:
        await _initialize(app)
    except Exception:
        await _close_sessions(app)  # opened by the tries; nothing else to stop yet
        raise
    await publish_commands(app, catalogs)
    await app.start()
    await runtime.outbox.start()
    assert app.job_queue is not None
    app.job_queue.run_repeating(
        _sweep, interval=runtime.sweep_seconds, first=FIRST_SWEEP, name=SWEEP_JOB
    )
    await runtime.receiver.replay()
    source: Poller | WebhookServer
    if webhook is None:
        source = Poller(runtime.receiver)
    else:
        source = WebhookServer(
            runtime.receiver, webhook.url, webhook.secret, webhook.listen, webhook.port
        )
    runtime.source = source
    try:
        await source.start()
    except TelegramError as exc:  # polling's own calls warn; only setWebhook raises here
        raise StartFailed(
            f"the Bot API server refused the webhook ({type(exc).__name__}: {exc.message}); "
            "check JEMBATAN_WEBHOOK_URL."
        ) from exc
    except OSError as exc:  # the webhook server's listen: port taken, address not here
        raise StartFailed(
            f"the webhook server cannot listen there ({exc.strerror or type(exc).__name__}); "
            "check JEMBATAN_WEBHOOK_LISTEN and JEMBATAN_WEBHOOK_PORT."
        ) from exc


async def stop(app: App) -> None:
    """Stops receiving, lets every received update finish (and its messages go), shuts down."""
    runtime = app.bot_data
    source, runtime.source = runtime.source, None
    if source is not None:
        await source.stop()
    if app.running:
        await app.stop()  # handles what is queued, waits for running handlers and jobs
    if runtime.outbox is not None:
        await runtime.outbox.stop()
    await app.shutdown()
    await _close_sessions(app)  # app.shutdown() skips them when start-up failed half-way


async def _close_sessions(app: App) -> None:
    """Closes the HTTP sessions of the bot, its polling and the outbox (again is harmless)."""
    for request in app.bot_data.requests:
        await request.shutdown()
