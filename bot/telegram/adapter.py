"""Turns a Telegram update into a flow input (or None for updates the flows do not handle)."""

from __future__ import annotations

from telegram import Message, MessageEntity, Update

from flows.core.types import ButtonIn, CommandIn, ContactIn, Input, LocationIn, MediaIn, TextIn

MEDIA_KINDS = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "document",
    "location",
    "venue",
    "poll",
    "dice",
)


def _command(message: Message) -> CommandIn | None:
    text = message.text or ""
    entity = next(iter(message.entities), None)
    if entity is None or entity.type != MessageEntity.BOT_COMMAND or entity.offset != 0:
        return None
    word = text[1 : entity.length]
    name = word.split("@", 1)[0]
    return CommandIn(name=name.lower(), args=text[entity.length :].strip())


def _from_message(message: Message) -> Input:
    if message.text is not None:
        return _command(message) or TextIn(message.text)
    if message.contact is not None:
        sender = message.from_user.id if message.from_user else None
        own = sender is not None and message.contact.user_id == sender
        return ContactIn(phone=message.contact.phone_number, own=own)
    if message.location is not None and message.venue is None:
        return LocationIn(message.location.latitude, message.location.longitude)
    kind = next((k for k in MEDIA_KINDS if getattr(message, k, None)), "other")
    return MediaIn(kind)


def to_input(update: Update) -> Input | None:
    """Maps a private-chat update to the flow input it stands for."""
    if update.callback_query is not None:
        return ButtonIn(update.callback_query.data or "")
    if update.edited_message is not None:
        return MediaIn("edited")
    if update.message is not None:
        return _from_message(update.message)
    return None
