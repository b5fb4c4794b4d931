"""End to end: text typed for a case that ended reaches nobody; another service sees no case."""

from __future__ import annotations

import pytest

from bot.simulator import SimUser
from tests.auxil.harness import Jembatan
from tests.e2e.test_desk import refer, staff

KUPANG = ("kupang", "Kota Kupang (Nusa Tenggara Timur)")
NOT_SENT = "Tidak terkirim: permintaan {code} tidak lagi terbuka untuk pesan"
NOT_SAVED = "Tidak tersimpan: permintaan {code} tidak bisa lagi dikerjakan dari sini"


async def end_it(jembatan: Jembatan, her: SimUser, boss: SimUser, how: str, code: str) -> None:
    """She cancels, withdraws or erases everything; or a supervisor closes the case."""
    if how == "cancelled":
        await her.send("/permintaan")
        await her.press(her.last_buttons[0])
        await her.press("✖ Batalkan permintaan ini")
        await her.press("Ya, batalkan")
    elif how == "withdrawn":
        await her.send("/privasi")
        await her.press("✋ Batalkan izin")
        await her.press("✋ Ya, batalkan izin")
    elif how == "erased":
        await her.send("/privasi")
        await her.press("🗑 Hapus semua data saya")
        await her.press("🗑 Ya, hapus semuanya")
    else:
        await boss.forge_callback(f"d:open:{code}")
        await boss.press("✅ Tutup dengan hasil")
        await boss.press("Sudah mendapat bantuan")


@pytest.mark.parametrize("how", ["withdrawn", "cancelled", "closed", "erased"])
@pytest.mark.parametrize("mode", ["relay", "note"])
async def test_a_relay_or_note_typed_after_the_case_ended_reaches_nobody(
    jembatan: Jembatan, mode: str, how: str
) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    boss = await staff(jembatan, "Dewi", ["53.71"], ["*"], role="supervisor")
    code = await refer(jembatan, *KUPANG)
    her: SimUser = jembatan.beneficiary  # type: ignore[attr-defined]
    await ana.press("✋ Ambil", message=ana.bot_messages[-1])
    await ana.press("✉️ Tulis ke pemohon" if mode == "relay" else "📝 Tambah catatan")
    await end_it(jembatan, her, boss, how, code)
    seen_by_her = len(her.bot_messages)

    await ana.send("Halo Kak, kapan bisa datang ke kantor?")
    expected = NOT_SENT if mode == "relay" else NOT_SAVED
    assert ana.last_message.startswith(expected.format(code=code)), ana.last_message
    assert len(her.bot_messages) == seen_by_her, "nothing reached her"
    assert all("kapan bisa datang" not in (m.text or "") for m in her.bot_messages)
    assert jembatan.services is not None
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None
    assert await jembatan.services.casework.notes(referral.id) == []
    assert await jembatan.services.casework.relay_thread(referral.id) == []
    refused = [e for e in await jembatan.services.audit.list() if e.action == "desk.refused"]
    assert refused, "the refusal is audited"
    await ana.send("Lagi")
    assert ana.last_message.startswith("Silakan pakai tombol"), "the typing mode is over"


async def test_another_service_in_the_same_region_sees_no_case(jembatan: Jembatan) -> None:
    await staff(jembatan, "Ana", ["53.71"], ["*"])
    health = await staff(jembatan, "Eko", ["53.71"], ["health"])
    code = await refer(jembatan, *KUPANG)
    await health.forge_callback(f"d:open:{code}")
    await health.forge_callback(f"d:claim:{code}")
    seen = "\n".join(m.text or "" for m in health.bot_messages)
    assert "Mawar" not in seen and f"Permintaan {code}\n" not in seen
    assert health.last_callback_answer == "Menu itu sudah tidak berlaku. Ini menu yang terbaru."
    assert jembatan.services is not None
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None and referral.status == "new"
    await health.send("/antrian")
    assert code not in health.last_message + " ".join(health.last_buttons)
