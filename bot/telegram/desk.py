"""The caseworker side in Telegram: Update -> input -> the core desk turn -> replies -> delivery.

Who may do what is decided in flows/desk/access.py and loaded and committed in bot/core/desk.py;
this module only carries the turn's replies out and hands its after-commit work to the channel.
"""

from __future__ import annotations

from telegram import Bot, CallbackQuery, Update

from bot.core.desk import desk_turn
from bot.core.notices import staff_translator
from bot.core.services import Services
from bot.telegram.adapter import to_input
from bot.telegram.channel import TelegramChannel
from bot.telegram.effects import ChatEffects
from bot.telegram.outbox import OutboxWorker
from flows.core.types import CommandIn, Input
from flows.desk.engine import INVITE_PREFIX
from storage.caseworkers import Caseworker

__all__ = ["INVITE_PREFIX", "Desk"]


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
    ) -> bool:
        """Runs one desk turn and its replies; False when the input was not the desk's."""
        turn = await desk_turn(self.services, telegram_id, inp)
        if turn is None:
            return False
        tr = staff_translator(self.services, turn.region_code)
        await ChatEffects(bot, chat_id, tr, query).run(turn.replies)
        await self.channel(bot).after_commit(turn.work)
        return True

    async def on_update(self, update: Update, bot: Bot, me: Caseworker) -> None:
        """Handles one update from an active caseworker."""
        inp, chat = to_input(update), update.effective_chat
        if inp is None or chat is None or me.telegram_id is None:
            return
        query = update.callback_query
        await self.turn(bot, chat.id, me.telegram_id, inp, query)

    async def redeem(self, bot: Bot, chat_id: int, telegram_id: int, payload: str) -> bool:
        """Binds this account with an invite from `/start inv_...`; False if it is not valid."""
        return await self.turn(bot, chat_id, telegram_id, CommandIn("start", payload))
