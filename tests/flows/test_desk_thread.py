"""The case view pages its thread: each page fits a message, each entry shown once, in order."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.core.i18n import SUPPORTED_LOCALES, Catalogs
from bot.core.text import MAX_MESSAGE_LENGTH, bubble_text
from flows.core.effects import AnswerButton, EditScreen, SendScreen
from flows.core.types import ButtonIn
from flows.desk import engine, thread
from flows.desk.effects import Audit
from flows.desk.model import CaseDetail, DeskSession, button, parse
from flows.desk.screens import case_screen
from tests.auxil.desk import CLAIMER, CODE, case, desk_context
from tests.auxil.flowdriver import NOW, context

CATALOGS = Catalogs.load()
# Long texts with what must not be cut apart: emoji (two UTF-16 units), a flag, a family joined
# with zero-width joiners, a combining accent, and a run without spaces.
FILLERS = (
    "Sudah ditelepon, janji temu hari Kamis di kantor Dinsos. ",
    "Dia bilang 🙏🏽 terima kasih 👩‍👩‍👧 🇮🇩 ",
    "cafe\u0301 ",
    "x" * 997,
)


def long_thread(count: int = 60) -> CaseDetail:
    """A claimed case with `count` long notes and messages, each with a marker at both ends."""
    detail = case("claimed", mine_of=CLAIMER)
    assert detail is not None
    notes, messages = [], []
    start = NOW - timedelta(days=30)
    for n in range(count):
        body = FILLERS[n % len(FILLERS)] * (1 + (n * 7) % 40)
        text = f"[{n:02d}> {body[: 300 + (n * 137) % 3800]} <{n:02d}]"
        at = start + timedelta(hours=n)
        if n % 3 == 0:
            notes.append((at, text))
        else:
            messages.append((at, "to_her" if n % 3 == 1 else "from_her", text))
    history = ((start - timedelta(hours=1), "user:1", "new"), *detail.history[1:])
    return replace(detail, history=history, notes=tuple(notes), thread=tuple(messages))


def original(detail: CaseDetail) -> list[str]:
    """Every text of the thread, oldest first."""
    dated = [(at, text) for at, text in detail.notes]
    dated += [(at, text) for at, _, text in detail.thread]
    return [text for _, text in sorted(dated)]


def test_pages_cover_every_entry_once_in_order_the_newest_first() -> None:
    detail = long_thread()
    paged = thread.pages(thread.entries(detail))
    assert len(paged) > 10
    oldest_first = [entry for page in reversed(paged) for entry in page]
    assert oldest_first[0].kind == "status", "her request opens the thread"
    texts: list[str] = []
    for entry in oldest_first[1:]:
        if entry.first:
            texts.append(entry.text)
        else:
            texts[-1] += entry.text
    assert texts == original(detail), "the pieces put together are every entry, in order"
    assert "<59]" in paged[0][-1].text, "the first page ends with the newest entry"
    assert all(thread.cost(e) <= thread.PAGE_ROOM for e in oldest_first)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_page_fits_one_message_when_rendered(locale: str) -> None:
    tr = CATALOGS.translator(locale, "Asia/Makassar")
    detail = long_thread()
    count = thread.page_count(detail)
    seen = ""
    for page in range(count):
        text = bubble_text(thread.page_bubble(detail, page), tr, limit=10 * MAX_MESSAGE_LENGTH)
        assert thread.units(text) <= MAX_MESSAGE_LENGTH, (page, thread.units(text))
        seen = text + "\n" + seen
    for n in range(60):
        assert seen.count(f"[{n:02d}>") == 1 and seen.count(f"<{n:02d}]") == 1, n
    assert seen.index("[00>") < seen.index("[30>") < seen.index("<59]")


def test_a_long_entry_is_split_between_words_never_inside_a_character() -> None:
    family = "👩‍👩‍👧"
    text = ("kata " * 3) + (family * 2000)
    parts = thread.pieces(text, room=101)
    assert "".join(parts) == text
    assert all(thread.units(p) <= 101 for p in parts)
    assert all(not p.startswith("\u200d") and not p.endswith("\u200d") for p in parts)
    words = thread.pieces("satu dua tiga empat lima enam", room=12)
    assert words == ("satu dua ", "tiga empat ", "lima enam")
    flags = thread.pieces("🇮🇩" * 40, room=14)
    assert "".join(flags) == "🇮🇩" * 40 and all(len(p) % 2 == 0 for p in flags)
    accent = thread.pieces("e\u0301" * 30, room=7)
    assert all(not p.startswith("\u0301") for p in accent)


def test_the_case_view_shows_the_newest_page_with_a_button_to_older_ones() -> None:
    detail = long_thread()
    screen = case_screen(detail, (), context())
    labels = [b.label for row in screen.keyboard for b in row]
    datas = [b.action for row in screen.keyboard for b in row]
    assert button("page:1", CODE) in datas and not any(d.endswith(f"page:-1:{CODE}") for d in datas)
    assert all(len(d.encode()) <= 64 for d in datas)
    assert len(labels) == len(datas)
    assert parse(button("page:1", CODE)) == ("page:1", CODE)


def test_a_page_button_edits_the_same_message_and_is_audited() -> None:
    ctx = replace(desk_context(CLAIMER, "claimed"), case=long_thread())
    last = thread.page_count(long_thread()) - 1
    out = engine.handle(DeskSession(), ButtonIn(button(f"page:{last}", CODE)), ctx)
    edits = [e for e in out.effects if isinstance(e, EditScreen)]
    assert len(edits) == 1 and not any(isinstance(e, SendScreen) for e in out.effects)
    assert len(edits[0].screen.bubbles) == 1, "only the thread's message changes"
    actions = [b.action for row in edits[0].screen.keyboard for b in row]
    assert button(f"page:{last - 1}", CODE) in actions
    assert not any(a.startswith(f"d:page:{last + 1}:") for a in actions), "no page past the oldest"
    assert any(isinstance(e, Audit) and e.action == "case.view" for e in out.effects)


@pytest.mark.parametrize("verb", ["page:99", "page:-1", "page:x", "page:", "page:²"])
def test_a_stale_or_forged_page_gets_the_calm_answer(verb: str) -> None:
    ctx = desk_context(CLAIMER, "claimed")
    out = engine.handle(DeskSession(), ButtonIn(f"d:{verb}:{CODE}"), ctx)
    answers = [e for e in out.effects if isinstance(e, AnswerButton)]
    assert answers and answers[0].text is not None, "the same answer a stale button gets"
    assert any(isinstance(e, Audit) and e.action == "desk.refused" for e in out.effects)
    assert not any(isinstance(e, EditScreen) for e in out.effects)
