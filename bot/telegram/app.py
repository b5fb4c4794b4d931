"""Wiring: builds the python-telegram-bot Application around the Conversation; start and stop."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, BotCommand, Update
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest

from bot.core.followups import SWEEP_JOB, Sweeper
from bot.core.i18n import SUPPORTED_LOCALES, Catalogs
from bot.core.services import Services
from bot.telegram.conversation import Conversation
from bot.telegram.outbox import OutboxWorker
from bot.telegram.processor import PerUserUpdateProcessor, UpdateDone
from bot.telegram.ratelimit import MessageRateLimiter
from bot.telegram.receiving import Poller, Receiver, WebhookServer
from flows.types import Text, t

MAX_CONCURRENT_UPDATES = 512
OUTBOX_CONNECTIONS = 64
FIRST_SWEEP = 0.5  # seconds after start: what fell due while the bot was down goes out now
OUTBOX = "jembatan.outbox"
SWEEPER = "jembatan.sweeper"
SWEEP_SECONDS = "jembatan.sweep_seconds"
RECEIVER = "jembatan.receiver"
SOURCE = "jembatan.source"

COMMANDS: tuple[tuple[str, Text], ...] = (
    ("start", t("Start again")),
    ("menu", t("Main menu")),
    ("darurat", t("Emergency numbers")),
    ("privasi", t("About privacy")),
    ("bahasa", t("Change language")),
)


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
) -> Application:  # type: ignore[type-arg]
    """Builds the Application: rate limiter, per-person ordering, one handler for everything.

    It also holds the outbox worker and the follow-up sweeper (started by start()).
    """
    conversation = Conversation(services)
    app = (
        Application.builder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_file_url)
        .rate_limiter(MessageRateLimiter(overall_max_rate=overall_rate, max_retries=3))
        .concurrent_updates(
            PerUserUpdateProcessor(MAX_CONCURRENT_UPDATES, on_update_done, services.inbox.done)
        )
        .updater(None)
        .connection_pool_size(128)
        .build()
    )
    app.add_handler(TypeHandler(Update, conversation.on_update))
    app.add_error_handler(conversation.on_error)
    sender = Bot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=HTTPXRequest(connection_pool_size=OUTBOX_CONNECTIONS),
    )
    outbox = OutboxWorker(services, sender, overall_rate)
    conversation.use_outbox(outbox)
    app.bot_data[OUTBOX] = outbox
    app.bot_data[SWEEPER] = Sweeper(services, outbox.wake)
    app.bot_data[SWEEP_SECONDS] = sweep_seconds
    app.bot_data[RECEIVER] = Receiver(app, services.inbox)
    return app


async def _sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The job queue's only task for follow-ups: wake the sweeper, which reads due rows."""
    sweeper: Sweeper = context.bot_data[SWEEPER]
    await sweeper.sweep()


async def publish_commands(app: Application, catalogs: Catalogs) -> None:  # type: ignore[type-arg]
    """Sets the command menu, in Indonesian by default and in English for English apps."""
    for locale in SUPPORTED_LOCALES:
        tr = catalogs.translator(locale)
        commands = [BotCommand(name, tr.render(text)) for name, text in COMMANDS]
        await app.bot.set_my_commands(commands, language_code=None if locale == "id" else locale)


async def start(app: Application, catalogs: Catalogs, webhook: Webhook | None = None) -> None:  # type: ignore[type-arg]
    """Initialises the bot, publishes its commands and starts receiving updates.

    Updates stored but not handled before the last stop are handled first.
    """
    await app.initialize()
    await publish_commands(app, catalogs)
    await app.start()
    await app.bot_data[OUTBOX].start()
    assert app.job_queue is not None
    app.job_queue.run_repeating(
        _sweep, interval=app.bot_data[SWEEP_SECONDS], first=FIRST_SWEEP, name=SWEEP_JOB
    )
    receiver: Receiver = app.bot_data[RECEIVER]
    await receiver.replay()
    source: Poller | WebhookServer
    if webhook is None:
        source = Poller(receiver)
    else:
        source = WebhookServer(receiver, webhook.url, webhook.secret, webhook.listen, webhook.port)
    app.bot_data[SOURCE] = source
    await source.start()


async def stop(app: Application) -> None:  # type: ignore[type-arg]
    """Stops receiving, lets every received update finish (and its messages go), shuts down."""
    source: Poller | WebhookServer | None = app.bot_data.pop(SOURCE, None)
    if source is not None:
        await source.stop()
    if app.running:
        await app.stop()  # handles what is queued, waits for running handlers and jobs
    outbox: OutboxWorker | None = app.bot_data.get(OUTBOX)
    if outbox is not None:
        await outbox.stop()
    await app.shutdown()
