"""The case's thread, paged: status changes, notes and messages, the newest page first.

Desk texts are sent as plain text (no parse mode), so a page holds no HTML tags or entities to
cut; a long entry is split between words, never inside a combined character. Sizes are counted
in UTF-16 code units (what Telegram counts), with room for each entry's label and time.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flows.core.types import Bubble, Moment, Part, Plain, bubble, t
from flows.desk.model import CaseDetail, staff_status

#: What an entry's label, time and line break add to its text, rendered, at most.
ENTRY_ROOM = 120
#: The entries of one page (texts plus their room); the page line fits in the rest of 4,096.
PAGE_ROOM = 3800
#: The longest piece of one entry's text (with its "…" marks it still fits a page).
PIECE = PAGE_ROOM - ENTRY_ROOM - 8
ELLIPSIS = "…"
# Characters a piece must not start with (they belong to the character before them).
JOINERS = frozenset({"\u200d", "\u20e3"})


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of the thread (or one piece of a long one): kind is status, note, to_her..."""

    at: datetime
    kind: str
    text: str
    first: bool = True
    last: bool = True


def units(text: str) -> int:
    """The length of a text as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _clings(char: str) -> bool:
    """A character that belongs to the one before it (a combining mark, joiner, selector)."""
    return (
        unicodedata.combining(char) > 0
        or char in JOINERS
        or unicodedata.category(char) in {"Mn", "Me", "Mc"}
        or 0xFE00 <= ord(char) <= 0xFE0F
        or 0x1F3FB <= ord(char) <= 0x1F3FF
        or 0xE0020 <= ord(char) <= 0xE007F
    )


def _cut(text: str, room: int) -> int:
    """Where to end the first piece of a text: at most `room` units, after a space if any."""
    end, size = 0, 0
    while end < len(text) and size + units(text[end]) <= room:
        size += units(text[end])
        end += 1
    if end == len(text):
        return end
    space = text.rfind(" ", 0, end)
    if space > end // 2:
        return space + 1
    while end > 1 and (_clings(text[end]) or text[end - 1] == "\u200d"):
        end -= 1
    flags = 0  # a flag is a pair of regional indicators: never end between the two
    while flags < end and _regional(text[end - 1 - flags]):
        flags += 1
    if flags % 2 and end > 1 and _regional(text[end]):
        end -= 1
    return end


def _regional(char: str) -> bool:
    """A regional indicator letter (two of them make a flag)."""
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def pieces(text: str, room: int = PIECE) -> tuple[str, ...]:
    """Splits a text into pieces of at most `room` units, between words where it can."""
    found: list[str] = []
    while units(text) > room:
        end = _cut(text, room)
        found.append(text[:end])
        text = text[end:]
    return (*found, text)


def entries(detail: CaseDetail) -> tuple[Entry, ...]:
    """Every entry of the case, oldest first; a long text becomes consecutive pieces."""
    dated: list[tuple[datetime, int, str, str]] = []
    dated += [(at, 0, "status", status) for at, _, status in detail.history]
    dated += [(at, 1, "note", text) for at, text in detail.notes]
    dated += [(at, 2, direction, text) for at, direction, text in detail.thread]
    found: list[Entry] = []
    for at, _, kind, text in sorted(dated, key=lambda d: (d[0], d[1])):
        if kind == "status":
            found.append(Entry(at, kind, text))
            continue
        split = pieces(text)
        found += [
            Entry(at, kind, piece, first=i == 0, last=i == len(split) - 1)
            for i, piece in enumerate(split)
        ]
    return tuple(found)


def cost(entry: Entry) -> int:
    """How much of a page an entry takes, at most."""
    return ENTRY_ROOM + (0 if entry.kind == "status" else units(entry.text))


def pages(found: tuple[Entry, ...]) -> tuple[tuple[Entry, ...], ...]:
    """The entries as pages, newest page first; each page's entries oldest first."""
    paged: list[tuple[Entry, ...]] = []
    page: list[Entry] = []
    used = 0
    for entry in reversed(found):
        if page and used + cost(entry) > PAGE_ROOM:
            paged.append(tuple(reversed(page)))
            page, used = [], 0
        page.append(entry)
        used += cost(entry)
    if page or not paged:
        paged.append(tuple(reversed(page)))
    return tuple(paged)


def page_count(detail: CaseDetail) -> int:
    """How many pages the case's thread has."""
    return len(pages(entries(detail)))


def line(entry: Entry) -> Part:
    """One entry as a line of the page."""
    when = Moment(entry.at, "datetime")
    if entry.kind == "status":
        return t("{when}: {status}", when=when, status=staff_status(entry.text))
    text = (ELLIPSIS if not entry.first else "") + entry.text + ("" if entry.last else ELLIPSIS)
    if not entry.first:
        return Plain(text)
    if entry.kind == "note":
        return t("📝 {when}: {text}", when=when, text=Plain(text))
    if entry.kind == "to_her":
        return t("✉️ {when}, to her: {text}", when=when, text=Plain(text))
    return t("💬 {when}, from her: {text}", when=when, text=Plain(text))


def page_bubble(detail: CaseDetail, page: int) -> Bubble:
    """One page of the case's thread (page 0: the newest entries)."""
    paged = pages(entries(detail))
    page = min(max(page, 0), len(paged) - 1)
    lines: list[Part] = [line(entry) for entry in paged[page]]
    if len(paged) > 1:
        heading = t(
            "History, page {page} of {pages} (1 is the newest)", page=page + 1, pages=len(paged)
        )
        lines.insert(0, heading)
    return bubble(*lines)
