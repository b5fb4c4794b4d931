"""Her words always reach help: long messages, the emergency screen, the urgent call-back at
night, and a confirmation that promises only what usually happens."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.auxil.asking import KUPANG, Request, ask
from tests.auxil.harness import Jembatan
from tests.auxil.regions import type_region
from tests.e2e.test_desk import NEUTRAL, claimed_case, staff
from tests.e2e.test_services import TapCounter, in_region

CALLBACK = "📞 Minta dihubungi petugas (jam kerja)"
URGENT_YES = "✅ Saya setuju (umur saya 18 tahun ke atas)"
DANGER_NOW = "Kalau Kakak dalam bahaya sekarang, jangan tunggu: telepon 110 (polisi) atau 112."
THANKS = "Terima kasih sudah cerita, Kak. Keselamatan Kakak yang utama."


def long_message(last_line: str, length: int = 4000) -> str:
    """A long message of everyday words, with one line at its very end."""
    body = "Kak, saya mau cerita dulu soal kerjaan dan keluarga saya di kampung. "
    text = (body * (length // len(body) + 1))[: length - len(last_line) - 1]
    return text + "\n" + last_line


def words(text: str) -> int:
    return len(text.split())


async def test_a_4000_character_message_with_a_danger_word_in_its_last_line_opens_the_emergency_screen(  # noqa: E501
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_region(user, *KUPANG)
    text = long_message("tolong saya dipukul suami tadi malam")
    assert len(text) == 4000
    before = len(user.bot_messages)
    await user.send(text)
    shown = [m.text or "" for m in user.bot_messages[before:]]
    assert shown[0] == THANKS, "her words are answered, not refused as too long"
    assert shown[-1].startswith(DANGER_NOW)
    assert "terlalu panjang" not in "\n".join(shown)


async def test_a_long_message_without_danger_words_points_to_the_emergency_button(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_region(user, *KUPANG)
    await user.send(long_message("terima kasih ya kak", 800))
    assert user.bot_messages[-1].text is not None
    reply = "\n".join(m.text or "" for m in user.bot_messages[-2:])
    assert "Pesannya terlalu panjang untuk saya. Kalau Kakak sedang dalam bahaya" in reply
    assert any(label.startswith("🆘") for label in user.last_buttons)


async def test_a_4000_character_message_to_her_caseworker_arrives_whole_and_offers_the_emergency_numbers(  # noqa: E501
    jembatan: Jembatan,
) -> None:
    ana, her, code = await claimed_case(jembatan)
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send("Halo Kak, bagaimana kabarnya?")
    await jembatan.open_sealed()
    incoming = her.bot_messages[-1]
    assert (incoming.text or "").startswith(NEUTRAL)
    await her.press("↩ Balas", message=incoming)
    text = long_message("tolong, saya dipukuli lagi tadi malam")
    assert len(text) == 4000
    before = len(ana.bot_messages)
    await her.send(text)
    received = [m.text or "" for m in ana.bot_messages[before:]]
    assert text in received, "her words reach the caseworker whole, in one message"
    assert any(f"Balasan tentang {code}:" in r for r in received)
    answer = "\n".join(m.text or "" for m in her.bot_messages[-3:])
    assert "Terkirim ke petugas." in answer
    assert "Kalau Kakak dalam bahaya sekarang, telepon 110 atau 112" in answer
    assert "🆘 Darurat" in her.last_buttons
    await her.press("🆘 Darurat")
    assert her.last_message.startswith(DANGER_NOW)


async def test_the_urgent_call_back_on_a_friday_night_before_a_region_says_when_the_office_opens(
    jembatan: Jembatan,
) -> None:
    await staff(jembatan, "Ana", ["53.71"], ["*"])
    jembatan.clock.now = datetime(2026, 12, 11, 13, 0, tzinfo=UTC)  # Friday 21:00 WITA
    user = jembatan.user()
    await user.send("/start")
    tap = TapCounter(user)
    await tap.press("🆘 Darurat")
    await tap.press(CALLBACK)
    await tap.press(URGENT_YES)
    assert tap.taps <= 3, "🆘, the call-back, one consent with her age"
    assert "Satu langkah lagi" in "\n".join(m.text or "" for m in user.bot_messages[-2:])
    await type_region(user, *KUPANG)
    done = "\n".join(m.text or "" for m in user.bot_messages[-3:])
    assert "Kode Kakak" in done
    assert "Kantor sedang tutup." in done
    assert "Senin, 14 Desember 2026" in done and "08.00 WITA" in done
    assert "jangan tunggu: telepon 110 atau 112" in done
    assert jembatan.services is not None
    rows = await jembatan.services.db.fetchall("SELECT urgency, region_code FROM referrals")
    assert [(r[0], r[1]) for r in rows] == [("urgent", "53.71")]


async def test_the_emergency_screen_and_the_confirmation_are_short(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, *KUPANG)
    before = len(user.bot_messages)
    await user.send("saya dipukul pacar")
    emergency = [m.text or "" for m in user.bot_messages[before:]]
    assert len(emergency) == 2, emergency
    assert words(emergency[0]) <= 12
    assert words(emergency[1]) <= 60, words(emergency[1])
    assert emergency[1].count("dicek") == 1

    her, code = await ask(jembatan, Request(region=KUPANG, check_ins=None))
    texts = [m.text or "" for m in her.bot_messages]
    [confirmation] = [t for t in texts if f"Kode Kakak: {code}" in t]
    assert words(confirmation) <= 35, words(confirmation)
    assert "paling lambat" not in confirmation
    assert "biasanya membalas lewat chat ini dalam 2 hari kerja" in confirmation
    assert "Kalau sampai 25 November 2026 belum ada kabar, cek di 📋 Permintaan saya." in (
        confirmation
    ), "a usual time to look, two working days on, not a deadline"
    assert confirmation.count("Yang menangani:") == 1, "one level named, no contradiction"


async def test_how_to_questions_on_a_programme_are_answered_from_it(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "kediri", "Kota Kediri (Jawa Timur)")
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    for typed, expected in (
        ("brp biayanya", "💰 Biaya:"),
        ("syaratnya apa", "📄 Syarat:"),
        ("ga ada ktp", "🪪 Tanpa KTP:"),
        ("gmn caranya", "Untuk ikut, tekan 🙋 Saya mau ikut"),
    ):
        await user.send(typed)
        shown = "\n".join(m.text or "" for m in user.bot_messages[-2:])
        assert expected in shown, typed
        assert "saya belum mengerti" not in shown
        assert "🙋 Saya mau ikut" in user.last_buttons
