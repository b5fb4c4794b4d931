"""Bot API update payloads of every type, built against the simulator's world.

Messages are posted into the simulated chats and callback queries are registered, so that the
bot's answers (edits, deletions, answerCallbackQuery) meet the same state Telegram would have.
Payloads are plain JSON dicts, to be given to `Update.de_json` (fast path) or queued in the
simulator (transport path).
"""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from bot.simulator import BotApiSimulator
from bot.simulator.state import Chat, Person, StoredMessage, World
from bot.simulator.wire import chat_json, message_json, person_json

FIRST_UPDATE_ID = 900_000_001

#: Every MessageEntity type of the Bot API, with the extra fields some of them need.
ENTITY_TYPES = (
    "mention",
    "hashtag",
    "cashtag",
    "bot_command",
    "url",
    "email",
    "phone_number",
    "bold",
    "italic",
    "underline",
    "strikethrough",
    "spoiler",
    "blockquote",
    "expandable_blockquote",
    "code",
    "pre",
    "text_link",
    "text_mention",
    "custom_emoji",
    "date_time",
)

#: Message kinds with their content fields (file ids are fake: the bot never downloads them).
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
    "live_location",
    "venue",
    "dice",
    "poll",
    "game",
    "story",
    "invoice",
    "paid_media",
    "successful_payment",
    "users_shared",
    "chat_shared",
    "web_app_data",
    "write_access_allowed",
    "pinned_message",
    "auto_delete_timer",
    "new_chat_members",
    "left_chat_member",
    "new_chat_title",
    "group_chat_created",
)
GROUP_ONLY_KINDS = frozenset(
    {"new_chat_members", "left_chat_member", "new_chat_title", "group_chat_created"}
)


def _file(seed: str) -> dict[str, str]:
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return {"file_id": f"AgACAgIAAx{digest[:24]}", "file_unique_id": f"AQAD{digest[24:32]}"}


def entity_json(kind: str, offset: int, length: int, user: dict[str, Any]) -> dict[str, Any]:
    """A MessageEntity, valid in shape; offset and length are not checked against the text."""
    out: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if kind == "text_link":
        out["url"] = "https://example.org/x"
    elif kind == "text_mention":
        out["user"] = user
    elif kind == "custom_emoji":
        out["custom_emoji_id"] = "5368324170671202286"
    elif kind == "pre":
        out["language"] = "python"
    elif kind == "date_time":
        out["unix_time"] = 1_790_000_000
    return out


def reaction_json(emoji: str) -> dict[str, Any]:
    """A ReactionTypeEmoji."""
    return {"type": "emoji", "emoji": emoji}


