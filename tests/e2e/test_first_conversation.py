"""A person meets the bot: /start, language, region, menu, emergency, privacy — over real HTTP."""

from __future__ import annotations

from bot.simulator import SimUser
from tests.auxil.harness import Jembatan


async def choose_indonesian(user: SimUser) -> None:
    await user.send("/start")
    await user.press("Bahasa Indonesia")


async def press_paging_until(user: SimUser, label: str, more: str = "Lainnya ›") -> None:
    for _ in range(10):
        if label in user.last_buttons:
            await user.press(label)
            return
        await user.press(more)
    raise AssertionError(f"{label!r} never appeared")


def words(text: str) -> int:
    """Words as she reads them: emoji and lone punctuation are not words."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


async def test_start_greets_in_one_short_bubble_and_offers_languages(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await user.send("/start")
    texts = [m.text or "" for m in user.bot_messages]
    assert len(texts) == 1, "one bubble up to her first choice"
    assert words(texts[0]) <= 50, f"{words(texts[0])} words"
    assert texts[0].startswith("Halo, Kak! 👋 Ini Jembatan.")
    assert "Siapa pun yang pegang HP ini bisa membaca chat ini" in texts[0], "limits are told"
    assert "cara menghapusnya ada di 🔒 Privasi" in texts[0], "where to erase the chat is told"
    assert user.last_message.endswith("Pilih bahasa / Choose language"), "asked in the greeting"
    assert user.last_buttons == ["Bahasa Indonesia", "English", "🆘 Darurat"]


async def test_start_in_english_is_as_short(jembatan: Jembatan) -> None:
    user = jembatan.user(language_code="en")
    await user.send("/start")
    await user.press("English")
    await user.send("/start")
    text = user.last_message
    assert text.startswith("Hello! 👋 This is Jembatan."), text
    assert words(text) <= 50, f"{words(text)} words"
    assert "how to erase it is in 🔒 Privacy" in text


async def test_region_by_buttons_in_indonesian(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    assert user.last_message.startswith("Kakak sekarang ada di kota atau kabupaten mana?")
    await press_paging_until(user, "Jawa Timur")
    assert user.last_message == "Pilih kota/kabupaten di Jawa Timur:"
    await press_paging_until(user, "Kota Kediri")
    saved = "Oke, Kakak di Kota Kediri (Jawa Timur). Jam yang saya tulis pakai WIB "
    assert user.last_message.startswith(saved + "(sekarang pukul 14.05).")
    assert "Mau lihat apa, Kak?" in user.last_message
    assert "Wilayah: Kota Kediri." in user.last_message


async def test_english_and_a_typed_region_with_a_typo(jembatan: Jembatan) -> None:
    user = jembatan.user(language_code="en")
    await user.send("/start")
    await user.press("English")
    assert user.last_message.startswith("Which city or regency are you in now?")
    await user.send("kupng")
    assert user.last_message == "Did you mean one of these?"
    await user.press("Kota Kupang (Nusa Tenggara Timur)")
    texts = [m.text or "" for m in user.bot_messages]
    assert any("Kota Kupang" in t and "WITA" in t and "15:05" in t for t in texts), texts[-3:]
    assert "What would you like to see?" in user.last_message


async def test_palangka_raya_is_western_time(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await user.send("palangkaraya")  # the one match is taken directly
    assert any(
        "Kota Palangka Raya (Kalimantan Tengah)" in (m.text or "") for m in user.bot_messages
    )
    assert any("WIB" in (m.text or "") and "14.05" in (m.text or "") for m in user.bot_messages)


async def test_emergency_numbers_with_verified_dates(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await user.send("kupang")
    await user.press("Kota Kupang (Nusa Tenggara Timur)")
    await user.press("🆘 Bantuan darurat")
    chat = "\n".join(m.text or "" for m in user.bot_messages)
    for number in ("110", "112", "129", "0811-1129-129"):
        assert number in chat
    assert chat.count("(Nomor dicek 23 November 2026.)") == 1
    assert user.last_buttons[-2:] == ["☰ Menu", "🧹 Keluar cepat"]
    await user.press("☰ Menu")
    assert "Mau lihat apa, Kak?" in user.last_message


async def test_emergency_by_command_before_anything_else(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await user.send("/darurat")
    assert "129" in "\n".join(m.text or "" for m in user.bot_messages)


async def test_privacy_information(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await user.press("☰ Menu")
    await user.press("🔒 Privasi")
    chat = "\n".join(m.text or "" for m in user.bot_messages[-4:])
    assert "Yang disimpan Jembatan" in chat
    assert "Satpol PP" in chat
    assert "Bersihkan riwayat" in chat


async def test_language_can_be_changed_from_the_menu(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await user.press("☰ Menu")
    await user.press("🌐 Bahasa")
    await user.press("English")
    assert "What would you like to see?" in user.last_message


async def test_restart_after_the_province_step_continues_at_kab_kota(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await press_paging_until(user, "Jawa Timur")
    await jembatan.restart()
    await press_paging_until(user, "Kota Kediri")
    assert "Mau lihat apa, Kak?" in user.last_message
    assert "Kota Kediri" in user.last_message


async def test_the_command_menu_is_published_in_both_languages(jembatan: Jembatan) -> None:
    calls = [c for c in jembatan.sim.calls if c.method == "setMyCommands"]
    assert len(calls) == 2
    assert {c.params.get("language_code") for c in calls} == {None, "en"}
