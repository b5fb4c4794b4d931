"""Where she is: a typed "kota"/"kab." is honoured, and a shared location suggests her kab/kota."""

from __future__ import annotations

import pytest

from bot.simulator import SimUser
from tests.auxil.harness import Jembatan


async def choose_indonesian(user: SimUser) -> None:
    await user.send("/start")
    await user.press("Bahasa Indonesia")


def saved(user: SimUser) -> str:
    """The bot's text that confirms the saved region (the menu follows it)."""
    return "\n".join(m.text or "" for m in user.bot_messages[-2:])


# (typed, the kab/kota taken at once, the other one of the same name that must not be asked about)
KIND_TYPED = [
    ("kota kupang", "Kota Kupang", "Kabupaten Kupang"),
    ("Kota Kupang", "Kota Kupang", "Kabupaten Kupang"),
    ("kab kupang", "Kabupaten Kupang", "Kota Kupang"),
    ("Kab. Jayapura", "Kabupaten Jayapura", "Kota Jayapura"),
    ("kab jayapura", "Kabupaten Jayapura", "Kota Jayapura"),
    ("kabupaten jaypura", "Kabupaten Jayapura", "Kota Jayapura"),
    ("kota jayapura", "Kota Jayapura", "Kabupaten Jayapura"),
    ("kab. kediri", "Kabupaten Kediri", "Kota Kediri"),
]


@pytest.mark.parametrize(("typed", "taken", "other"), KIND_TYPED)
async def test_a_typed_kota_or_kab_goes_straight_to_that_place(
    jembatan: Jembatan, typed: str, taken: str, other: str
) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await user.send(typed)
    assert f"Kakak di {taken} (" in saved(user), saved(user)
    assert f"Wilayah: {taken}." in user.last_message
    assert not any(other in label for label in user.last_buttons)


async def test_a_name_without_kota_or_kab_still_offers_both(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await user.send("jayapura")
    assert user.last_message == "Maksud Kakak salah satu dari ini?"
    assert "Kota Jayapura (Papua)" in user.last_buttons
    assert "Kabupaten Jayapura (Papua)" in user.last_buttons


async def test_a_shared_location_suggests_the_nearest_kab_kota(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await user.send_location(lat=-10.165, lon=123.585)  # central Kupang
    assert user.last_message.startswith("Ini yang paling dekat dengan lokasi yang Kakak kirim")
    assert "tidak saya simpan" in user.last_message
    assert user.last_buttons[0] == "Kota Kupang (Nusa Tenggara Timur)"
    await user.press("Kota Kupang (Nusa Tenggara Timur)")
    assert "Kakak di Kota Kupang (Nusa Tenggara Timur)" in saved(user)
    assert "Wilayah: Kota Kupang." in user.last_message


async def test_a_location_from_the_menu_changes_the_region(jembatan: Jembatan) -> None:
    user = jembatan.user(language_code="en")
    await user.send("/start")
    await user.press("English")
    await user.send("kota kupang")
    assert "Region: Kupang City" in user.last_message or "Kota Kupang" in user.last_message
    await user.send_location(lat=-2.54, lon=140.70)  # Jayapura
    assert user.last_buttons[0] == "Kota Jayapura (Papua)"
    await user.press("Kota Jayapura (Papua)")
    assert "Kota Jayapura" in user.last_message and "WIT" in saved(user)


async def test_a_location_far_from_indonesia_is_not_guessed(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await user.send_location(lat=51.5, lon=-0.12)
    assert "Saya tidak menemukan kota atau kabupaten di dekat lokasi itu" in saved(user)
    assert user.last_message.startswith("Kakak sekarang ada di kota atau kabupaten mana?")


async def test_a_location_in_the_middle_of_a_request_keeps_her_step(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await user.send("kota kupang")
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    await user.press("🙋 Saya mau ikut")
    asked = user.last_message
    assert "Ya, 18 tahun ke atas" in user.last_buttons
    await user.send_location(lat=-2.54, lon=140.70)
    texts = [m.text or "" for m in user.bot_messages[-2:]]
    assert texts[0].startswith("Saya hanya bisa membaca teks dan tombol.")
    assert user.last_message == asked, "the step she was on is shown again"
    assert "Ya, 18 tahun ke atas" in user.last_buttons


async def test_a_location_in_jakarta_opens_the_jakarta_list(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await choose_indonesian(user)
    await user.send_location(lat=-6.17, lon=106.76)  # West Jakarta
    assert "Ini yang paling dekat dengan lokasi yang Kakak kirim" in saved(user)
    assert user.last_message == "Pilih kota/kabupaten di Daerah Khusus Ibukota Jakarta:"
    assert "Kota Administrasi Jakarta Barat" in user.last_buttons
    await user.press("Kota Administrasi Jakarta Barat")
    assert "Kakak di Kota Administrasi Jakarta Barat" in saved(user)
