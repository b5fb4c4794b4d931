"""A long case thread end to end: the case view pages it instead of cutting the newest entries."""

from __future__ import annotations

from bot.simulator import SimUser
from tests.auxil.harness import Jembatan
from tests.e2e.test_desk import claimed_case

LIMIT = 4096
OLDER, NEWER = "◀ Lebih lama", "Lebih baru ▶"


def note(n: int) -> str:
    """A long note with a marker at both ends."""
    return (
        f"[catatan {n:02d}] "
        + ("Sudah ditelepon, janji temu di kantor. " * 48)
        + f"[akhir {n:02d}]"
    )


def page_message(person: SimUser) -> tuple[int, str]:
    """The id and text of the newest message carrying the case's paging buttons."""
    for message in reversed(person.bot_messages):
        labels = [b.text for row in message.inline_keyboard for b in row]
        if OLDER in labels or NEWER in labels:
            return message.message_id, message.text or ""
    raise AssertionError("no paged case view")


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def test_a_long_thread_is_paged_newest_first_down_to_the_oldest_entry(
    jembatan: Jembatan,
) -> None:
    ana, her, code = await claimed_case(jembatan)
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send("Halo Kak, kapan bisa datang?")
    await jembatan.open_sealed()
    await her.press("↩ Balas", message=her.bot_messages[-1])
    await her.send("Besok pagi bisa, Kak")
    for n in range(1, 9):
        await ana.press("📝 Tambah catatan")
        await ana.send(note(n))
    assert len(note(1)) < 2000 and 8 * len(note(1)) > 3 * LIMIT, "a thread of several pages"

    shown, newest = page_message(ana)
    assert "[akhir 08]" in newest, "the newest entry is on the first page"
    assert f"Permintaan {code}" not in newest, "the header stays in its own message above"
    assert "Riwayat, halaman 1 dari" in newest
    count = len(ana.bot_messages)
    seen = [newest]
    while OLDER in [b.text for row in ana.bot_messages[-1].inline_keyboard for b in row]:
        await ana.press(OLDER)
        assert len(ana.bot_messages) == count, "a page edits the same message"
        page_id, text = page_message(ana)
        assert page_id == shown
        seen.append(text)
    oldest = seen[-1]
    assert "Baru" in oldest and "[catatan 01]" in oldest, "the last page holds the oldest entries"
    assert "Halo Kak, kapan bisa datang?" in "\n".join(seen)
    assert "Besok pagi bisa, Kak" in "\n".join(seen)
    for n in range(1, 9):
        assert sum(f"[catatan {n:02d}]" in page for page in seen) == 1, n
    await ana.press(NEWER)
    assert page_message(ana) == (shown, seen[-2])
    assert all(utf16(m.text or "") <= LIMIT for m in ana.bot_messages), "no message is cut"
    await ana.press("📝 Tambah catatan")
    assert ana.last_message.startswith("Ketik catatan"), "the case's buttons stay on every page"
