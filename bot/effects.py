"""Carries out flow effects as Bot API calls in one private chat."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.i18n import Translator
from bot.render import bubble_text, messages
from flows.types import (
    STORAGE_EFFECTS,
    AnswerButton,
    EditScreen,
    Effect,
    Screen,
    SendNotice,
    SendScreen,
)

log = logging.getLogger(__name__)

NOT_MODIFIED = "message is not modified"


class ChatEffects:
    """Executes the effects of one handled input for one chat."""

    def __init__(self, bot: Bot, chat_id: int, tr: Translator, query: CallbackQuery | None):
        self.bot = bot
        self.chat_id = chat_id
        self.tr = tr
        self.query = query
        self.answered = False

    async def run(self, effects: Sequence[Effect]) -> None:
        """Carries out the effects in order, and always answers a pressed button."""
        for effect in effects:
            match effect:
                case AnswerButton(text=text):
                    await self.answer(self.tr.render(text) if text else None)
                case SendScreen(screen=screen, seq=seq):
                    await self.send(screen, seq)
                case EditScreen(screen=screen, seq=seq):
                    await self.edit(screen, seq)
                case SendNotice(bubble=bubble):
                    await self.bot.send_message(self.chat_id, bubble_text(bubble, self.tr))
                case _ if isinstance(effect, STORAGE_EFFECTS):
                    pass  # already committed together with the session
                case _:
                    log.warning("effect %s is not supported yet", type(effect).__name__)
        await self.answer(None)

    async def answer(self, text: str | None) -> None:
        """Answers the pressed button once (stops the spinner on her screen)."""
        if self.query is None or self.answered:
            return
        self.answered = True
        await self.query.answer(text=text)

    async def send(self, screen: Screen, seq: int | None) -> None:
        """Sends every bubble of a screen as a new message."""
        for text, markup in messages(screen, seq, self.tr):
            await self.bot.send_message(self.chat_id, text, reply_markup=markup)

    async def edit(self, screen: Screen, seq: int | None) -> None:
        """Turns the pressed message into the screen's first bubble; sends the rest."""
        message = self.query.message if self.query else None
        rendered = messages(screen, seq, self.tr)
        if message is None:
            await self.send(screen, seq)
            return
        (text, markup), rest = rendered[0], rendered[1:]
        if markup is not None and not isinstance(markup, InlineKeyboardMarkup):
            await self.send(screen, seq)
            return
        try:
            await self.bot.edit_message_text(
                text, chat_id=self.chat_id, message_id=message.message_id, reply_markup=markup
            )
        except BadRequest as exc:
            if NOT_MODIFIED not in exc.message:
                log.info("edit failed (%s); sending the screen instead", type(exc).__name__)
                await self.send(screen, seq)
                return
        for text, markup in rest:
            await self.bot.send_message(self.chat_id, text, reply_markup=markup)
