"""The caseworker side in Telegram: Update -> input -> the core desk turn -> replies -> delivery.

Who may do what is decided in flows/desk/access.py and loaded and committed in bot/core/desk.py;
this module only carries the turn's replies out and hands its after-commit work to the channel.
"""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, Update

from bot.core.desk import DeskTurn, desk_turn
from bot.core.notices import staff_translator
from bot.core.services import Services
from bot.telegram.adapter import to_input
from bot.telegram.channel import TelegramChannel
from bot.telegram.effects import ChatEffects
from bot.telegram.outbox import OutboxWorker
from flows.core.types import CommandIn, Input
from flows.desk.engine import INVITE_PREFIX
from storage.caseworkers import Caseworker
from storage.staff_messages import CLOSED, StaffMessages, mark_for_cleaning

__all__ = ["INVITE_PREFIX", "Desk"]

log = logging.getLogger(__name__)


class Desk:
    """Runs the desk turns of staff accounts in Telegram."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.outbox: OutboxWorker | None = None

    def channel(self, bot: Bot) -> TelegramChannel:
        """Telegram as the core's channel, for the work after a commit."""
        return TelegramChannel(self.services, bot, self.outbox)

    async def turn(
        self,
        bot: Bot,
        chat_id: int,
        telegram_id: int,
        inp: Input,
        query: CallbackQuery | None = None,
        typed: int | None = None,
    ) -> bool:
        """Runs one desk turn and its replies; False when the input was not the desk's."""
        turn = await desk_turn(self.services, telegram_id, inp)
        if turn is None:
            return False
        tr = staff_translator(self.services, turn.region_code)
        effects = ChatEffects(bot, chat_id, tr, query)
        try:
            await effects.run(turn.replies)
        finally:
            await self.remember(chat_id, turn, effects.shown, typed)
        await self.channel(bot).after_commit(turn.work)
        return True

    async def remember(
        self, chat_id: int, turn: DeskTurn, shown: list[int], typed: int | None
    ) -> None:
        """Records what this chat now shows of a referral, so her erasure can clean it.

        What she typed to the caseworker is the bot's; a note or message the caseworker typed
        about the case is recorded too (the bot may delete it within 48 hours).
        """
        store = StaffMessages(self.services.db)
        try:
            if turn.referral_id is None:
                await store.release(chat_id, shown)  # a menu edited over a case view
                return
            await store.record(chat_id, shown, turn.referral_id, turn.caseworker_id)
            if typed is not None:
                await store.record(
                    chat_id, [typed], turn.referral_id, turn.caseworker_id, own=False
                )
            if turn.work.scrub:  # the case was closed: this turn's screens go too
                await self.services.db.write(mark_for_cleaning, turn.referral_id, CLOSED)
        except Exception as exc:  # the replies are out; losing ids must not fail the turn
            log.warning("staff message ids not recorded: %s", type(exc).__name__)

    async def on_update(self, update: Update, bot: Bot, me: Caseworker) -> None:
        """Handles one update from an active caseworker."""
        inp, chat = to_input(update), update.effective_chat
        if inp is None or chat is None or me.telegram_id is None:
            return
        query = update.callback_query
        typed = update.message.message_id if update.message is not None else None
        await self.turn(bot, chat.id, me.telegram_id, inp, query, typed)

    async def redeem(self, bot: Bot, chat_id: int, telegram_id: int, payload: str) -> bool:
        """Binds this account with an invite from `/start inv_...`; False if it is not valid."""
        return await self.turn(bot, chat_id, telegram_id, CommandIn("start", payload))
