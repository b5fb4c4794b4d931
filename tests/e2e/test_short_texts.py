"""Her texts are short and name things one way: the check-in offer, its setting, the deletion."""

from __future__ import annotations

from bot.simulator import SimUser
from tests.auxil.asking import ANY_TIME, Request, ask
from tests.auxil.harness import Jembatan


def words(text: str) -> int:
    """Words as she reads them: emoji and lone punctuation are not words."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def bubble_with(user: SimUser, start: str) -> str:
    """The text of the latest bubble (or paragraph of one) that starts with the given words."""
    for message in reversed(user.bot_messages):
        for paragraph in (message.text or "").split("\n"):
            if paragraph.startswith(start):
                return paragraph
    raise AssertionError(f"no bubble starts with {start!r}")


async def test_the_check_in_offer_is_one_short_question(jembatan: Jembatan) -> None:
    her, _ = await ask(jembatan, Request(check_ins=None))
    offer = bubble_with(her, "Boleh saya kirim pesan singkat nanti")
    assert words(offer) <= 30, f"{words(offer)} words: {offer}"
    assert "Jembatan" not in offer, "the bot speaks as saya"
    assert "malam" in offer and "dihentikan kapan saja" in offer
    assert her.last_buttons[:2] == ["✅ Ya, boleh", "Tidak usah"]
    await her.press("Tidak usah")
    assert "Baik, tidak ada pesan tanya kabar." in her.last_message


def test_the_check_in_offer_is_as_short_in_english() -> None:
    from bot.core.i18n import Catalogs
    from flows.followups import REMINDERS_OFFER

    offer = Catalogs.load().translator("en").render(REMINDERS_OFFER)
    assert offer.startswith("May I send a short message later")
    assert words(offer) <= 30, f"{words(offer)} words: {offer}"


async def test_check_ins_are_named_the_same_way_in_privacy(jembatan: Jembatan) -> None:
    her, _ = await ask(jembatan, Request(check_ins=False))
    await her.send("/privasi")
    await her.press("🔔 Pesan tanya kabar")
    assert her.last_message.startswith("Pesan tanya kabar tidak aktif.")
    assert "mati" not in her.last_message
    assert "🔔 Aktifkan" in her.last_buttons
    await her.press("🔔 Aktifkan")
    assert "Pesan tanya kabar aktif." in her.last_message
    assert her.last_buttons[:2] == ["⏸ Jeda", "✋ Hentikan"]


async def test_deleting_everything_answers_in_her_language_without_buttons(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user(language_code="en")
    await user.send("/start")
    await user.press("English")
    await user.send("kota kupang")
    await user.send("/privasi")
    await user.press("🗑 Delete all my data")
    assert user.last_message.startswith("Delete everything I keep about you?")
    await user.press("🗑 Yes, delete everything")
    assert user.last_message == (
        "Everything I kept about you is deleted.\n"
        "If you write to me again, we start from the beginning."
    )
    assert user.last_buttons == []


async def test_the_summary_names_the_health_service_once(jembatan: Jembatan) -> None:
    her = jembatan.user()
    await her.send("/start")
    await her.press("Bahasa Indonesia")
    await her.send("kota kupang")
    await her.press("🩺 Layanan kesehatan")
    await her.press("🔬 Tes HIV dan IMS (rahasia)")
    assert her.last_message.startswith("Tempat yang bisa didatangi untuk tes HIV dan IMS:")
    await her.press("Tes HIV dan IMS (VCT/KTS) di Puskesmas terdekat atau RSUD")
    await her.press("🙋 Bantu saya ke sana")
    await her.press("Ya, 18 tahun ke atas")
    await her.press("✅ Saya setuju")
    await her.press(ANY_TIME)
    await her.press("Lewati")
    await her.press("Ya, hanya saya")
    summary = her.last_message
    assert "• Bantuan: Tes HIV dan IMS (VCT/KTS) di Puskesmas terdekat atau RSUD" in summary
    assert "Layanan kesehatan:" not in summary, "no double label"
