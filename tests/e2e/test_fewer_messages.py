"""Fewer messages where one serves, and nothing she needs lost on the way."""

from __future__ import annotations

from tests.auxil.asking import ask
from tests.auxil.harness import Jembatan


async def test_the_confirmation_is_one_message_that_outlives_the_check_in_answer(
    jembatan: Jembatan,
) -> None:
    her, code = await ask(jembatan)  # answers the check-in offer with "✅ Ya, boleh"
    texts = [m.text or "" for m in her.bot_messages]
    [confirmation] = [t for t in texts if f"Kode Kakak: {code}" in t]
    assert "Yang menangani: Dinas Sosial Kota Kediri." in confirmation
    assert "Petugas biasanya membalas lewat chat ini dalam 2 hari kerja." in (confirmation), (
        "who will reach her and how, in the same message as her code"
    )
    assert "paling lambat" not in confirmation and "📋 Permintaan saya" in confirmation
    assert her.last_message.startswith("Pesan tanya kabar aktif."), "the answer, then the menu"
    assert "Mau lihat apa, Kak?" in her.last_message
    calls = [c.method for c in jembatan.sim.calls]
    assert calls.count("sendMessage") <= 6, calls.count("sendMessage")
