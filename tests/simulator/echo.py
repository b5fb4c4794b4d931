"""A tiny python-telegram-bot application that exercises the simulator like a real bot."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.simulator import BotApiSimulator

LANGUAGES = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Bahasa Indonesia", callback_data="lang:id"),
            InlineKeyboardButton("English", callback_data="lang:en"),
        ],
        [InlineKeyboardButton("Situs", url="https://example.org/")],
    ]
)
SHARE = ReplyKeyboardMarkup(
    [[KeyboardButton("Bagikan nomor", request_contact=True)], [KeyboardButton("Bantuan")]],
    one_time_keyboard=True,
)


@dataclass
class EchoBot:
    """What the echo bot received, for assertions."""

    updates: list[Update] = field(default_factory=list)


def build_echo_app(sim: BotApiSimulator, token: str, seen: EchoBot) -> Application:  # type: ignore[type-arg]
    """Builds an application talking to the simulator, reporting each processed update."""
    app = (
        Application.builder()
        .token(token)
        .base_url(sim.base_url)
        .base_file_url(sim.base_file_url)
        .build()
    )

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.updates.append(update)

    async def processed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        sim.on_processed(update.update_id)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        if update.message.chat.type != "private":
            await update.message.reply_text(f"Group {update.message.chat.type}")
            return
        await update.message.reply_text("Halo!", reply_markup=SHARE)
        await update.message.reply_text("Pilih bahasa:", reply_markup=LANGUAGES)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"Dipilih {query.data}")
        menu = InlineKeyboardMarkup([[InlineKeyboardButton("☰ Menu", callback_data="menu")]])
        await query.edit_message_text(f"Bahasa: {query.data}", reply_markup=menu)

    async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None and message.contact is not None and message.from_user
        own = message.contact.user_id == message.from_user.id
        await message.reply_text(f"Nomor diterima, own={own}", reply_markup=ReplyKeyboardRemove())

    async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.edited_message is not None
        await update.edited_message.reply_text(f"Diedit: {update.edited_message.text}")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(f"Echo: {update.message.text[:100]}")

    async def media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        assert message is not None
        attachment = message.effective_attachment
        kind = type(attachment[-1] if isinstance(attachment, tuple) else attachment).__name__
        await message.reply_text(f"Got {kind}")

    app.add_handler(TypeHandler(Update, record), group=-1)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(MessageHandler(filters.CONTACT, contact))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(MessageHandler(filters.ATTACHMENT | filters.LOCATION, media))
    app.add_handler(TypeHandler(Update, processed), group=1)
    return app
