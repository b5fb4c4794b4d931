"""What a person sees of a chat: immutable snapshots of messages and their buttons."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.simulator.keyboards import inline_buttons
from bot.simulator.state import StoredMessage


@dataclass(frozen=True)
class InlineButton:
    """A button of an inline keyboard."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ChatMessage:
    """A message as it shows on her screen (edits applied)."""

    message_id: int
    chat_id: int
    from_bot: bool
    kind: str
    text: str | None
    inline_keyboard: list[list[InlineButton]] = field(default_factory=list)
    date: int = 0
    edited: bool = False
    protect_content: bool = False
    document_name: str | None = None
    document_bytes: bytes | None = None
    sender_id: int = 0
    reply_to: int | None = None

    @property
    def buttons(self) -> list[str]:
        """Labels of the inline keyboard, flattened, in order."""
        return [button.text for row in self.inline_keyboard for button in row]


def view(message: StoredMessage) -> ChatMessage:
    """Returns a snapshot of a stored message."""
    keyboard = [
        [
            InlineButton(
                str(b.get("text", "")),
                None if b.get("callback_data") is None else str(b["callback_data"]),
                b.get("url"),
            )
            for b in row
        ]
        for row in inline_buttons(message.reply_markup)
    ]
    document = message.file if message.kind == "document" else None
    return ChatMessage(
        message_id=message.message_id,
        chat_id=message.chat_id,
        from_bot=message.from_bot,
        kind=message.kind,
        text=message.text,
        inline_keyboard=keyboard,
        date=message.date,
        edited=message.edit_date is not None,
        protect_content=message.protect_content,
        document_name=document.file_name if document else None,
        document_bytes=document.content if document else None,
        sender_id=message.sender_id,
        reply_to=message.reply_to,
    )
