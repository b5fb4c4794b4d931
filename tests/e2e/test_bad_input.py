"""Stale and forged buttons, groups, non-text kinds, Telegram errors: calm replies, nothing lost."""

from __future__ import annotations

import pytest

from bot.simulator import SimUser
from tests.auxil.harness import Jembatan

STALE = "Menu itu sudah tidak berlaku. Ini menu yang terbaru."
CALM_MEDIA = "Saya hanya bisa membaca teks dan tombol."


async def at_regency_step(user: SimUser) -> None:
    await user.send("/start")
    await user.press("Bahasa Indonesia")
    await user.send("kediri")
    assert user.last_message == "Maksud Kakak salah satu dari ini?"


async def test_button_from_an_old_message_gets_the_current_screen(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await user.send("/start")
    await user.press("Bahasa Indonesia")
    province_list = user.bot_messages[-1]
    assert "Aceh" in user.last_buttons
    await user.send("kupang")
    await user.press("Kota Kupang (Nusa Tenggara Timur)")
    before = len(user.bot_messages)
    await user.press("Aceh", message=province_list)
    assert user.last_callback_answer == STALE
    assert len(user.bot_messages) > before
    assert user.last_message.startswith("Mau lihat apa, Kak?")
    assert "Kota Kupang" in user.last_message, "her region stayed as it was"


@pytest.mark.parametrize("data", ["1:reg:53.71", "not-a-button", "999999:menu", "0:lang:en"])
async def test_forged_callback_data_changes_nothing(jembatan: Jembatan, data: str) -> None:
    user = jembatan.user()
    await at_regency_step(user)
    await user.forge_callback(data)
    assert user.last_callback_answer == STALE
    assert user.last_message == "Maksud Kakak salah satu dari ini?"
    await user.press("Kota Kediri (Jawa Timur)")
    assert "Wilayah: Kota Kediri." in user.last_message


# A shared location suggests her kab/kota instead (tests/e2e/test_region_search.py).
@pytest.mark.parametrize("action", ["send_sticker", "send_photo", "send_voice", "send_document"])
async def test_non_text_messages_get_a_calm_reply(jembatan: Jembatan, action: str) -> None:
    user = jembatan.user()
    await at_regency_step(user)
    await getattr(user, action)()
    texts = [m.text or "" for m in user.bot_messages[-2:]]
    assert texts[0].startswith(CALM_MEDIA)
    assert texts[1] == "Maksud Kakak salah satu dari ini?", "the step she was on is shown again"
    await user.press("Kota Kediri (Jawa Timur)")
    assert "Wilayah: Kota Kediri." in user.last_message


async def test_shared_contact_is_refused_and_not_kept(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await at_regency_step(user)
    await user.send_contact(phone_number="+6281234567890", own=True)
    assert (
        user.bot_messages[-2].text
        == "Di sini tidak perlu mengirim nomor HP. Nomor itu tidak saya simpan."
    )
    raw = jembatan.settings.database.read_bytes()
    wal = jembatan.settings.database.with_name(jembatan.settings.database.name + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert b"6281234567890" not in raw


async def test_edited_message_and_5000_characters(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await at_regency_step(user)
    await user.send("x" * 5000)
    assert user.bot_messages[-2].text == (
        "Pesannya terlalu panjang untuk saya. Kalau Kakak sedang dalam bahaya, tekan 🆘 Darurat. "
        "Selain itu, tulis singkat saja atau pakai tombol."
    )
    await user.edit_sent(text="kupang")
    assert (
        user.bot_messages[-2].text
        == "Saya tidak bisa membaca pesan yang diedit. Silakan kirim pesan baru."
    )
    assert user.last_message == "Maksud Kakak salah satu dari ini?"


async def test_group_chat_gets_one_sentence_and_nothing_is_stored(jembatan: Jembatan) -> None:
    alice, bob = jembatan.user("Alice"), jembatan.user("Bob")
    group = jembatan.sim.group(title="Arisan RT 05", members=[alice, bob])
    await group.send(alice, "/start")
    await group.send(bob, "halo semua")
    assert group.last_message.startswith("Saya hanya bisa dipakai lewat chat pribadi.")
    assert all(not m.inline_keyboard for m in group.messages)
    assert jembatan.services is not None
    for person in (alice, bob):
        assert await jembatan.services.users.get(person.user_id) is None


async def test_a_telegram_error_gets_a_calm_reply_and_keeps_her_progress(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await at_regency_step(user)
    jembatan.sim.inject("editMessageText", 500, times=1)
    await user.press("Kota Kediri (Jawa Timur)")
    assert user.last_message in {
        "Maaf, Kak, ada gangguan di sistem saya. Silakan coba lagi.",
    } or user.last_message.startswith("Mau lihat apa, Kak?")
    await user.send("/menu")
    assert "Wilayah: Kota Kediri." in user.last_message, "the region she chose was kept"


async def test_rate_limited_replies_arrive_after_retry_after(jembatan: Jembatan) -> None:
    user = jembatan.user()
    jembatan.sim.inject("sendMessage", 429, retry_after=1, times=1)
    await user.send("/start")
    assert user.last_message.endswith("Pilih bahasa / Choose language")
    assert (user.bot_messages[0].text or "").startswith("Halo, Kak! 👋 Ini Jembatan.")


async def test_blocked_user_does_not_break_the_bot(jembatan: Jembatan) -> None:
    blocked, other = jembatan.user("Blocked"), jembatan.user("Other")
    blocked.block()
    await blocked.send("/start")
    await other.send("/start")
    assert other.last_message.endswith("Pilih bahasa / Choose language")
