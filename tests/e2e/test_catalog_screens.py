"""What the catalog says reaches her screens: its notes, honest costs, Rupiah through Babel."""

from __future__ import annotations

from bot.simulator import SimUser
from tests.auxil.harness import Jembatan
from tests.e2e.test_services import chat_text, in_region


async def test_a_facility_screen_shows_the_catalog_note(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "kediri", "Kota Kediri (Jawa Timur)")
    await user.press("🩺 Layanan kesehatan")
    await user.press("🔬 Tes HIV dan IMS (rahasia)")
    await user.press("Puskesmas Pesantren II")
    assert "PEP harus dimulai dalam 72 jam" in chat_text(user, 2)


async def test_a_programme_and_going_home_show_their_notes(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    await user.press("🏠 Pulang kampung")
    assert "menunggu pengecekan data oleh LKS (lembaga sosial)" in chat_text(user, 3)
    await user.press("☰ Menu")
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    assert "belum dipastikan" in chat_text(user, 3)


async def first_programme_screens(user: SimUser) -> list[str]:
    """Opens each programme of her list in turn and returns what each screen said."""
    await user.press("🎓 Pelatihan dan bantuan usaha")
    labels = [b for b in user.last_buttons if not b.startswith(("☰", "‹", "🆘", "Lainnya"))]
    screens = [user.last_message]
    for label in labels:
        await user.press(label)
        screens.append(chat_text(user, 3))
        await user.press("‹ Kembali")
    return screens


async def test_no_screen_says_free_unless_the_cost_says_so(jembatan: Jembatan) -> None:
    user = jembatan.user()
    # Jakarta Barat's list holds a national programme whose cost is "ask the office".
    await in_region(user, "jakbar", "Kota Administrasi Jakarta Barat (DKI Jakarta)")
    screens = await first_programme_screens(user)
    assert "gratis" not in screens[0].lower(), "the list does not promise what no cost says"
    atensi = [s for s in screens if "ATENSI" in s and "Biaya:" in s]
    assert atensi, screens
    assert all("gratis" not in s.lower() for s in atensi)
    paid_or_unknown = [s for s in screens[1:] if "Biaya: Tanyakan" in s]
    assert paid_or_unknown and all("gratis" not in s.lower() for s in paid_or_unknown)


async def test_rupiah_amounts_are_formatted_for_her_language(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    await user.press("🏠 Pulang kampung")
    text = chat_text(user, 3)
    assert "Rp5.050.000" in text and "{IDR" not in text

    english = jembatan.user()
    await english.send("/start")
    await english.press("English")
    await english.send("kupang")
    if "Kota Kupang (Nusa Tenggara Timur)" in english.last_buttons:
        await english.press("Kota Kupang (Nusa Tenggara Timur)")
    await english.press("🏠 Going home")
    text = chat_text(english, 3)
    assert "Rp 5,050,000" in text and "Rp5.050.000" not in text and "{IDR" not in text


async def test_english_names_the_office_with_an_article(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await user.send("/start")
    await user.press("English")
    await user.send("kupang")
    if "Kota Kupang (Nusa Tenggara Timur)" in user.last_buttons:
        await user.press("Kota Kupang (Nusa Tenggara Timur)")
    await user.press("🎓 Training and business support")
    await user.press(user.last_buttons[0])
    await user.press("🙋 I want to join")
    await user.press("Yes, 18 or older")
    consent = chat_text(user, 5)
    assert "the Kupang City Social Affairs Office" in consent
    assert "Kak" not in consent
