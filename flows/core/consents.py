"""Consent texts and their versions: a version names the exact words she agreed to.

A version is derived from the texts themselves: a short hash of their msgids and of both
translations, so changing one word in any language changes it. Every version's words are kept
in the repository (flows/data/consents/<version>.json) with the date they were recorded, and
"Data saya" and the export show them. A test fails while the current texts have no file:
`python -m bot.admin.consent_versions YYYY-MM-DD` writes it.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from flows.core.types import Text

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
VERSIONS_DIR = Path(__file__).resolve().parents[1] / "data" / "consents"
LOCALES = ("id", "en")
#: The consent texts by purpose prefix (stored with each consent as its version's start).
REFERRAL = "referral-consent"
URGENT = "urgent-consent"
FOLLOWUPS = "followup-consent"
#: What a placeholder of a consent text reads as when shown later, outside its request.
FILL: Mapping[str, Mapping[str, str]] = {
    "id": {"office": "kantor tujuan", "title": "layanan yang Kakak pilih"},
    "en": {"office": "the office", "title": "the service you chose"},
}


@dataclass(frozen=True)
class Recorded:
    """One version of a consent text, as kept in the repository."""

    version: str
    purpose: str
    recorded: str  # the day it was recorded (ISO)
    msgids: tuple[str, ...]
    words: Mapping[str, tuple[str, ...]]  # locale -> the texts in that language
    note: str = ""


@cache
def _catalog(locale: str) -> Mapping[str, str]:
    path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    return {str(m.id): str(m.string) for m in catalog if m.id and isinstance(m.id, str)}


def translated(msgids: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The texts in every language, from the catalogs (the msgid where a text is missing)."""
    return {locale: tuple(_catalog(locale).get(m) or m for m in msgids) for locale in LOCALES}


def digest(msgids: Sequence[str]) -> str:
    """A short hash of the msgids and their translations: one changed word changes it."""
    h = hashlib.sha256()
    words = translated(msgids)
    for part in (*msgids, *(w for locale in LOCALES for w in words[locale])):
        h.update(part.encode("utf-8") + b"\x00")
    return h.hexdigest()[:8]


@cache
def recorded() -> dict[str, Recorded]:
    """Every version kept in the repository, by version."""
    found: dict[str, Recorded] = {}
    for path in sorted(VERSIONS_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["version"]] = Recorded(
            version=data["version"],
            purpose=data["purpose"],
            recorded=data["recorded"],
            msgids=tuple(data["msgids"]),
            words={k: tuple(v) for k, v in data["words"].items()},
            note=data.get("note", ""),
        )
    return found


def _by_digest(purpose: str, hashed: str) -> Recorded | None:
    for item in recorded().values():
        if item.purpose == purpose and item.version.endswith("-" + hashed):
            return item
    return None


@cache
def _version(purpose: str, msgids: tuple[str, ...]) -> str:
    hashed = digest(msgids)
    kept = _by_digest(purpose, hashed)
    return kept.version if kept is not None else f"{purpose}-{hashed}"


def version(purpose: str, texts: Sequence[Text]) -> str:
    """The version of these consent texts: the recorded one, else purpose and hash alone."""
    return _version(purpose, tuple(text.msgid for text in texts))


def words(text_version: str, locale: str, days: int) -> tuple[str, ...] | None:
    """The words of a kept version in a language (placeholders filled), None if not kept."""
    kept = recorded().get(text_version)
    if kept is None:
        return None
    texts = kept.words.get(locale) or kept.words.get("id") or kept.msgids
    fill = {**FILL.get(locale, FILL["id"]), "days": str(days)}
    return tuple(_fill(text, fill) for text in texts)


def note(text_version: str) -> str:
    """What is known about a kept version beyond its words (e.g. an id once used for two texts)."""
    kept = recorded().get(text_version)
    return kept.note if kept is not None else ""


def _fill(text: str, fill: Mapping[str, str]) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return text.format_map({name: fill.get(name, "…") for name in names})


def record(purpose: str, texts: Sequence[Text], day: date, note: str = "") -> Path:
    """Writes the current version of these texts to the repository (kept once written)."""
    msgids = tuple(text.msgid for text in texts)
    hashed = digest(msgids)
    kept = _by_digest(purpose, hashed)
    if kept is not None:
        return VERSIONS_DIR / f"{kept.version}.json"
    name = f"{purpose}-{day.isoformat()}-{hashed}"
    return write(name, purpose, day, msgids, translated(msgids), note)


def write(
    name: str,
    purpose: str,
    day: date,
    msgids: Sequence[str],
    texts: Mapping[str, Sequence[str]],
    note: str = "",
) -> Path:
    """Writes one version file."""
    VERSIONS_DIR.mkdir(parents=True, exist_ok=True)
    data = {
        "version": name,
        "purpose": purpose,
        "recorded": day.isoformat(),
        "msgids": list(msgids),
        "words": {locale: list(texts[locale]) for locale in LOCALES},
        **({"note": note} if note else {}),
    }
    path = VERSIONS_DIR / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    recorded.cache_clear()
    _version.cache_clear()
    return path
