"""What the desk asks storage to do; the host commits them all in one transaction.

Each names the referral by its code; the host applies them to the referral it loaded in that
same transaction, so what was checked is what is changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from flows.core.effects import AnswerButton, EditScreen, SendNotice, SendScreen
from flows.core.status import CaseOutcome, ReferralStatus
from flows.core.types import Screen


@dataclass(frozen=True, slots=True)
class ClaimCase:
    """She claims a new referral (its notifications then say who has it)."""

    code: str


@dataclass(frozen=True, slots=True)
class SetStatus:
    """Moves a claimed case on (contacted, in progress)."""

    code: str
    status: ReferralStatus


@dataclass(frozen=True, slots=True)
class CloseCase:
    """Closes a case with its outcome (the check-in after closure is scheduled)."""

    code: str
    outcome: CaseOutcome


@dataclass(frozen=True, slots=True)
class ReopenCase:
    """A supervisor reopens a closed case."""

    code: str


@dataclass(frozen=True, slots=True)
class AddNote:
    """Stores a note on the case (encrypted)."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class RelayToHer:
    """Stores the caseworker's message to her in the case's thread (encrypted)."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class TellHer:
    """Queues a message to the person of the referral (nothing if she cannot be reached)."""

    code: str
    screen: Screen
    kind: str = "to_her"  # "closing": the one message that may follow the closure


@dataclass(frozen=True, slots=True)
class EndRelay:
    """Closes the case's message thread."""

    code: str


@dataclass(frozen=True, slots=True)
class SetTravelDate:
    """Records the day she travels home and schedules "did you arrive safely?"."""

    code: str
    day: date


@dataclass(frozen=True, slots=True)
class HandOver:
    """Moves the case to another region's office, new again; its caseworkers are told."""

    code: str
    region_code: str
    office_key: str


@dataclass(frozen=True, slots=True)
class SetTyping:
    """Remembers what her next typed message is for."""

    mode: str
    code: str
    extra: str = ""


@dataclass(frozen=True, slots=True)
class ClearTyping:
    """Forgets what her next typed message was for."""


@dataclass(frozen=True, slots=True)
class Audit:
    """Appends to the audit log, as her (subject: the referral's code, if any)."""

    action: str
    code: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class RedeemInvite:
    """Binds this chat account to a staff invite (the turn is void if the invite is not valid)."""

    token: str


StorageEffect: TypeAlias = (
    ClaimCase
    | SetStatus
    | CloseCase
    | ReopenCase
    | AddNote
    | RelayToHer
    | TellHer
    | EndRelay
    | SetTravelDate
    | HandOver
    | SetTyping
    | ClearTyping
    | Audit
    | RedeemInvite
)
ChatEffect: TypeAlias = SendScreen | EditScreen | SendNotice | AnswerButton
DeskEffect: TypeAlias = StorageEffect | ChatEffect
CHAT_EFFECTS = (SendScreen, EditScreen, SendNotice, AnswerButton)
