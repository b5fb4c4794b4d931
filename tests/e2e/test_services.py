"""Training, health, going home and consented referrals, walked as a person would."""

from __future__ import annotations

import asyncio
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

from bot.simulator import SimUser
from flows.steps.intake import consent_version
from tests.auxil.harness import Jembatan, settings_in
from tests.auxil.regions import type_region

MENU = "Mau lihat apa, Kak?"
CONSENT_YES = "✅ Saya setuju"
ADULT = "Ya, 18 tahun ke atas"
CHAT_ANY = "💬 Lewat chat ini, kapan saja 08.00–20.00 (paling aman)"


class TapCounter:
    """Presses buttons for a person and counts the taps."""

    def __init__(self, user: SimUser) -> None:
        self.user = user
        self.taps = 0

    async def press(self, label: str) -> None:
        self.taps += 1
        await self.user.press(label)

    async def press_paging(self, label: str) -> None:
        while label not in self.user.last_buttons:
            await self.press("Lainnya ›")
        await self.press(label)


def raw_database(jembatan: Jembatan) -> bytes:
    db = jembatan.settings.database
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def in_region(user: SimUser, typed: str, label: str) -> None:
    await user.send("/start")
    await user.press("Bahasa Indonesia")
    await type_region(user, typed, label)
    assert MENU in user.last_message


def chat_text(user: SimUser, last: int = 6) -> str:
    return "\n".join(m.text or "" for m in user.bot_messages[-last:])


async def send_simple_request(user: SimUser) -> None:
    """From the first question of a request to sending it: adult, agree, this chat, no name."""
    await user.press(ADULT)
    await user.press(CONSENT_YES)
    await user.press(CHAT_ANY)
    await user.press("Lewati")
    await user.press("Ya, hanya saya")
    await user.press("✅ Kirim")


async def test_training_referral_from_start_takes_at_most_12_taps(jembatan: Jembatan) -> None:
    user = jembatan.user()
    tap = TapCounter(user)
    await user.send("/start")
    await tap.press("Bahasa Indonesia")
    await tap.press_paging("Jawa Timur")
    await tap.press_paging("Kota Kediri")
    await tap.press("🎓 Pelatihan dan bantuan usaha")
    assert user.last_message.startswith("Pelatihan dan bantuan usaha di Kota Kediri")
    await tap.press("Pelatihan menjahit, memasak, dan salon di Kediri (sekitar 4 bulan)")
    details = chat_text(user, 3)
    for expected in ("Penyelenggara:", "📅", "Biaya:", "Syarat:", "🪪 Tanpa KTP:"):
        assert expected in details
    await tap.press("🙋 Saya mau ikut")
    await tap.press(ADULT)
    consent = chat_text(user, 4)
    assert "Dinas Sosial Kota Kediri" in consent
    assert "180 hari" in consent and "Bisa dibatalkan kapan saja" in consent
    await tap.press(CONSENT_YES)
    await tap.press(CHAT_ANY)
    await tap.press("Lewati")
    await tap.press("Ya, hanya saya")
    assert "Coba periksa dulu, Kak:" in user.last_message
    await tap.press("✅ Kirim")
    print(f"training referral from /start: {tap.taps} taps")
    assert tap.taps <= 12, f"{tap.taps} taps"
    confirmation = chat_text(user, 4)
    assert "✅ Terkirim. Kode Kakak:" in confirmation
    assert "Yang menangani: Dinas Sosial Kota Kediri." in confirmation
    assert "biasanya membalas lewat chat ini dalam 2 hari kerja" in confirmation
    assert "paling lambat" not in confirmation, "no deadline nothing enforces"

    assert jembatan.services is not None
    stored = await jembatan.services.referrals.for_user(
        (await jembatan.services.users.get_or_create(user.user_id)).id
    )
    assert len(stored) == 1
    referral = stored[0]
    assert referral.code in confirmation, "the code shown is the code stored"
    assert referral.status == "new" and referral.service == "training"
    assert referral.region_code == "35.71" and referral.contact == "chat"
    consents = await jembatan.services.consents.list_for(referral.user_id or 0)
    assert [c.text_version for c in consents] == [consent_version()]
    assert consents[0].given_at == jembatan.clock.now
    history = await jembatan.services.referrals.history(referral.id)
    assert [status for _, _, status in history] == ["new"]


async def test_reference_codes_have_no_ambiguous_characters(jembatan: Jembatan) -> None:
    assert jembatan.services is not None
    codes = {jembatan.services.code_source() for _ in range(500)}
    assert len(codes) == 500
    assert not set("".join(codes)) & set("0O1IL2Z5S8BUV")


