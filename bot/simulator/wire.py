"""Telegram JSON for users, chats, messages and files, shaped as the real Bot API returns them."""

from __future__ import annotations

from typing import Any

from bot.simulator.state import Chat, Person, StoredFile, StoredMessage, World


def bot_json(world: World) -> dict[str, Any]:
    """Returns the bot as a User object."""
    return {
        "id": world.bot_id,
        "is_bot": True,
        "first_name": world.bot_name,
        "username": world.bot_username,
    }


def me_json(world: World) -> dict[str, Any]:
    """Returns the bot as getMe describes it."""
    return {
        **bot_json(world),
        "can_join_groups": True,
        "can_read_all_group_messages": not world.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def person_json(person: Person) -> dict[str, Any]:
    """Returns a person as a User object."""
    out: dict[str, Any] = {"id": person.user_id, "is_bot": False, "first_name": person.first_name}
    if person.last_name:
        out["last_name"] = person.last_name
    if person.username:
        out["username"] = person.username
    if person.language_code:
        out["language_code"] = person.language_code
    return out


def chat_json(world: World, chat: Chat) -> dict[str, Any]:
    """Returns a chat as a Chat object."""
    if chat.kind == "group":
        return {"id": chat.chat_id, "type": "group", "title": chat.title or ""}
    person = world.people[chat.chat_id]
    out: dict[str, Any] = {"id": chat.chat_id, "type": "private", "first_name": person.first_name}
    if person.last_name:
        out["last_name"] = person.last_name
    if person.username:
        out["username"] = person.username
    return out


def sender_json(world: World, sender_id: int) -> dict[str, Any]:
    """Returns the sender of a message as a User object."""
    if sender_id == world.bot_id:
        return bot_json(world)
    return person_json(world.people[sender_id])


def file_json(stored: StoredFile) -> dict[str, Any]:
    """Returns a stored file as a File object for getFile."""
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


def document_json(stored: StoredFile) -> dict[str, Any]:
    """Returns a stored file as a Document object."""
    out: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
    }
    if stored.file_name:
        out["file_name"] = stored.file_name
    if stored.mime_type:
        out["mime_type"] = stored.mime_type
    return out


def message_json(
    world: World, message: StoredMessage, *, with_reply: bool = True
) -> dict[str, Any]:
    """Returns a stored message as a Message object."""
    chat = world.chats[message.chat_id]
    out: dict[str, Any] = {
        "message_id": message.message_id,
        "from": sender_json(world, message.sender_id),
        "chat": chat_json(world, chat),
        "date": message.date,
    }
    if message.edit_date is not None:
        out["edit_date"] = message.edit_date
    if message.kind == "text":
        out["text"] = message.text or ""
        if message.entities:
            out["entities"] = message.entities
    else:
        out.update(message.media)
        if message.text:
            out["caption"] = message.text
            if message.entities:
                out["caption_entities"] = message.entities
    if message.reply_markup is not None:
        out["reply_markup"] = message.reply_markup
    if message.protect_content:
        out["has_protected_content"] = True
    if with_reply and message.reply_to is not None:
        replied = chat.get(message.reply_to)
        if replied is not None:
            out["reply_to_message"] = message_json(world, replied, with_reply=False)
    return out
