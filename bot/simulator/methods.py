"""The table of simulated Bot API methods, plus the small ones: getMe, commands, callbacks."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.simulator import errors, messaging, receiving
from bot.simulator.core import Call, Handler, SimCore
from bot.simulator.errors import bad_request
from bot.simulator.wire import me_json

COMMAND_FORMAT = re.compile(r"[a-z0-9_]{1,32}")
MAX_COMMANDS = 100
MAX_DESCRIPTION = 256
MAX_ANSWER_TEXT = 200


async def get_me(core: SimCore, call: Call) -> Any:
    """Describes the bot."""
    return me_json(core.world)


async def harmless(core: SimCore, call: Call) -> Any:
    """Accepts close and logOut without consequences."""
    return True


def _commands_key(core: SimCore, call: Call) -> tuple[str, str]:
    scope = call.params.opt_dict("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), call.params.opt_str("language_code") or ""


async def set_my_commands(core: SimCore, call: Call) -> Any:
    """Stores the command menu for a scope and language."""
    commands = call.params.opt_list("commands") or []
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands")
    for command in commands:
        if not isinstance(command, dict) or not COMMAND_FORMAT.fullmatch(
            str(command.get("command", ""))
        ):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= MAX_DESCRIPTION:
            raise bad_request("command description must be 1-256 characters")
    core.world.commands[_commands_key(core, call)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


async def get_my_commands(core: SimCore, call: Call) -> Any:
    """Returns the command menu stored for a scope and language."""
    return core.world.commands.get(_commands_key(core, call), [])


async def delete_my_commands(core: SimCore, call: Call) -> Any:
    """Forgets the command menu of a scope and language."""
    core.world.commands.pop(_commands_key(core, call), None)
    return True


async def answer_callback_query(core: SimCore, call: Call) -> Any:
    """Answers a callback query once, showing its text to the person who pressed."""
    record = core.world.callbacks.get(call.params.opt_str("callback_query_id") or "")
    if record is None or record.answered:
        raise bad_request(errors.QUERY_INVALID)
    text = call.params.opt_str("text")
    if text is not None and len(text) > MAX_ANSWER_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.answer_text = text
    person = core.world.people.get(record.user_id)
    if person is not None:
        person.last_callback_answer = text
    return True


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "logOut": harmless,
    "close": harmless,
    "getUpdates": receiving.get_updates,
    "setWebhook": receiving.set_webhook,
    "deleteWebhook": receiving.delete_webhook,
    "getWebhookInfo": receiving.get_webhook_info,
    "sendMessage": messaging.send_message,
    "sendDocument": messaging.send_document,
    "editMessageText": messaging.edit_message_text,
    "editMessageReplyMarkup": messaging.edit_message_reply_markup,
    "deleteMessage": messaging.delete_message,
    "deleteMessages": messaging.delete_messages,
    "sendChatAction": messaging.send_chat_action,
    "getFile": messaging.get_file,
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
}
RECEIVING = frozenset({"getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo"})
