"""The handler of every private update: Update -> input -> the core's turn -> her chat."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.core.mydata import MyData
from bot.core.services import Services
from bot.core.turn import HerSide
from bot.telegram.adapter import to_input
from bot.telegram.channel import TelegramChannel
from bot.telegram.desk import INVITE_PREFIX, Desk
from bot.telegram.effects import ChatEffects
from bot.telegram.group import answer_group, is_private
from bot.telegram.outbox import OutboxWorker
from flows.core.types import (
    CommandIn,
    t,
)
from storage.chat_log import ChatLog

log = logging.getLogger(__name__)
AnyContext = CallbackContext[Any, Any, Any, Any]  # whatever bot_data the Application has

SOMETHING_WENT_WRONG = t("Sorry, Kak, something went wrong on my side. Please try again.")


class Conversation:
    """Connects Telegram updates to the core: her turns, and the desk for caseworkers."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.her = HerSide(services)
        self.desk = Desk(services)
        self.outbox: OutboxWorker | None = None

    def use_outbox(self, outbox: OutboxWorker) -> None:
        """Sends what each update queued through this worker, right after the commit."""
        self.outbox = outbox
        self.desk.outbox = outbox

    async def on_update(self, update: Update, context: AnyContext) -> None:
        """Handles one update from start to finish."""
        if not is_private(update):
            await answer_group(update, context, self.services.catalogs)
            return
        inp = to_input(update)
        chat, person = update.effective_chat, update.effective_user
        if inp is None or chat is None or person is None:
            return
        services = self.services
        me = await services.caseworkers.by_telegram(person.id)
        if me is not None:
            await self.desk.on_update(update, context.bot, me)
            return
        payload = inp.args if isinstance(inp, CommandIn) and inp.name == "start" else ""
        if payload.startswith(INVITE_PREFIX):
            if await self.desk.redeem(context.bot, chat.id, person.id, payload):
                return
            inp = CommandIn("start")
        turn = await self.her.take(person.id, inp, update.update_id)
        if turn.erased and self.outbox is not None:
            # A message on its way to her settles first (and is taken back): none comes later.
            await self.outbox.quiet(chat.id)
        await ChatEffects(
            context.bot,
            chat.id,
            turn.translator,
            update.callback_query,
            protect=turn.protect,
            history=None if turn.erased else ChatLog(services.db),  # erased: keep no trace
            incoming=update.message.message_id if update.message else None,
            mydata=MyData(services, turn.user_id),
        ).run(turn.effects)
        await self.her.delivered(turn)
        await TelegramChannel(services, context.bot, self.outbox).after_commit(turn.after)

    async def on_error(self, update: object, context: AnyContext) -> None:
        """Logs the failure without personal data and gives the person a calm reply."""
        log.error(
            "update %s failed: %s",
            update.update_id if isinstance(update, Update) else "-",
            type(context.error).__name__,
        )
        if not isinstance(update, Update) or not is_private(update):
            return
        chat = update.effective_chat
        if chat is None:
            return
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        incoming = update.message.message_id if update.message else None
        await self.apologise(context, chat.id, incoming)

    async def apologise(self, context: AnyContext, chat_id: int, incoming: int | None) -> None:
        """Says sorry in her language, protected on a shared phone, and keeps the ids to wipe.

        Her message and the apology go into her chat's log, like any reply, so that a wipe
        deletes them. The database may be what failed: then the apology is in Indonesian and
        its id is not kept.
        """
        services = self.services
        try:
            her = await services.users.get(chat_id)
        except Exception as exc:  # the failure itself may be storage: still answer her
            log.warning("her language not read for the error reply: %s", type(exc).__name__)
            her = None
        locale = her.locale if her is not None else "id"
        text = services.catalogs.translator(locale).render(SOMETHING_WENT_WRONG)
        ids = [incoming] if incoming is not None else []
        try:
            sent = await context.bot.send_message(
                chat_id, text, protect_content=True if her and her.shared_phone else None
            )
            ids.append(sent.message_id)
        except TelegramError as exc:
            log.warning("could not send the error reply: %s", type(exc).__name__)
        if her is None or not ids:
            return
        try:
            await ChatLog(services.db).record(chat_id, ids)
        except Exception as exc:  # losing the ids must not fail the error handler
            log.warning("error reply not recorded: %s", type(exc).__name__)
