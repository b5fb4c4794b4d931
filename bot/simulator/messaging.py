"""Bot methods that send, edit and delete messages, with Telegram's limits and error texts."""

from __future__ import annotations

from typing import Any

from bot.simulator import errors
from bot.simulator.core import Call, SimCore
from bot.simulator.errors import bad_request
from bot.simulator.formatting import parse_text
from bot.simulator.keyboards import Markup, read_markup
from bot.simulator.params import Params
from bot.simulator.state import Chat, StoredMessage
from bot.simulator.wire import document_json, file_json, message_json

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MAX_DELETE_IDS = 100


def _text(params: Params, name: str, entities_name: str) -> tuple[str, list[dict[str, Any]]]:
    return parse_text(
        params.opt_str(name) or "", params.opt_str("parse_mode"), params.opt_list(entities_name)
    )


def _reply_to(chat: Chat, params: Params) -> int | None:
    reply = params.opt_dict("reply_parameters")
    message_id = (reply or {}).get("message_id", params.opt_int("reply_to_message_id"))
    if message_id is None:
        return None
    if chat.get(int(message_id)) is not None:
        return int(message_id)
    if (reply or {}).get("allow_sending_without_reply") or params.opt_bool(
        "allow_sending_without_reply"
    ):
        return None
    raise bad_request("message to be replied not found")


def _apply_keyboard(chat: Chat, markup: Markup) -> None:
    if markup.keyboard is not None:
        chat.reply_keyboard = markup.keyboard
    elif markup.remove_keyboard:
        chat.reply_keyboard = None


def _post_from_bot(core: SimCore, chat: Chat, kind: str, params: Params, **fields: Any) -> Any:
    markup = read_markup(params.opt_json("reply_markup"))
    reply_to = _reply_to(chat, params)
    core.check_not_blocked(chat)
    message = core.world.post(
        chat,
        core.world.bot_id,
        kind,
        reply_markup=markup.inline,
        protect_content=params.opt_bool("protect_content"),
        reply_to=reply_to,
        **fields,
    )
    _apply_keyboard(chat, markup)
    return message_json(core.world, message)


async def send_message(core: SimCore, call: Call) -> Any:
    """Sends a text message."""
    chat = core.target_chat(call.params)
    text, entities = _text(call.params, "text", "entities")
    if not text.strip():
        raise bad_request(errors.TEXT_EMPTY)
    if len(text) > errors.MAX_TEXT_LENGTH:
        raise bad_request(errors.TEXT_TOO_LONG)
    return _post_from_bot(core, chat, "text", call.params, text=text, entities=entities)


async def send_document(core: SimCore, call: Call) -> Any:
    """Sends a document, uploaded or by file_id, keeping its name and bytes."""
    params = call.params
    chat = core.target_chat(params)
    caption, entities = _text(params, "caption", "caption_entities")
    if len(caption) > errors.MAX_CAPTION_LENGTH:
        raise bad_request(errors.CAPTION_TOO_LONG)
    upload = params.opt_upload("document")
    if upload is not None:
        if not upload.content:
            raise bad_request("file must be non-empty")
        stored = core.world.add_file(
            upload.content, upload.filename or "document", upload.content_type, "documents"
        )
    else:
        known = core.world.files.get(params.opt_str("document") or "")
        if known is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        stored = known
    return _post_from_bot(
        core,
        chat,
        "document",
        params,
        text=caption or None,
        entities=entities,
        media={"document": document_json(stored)},
        file=stored,
    )


def _own_message(core: SimCore, chat: Chat, params: Params) -> StoredMessage:
    if params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    message_id = params.opt_int("message_id")
    message = chat.get(message_id) if message_id is not None else None
    if message is None:
        raise bad_request(errors.EDIT_NOT_FOUND)
    if not message.from_bot:
        raise bad_request(errors.CANT_EDIT)
    return message


def _inline_only(params: Params) -> dict[str, Any] | None:
    markup = read_markup(params.opt_json("reply_markup"))
    if markup.keyboard is not None or markup.remove_keyboard:
        raise bad_request("inline keyboard expected")
    return markup.inline


def _edited(core: SimCore, message: StoredMessage) -> Any:
    message.edit_date = core.world.now()
    return message_json(core.world, message)


async def edit_message_text(core: SimCore, call: Call) -> Any:
    """Edits the text (and inline keyboard) of one of the bot's messages."""
    params = call.params
    chat = core.target_chat(params)
    message = _own_message(core, chat, params)
    text, entities = _text(params, "text", "entities")
    if not text.strip():
        raise bad_request(errors.TEXT_EMPTY)
    if len(text) > errors.MAX_TEXT_LENGTH:
        raise bad_request(errors.TEXT_TOO_LONG)
    markup = _inline_only(params)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(errors.NOT_MODIFIED)
    core.check_not_blocked(chat)
    message.text, message.entities, message.reply_markup = text, entities, markup
    return _edited(core, message)


async def edit_message_reply_markup(core: SimCore, call: Call) -> Any:
    """Replaces or removes the inline keyboard of one of the bot's messages."""
    params = call.params
    chat = core.target_chat(params)
    message = _own_message(core, chat, params)
    markup = _inline_only(params)
    if markup == message.reply_markup:
        raise bad_request(errors.NOT_MODIFIED)
    core.check_not_blocked(chat)
    message.reply_markup = markup
    return _edited(core, message)


def _deletable(core: SimCore, chat: Chat, message_id: int | None) -> StoredMessage:
    message = chat.get(message_id) if message_id is not None else None
    if message is None:
        raise bad_request(errors.DELETE_NOT_FOUND)
    if core.clock.now() - message.date > errors.DELETE_WINDOW_SECONDS:
        raise bad_request(errors.CANT_DELETE)
    return message


async def delete_message(core: SimCore, call: Call) -> Any:
    """Deletes a message younger than 48 hours."""
    chat = core.target_chat(call.params)
    _deletable(core, chat, call.params.opt_int("message_id")).deleted = True
    return True


async def delete_messages(core: SimCore, call: Call) -> Any:
    """Deletes up to 100 messages, skipping those that cannot be deleted."""
    chat = core.target_chat(call.params)
    ids = call.params.opt_list("message_ids") or []
    if not 1 <= len(ids) <= MAX_DELETE_IDS:
        raise bad_request("message_ids must contain 1-100 identifiers")
    for message_id in ids:
        try:
            _deletable(core, chat, int(message_id)).deleted = True
        except (errors.ApiError, TypeError, ValueError):
            continue
    return True


async def send_chat_action(core: SimCore, call: Call) -> Any:
    """Shows 'typing…' and the like; changes nothing."""
    chat = core.target_chat(call.params)
    if call.params.opt_str("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    core.check_not_blocked(chat)
    return True


async def get_file(core: SimCore, call: Call) -> Any:
    """Describes a stored file and where to download it."""
    stored = core.world.files.get(call.params.opt_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return file_json(stored)