class UpdateFactory:
    """Builds update payloads in the simulator's world; every builder returns one Update dict."""

    def __init__(self, sim: BotApiSimulator) -> None:
        self.sim = sim
        # The simulator keeps its world private; these builders are its test-side companions.
        self.world: World = sim._core.world
        self._ids = itertools.count(FIRST_UPDATE_ID)
        self._serial = itertools.count(1)

    # ------------------------------------------------------------------ plumbing

    def update(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Wraps one field into an Update with a fresh id."""
        return {"update_id": next(self._ids), kind: body}

    def serial(self) -> int:
        """A number unique within this factory (query ids, poll ids...)."""
        return next(self._serial)

    def person(self, user_id: int) -> Person:
        """A person of the simulated world."""
        return self.world.people[user_id]

    def user_json(self, user_id: int) -> dict[str, Any]:
        """A person as a User object."""
        return person_json(self.person(user_id))

    def chat_json(self, chat: Chat) -> dict[str, Any]:
        """A chat as a Chat object (channels are simulator groups shown as channels)."""
        out = chat_json(self.world, chat)
        if chat.title is not None and chat.title.startswith("channel:"):
            out = {"id": chat.chat_id, "type": "channel", "title": chat.title}
        return out

    def channel(self, title: str) -> Chat:
        """A channel the bot administers (kept by the simulator as a group)."""
        return self.world.add_group(f"channel:{title}", [])

    def post(self, chat: Chat, sender_id: int, kind: str, **fields: Any) -> StoredMessage:
        """Adds a message to a chat, as the person's app would."""
        return self.world.post(chat, sender_id, kind, **fields)

    def message_json(self, message: StoredMessage, **extra: Any) -> dict[str, Any]:
        """A stored message as a Message object, with extra fields merged in."""
        out = message_json(self.world, message)
        if message.chat_id in self.world.chats:
            out["chat"] = self.chat_json(self.world.chats[message.chat_id])
        out.update(extra)
        return out

    # ------------------------------------------------------------------ message content

    def media(self, kind: str, chat: Chat, sender_id: int) -> dict[str, Any]:
        """The content fields of a non-text message of this kind."""
        n = self.serial()
        user = self.user_json(sender_id) if sender_id in self.world.people else None
        size = {"width": 640, "height": 480, "duration": 3}
        match kind:
            case "sticker":
                body = {**_file(f"s{n}"), "type": "regular", "width": 512, "height": 512}
                return {"sticker": {**body, "is_animated": False, "is_video": False, "emoji": "🙂"}}
            case "photo":
                return {"photo": [{**_file(f"p{n}"), "width": 90, "height": 67}]}
            case "voice":
                return {"voice": {**_file(f"v{n}"), "duration": 2, "mime_type": "audio/ogg"}}
            case "video":
                return {"video": {**_file(f"vi{n}"), **size}}
            case "video_note":
                return {"video_note": {**_file(f"vn{n}"), "length": 240, "duration": 2}}
            case "audio":
                return {"audio": {**_file(f"a{n}"), "duration": 100, "title": "Lagu"}}
            case "animation":
                return {"animation": {**_file(f"an{n}"), **size}}
            case "document":
                body = {**_file(f"d{n}"), "file_name": "ktp.jpg", "mime_type": "image/jpeg"}
                return {"document": body}
            case "location":
                return {"location": {"latitude": -10.17, "longitude": 123.6}}
            case "live_location":
                location = {"latitude": -7.8, "longitude": 112.0, "live_period": 900}
                return {"location": location}
            case "venue":
                location = {"latitude": -7.81, "longitude": 112.01}
                venue = {"location": location, "title": "Puskesmas", "address": "Jl. Mawar 1"}
                return {"venue": venue, "location": location}
            case "dice":
                return {"dice": {"emoji": "🎲", "value": 1 + n % 6}}
            case "poll":
                return {"poll": self.poll_json(f"mp{n}")}
            case "game":
                photo = [{**_file(f"g{n}"), "width": 90, "height": 67}]
                return {"game": {"title": "Game", "description": "A game", "photo": photo}}
            case "story":
                return {"story": {"chat": self.chat_json(chat), "id": n}}
            case "invoice":
                invoice = {
                    "title": "Tagihan",
                    "description": "x",
                    "start_parameter": "p",
                    "currency": "IDR",
                    "total_amount": 100_000,
                }
                return {"invoice": invoice}
            case "paid_media":
                return {"paid_media": {"star_count": 5, "paid_media": [{"type": "preview"}]}}
            case "successful_payment":
                payment = {
                    "currency": "XTR",
                    "total_amount": 5,
                    "invoice_payload": "forged",
                    "telegram_payment_charge_id": f"tg{n}",
                    "provider_payment_charge_id": f"pr{n}",
                }
                return {"successful_payment": payment}
            case "users_shared":
                return {"users_shared": {"request_id": 1, "users": [{"user_id": 42 + n}]}}
            case "chat_shared":
                return {"chat_shared": {"request_id": 2, "chat_id": -100_123 - n}}
            case "web_app_data":
                return {"web_app_data": {"data": "{}", "button_text": "Buka"}}
            case "write_access_allowed":
                return {"write_access_allowed": {"from_request": True}}
            case "pinned_message":
                return {
                    "pinned_message": {"chat": self.chat_json(chat), "message_id": 1, "date": 0}
                }
            case "auto_delete_timer":
                return {"message_auto_delete_timer_changed": {"message_auto_delete_time": 86400}}
            case "new_chat_members":
                return {"new_chat_members": [user or {"id": 5, "is_bot": False, "first_name": "X"}]}
            case "left_chat_member":
                return {"left_chat_member": user or {"id": 5, "is_bot": False, "first_name": "X"}}
            case "new_chat_title":
                return {"new_chat_title": "Arisan baru"}
            case "group_chat_created":
                return {"group_chat_created": True}
        raise ValueError(f"unknown media kind {kind!r}")

    def poll_json(self, poll_id: str) -> dict[str, Any]:
        """A Poll object."""
        return {
            "id": poll_id,
            "question": "Mau ikut pelatihan?",
            "options": [
                {"text": "Ya", "voter_count": 1, "persistent_id": "a"},
                {"text": "Tidak", "voter_count": 0, "persistent_id": "b"},
            ],
            "total_voter_count": 1,
            "is_closed": False,
            "is_anonymous": False,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": True,
            "members_only": False,
        }

    # ------------------------------------------------------------------ updates in a chat

    def text_message(
        self,
        chat: Chat,
        sender_id: int,
        text: str,
        entities: list[dict[str, Any]],
        *,
        reply_to: int | None = None,
    ) -> tuple[dict[str, Any], StoredMessage]:
        """A text message, posted in the chat; entities are taken as given."""
        stored = self.post(chat, sender_id, "text", text=text, entities=entities, reply_to=reply_to)
        return self.update("message", self.message_json(stored)), stored

    def media_message(
        self,
        chat: Chat,
        sender_id: int,
        kind: str,
        caption: str | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        *,
        field: str = "message",
    ) -> dict[str, Any]:
        """A non-text message of some kind (field: message, business_message, guest_message...)."""
        content = self.media(kind, chat, sender_id)
        stored = self.post(
            chat, sender_id, kind, media=content, text=caption, entities=caption_entities or []
        )
        return self.update(field, self.message_json(stored))

    def contact_message(
        self, chat: Chat, sender_id: int, phone: str, own: bool, first_name: str = "Kontak"
    ) -> dict[str, Any]:
        """A shared contact: her own (with her user id) or someone else's."""
        contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name}
        if own:
            contact["user_id"] = sender_id
        elif self.serial() % 2:
            contact["user_id"] = sender_id + 1  # another Telegram account
        stored = self.post(chat, sender_id, "contact", media={"contact": contact})
        return self.update("message", self.message_json(stored))

    def edited_message(
        self, chat: Chat, sender_id: int, text: str, *, field: str = "edited_message"
    ) -> dict[str, Any]:
        """Her newest text message, edited (or a fresh one if she wrote none)."""
        mine = [m for m in chat.visible() if m.sender_id == sender_id and m.kind == "text"]
        stored = mine[-1] if mine else self.post(chat, sender_id, "text", text="halo")
        stored.text, stored.entities = text, []
        stored.edit_date = self.world.now()
        return self.update(field, self.message_json(stored))

    def callback_query(
        self,
        chat: Chat,
        sender_id: int,
        data: str | None,
        message: StoredMessage | None,
        *,
        registered: bool = True,
        inaccessible: bool = False,
        game: bool = False,
    ) -> dict[str, Any]:
        """A button press on a message of this chat (registered: the simulator knows its id)."""
        target = message or next((m for m in reversed(chat.visible()) if m.from_bot), None)
        message_id = target.message_id if target else 1
        if registered:
            record = self.world.add_callback(chat.chat_id, sender_id, message_id, data or "")
            query_id = record.query_id
        else:
            query_id = str(8_000_000_000_000_000 + self.serial())
        body: dict[str, Any] = {
            "id": query_id,
            "from": self.user_json(sender_id),
            "chat_instance": chat.chat_instance,
        }
        if inaccessible or target is None:
            body["message"] = {"chat": self.chat_json(chat), "message_id": message_id, "date": 0}
        else:
            body["message"] = self.message_json(target)
        if game:
            body["game_short_name"] = "game"
        if data is not None:
            body["data"] = data
        return self.update("callback_query", body)

    def inline_callback_query(self, sender_id: int, data: str) -> dict[str, Any]:
        """A press on a button of an inline-mode message (no chat, no message)."""
        body = {
            "id": str(8_100_000_000_000_000 + self.serial()),
            "from": self.user_json(sender_id),
            "inline_message_id": f"AAAA{self.serial()}",
            "chat_instance": "-1",
            "data": data,
        }
        return self.update("callback_query", body)

    def chat_member_updated(
        self, field: str, chat: Chat, sender_id: int, old: str, new: str, member_id: int
    ) -> dict[str, Any]:
        """A my_chat_member or chat_member update."""
        member = (
            {"id": member_id, "is_bot": True, "first_name": "Jembatan", "username": "jembatan_bot"}
            if member_id == self.world.bot_id
            else self.user_json(member_id)
        )

        def status(name: str) -> dict[str, Any]:
            body: dict[str, Any] = {"status": name, "user": member}
            if name == "kicked":
                body["until_date"] = 0
            return body

        body = {
            "chat": self.chat_json(chat),
            "from": self.user_json(sender_id),
            "date": self.world.now(),
            "old_chat_member": status(old),
            "new_chat_member": status(new),
        }
        return self.update(field, body)

    def message_reaction(self, chat: Chat, sender_id: int, emoji: str) -> dict[str, Any]:
        """She reacted to a message in the chat."""
        target = next((m for m in reversed(chat.visible())), None)
        body = {
            "chat": self.chat_json(chat),
            "message_id": target.message_id if target else 1,
            "user": self.user_json(sender_id),
            "date": self.world.now(),
            "old_reaction": [],
            "new_reaction": [reaction_json(emoji)],
        }
        return self.update("message_reaction", body)

    def message_reaction_count(self, chat: Chat) -> dict[str, Any]:
        """Anonymous reaction counts changed."""
        body = {
            "chat": self.chat_json(chat),
            "message_id": 1,
            "date": self.world.now(),
            "reactions": [{"type": reaction_json("👍"), "total_count": 3}],
        }
        return self.update("message_reaction_count", body)

    def chat_join_request(self, chat: Chat, sender_id: int) -> dict[str, Any]:
        """She asked to join a group or channel the bot administers."""
        body = {
            "chat": self.chat_json(chat),
            "from": self.user_json(sender_id),
            "user_chat_id": sender_id,
            "date": self.world.now(),
        }
        return self.update("chat_join_request", body)

    def chat_boost(self, chat: Chat, sender_id: int, removed: bool) -> dict[str, Any]:
        """A boost added to (or removed from) a channel."""
        source = {"source": "premium", "user": self.user_json(sender_id)}
        boost_id = f"b{self.serial()}"
        if removed:
            body = {
                "chat": self.chat_json(chat),
                "boost_id": boost_id,
                "remove_date": self.world.now(),
                "source": source,
            }
            return self.update("removed_chat_boost", body)
        boost = {
            "boost_id": boost_id,
            "add_date": self.world.now(),
            "expiration_date": self.world.now() + 86400,
            "source": source,
        }
        return self.update("chat_boost", {"chat": self.chat_json(chat), "boost": boost})

    # ------------------------------------------------------------------ updates without a chat

    def inline_query(self, sender_id: int, query: str) -> dict[str, Any]:
        """@jembatan_bot typed in another chat."""
        body = {
            "id": str(self.serial()),
            "from": self.user_json(sender_id),
            "query": query,
            "offset": "",
            "chat_type": "private",
        }
        return self.update("inline_query", body)

    def chosen_inline_result(self, sender_id: int, query: str) -> dict[str, Any]:
        """An inline result was chosen."""
        body = {"result_id": "1", "from": self.user_json(sender_id), "query": query}
        return self.update("chosen_inline_result", body)

    def poll(self) -> dict[str, Any]:
        """A poll's new state."""
        return self.update("poll", self.poll_json(f"p{self.serial()}"))

    def poll_answer(self, sender_id: int) -> dict[str, Any]:
        """She voted in a poll."""
        body = {
            "poll_id": f"p{self.serial()}",
            "user": self.user_json(sender_id),
            "option_ids": [0],
            "option_persistent_ids": ["a"],
        }
        return self.update("poll_answer", body)

    def pre_checkout_query(self, sender_id: int, payload: str) -> dict[str, Any]:
        """A forged payment confirmation question."""
        body = {
            "id": str(self.serial()),
            "from": self.user_json(sender_id),
            "currency": "XTR",
            "total_amount": 1,
            "invoice_payload": payload,
        }
        return self.update("pre_checkout_query", body)

    def shipping_query(self, sender_id: int, payload: str) -> dict[str, Any]:
        """A forged shipping question."""
        address = {
            "country_code": "ID",
            "state": "NTT",
            "city": "Kupang",
            "street_line1": "Jl. Mawar",
            "street_line2": "",
            "post_code": "85111",
        }
        body = {
            "id": str(self.serial()),
            "from": self.user_json(sender_id),
            "invoice_payload": payload,
            "shipping_address": address,
        }
        return self.update("shipping_query", body)

    def purchased_paid_media(self, sender_id: int, payload: str) -> dict[str, Any]:
        """She bought paid media (the bot never sells any)."""
        body = {"from": self.user_json(sender_id), "paid_media_payload": payload}
        return self.update("purchased_paid_media", body)

    def business_connection(self, sender_id: int) -> dict[str, Any]:
        """A business account connected the bot."""
        body = {
            "id": f"bc{self.serial()}",
            "user": self.user_json(sender_id),
            "user_chat_id": sender_id,
            "date": self.world.now(),
            "is_enabled": True,
        }
        return self.update("business_connection", body)

    def deleted_business_messages(self, chat: Chat) -> dict[str, Any]:
        """Messages deleted in a connected business account."""
        body = {
            "business_connection_id": "bc1",
            "chat": self.chat_json(chat),
            "message_ids": [1, 2],
        }
        return self.update("deleted_business_messages", body)

    def business_message(
        self, chat: Chat, sender_id: int, text: str, *, edited: bool = False
    ) -> dict[str, Any]:
        """A message in a chat of a connected business account (private)."""
        stored = self.post(chat, sender_id, "text", text=text, entities=[])
        body = self.message_json(stored, business_connection_id="bc1")
        return self.update("edited_business_message" if edited else "business_message", body)

    def managed_bot(self, sender_id: int) -> dict[str, Any]:
        """A bot created to be managed by this one."""
        other = {"id": 1_234_567, "is_bot": True, "first_name": "Anak", "username": "anak_bot"}
        return self.update("managed_bot", {"user": self.user_json(sender_id), "bot": other})

    def guest_message(self, chat_id: int, sender_id: int, text: str, kind: str) -> dict[str, Any]:
        """The bot called as a guest in a chat it is not a member of (unknown to the simulator)."""
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":  # her chat with someone else
            chat["first_name"] = "Teman"
        else:
            chat["title"] = "Grup lain"
        body = {
            "message_id": self.serial(),
            "from": self.user_json(sender_id),
            "chat": chat,
            "date": self.world.now(),
            "text": text,
            "guest_query_id": f"gq{self.serial()}",
        }
        return self.update("guest_message", body)
