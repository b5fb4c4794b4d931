"""Core data types of the pure flow layer: texts, screens, inputs, effects.

Over 400 lines on purpose: these small frozen dataclasses are the vocabulary every flow and host
shares, and keeping them in one module keeps one import for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeAlias


@dataclass(frozen=True, slots=True)
class Text:
    """A translatable text: a gettext msgid and its named placeholder values."""

    msgid: str
    params: tuple[tuple[str, Param], ...] = ()
    #: With a plural msgid, n chooses the form through the catalog's plural rule (see tn()).
    plural: str = ""
    n: int = 0


@dataclass(frozen=True, slots=True)
class Plain:
    """Text that comes from data (a region name, a phone number) and is never translated."""

    value: str


@dataclass(frozen=True, slots=True)
class Localized:
    """Text from the service catalog, given per locale ({"id": ..., "en": ...})."""

    values: tuple[tuple[str, str], ...]

    def get(self, locale: str, default_locale: str = "id") -> str:
        """Returns the text for a locale, falling back to the default locale."""
        table = dict(self.values)
        return table.get(locale) or table.get(default_locale) or next(iter(table.values()), "")


@dataclass(frozen=True, slots=True)
class Moment:
    """A point in time to show in the person's own time zone, as a time, a date, or both."""

    at: datetime
    style: str = "datetime"


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of money in whole units (Rupiah by default), formatted for her locale."""

    amount: int
    currency: str = "IDR"


#: How a catalog text writes an amount so that it is formatted per locale: "{IDR 5050000}".
MONEY_MARK = r"\{IDR (\d+)\}"


def clock_time(at: datetime) -> Moment:
    """Shows only the time of day (in her zone)."""
    return Moment(at, "time")


Param: TypeAlias = str | int | date | Moment | Money | Text | Plain | Localized
Part: TypeAlias = Text | Plain | Localized


def t(msgid: str, **params: Param) -> Text:
    """Marks a msgid for extraction and binds its named placeholders."""
    return Text(msgid, tuple(sorted(params.items())))


def tn(msgid: str, plural: str, n: int, **params: Param) -> Text:
    """Marks a msgid with its plural form; n picks the form ("1 message", "3 messages")."""
    return Text(msgid, tuple(sorted(params.items())), plural, n)


@dataclass(frozen=True, slots=True)
class Bubble:
    """One chat message: its parts are joined by blank lines; one idea per bubble."""

    parts: tuple[Part, ...]


def bubble(*parts: Part) -> Bubble:
    """Builds a chat message from text parts."""
    return Bubble(parts)


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: a visible label and the action it triggers on the current screen."""

    label: Part
    action: str


@dataclass(frozen=True, slots=True)
class Screen:
    """What the person sees: one or more bubbles, the last carrying the keyboard.

    contact_button asks Telegram to show a "share my phone number" key under the text box
    (on the first bubble); remove_contact_button takes that key away again (on the first bubble,
    which then carries no inline buttons). Both make the screen arrive as new messages.
    """

    name: str
    bubbles: tuple[Bubble, ...]
    keyboard: tuple[tuple[Button, ...], ...] = ()
    contact_button: Text | None = None
    remove_contact_button: bool = False

    def actions(self) -> frozenset[str]:
        """Returns every action a button of this screen can trigger."""
        return frozenset(b.action for row in self.keyboard for b in row)


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class TextIn:
    """A typed message."""

    text: str


@dataclass(frozen=True, slots=True)
class CommandIn:
    """A slash command, without the slash and the bot's @username."""

    name: str
    args: str = ""


@dataclass(frozen=True, slots=True)
class ButtonIn:
    """A pressed inline button: the raw callback data, still to be validated."""

    data: str


@dataclass(frozen=True, slots=True)
class ContactIn:
    """A shared contact; own is true when she shared her own number."""

    phone: str
    own: bool


@dataclass(frozen=True, slots=True)
class MediaIn:
    """Anything that is not text: sticker, photo, voice, document, location, edited message."""

    kind: str


@dataclass(frozen=True, slots=True)
class LocationIn:
    """A shared location: used once to suggest the nearest kab/kota, never stored."""

    latitude: float
    longitude: float


Input: TypeAlias = TextIn | CommandIn | ButtonIn | ContactIn | MediaIn | LocationIn


# ----------------------------------------------------------------------------- effects


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


# ----------------------------------------------------------------------------- session


@dataclass(frozen=True, slots=True)
class Session:
    """A person's conversation state: plain data that survives restarts."""

    locale: str = "id"
    region_code: str | None = None
    state: str = "welcome"
    params: tuple[tuple[str, str], ...] = ()
    seq: int = 0
    draft: tuple[tuple[str, str], ...] = ()
    shared_phone: bool = False

    def param(self, key: str, default: str = "") -> str:
        """Returns a parameter of the current state."""
        return dict(self.params).get(key, default)

    def answer(self, key: str, default: str = "") -> str:
        """Returns an answer of the referral being drafted."""
        return dict(self.draft).get(key, default)

    def to_dict(self) -> dict[str, object]:
        """Serialises the session for storage."""
        return {
            "locale": self.locale,
            "region_code": self.region_code,
            "state": self.state,
            "params": dict(self.params),
            "seq": self.seq,
            "draft": dict(self.draft),
            "shared_phone": self.shared_phone,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object] | None) -> Session:
        """Restores a session from storage; unknown or missing data gives a fresh session."""
        if not data:
            return cls()
        region = data.get("region_code")
        seq = data.get("seq")
        return cls(
            locale=str(data.get("locale") or "id"),
            region_code=str(region) if region else None,
            state=str(data.get("state") or "welcome"),
            params=_pairs(data.get("params")),
            seq=seq if isinstance(seq, int) else 0,
            draft=_pairs(data.get("draft")),
            shared_phone=data.get("shared_phone") is True,
        )


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        return ()
    return tuple(sorted((str(k), str(v)) for k, v in value.items()))
