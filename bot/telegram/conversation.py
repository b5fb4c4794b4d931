"""The handler of every private update: load, run the flow, commit, then reply."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core.commit import commit
from bot.core.i18n import Translator
from bot.core.mydata import MyData
from bot.core.services import Services
from bot.telegram.adapter import to_input
from bot.telegram.desk import INVITE_PREFIX, Desk
from bot.telegram.effects import ChatEffects
from bot.telegram.group import answer_group, is_private
from bot.telegram.outbox import OutboxWorker
from flows import engine
from flows.node import Context
from flows.services import OPEN_STATUSES
from flows.types import (
    CancelReferral,
    CommandIn,
    DeleteMyData,
    FollowUpView,
    Session,
    WithdrawConsent,
    t,
)
from storage.chat_log import ChatLog
from storage.referrals import DuplicateCode
from storage.users import User

log = logging.getLogger(__name__)

CODE_ATTEMPTS = 5
SOMETHING_WENT_WRONG = t("Sorry, Kak, something went wrong on our side. Please try again.")


class Conversation:
    """Connects Telegram updates to the pure flows and their stored sessions."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.desk = Desk(services)
        self.outbox: OutboxWorker | None = None

    def use_outbox(self, outbox: OutboxWorker) -> None:
        """Sends what each update queued through this worker, right after the commit."""
        self.outbox = outbox
        self.desk.outbox = outbox

    async def context_for(self, user: User) -> Context:
        """Her referrals, the follow-up questions she may answer and her follow-up choice."""
        services = self.services
        referrals = await services.referrals.for_user(user.id)
        codes = {r.id: r.code for r in referrals}
        views = [
            FollowUpView(f.id, f.kind, codes[f.referral_id], f.state)
            for f in await services.followups.for_user(user.id)
            if f.state == "sent" and f.referral_id in codes
        ]
        staff = await services.caseworkers.covers()
        return services.flow_context(referrals, views, user.followups, staff)

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
        ctx = await self.context_for(user)
        for _ in range(CODE_ATTEMPTS):
            outcome = engine.handle(session, inp, ctx)
            try:
                queued = await commit(services, user.id, outcome, update.update_id)
                break
            except DuplicateCode:
                ctx = services.with_fresh_code(ctx)
        else:
            raise RuntimeError("no free reference code after several attempts")
        tr = self.translator(outcome.session)
        erased = any(isinstance(e, DeleteMyData) for e in outcome.effects)
        await ChatEffects(
            context.bot,
            chat.id,
            tr,
            update.callback_query,
            protect=outcome.session.shared_phone,
            history=None if erased else ChatLog(services.db),  # erased: keep no trace of her
            incoming=update.message.message_id if update.message else None,
            mydata=MyData(services, user.id),
        ).run(outcome.effects)
        if self.outbox is not None:
            await self.outbox.deliver(queued)
        for effect in outcome.effects:
            if isinstance(effect, CancelReferral):
                await self.desk.cancelled_by_her(context.bot, effect.code)
            elif isinstance(effect, WithdrawConsent | DeleteMyData):
                for referral in ctx.referrals:
                    if referral.status in OPEN_STATUSES:
                        await self.desk.cancelled_by_her(context.bot, referral.code, withdrawn=True)

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
