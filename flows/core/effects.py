"""What a step asks the host to do (effects), the views of stored data it reads, its outcome.

Effects are small frozen dataclasses the host carries out; STORAGE_EFFECTS are the ones that
write to storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeAlias

from flows.core.types import Bubble, Screen, Session, Text


@dataclass(frozen=True, slots=True)
class SendScreen:
    """Sends a screen as new messages; seq goes into every button's callback data (if any)."""

    screen: Screen
    seq: int | None


@dataclass(frozen=True, slots=True)
class EditScreen:
    """Replaces the message whose button was pressed with the screen's first bubble."""

    screen: Screen
    seq: int | None


@dataclass(frozen=True, slots=True)
class SendNotice:
    """Sends one standalone message without buttons."""

    bubble: Bubble


@dataclass(frozen=True, slots=True)
class AnswerButton:
    """Answers the pressed button (a short toast), optionally with a text."""

    text: Text | None = None


@dataclass(frozen=True, slots=True)
class DeleteMessages:
    """Deletes messages of this conversation that the host tracked (all when ids is None)."""

    message_ids: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class ShowMyData:
    """Shows her, in plain words, everything that is stored about her (the host reads it)."""


@dataclass(frozen=True, slots=True)
class SendMyDataCopy:
    """Sends her a copy of her stored data as files in this chat."""


@dataclass(frozen=True, slots=True)
class CorrectReferrals:
    """Corrects answers of her open referrals; None leaves an answer as it is.

    nickname "" removes the nickname; window "" removes the safe time.
    """

    nickname: str | None = None
    contact: str | None = None
    window: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerFollowUp:
    """Records her answer to a follow-up question (the host acts on "not yet" and "help")."""

    followup_id: int
    answer: str


@dataclass(frozen=True, slots=True)
class SetReminders:
    """Turns her follow-up messages on (with consent), pauses or stops them."""

    state: str
    consent_version: str = ""


@dataclass(frozen=True, slots=True)
class WithdrawConsent:
    """Withdraws her consents: open referrals end as withdrawn (staff are told), check-ins stop."""


@dataclass(frozen=True, slots=True)
class DeleteMyData:
    """Withdraws everything, then erases every personal value kept about her."""


@dataclass(frozen=True, slots=True)
class CreateReferral:
    """Stores a consented referral, its consent and its first status before anything is shown."""

    code: str
    service: str
    item: str
    region_code: str
    office_key: str
    answers: tuple[tuple[str, str], ...]
    consent_version: str
    consent_locale: str
    consent_given_at: datetime


@dataclass(frozen=True, slots=True)
class CancelReferral:
    """Records that she cancelled one of her referrals."""

    code: str


@dataclass(frozen=True, slots=True)
class RelayIn:
    """Her message to the caseworker of one of her referrals (stored encrypted, then relayed)."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class CloseRelay:
    """She closes the message thread of one of her referrals."""

    code: str


@dataclass(frozen=True, slots=True)
class RevealMessage:
    """Shows a sealed message in place of its preview (sent anew where editing is impossible).

    The screen's button actions are callback data as written (no screen number).
    """

    screen: Screen


@dataclass(frozen=True, slots=True)
class OpenSealed:
    """Records that she opened a sealed message."""

    sealed_id: int


@dataclass(frozen=True, slots=True)
class ForgetSealed:
    """Drops the content of every sealed message already sent to her (a wipe of her chat).

    A preview the wipe cannot delete (older than 48 hours) then opens nothing.
    """


Effect: TypeAlias = (
    SendScreen
    | EditScreen
    | SendNotice
    | AnswerButton
    | DeleteMessages
    | ShowMyData
    | SendMyDataCopy
    | CorrectReferrals
    | AnswerFollowUp
    | SetReminders
    | WithdrawConsent
    | DeleteMyData
    | CreateReferral
    | CancelReferral
    | RelayIn
    | CloseRelay
    | RevealMessage
    | OpenSealed
    | ForgetSealed
)
STORAGE_EFFECTS = (
    CreateReferral,
    CancelReferral,
    RelayIn,
    CloseRelay,
    CorrectReferrals,
    AnswerFollowUp,
    SetReminders,
    WithdrawConsent,
    DeleteMyData,
    OpenSealed,
    ForgetSealed,
)


@dataclass(frozen=True, slots=True)
class ReferralView:
    """One of her referrals as the flows see it (no personal fields)."""

    code: str
    service: str
    item: str
    region_code: str
    office_key: str
    home_region: str
    status: str
    created_at: datetime
    relay_open: bool = False


@dataclass(frozen=True, slots=True)
class FollowUpView:
    """A follow-up message she received and may still answer."""

    id: int
    kind: str
    code: str
    state: str


@dataclass(frozen=True, slots=True)
class SealedView:
    """A sealed message she is opening: its rendered text and its buttons as (label, data)."""

    id: int
    text: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What handling one input produced: the next session and the effects to carry out."""

    session: Session
    effects: tuple[Effect, ...] = field(default_factory=tuple)
