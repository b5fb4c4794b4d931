"""Group chats: the bot says it works only in private chat, and stores nothing."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.i18n import Catalogs
from flows.types import t

PRIVATE_ONLY = t(
    "I only work in a private chat. Please open a chat with me directly. "
    "I have not kept anything from this group."
)


def is_private(update: Update) -> bool:
    """Tells whether the update comes from a private chat."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def answer_group(
    update: Update, context: ContextTypes.DEFAULT_TYPE, catalogs: Catalogs
) -> None:
    """Replies to a message in a group without reading or storing it."""
    chat = update.effective_chat
    if chat is None or update.effective_message is None or update.callback_query is not None:
        return
    text = catalogs.translator("id").render(PRIVATE_ONLY)
    await context.bot.send_message(chat.id, text)