async def test_health_by_need_then_facility_and_declining_consent_keeps_nothing(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_region(user, "kediri", "Kota Kediri (Jawa Timur)")
    await user.press("🩺 Layanan kesehatan")
    assert "🔬 Tes HIV dan IMS (rahasia)" in user.last_buttons
    await user.press("🔬 Tes HIV dan IMS (rahasia)")
    await user.press("Puskesmas Pesantren II")
    details = chat_text(user, 2)
    assert "📍" in details and "🕘" in details and "terakhir dicek" in details
    await user.press("🙋 Bantu saya ke sana")
    await user.press(ADULT)
    await user.press("✖ Tidak, kembali")
    texts = chat_text(user, 3)
    assert "Tidak ada yang dikirim dan tidak ada yang disimpan." in texts
    assert "Puskesmas Pesantren II" in texts, "back at the information she was reading"
    assert jembatan.services is not None
    rows = await jembatan.services.db.fetchall("SELECT * FROM consents")
    assert rows == []
    assert await jembatan.services.db.fetchall("SELECT * FROM referrals") == []


async def test_going_home_by_phone_with_typo_region_and_change_before_sending(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_region(user, "kupng", "Kota Kupang (Nusa Tenggara Timur)")
    await user.press("🏠 Pulang kampung")
    assert "Cara memintanya:" in chat_text(user, 2)
    await user.press("🏠 Pilih daerah asal")
    assert user.last_message.startswith("Kampung halaman Kakak")
    await user.send("surabya")  # the one match is taken directly
    plan = chat_text(user, 3)
    assert "Daerah asal: Kota Surabaya." in plan
    assert "Waktu berangkat" in plan and "Membawa anak" in plan
    await user.press("🙋 Bantu saya pulang")
    await user.press(ADULT)
    await user.press(CONSENT_YES)
    await user.press("📞 Lewat telepon")
    assert user.reply_keyboard == ["📱 Kirim nomor saya"]
    await user.send("12345")
    assert "0812-3456-7890" in chat_text(user, 3), "the error shows an example"
    await user.press("📱 Kirim nomor saya")
    assert user.reply_keyboard is None, "the share-number key is gone after use"
    assert (
        user.last_message
        == "Jam berapa aman untuk menghubungi Kakak? Jamnya sesuai waktu setempat."
    )
    await user.press("🌅 Pagi 08.00–12.00")
    await user.send("Mawar")
    await user.press("Tidak, dipakai bersama")
    summary = user.last_message
    assert "Nama panggilan: Mawar" in summary and "dipakai bersama" in summary
    assert "Pulang ke Kota Surabaya" in summary
    await user.press("✏️ Ubah")
    await user.press("Nama panggilan")
    await user.send("Melati")
    assert "Nama panggilan: Melati" in user.last_message
    await user.press("⚡ Kirim, ini mendesak")
    assert "Kode Kakak" in chat_text(user, 5)
    assert "menelepon" in chat_text(user, 5)

    assert jembatan.services is not None
    referral = (await jembatan.services.db.fetchall("SELECT * FROM referrals"))[0]
    assert referral["urgency"] == "urgent" and referral["home_region"] == "35.78"
    assert referral["phone_alone"] == 0 and referral["time_window"] == "morning"
    personal = await jembatan.services.referrals.personal(referral["id"])
    assert personal == {"nickname": "Melati", "phone": user.phone_number}
    raw = raw_database(jembatan)
    for secret in (b"Melati", b"Mawar", user.phone_number.encode(), user.phone_number[1:].encode()):
        assert secret not in raw, secret


async def test_under_18_is_led_to_child_protection_and_nothing_is_kept(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "banjarmasin", "Kota Banjarmasin (Kalimantan Selatan)")
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    await user.press(user.last_buttons[0])
    await user.press("Belum, di bawah 18")
    texts = chat_text(user, 2)
    assert "perlindungan anak" in texts and "129" in texts and "0811-1129-129" in texts
    assert jembatan.services is not None
    assert await jembatan.services.db.fetchall("SELECT * FROM referrals") == []
    assert await jembatan.services.db.fetchall("SELECT * FROM consents") == []


async def test_cancel_midway_ends_cleanly_with_nothing_half_stored(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "banjarbaru", "Kota Banjarbaru (Kalimantan Selatan)")
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    await user.press("🙋 Saya mau ikut")
    await user.press(ADULT)
    await user.press(CONSENT_YES)
    await user.press("📞 Lewat telepon")
    await user.send("0812 3456 7890")
    await user.send("Batal aja.")
    assert "Permintaan dibatalkan. Tidak ada data yang disimpan." in chat_text(user, 3)
    assert MENU in user.last_message
    assert user.reply_keyboard is None
    assert jembatan.services is not None
    assert await jembatan.services.db.fetchall("SELECT * FROM referrals") == []
    person = await jembatan.services.users.get_or_create(user.user_id)
    session = await jembatan.services.sessions.load(person.id)
    assert session is not None and session["draft"] == {}, "the typed number was dropped"


async def test_her_requests_show_status_in_plain_words_and_can_be_cancelled(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_region(user, "jakbar", "Kota Administrasi Jakarta Barat (DKI Jakarta)")
    await user.press("🆘 Bantuan darurat")
    await user.press(CALLBACK)
    assert "minta segera dihubungi" in user.last_message
    await user.press(URGENT_YES)  # the urgent call-back: sent with her consent
    await user.press("📋 Permintaan saya")
    assert user.last_buttons[0].endswith("· Terkirim, menunggu petugas")
    await user.press(user.last_buttons[0])
    assert "Status: Terkirim, menunggu petugas" in user.last_message
    await user.press("✖ Batalkan permintaan ini")
    await user.press("Ya, batalkan")
    assert user.last_buttons[0].endswith("· Dibatalkan oleh Kakak")
    assert jembatan.services is not None
    referral = (await jembatan.services.db.fetchall("SELECT * FROM referrals"))[0]
    assert referral["status"] == "cancelled"
    history = await jembatan.services.referrals.history(referral["id"])
    assert [s for _, _, s in history] == ["new", "cancelled"]


async def test_typed_words_route_to_the_right_place(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "kediri", "Kota Kediri (Jawa Timur)")
    routes = {
        "mau kerja": "Pelatihan dan bantuan usaha di Kota Kediri",
        "jait": "Pelatihan dan bantuan usaha di Kota Kediri",
        "tes hiv": "Tempat yang bisa didatangi untuk tes HIV dan IMS:",
        "hamill": "Tempat yang bisa didatangi untuk kehamilan dan KB:",
        "bpjs": "Tempat yang bisa didatangi untuk bantuan BPJS PBI/KIS:",
        "sakitt": "Layanan apa yang Kakak cari?",
        "pulng kampung": "Kampung halaman Kakak di mana?",
    }
    for words, expected in routes.items():
        await user.send(words)
        assert user.last_message.startswith(expected) or expected in chat_text(user, 3), words
    await user.send("dipukul")
    assert "jangan tunggu: telepon 110 (polisi) atau 112" in chat_text(user, 8)
    await user.send("asdfgh")
    assert "saya belum mengerti" in chat_text(user, 2)
    assert jembatan.services is not None
    person = await jembatan.services.users.get_or_create(user.user_id)
    session = await jembatan.services.sessions.load(person.id)
    assert "asdfgh" not in repr(session) and "dipukul" not in repr(session)


async def test_danger_words_open_emergency_even_in_the_middle_of_a_request(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_region(user, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    await user.press("🙋 Saya mau ikut")
    await user.send("tolong saya takut")
    assert "jangan tunggu: telepon 110 (polisi) atau 112" in chat_text(user, 8)


BROKEN_CATALOG = Path(__file__).resolve().parents[1] / "flows" / "data" / "broken_catalog"


async def test_bot_refuses_to_start_on_an_invalid_catalog(tmp_path: Path) -> None:
    settings_in(tmp_path)
    env = {
        "PATH": "/usr/bin:/bin",
        "JEMBATAN_DATA_DIR": str(tmp_path),
        "JEMBATAN_CATALOG": str(BROKEN_CATALOG),
        "TELEGRAM_BOT_TOKEN": "1:never-used",
        "JEMBATAN_API_BASE_URL": "http://127.0.0.1:9/bot",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert "the service catalog has errors" in err.decode()
    assert "regions.yaml:10:" in err.decode()
    assert b"1:never-used" not in out + err


async def test_emergency_is_one_tap_away_during_a_request(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    await user.press("🙋 Saya mau ikut")
    await user.press(ADULT)
    assert "🆘 Darurat" in user.last_buttons
    await user.press("🆘 Darurat")
    assert "jangan tunggu: telepon 110 (polisi) atau 112" in chat_text(user, 8)
    await user.press("‹ Kembali")
    assert "Bisa dibatalkan kapan saja" in chat_text(user, 4), "back at the consent, where she was"
    await user.press(CONSENT_YES)
    await user.press(CHAT_ANY)
    await user.press("Lewati")
    await user.press("Ya, hanya saya")
    await user.press("✅ Kirim")
    assert "Kode Kakak" in chat_text(user, 4), "nothing she had answered was lost"


async def test_typing_batal_after_sending_does_not_pretend_to_cancel(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    await user.press("🆘 Bantuan darurat")
    await user.press(CALLBACK)
    await user.press(URGENT_YES)
    await user.send("batal")
    assert "Tidak ada yang sedang berjalan untuk dibatalkan" in chat_text(user, 2)
    assert jembatan.services is not None
    rows = await jembatan.services.db.fetchall("SELECT status FROM referrals")
    assert [r[0] for r in rows] == ["new"]


async def test_the_health_facility_she_asked_for_is_stored_encrypted(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "kediri", "Kota Kediri (Jawa Timur)")
    await user.press("🩺 Layanan kesehatan")
    await user.press("🔬 Tes HIV dan IMS (rahasia)")
    await user.press("Puskesmas Pesantren II")
    await user.press("🙋 Bantu saya ke sana")
    await send_simple_request(user)
    assert jembatan.services is not None
    row = (await jembatan.services.db.fetchall("SELECT id, item FROM referrals"))[0]
    assert row["item"] == ""
    assert (await jembatan.services.referrals.personal(row["id"]))[
        "item"
    ] == "kediri-pkm-pesantren-2"
    assert b"pesantren" not in raw_database(jembatan)


EMERGENCY_SCREEN = "🆘 Bantuan darurat"
CALLBACK = "📞 Minta dihubungi petugas (jam kerja)"
URGENT_YES = "✅ Saya setuju (umur saya 18 tahun ke atas)"


async def test_danger_words_are_answered_first_then_the_numbers_in_two_bubbles(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_region(user, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    before = len(user.bot_messages)
    await user.send("dipukul pacar")
    shown = [m.text or "" for m in user.bot_messages[before:]]
    assert len(shown) <= 2, shown
    assert shown[0].startswith("Terima kasih sudah cerita, Kak. Keselamatan Kakak yang utama.")
    numbers = shown[-1]
    assert numbers.startswith("Kalau Kakak dalam bahaya sekarang, jangan tunggu: telepon 110")
    assert numbers.index("110") < numbers.index("SAPA") < numbers.index("SEJIWA")
    assert "WhatsApp 0811-1129-129 kalau tidak bisa bicara" in numbers
    assert numbers.count("dicek") == 1, "one date for all the numbers"
    assert "Kemenkes" not in "\n".join(shown), "an information line is not a danger line"
    assert all(line.count(": ") <= 1 for line in numbers.splitlines()), "no double colons"


async def test_words_of_suicide_put_sejiwa_first(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    before = len(user.bot_messages)
    await user.send("saya mau bunuh diri")
    shown = [m.text or "" for m in user.bot_messages[before:]]
    assert len(shown) <= 2
    assert shown[0].startswith("Kakak tidak sendirian. Kalau ingin bicara sekarang, telepon 119")
    assert "IGD" in shown[0] and "dalam bahaya" not in shown[0], "its own opening"
    assert shown[-1].index("SEJIWA") < shown[-1].index("SAPA"), shown[-1]


async def test_urgent_call_back_takes_three_taps_and_promises_only_what_is_true(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_region(user, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    tap = TapCounter(user)
    await tap.press(EMERGENCY_SCREEN)
    await tap.press(CALLBACK)
    consent = user.last_message
    assert "Satpol PP, kecuali Kakak sendiri minta atau ada perintah pengadilan" in consent
    assert "Bisa dibatalkan kapan saja di 📋 Permintaan saya; datanya dihapus 180 hari" in consent
    assert "Mendesak: ya" not in consent, "no lone bullet under the first line"
    assert "jangan tunggu: telepon 112 atau 110" in consent
    await tap.press(URGENT_YES)
    assert tap.taps <= 3, "from the menu: 🆘, the call-back, one consent with her age"
    done = chat_text(user, 4)
    assert "Kode Kakak" in done
    assert "akan berusaha menghubungi Kakak" in done
    assert "jangan tunggu: telepon 110 atau 112" in done
    assert "paling lambat" not in done, "no date it cannot keep"
    assert jembatan.services is not None
    rows = await jembatan.services.db.fetchall("SELECT urgency, status FROM referrals")
    assert [(r[0], r[1]) for r in rows] == [("urgent", "new")]


async def test_an_urgent_call_back_under_18_leads_to_child_protection(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_region(user, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    await user.press(EMERGENCY_SCREEN)
    await user.press(CALLBACK)
    await user.press("Saya belum 18 tahun")
    shown = chat_text(user, 2)
    assert "129" in shown
    assert "telepon 110 (polisi) atau 112" in shown, "in danger now: 110 / 112"
    assert "rahasia" not in shown, "child protection cannot promise confidentiality"
    assert "keluarga" not in shown, "nothing suggests her family will be involved"
    assert jembatan.services is not None
    assert await jembatan.services.db.fetchall("SELECT id FROM referrals") == []
