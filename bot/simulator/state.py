"""The simulated world: people, chats, their messages, files, callback queries and commands."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.simulator.clock import SimClock

ChatKind = Literal["private", "group"]
FIRST_USER_ID = 700_000_001
FIRST_GROUP_ID = -4_000_000_001


@dataclass
class Person:
    """A Telegram account using the bot (never the bot itself)."""

    user_id: int
    first_name: str
    language_code: str | None
    phone_number: str
    last_name: str | None = None
    username: str | None = None
    blocked: bool = False
    last_callback_answer: str | None = None


@dataclass
class StoredFile:
    """A file known to the simulated Telegram servers."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str


@dataclass
class StoredMessage:
    """A message in a chat as Telegram keeps it; text holds the caption of media."""

    message_id: int
    chat_id: int
    sender_id: int
    from_bot: bool
    kind: str
    date: int
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    edit_date: int | None = None
    protect_content: bool = False
    media: dict[str, Any] = field(default_factory=dict)
    file: StoredFile | None = None
    reply_to: int | None = None
    deleted: bool = False


@dataclass
class Chat:
    """A private chat with one person, or a group the bot is in."""

    chat_id: int
    kind: ChatKind
    title: str | None
    member_ids: list[int]
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    reply_keyboard: list[list[dict[str, Any]]] | None = None
    username: str | None = None

    @property
    def chat_instance(self) -> str:
        """A stable opaque string identifying this chat in callback queries."""
        return str(int(hashlib.sha256(str(self.chat_id).encode()).hexdigest()[:15], 16))

    def get(self, message_id: int) -> StoredMessage | None:
        """Returns a message that exists and was not deleted."""
        message = self.messages.get(message_id)
        return None if message is None or message.deleted else message

    def visible(self) -> list[StoredMessage]:
        """Returns the messages not deleted, oldest first."""
        return [m for m in self.messages.values() if not m.deleted]


@dataclass
class CallbackRecord:
    """A callback query sent to the bot, and how the bot answered it."""

    query_id: str
    chat_id: int
    user_id: int
    message_id: int
    data: str
    answered: bool = False
    answer_text: str | None = None


class World:
    """Everything the simulated Telegram servers know, apart from the update queue."""

    def __init__(
        self,
        bot_id: int,
        bot_username: str,
        bot_name: str,
        clock: SimClock,
        privacy_mode: bool = True,
    ) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.privacy_mode = privacy_mode
        self.clock = clock
        self.people: dict[int, Person] = {}
        self.chats: dict[int, Chat] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._user_ids = itertools.count(FIRST_USER_ID)
        self._group_ids = itertools.count(-FIRST_GROUP_ID)
        self._serial = itertools.count(1)

    def now(self) -> int:
        """Returns the simulated time as Telegram dates it."""
        return int(self.clock.now())

    def add_person(
        self,
        first_name: str,
        language_code: str | None,
        user_id: int | None = None,
        phone_number: str | None = None,
    ) -> Person:
        """Creates a person and her private chat with the bot."""
        if user_id is None:
            user_id = next(self._user_ids)
            while user_id in self.people or user_id == self.bot_id:
                user_id = next(self._user_ids)
        if user_id <= 0 or user_id in self.people or user_id == self.bot_id:
            raise ValueError("user ids are positive and unique")
        phone = phone_number or f"+62812{user_id % 10**8:08d}"
        person = Person(user_id, first_name, language_code, phone)
        self.people[user_id] = person
        self.chats[user_id] = Chat(user_id, "private", None, [user_id])
        return person

    def add_group(self, title: str, member_ids: list[int]) -> Chat:
        """Creates a group with these members and the bot."""
        chat_id = -next(self._group_ids)
        chat = Chat(chat_id, "group", title, list(member_ids))
        self.chats[chat_id] = chat
        return chat

    def find_chat(self, ref: int | str | None) -> Chat | None:
        """Finds a chat by id or @username."""
        if isinstance(ref, int):
            return self.chats.get(ref)
        if isinstance(ref, str) and ref.startswith("@"):
            name = ref[1:].lower()
            for chat in self.chats.values():
                person = self.people.get(chat.chat_id)
                username = chat.username or (person.username if person else None)
                if username and username.lower() == name:
                    return chat
        return None

    def post(self, chat: Chat, sender_id: int, kind: str, **fields: Any) -> StoredMessage:
        """Adds a message to a chat with the chat's next message id."""
        message = StoredMessage(
            message_id=chat.next_message_id,
            chat_id=chat.chat_id,
            sender_id=sender_id,
            from_bot=sender_id == self.bot_id,
            kind=kind,
            date=self.now(),
            **fields,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        return message

    def bot_sees(self, message: StoredMessage) -> bool:
        """Whether the bot receives a person's message (privacy mode hides most group chatter)."""
        chat = self.chats[message.chat_id]
        if chat.kind == "private" or not self.privacy_mode:
            return True
        text = message.text or ""
        if text.startswith("/") or f"@{self.bot_username}".lower() in text.lower():
            return True
        replied = chat.get(message.reply_to) if message.reply_to is not None else None
        return replied is not None and replied.from_bot

    def add_file(
        self, content: bytes, file_name: str | None, mime_type: str | None, folder: str
    ) -> StoredFile:
        """Stores a file and gives it ids and a download path."""
        serial = next(self._serial)
        digest = hashlib.sha256(content).hexdigest()[:12]
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        stored = StoredFile(
            file_id=f"BQACAgIAAx{serial:06d}{digest}",
            file_unique_id=f"AgAD{digest[:8]}",
            content=content,
            file_name=file_name,
            mime_type=mime_type,
            file_path=f"{folder}/file_{serial}{suffix}",
        )
        self.files[stored.file_id] = stored
        return stored

    def add_callback(
        self, chat_id: int, user_id: int, message_id: int, data: str
    ) -> CallbackRecord:
        """Registers a new callback query."""
        query_id = str(4_000_000_000_000_000 + next(self._serial))
        record = CallbackRecord(query_id, chat_id, user_id, message_id, data)
        self.callbacks[query_id] = record
        return record
