"""Group chats: the bot says it works only in private chat, and stores nothing."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackContext

from bot.core.i18n import Catalogs
from flows.core.types import t

PRIVATE_ONLY = t(
    "I only work in a private chat. Please open a chat with me directly. "
    "I have not kept anything from this group."
)

log = logging.getLogger(__name__)
AnyContext = CallbackContext[Any, Any, Any, Any]  # whatever bot_data the Application has


def is_private(update: Update) -> bool:
    """Tells whether the update comes from a private chat."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def answer_group(update: Update, context: AnyContext, catalogs: Catalogs) -> None:
    """Replies to a message in a group without reading or storing it."""
    chat = update.effective_chat
    if chat is None or update.effective_message is None or update.callback_query is not None:
        return
    if update.message is None:  # an edit, a channel post or a guest message: nothing to say
        return
    text = catalogs.translator("id").render(PRIVATE_ONLY)
    try:
        await context.bot.send_message(chat.id, text)
    except TelegramError as exc:  # e.g. a chat the bot cannot write to
        log.info("group reply not sent: %s", type(exc).__name__)
