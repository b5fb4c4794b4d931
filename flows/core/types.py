"""Core data types of the pure flow layer: texts, screens, inputs and her session.

What a step asks the host to do (effects) and its outcome are in flows/core/effects.py.
"""

from __future__ import annotations

from dataclasses import dataclass
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
