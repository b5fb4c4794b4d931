"""The people's side: a person in her private chat with the bot, and groups the bot is in."""

from __future__ import annotations

from typing import Any

from bot.simulator import incoming
from bot.simulator.chat import ChatMessage, view
from bot.simulator.core import SimCore
from bot.simulator.keyboards import inline_buttons
from bot.simulator.state import Chat, Person, StoredMessage
from bot.simulator.transcript import render_transcript
from bot.simulator.wire import document_json, message_json, person_json

DEFAULT_LOCATION = (-6.2, 106.8)


class ChatDriver:
    """Reads a chat as its members see it, and acts in it on someone's behalf."""

    def __init__(self, core: SimCore, chat: Chat) -> None:
        self._core = core
        self._chat = chat
        self.opened_urls: list[str] = []

    @property
    def chat_id(self) -> int:
        """The chat's id."""
        return self._chat.chat_id

    @property
    def messages(self) -> list[ChatMessage]:
        """The chat in order, edits applied, deleted messages gone."""
        return [view(m) for m in self._chat.visible()]

    @property
    def bot_messages(self) -> list[ChatMessage]:
        """The bot's messages in order."""
        return [view(m) for m in self._chat.visible() if m.from_bot]

    @property
    def last_message(self) -> str:
        """Text (or caption) of the newest bot message; empty when there is none."""
        newest = self._newest_bot_message()
        return (newest.text or "") if newest else ""

    @property
    def last_buttons(self) -> list[str]:
        """Labels of the newest bot message's inline keyboard, flattened, in order."""
        newest = self._newest_bot_message()
        return view(newest).buttons if newest else []

    @property
    def reply_keyboard(self) -> list[str] | None:
        """Labels of the chat's current reply keyboard, or None when there is none."""
        rows = self._chat.reply_keyboard
        return None if rows is None else [str(b.get("text", "")) for row in rows for b in row]

    def _newest_bot_message(self) -> StoredMessage | None:
        return next((m for m in reversed(self._chat.visible()) if m.from_bot), None)

    def _stored(self, message: ChatMessage) -> StoredMessage:
        if message.chat_id != self._chat.chat_id:
            raise AssertionError("that message belongs to another chat")
        stored = self._chat.get(message.message_id)
        if stored is None:
            raise AssertionError(f"message {message.message_id} was deleted")
        return stored

    async def _send_as(self, person: Person, kind: str, **fields: Any) -> ChatMessage:
        world = self._core.world
        message = world.post(self._chat, person.user_id, kind, **fields)
        if world.bot_sees(message):
            await self._core.submit("message", message_json(world, message), self._chat.chat_id)
        return view(message)

    async def _send_text_as(self, person: Person, text: str) -> ChatMessage:
        if not text.strip():
            raise ValueError("Telegram apps do not send empty messages")
        sent: ChatMessage | None = None
        for chunk in incoming.split_long_text(text):
            entities = incoming.command_entities(chunk)
            sent = await self._send_as(person, "text", text=chunk, entities=entities)
        assert sent is not None
        return sent

    async def _callback_as(self, person: Person, message: StoredMessage, data: str) -> None:
        world = self._core.world
        record = world.add_callback(self._chat.chat_id, person.user_id, message.message_id, data)
        person.last_callback_answer = None
        payload = {
            "id": record.query_id,
            "from": person_json(person),
            "message": message_json(world, message),
            "chat_instance": self._chat.chat_instance,
            "data": data,
        }
        await self._core.submit("callback_query", payload, self._chat.chat_id)

    def _find_inline(
        self, label: str, message: ChatMessage | None
    ) -> tuple[StoredMessage, dict[str, Any]] | None:
        if message is not None:
            candidates = [self._stored(message)]
        else:
            candidates = [m for m in reversed(self._chat.visible()) if m.from_bot]
        for stored in candidates:
            for row in inline_buttons(stored.reply_markup):
                for button in row:
                    if button.get("text") == label:
                        return stored, button
        return None

    def _find_reply_button(self, label: str) -> dict[str, Any] | None:
        for row in self._chat.reply_keyboard or []:
            for button in row:
                if button.get("text") == label:
                    return button
        return None

    def _visible_buttons(self, message: ChatMessage | None) -> str:
        inline = view(self._stored(message)).buttons if message else self.last_buttons
        reply = self.reply_keyboard if message is None else None
        return f"inline {inline}" + (f", reply keyboard {reply}" if reply else "")

    async def _press_as(self, person: Person, label: str, message: ChatMessage | None) -> None:
        found = self._find_inline(label, message)
        if found is not None:
            stored, button = found
            if button.get("callback_data") is not None:
                await self._callback_as(person, stored, str(button["callback_data"]))
            elif button.get("url"):
                self.opened_urls.append(str(button["url"]))
            else:
                raise AssertionError(f"button {label!r} is neither a callback nor a URL button")
            return
        reply_button = self._find_reply_button(label) if message is None else None
        if reply_button is None:
            raise AssertionError(
                f"no button {label!r} to press; visible: {self._visible_buttons(message)}"
            )
        if reply_button.get("request_contact"):
            media = incoming.contact(person, person.phone_number, True, None)
            await self._send_as(person, "contact", media=media)
        elif reply_button.get("request_location"):
            await self._send_as(person, "location", media=incoming.location(*DEFAULT_LOCATION))
        else:
            await self._send_text_as(person, label)


