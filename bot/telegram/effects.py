"""Carries out flow effects as Bot API calls in one private chat.

In her chat (a `history` given), every message id is kept, hers and the bot's, so that she can
wipe the chat; on a shared phone (`protect`) every message is sent with protect_content. Once
her chat has changed (a message sent, edited or deleted), further messages of the same update
are the rest of the reply: they take their slots of the message budget after the first messages
of other people's updates (bot/telegram/ratelimit.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.core.i18n import Translator
from bot.core.mydata import MyData
from bot.telegram.outbox import retry_seconds
from bot.telegram.ratelimit import follow_on
from bot.telegram.render import Markup, bubble_text, messages
from flows.core.effects import (
    STORAGE_EFFECTS,
    AnswerButton,
    DeleteMessages,
    EditScreen,
    Effect,
    RevealMessage,
    SendMyDataCopy,
    SendNotice,
    SendScreen,
    ShowMyData,
)
from flows.core.texts import wipe_incomplete
from flows.core.types import Screen
from storage.chat_log import ChatLog

log = logging.getLogger(__name__)

NOT_MODIFIED = "message is not modified"
MAX_DELETE_IDS = 100
DELETE_NOT_FOUND = "message to delete not found"
MAX_DELETE_PAUSE = 5.0  # a longer flood pause leaves the rest for her to delete


class ChatEffects:
    """Executes the effects of one handled input for one chat."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        tr: Translator,
        query: CallbackQuery | None,
        *,
        protect: bool = False,
        history: ChatLog | None = None,
        incoming: int | None = None,
        mydata: MyData | None = None,
    ):
        self.bot = bot
        self.chat_id = chat_id
        self.tr = tr
        self.query = query
        self.answering: asyncio.Task[None] | None = None
        self.protect = protect
        self.history = history
        self.mydata = mydata
        # Ids of this update not yet recorded: her message, then every message sent.
        self.unrecorded: list[int] = [incoming] if incoming is not None else []
        # Once messages were deleted or sent below it, the pressed message is not edited.
        self.pressed_usable = True
        # Ids of the messages this update sent or edited (a staff chat records them).
        self.shown: list[int] = []
        self.changed = False  # her chat changed already: more messages are the rest of it

    async def run(self, effects: Sequence[Effect]) -> None:
        """Carries out the effects in order, always answers a pressed button, records ids.

        A pressed button is answered (with its toast, if any) alongside the new screen, not
        before it: the edit leaves first, so her screen changes one round trip after her tap.
        """
        try:
            if self.query is not None:
                toast = next((e.text for e in effects if isinstance(e, AnswerButton)), None)
                self.answering = asyncio.create_task(
                    self._answer(self.tr.render(toast) if toast else None)
                )
            for effect in effects:
                await self.run_one(effect)
        finally:
            try:
                if self.answering is not None:
                    await self.answering
            finally:
                await self.remember()

    async def run_one(self, effect: Effect) -> None:
        """Carries out one effect."""
        match effect:
            case AnswerButton():
                pass  # answered alongside the screen (see run)
            case SendScreen(screen=screen, seq=seq):
                await self.send(screen, seq)
            case EditScreen(screen=screen, seq=seq):
                await self.edit(screen, seq)
            case RevealMessage(screen=screen):
                await self.edit(screen, None)  # the sealed preview becomes its content
            case SendNotice(bubble=bubble):
                await self.send_text(bubble_text(bubble, self.tr))
            case DeleteMessages(message_ids=ids):
                await self.wipe(ids)
            case ShowMyData():
                await self.show_my_data()
            case SendMyDataCopy():
                await self.send_my_data_copy()
            case _ if isinstance(effect, STORAGE_EFFECTS):
                pass  # already committed together with the session
            case _:
                log.warning("effect %s is not supported yet", type(effect).__name__)

    async def _answer(self, text: str | None) -> None:
        """Answers the pressed button (stops the spinner); a failure only loses the toast."""
        assert self.query is not None
        try:
            await self.query.answer(text=text)
        except TelegramError as exc:  # too old (pressed while the bot was down), or lost
            log.info("button not answered: %s", type(exc).__name__)

    def _sent(self, message: Message) -> Message:
        self.shown.append(message.message_id)
        self.changed = True
        if self.history is not None:
            self.unrecorded.append(message.message_id)
        return message

    async def send_text(self, text: str, markup: Markup | None = None) -> Message:
        """Sends one message (protected on a shared phone) and keeps its id."""
        with follow_on(self.changed):
            message = await self.bot.send_message(
                self.chat_id,
                text,
                reply_markup=markup,
                protect_content=True if self.protect else None,
            )
        return self._sent(message)

    async def send(self, screen: Screen, seq: int | None) -> None:
        """Sends every bubble of a screen as a new message."""
        for text, markup in messages(screen, seq, self.tr):
            await self.send_text(text, markup)

    def _pressed(self) -> Message | None:
        message = self.query.message if self.query else None
        if not isinstance(message, Message) or not self.pressed_usable:
            return None
        if self.protect and not message.has_protected_content:
            return None  # an unprotected message is replaced by a protected one
        return message

    async def edit(self, screen: Screen, seq: int | None) -> None:
        """Turns the pressed message into the screen's first bubble; sends the rest."""
        message = self._pressed()
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
            self.changed = True
        except BadRequest as exc:
            if NOT_MODIFIED not in exc.message:
                log.info("edit failed (%s); sending the screen instead", type(exc).__name__)
                await self.send(screen, seq)
                return
        self.shown.append(message.message_id)
        for text, markup in rest:
            await self.send_text(text, markup)

    async def wipe(self, ids: tuple[int, ...] | None) -> None:
        """Deletes what Telegram still allows (48 hours); tells her how many messages remain.

        A refused `deleteMessages` (an older server, or any error) falls back to deleting one
        by one. Ids that could not be deleted are kept, so a later wipe tries them again.
        """
        self.pressed_usable = False
        if self.history is None:
            return
        if ids is None:
            targets = sorted({*await self.history.recent(self.chat_id), *self.unrecorded})
        else:
            targets = sorted(set(ids))
        remaining: list[int] = []
        for start in range(0, len(targets), MAX_DELETE_IDS):
            remaining += await self._delete_chunk(targets[start : start + MAX_DELETE_IDS])
        self.changed = self.changed or len(remaining) < len(targets)
        # Ids older than 48 hours can never be deleted by the bot: those are forgotten.
        await self.history.forget(self.chat_id, None if ids is None else targets, keep=remaining)
        self.unrecorded = [
            i for i in self.unrecorded if i in remaining or (ids is not None and i not in targets)
        ]
        if remaining:
            log.info("%d messages could not be deleted", len(remaining))
            await self.send_text(bubble_text(wipe_incomplete(len(remaining)), self.tr))

    async def _delete_chunk(self, chunk: list[int]) -> list[int]:
        """Deletes up to 100 messages at once, else one by one; returns the ids still there."""
        try:
            await self.bot.delete_messages(self.chat_id, chunk)
            return []
        except TelegramError as exc:
            log.info("deleteMessages refused (%s); deleting one by one", type(exc).__name__)
        remaining: list[int] = []
        for message_id in chunk:
            if not await self._delete_one(message_id):
                remaining.append(message_id)
        return remaining

    async def _delete_one(self, message_id: int) -> bool:
        """Deletes one message; True when it is gone (deleted now, or already)."""
        for _ in range(2):
            try:
                await self.bot.delete_message(self.chat_id, message_id)
                return True
            except RetryAfter as exc:
                await asyncio.sleep(min(retry_seconds(exc), MAX_DELETE_PAUSE))
            except BadRequest as exc:
                return DELETE_NOT_FOUND in exc.message.lower()  # she deleted it herself
            except TelegramError:
                return False
        return False

    async def show_my_data(self) -> None:
        """Sends her stored data in plain words, one subject per message."""
        self.pressed_usable = False
        if self.mydata is None:
            return
        for bubble in await self.mydata.bubbles():
            await self.send_text(bubble_text(bubble, self.tr))

    async def send_my_data_copy(self) -> None:
        """Sends a copy of her stored data as files."""
        self.pressed_usable = False
        if self.mydata is None:
            return
        for name, content in await self.mydata.files(self.tr):
            with follow_on(self.changed):
                message = await self.bot.send_document(
                    self.chat_id,
                    InputFile(content, filename=name),
                    protect_content=True if self.protect else None,
                )
            self._sent(message)

    async def remember(self) -> None:
        """Records the ids of this update in one small transaction (never fails the update)."""
        if self.history is None or not self.unrecorded:
            return
        ids, self.unrecorded = self.unrecorded, []
        try:
            await self.history.record(self.chat_id, ids)
        except Exception as exc:  # the replies are out; losing ids must not fail the update
            log.warning("message ids not recorded: %s", type(exc).__name__)
