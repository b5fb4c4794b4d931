"""The handler of every private update: load, run the flow, commit, then reply."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.adapter import to_input
from bot.desk import INVITE_PREFIX, Desk
from bot.effects import ChatEffects
from bot.group import answer_group, is_private
from bot.i18n import Translator
from bot.persist import commit
from bot.services import Services
from flows import engine
from flows.types import CancelReferral, CommandIn, CreateReferral, RelayIn, Session, t
from storage.referrals import DuplicateCode

log = logging.getLogger(__name__)

CODE_ATTEMPTS = 5
SOMETHING_WENT_WRONG = t("Sorry, Kak, something went wrong on our side. Please try again.")


class Conversation:
    """Connects Telegram updates to the pure flows and their stored sessions."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.desk = Desk(services)

    def translator(self, session: Session) -> Translator:
        """The translator for a session: its locale and its region's time zone."""
        regions = self.services.regions
        region = regions.region(session.region_code) if session.region_code else None
        return self.services.catalogs.translator(
            session.locale, region.timezone if region else None
        )

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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
        user = await services.users.get_or_create(person.id)
        session = Session.from_dict(await services.sessions.load(user.id))
        ctx = services.flow_context(await services.referrals.for_user(user.id))
        for _ in range(CODE_ATTEMPTS):
            outcome = engine.handle(session, inp, ctx)
            try:
                await commit(services, user.id, outcome)
                break
            except DuplicateCode:
                ctx = services.with_fresh_code(ctx)
        else:
            raise RuntimeError("no free reference code after several attempts")
        tr = self.translator(outcome.session)
        await ChatEffects(context.bot, chat.id, tr, update.callback_query).run(outcome.effects)
        for effect in outcome.effects:
            if isinstance(effect, CreateReferral):
                await self.desk.announce(context.bot, effect.code)
            elif isinstance(effect, RelayIn):
                await self.desk.forward_from_her(context.bot, effect.code, effect.text)
            elif isinstance(effect, CancelReferral):
                await self.desk.cancelled_by_her(context.bot, effect.code)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
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
        text = self.services.catalogs.translator("id").render(SOMETHING_WENT_WRONG)
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        try:
            await context.bot.send_message(chat.id, text)
        except TelegramError as exc:
            log.warning("could not send the error reply: %s", type(exc).__name__)