class SimUser(ChatDriver):
    """A person using the bot in her private chat."""

    def __init__(self, core: SimCore, person: Person) -> None:
        super().__init__(core, core.world.chats[person.user_id])
        self._person = person

    @property
    def user_id(self) -> int:
        """Her Telegram user id (also the private chat's id)."""
        return self._person.user_id

    @property
    def first_name(self) -> str:
        """Her first name."""
        return self._person.first_name

    @property
    def language_code(self) -> str | None:
        """Her app's language."""
        return self._person.language_code

    @property
    def phone_number(self) -> str:
        """Her phone number, shared when she sends her own contact."""
        return self._person.phone_number

    @property
    def last_callback_answer(self) -> str | None:
        """Text of the bot's answer to her latest button press (None if none or no text)."""
        return self._person.last_callback_answer

    @property
    def blocked(self) -> bool:
        """Whether she has blocked the bot."""
        return self._person.blocked

    def block(self) -> None:
        """Blocks the bot: its sends to her get 403."""
        self._person.blocked = True

    def unblock(self) -> None:
        """Unblocks the bot."""
        self._person.blocked = False

    async def send(self, text: str) -> ChatMessage:
        """Sends a text (commands get bot_command entities); returns once the bot settled."""
        return await self._send_text_as(self._person, text)

    async def send_contact(
        self, phone_number: str | None = None, own: bool = True, first_name: str | None = None
    ) -> ChatMessage:
        """Shares a contact; her own carries her user id."""
        media = incoming.contact(
            self._person, phone_number or self._person.phone_number, own, first_name
        )
        return await self._send_as(self._person, "contact", media=media)

    async def send_sticker(self, emoji: str = "🙂") -> ChatMessage:
        """Sends a sticker."""
        media = incoming.sticker(self._core.world, emoji)
        return await self._send_as(self._person, "sticker", media=media)

    async def send_photo(self, caption: str | None = None) -> ChatMessage:
        """Sends a photo."""
        media = incoming.photo(self._core.world)
        return await self._send_as(self._person, "photo", media=media, text=caption)

    async def send_voice(self, duration: int = 3) -> ChatMessage:
        """Sends a voice note."""
        media = incoming.voice(self._core.world, duration)
        return await self._send_as(self._person, "voice", media=media)

    async def send_document(
        self,
        file_name: str = "dokumen.pdf",
        content: bytes = b"%PDF-1.4 simulated",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> ChatMessage:
        """Sends a document the bot can download with getFile."""
        stored = self._core.world.add_file(content, file_name, mime_type, "documents")
        media = {"document": document_json(stored)}
        return await self._send_as(self._person, "document", media=media, file=stored, text=caption)

    async def send_location(self, lat: float, lon: float) -> ChatMessage:
        """Shares a location."""
        media = incoming.location(lat, lon)
        return await self._send_as(self._person, "location", media=media)

    async def edit_sent(self, message: ChatMessage | None = None, text: str = "") -> ChatMessage:
        """Edits her last (or the given) text message; the bot gets an edited_message."""
        if not text:
            raise ValueError("an edited message needs text")
        if message is not None:
            stored = self._stored(message)
        else:
            mine = [m for m in self._chat.visible() if m.sender_id == self.user_id]
            texts = [m for m in mine if m.kind == "text"]
            if not texts:
                raise AssertionError("she has sent no text message to edit")
            stored = texts[-1]
        if stored.sender_id != self.user_id or stored.kind != "text":
            raise AssertionError("she can only edit her own text messages")
        stored.text = text
        stored.entities = incoming.command_entities(text)
        stored.edit_date = self._core.world.now()
        payload = message_json(self._core.world, stored)
        await self._core.submit("edited_message", payload, self.chat_id)
        return view(stored)

    async def press(self, label: str, message: ChatMessage | None = None) -> None:
        """Presses a button by its visible label: inline (newest first), else reply keyboard."""
        await self._press_as(self._person, label, message)

    async def forge_callback(self, data: str, message: ChatMessage | None = None) -> None:
        """Sends a callback query with arbitrary data, as a tampered client could."""
        if message is not None:
            stored = self._stored(message)
        else:
            bot_messages = [m for m in self._chat.visible() if m.from_bot]
            with_keyboard = [m for m in bot_messages if m.reply_markup]
            candidates = with_keyboard or bot_messages
            if not candidates:
                raise AssertionError("there is no bot message to attach a callback to")
            stored = candidates[-1]
        await self._callback_as(self._person, stored, data)

    def transcript(self) -> str:
        """Returns the chat as readable text, buttons numbered [1] [2] … per message."""
        return render_transcript(self._core, self._chat)


class SimGroup(ChatDriver):
    """A group chat with some people and the bot."""

    def __init__(self, core: SimCore, chat: Chat, members: list[SimUser]) -> None:
        super().__init__(core, chat)
        self.members = list(members)

    @property
    def title(self) -> str:
        """The group's title."""
        return self._chat.title or ""

    def _person(self, member: SimUser) -> Person:
        if member.user_id not in self._chat.member_ids:
            raise AssertionError(f"{member.first_name} is not a member of {self.title}")
        return self._core.world.people[member.user_id]

    async def send(self, member: SimUser, text: str) -> ChatMessage:
        """A member writes in the group; returns once the bot settled."""
        return await self._send_text_as(self._person(member), text)

    async def press(self, member: SimUser, label: str, message: ChatMessage | None = None) -> None:
        """A member presses a button in the group."""
        await self._press_as(self._person(member), label, message)

    def transcript(self) -> str:
        """Returns the group chat as readable text."""
        return render_transcript(self._core, self._chat)
