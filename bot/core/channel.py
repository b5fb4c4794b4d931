"""What the core asks of a channel (Telegram today): what it can do, and the work after a commit.

The core never talks to a messaging service. A turn ends with the replies to the chat that wrote
(flow effects, carried out by the channel) and an `AfterCommit`: outbox rows to send now and
staff notifications whose text changed. A channel declares its `Capabilities`; the core does not
assume that a message can be edited or deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from flows.core.effects import Effect


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can do with a message."""

    edit: bool = True
    delete: bool = True
    protect_content: bool = True
    max_text: int = 4096
    max_buttons: int | None = None  # WhatsApp: 3 reply buttons (or a list of 10 rows)
    max_button_label: int | None = None  # WhatsApp: 20 characters


TELEGRAM = Capabilities()
WHATSAPP = Capabilities(
    edit=False, delete=False, protect_content=False, max_buttons=3, max_button_label=20
)


class NoticeChange(StrEnum):
    """How the staff notifications of a referral change after a turn."""

    TAKEN = "taken"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class NoticeEdit:
    """Staff notifications of one referral to show anew (who claimed it, or that it ended)."""

    referral_id: int
    code: str
    region_code: str
    change: NoticeChange
    claimed_by: int | None = None


@dataclass(slots=True)
class AfterCommit:
    """What a committed turn leaves to do: messages queued for others, notifications to edit."""

    outbox_ids: list[int] = field(default_factory=list)
    notice_edits: list[NoticeEdit] = field(default_factory=list)
    scrub: bool = False  # her data was erased: clean what staff chats show of it

    def extend(self, other: AfterCommit) -> None:
        """Adds another turn's work to this one."""
        self.outbox_ids += other.outbox_ids
        self.notice_edits += other.notice_edits
        self.scrub = self.scrub or other.scrub


class Replies(Protocol):
    """The replies to the chat whose input is being handled, carried out by the channel."""

    async def run(self, effects: Sequence[Effect]) -> None:
        """Carries out the flow's chat effects in order."""
        ...


class Channel(Protocol):
    """A messaging channel as the core sees it."""

    capabilities: Capabilities

    async def after_commit(self, work: AfterCommit) -> None:
        """Sends the queued outbox rows now and edits the changed notifications."""
        ...
