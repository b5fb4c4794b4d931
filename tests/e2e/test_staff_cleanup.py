"""Her data leaves staff phones too: after erasure, caseworkers' chats show one neutral line."""

from __future__ import annotations

import pytest

from bot.core.retention import erase_on_request, purge
from bot.simulator import SimUser
from tests.auxil.harness import Jembatan
from tests.e2e.test_desk import claimed_case

NICKNAME = "Mawar"
NOTE = "Sudah janji temu hari Kamis di kantor"
TO_HER = "Halo Kak, kapan bisa datang ke kantor?"
FROM_HER = "Besok pagi bisa, saya takut suami tahu"
ERASED = "Data permintaan ini sudah dihapus."


async def worked_case(jembatan: Jembatan) -> tuple[SimUser, SimUser, str]:
    """A claimed case with a note, a message to her, her reply, and its case views."""
    ana, her, code = await claimed_case(jembatan)
    await ana.press("📝 Tambah catatan")
    await ana.send(NOTE)
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send(TO_HER)
    await jembatan.open_sealed()
    await her.press("↩ Balas", message=her.bot_messages[-1])
    await her.send(FROM_HER)
    return ana, her, code


def shown(person: SimUser) -> str:
    """Everything the caseworker's chat still shows, hers and the bot's messages alike."""
    return "\n".join(m.text or "" for m in person.messages)


async def erase(jembatan: Jembatan, how: str, ana: SimUser, her: SimUser, code: str) -> None:
    """Her data goes one of the four ways."""
    assert jembatan.services is not None
    if how == "delete":
        await her.send("/privasi")
        await her.press("🗑 Hapus semua data saya")
        await her.press("🗑 Ya, hapus semuanya")
    elif how == "withdraw":
        await her.send("/privasi")
        await her.press("✋ Batalkan izin")
        await her.press("✋ Ya, batalkan izin")
    elif how == "erase":
        assert await erase_on_request(jembatan.services, code)
        await jembatan.run_due()  # the running bot cleans at its next sweep
    else:
        await ana.press("✅ Tutup dengan hasil")
        await ana.press("Sudah mendapat bantuan")
        jembatan.clock.advance(days=jembatan.services.retention_days + 30)
        report = await purge(jembatan.services, jembatan.clock())
        assert report.referrals == 1
        await jembatan.run_due()
    await jembatan.outbox_idle()


@pytest.mark.parametrize("how", ["delete", "withdraw", "erase", "purge"])
async def test_after_erasure_no_staff_message_shows_her_data(jembatan: Jembatan, how: str) -> None:
    ana, her, code = await worked_case(jembatan)
    before = shown(ana)
    assert all(text in before for text in (NICKNAME, NOTE, TO_HER, FROM_HER))

    await erase(jembatan, how, ana, her, code)

    after = shown(ana)
    for text in (NICKNAME, NOTE, TO_HER, FROM_HER):
        assert text not in after, f"{text!r} still on the caseworker's phone after {how}"
    assert ERASED in after
    cleaned = [m for m in ana.bot_messages if m.text == ERASED]
    assert all(not m.inline_keyboard for m in cleaned), "the buttons go with the content"
    assert jembatan.services is not None
    audit = [e.action for e in await jembatan.services.audit.list()]
    assert "staff.uncleaned" not in audit


async def test_a_message_that_cannot_be_cleaned_is_reported(jembatan: Jembatan) -> None:
    ana, her, code = await worked_case(jembatan)
    jembatan.sim.inject("editMessageText", 400, times=None)
    jembatan.sim.inject("deleteMessage", 400, times=None)
    await erase(jembatan, "delete", ana, her, code)
    jembatan.sim.clear_faults()

    assert jembatan.services is not None
    entries = [e for e in await jembatan.services.audit.list() if e.action == "staff.uncleaned"]
    assert [e.subject for e in entries] == [f"referral:{code}"]
    told = [m.text or "" for m in ana.bot_messages if code in (m.text or "")]
    assert any("tidak bisa dibersihkan" in text for text in told), told
    assert NOTE in shown(ana), "what could not be cleaned is still there: hence the report"


async def test_closing_cleans_staff_chats_when_configured(jembatan: Jembatan) -> None:
    ana, _, _ = await worked_case(jembatan)
    assert jembatan.services is not None
    jembatan.services.clean_staff_on_close = True  # JEMBATAN_CLEAN_STAFF_ON_CLOSE=1
    await ana.press("✅ Tutup dengan hasil")
    await ana.press("Sudah mendapat bantuan")
    await jembatan.outbox_idle()

    after = shown(ana)
    for text in (NICKNAME, NOTE, TO_HER, FROM_HER):
        assert text not in after, f"{text!r} still on the caseworker's phone after closing"
    closed = "Permintaan ini sudah ditutup; rinciannya tidak ditampilkan lagi di chat ini."
    assert closed in after and ERASED not in after, "closing erases nothing: it says so"
