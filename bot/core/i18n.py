"""Gettext catalogs and per-person rendering of flow texts (locale and time zone per update)."""

from __future__ import annotations

import gettext
import io
import re
import string
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, get_date_format
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from flows.core.types import MONEY_MARK, Localized, Moment, Money, Param, Part, Plain, Text

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"
DEFAULT_LOCALE = "id"
SUPPORTED_LOCALES = ("id", "en")
BABEL_LOCALES = {"id": "id_ID", "en": "en_GB"}
DEFAULT_TIMEZONE = "Asia/Jakarta"
ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def placeholders(text: str) -> set[str]:
    """Returns the names of the {placeholders} in a text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _compile(po_path: Path, locale: str) -> gettext.GNUTranslations:
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@dataclass(frozen=True)
class Catalogs:
    """The loaded translations of every supported locale."""

    translations: dict[str, gettext.NullTranslations]

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR) -> Catalogs:
        """Reads the .po catalogs (compiled in memory, so they are never stale)."""
        loaded: dict[str, gettext.NullTranslations] = {}
        for locale in SUPPORTED_LOCALES:
            po_path = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
            loaded[locale] = _compile(po_path, locale)
        return cls(loaded)

    def translator(self, locale: str, timezone: str | None = None) -> Translator:
        """Returns a translator for one person: her locale and her region's time zone."""
        if locale not in self.translations:
            locale = DEFAULT_LOCALE
        return Translator(self.translations[locale], locale, ZoneInfo(timezone or DEFAULT_TIMEZONE))


@dataclass(frozen=True)
class Translator:
    """Turns flow texts into strings in one locale and one time zone."""

    translations: gettext.NullTranslations
    locale: str
    tz: ZoneInfo

    def gettext(self, msgid: str) -> str:
        """Translates a msgid (the msgid itself if it has no translation)."""
        return self.translations.gettext(msgid)

    def render(self, part: Part) -> str:
        """Renders a text part with its placeholders filled in."""
        if isinstance(part, Plain):
            return part.value
        if isinstance(part, Localized):
            text = part.get(self.locale, DEFAULT_LOCALE)
            return re.sub(MONEY_MARK, lambda m: self.money(Money(int(m.group(1)))), text)
        if part.plural:
            template = self.translations.ngettext(part.msgid, part.plural, part.n)
        else:
            template = self.gettext(part.msgid)
        values = {name: self.value(value) for name, value in part.params}
        return template.format(**values)

    def moment(self, at: datetime, style: str) -> str:
        """Formats a time in her zone: "14.05", "25 November 2026", "November 2026", or all."""
        babel_locale = BABEL_LOCALES.get(self.locale, self.locale)
        local = at.astimezone(self.tz)
        clock = format_time(local, "short", tzinfo=self.tz, locale=babel_locale)
        if style == "time":
            return clock
        if style == "month":
            return format_date(local, "LLLL y", locale=babel_locale)
        # One date format everywhere, without leading zeros ("Rabu, 2 Desember 2026").
        width = get_date_format("full" if style == "datetime" else "long", locale=babel_locale)
        pattern = width.pattern.replace("dd", "d")
        day = format_date(local, pattern, locale=babel_locale)
        if style == "date":
            return day
        zone = ZONE_NAMES.get(self.tz.key, format_datetime(local, "z", locale=babel_locale))
        return f"{day}, {clock} {zone}"

    def money(self, money: Money) -> str:
        """Formats an amount through Babel: "Rp5.050.000" (id), "Rp 5,050,000" (en)."""
        babel_locale = BABEL_LOCALES.get(self.locale, self.locale)
        if self.locale != "id" and money.currency == "IDR":
            # English in Indonesia writes rupiah as "Rp 5,050,000", not "IDR5,050,000".
            return f"Rp {format_decimal(money.amount, format='#,##0', locale=babel_locale)}"
        return format_currency(money.amount, money.currency, locale=babel_locale)

    def value(self, value: Param) -> str:
        """Formats one placeholder value for this locale and time zone."""
        babel_locale = BABEL_LOCALES.get(self.locale, self.locale)
        if isinstance(value, Moment):
            return self.moment(value.at, value.style)
        if isinstance(value, Money):
            return self.money(value)
        if isinstance(value, datetime):
            return self.moment(value, "datetime")
        if isinstance(value, date):
            return format_date(value, "long", locale=babel_locale)
        if isinstance(value, Text | Plain | Localized):
            return self.render(value)
        return str(value)
