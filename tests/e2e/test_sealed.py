"""Sealed previews end to end: what a lock screen shows of every message the bot sends on its own.

Every kind of proactive message to her (status changes, a relayed message, each follow-up kind,
the hand-over, the closing message) arrives as "Ada pesan baru untuk Kakak." with a "Buka"
button; opening it shows the content in place; on a shared phone it carries "🧹 Keluar cepat".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.simulator import SimUser
from flows.followups.kinds import HER_KINDS
from tests.auxil.asking import KUPANG, Request, ask
from tests.auxil.harness import Jembatan
from tests.auxil.sealed import OPEN, PREVIEW
from tests.e2e.test_desk import NEUTRAL, staff
from tests.e2e.test_wipe import NEUTRAL as NEUTRAL_WIPE
from tests.e2e.test_wipe import wipe_from_privacy

SURABAYA = ("surabaya", "Kota Surabaya (Jawa Timur)")
RELAYED = "Kak, jadwal konseling HIV di Puskesmas Oebobo hari Kamis"
QUICK_EXIT = "🧹 Keluar cepat"
# Words a lock screen must never show: services, offices, programmes, places, health.
WORDS = (
    "pelatihan", "usaha", "pulang", "kampung", "training", "dinas", "dinsos", "kantor", "uptd",
    "program", "kupang", "kediri", "surabaya", "jawa", "nusa", "tenggara", "kota", "kabupaten",
    "hiv", "ims", "prep", "pep", "puskesmas", "klinik", "kesehatan", "sehat", "hamil", "jiwa",
    "obat", "konseling", "perjalanan", "rumah", "selamat", "petugas", "permintaan",
)  # fmt: skip


async def at(jembatan: Jembatan, moment: datetime) -> None:
    """Moves the clock, runs the follow-up sweeper and lets the outbox settle (nothing opened)."""
    jembatan.clock.now = moment
    await jembatan.run_due()


async def claim(ana: SimUser, code: str) -> None:
    """The caseworker claims the request from its notification."""
    note = next(m for m in ana.bot_messages if f"Permintaan baru {code}" in (m.text or ""))
    await ana.press("✋ Ambil", message=note)


async def every_kind(jembatan: Jembatan) -> tuple[SimUser, str, SimUser, str]:
    """Two people get every kind of proactive message; returns them and their codes."""
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    await staff(jembatan, "Fajar", ["35.71"], ["*"])
    her, code = await ask(jembatan, Request(region=KUPANG, shared=True, check_ins=True))
    home, home_code = await ask(jembatan, Request(region=KUPANG, going_home_to=SURABAYA))
    await claim(ana, code)  # status: claimed
    await claim(ana, home_code)
    await ana.press("🧳 Catat tanggal berangkat")
    await ana.send("30/11")
    await at(jembatan, jembatan.clock.now + timedelta(days=3))  # contact_check, both
    await at(jembatan, datetime(2026, 12, 1, 0, 0, tzinfo=UTC))  # arrival_check
    await ana.forge_callback(f"d:open:{home_code}")
    await ana.press("🔀 Serahkan ke wilayah lain")
    await ana.send("kota kediri")
    await ana.press("Kota Kediri (Jawa Timur)")
    await ana.press("Sudah pulang ke wilayah itu")  # hand-over
    await ana.forge_callback(f"d:open:{code}")
    await ana.press("📞 Tandai sudah dihubungi")
    await ana.press("🔧 Tandai sedang diproses")  # status: in progress
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send(RELAYED)  # a relayed message
    await at(jembatan, datetime(2027, 1, 17, 0, 0, tzinfo=UTC))  # training_reminder
    await ana.forge_callback(f"d:open:{code}")
    await ana.press("✅ Tutup dengan hasil")
    await ana.press("Sudah mendapat bantuan")  # the closing message
    await at(jembatan, jembatan.clock.now + timedelta(days=14))  # closure_checkin
    return her, code, home, home_code


async def test_every_proactive_message_shows_only_a_neutral_sentence_until_opened(
    jembatan: Jembatan,
) -> None:
    her, code, home, home_code = await every_kind(jembatan)
    assert jembatan.services is not None
    services = jembatan.services

    sent = await services.db.fetchall(
        "SELECT o.kind, f.kind AS followup FROM outbox o LEFT JOIN followups f "
        "ON f.id = o.followup_id WHERE o.user_id IS NOT NULL AND o.state = 'sent'"
    )
    assert {row["followup"] for row in sent if row["followup"]} == HER_KINDS, "every kind"
    assert {row["kind"] for row in sent} == {"to_her", "closing", "followup"}

    chats = {her.user_id, home.user_id}
    notifications = [
        call.params
        for call in jembatan.sim.calls
        if call.method == "sendMessage"
        and int(call.params["chat_id"]) in chats
        and OPEN in str(call.params.get("reply_markup", ""))
    ]
    assert len(notifications) == len(sent) == 11  # 7 to her, 4 to the other
    forbidden = (code.lower(), home_code.lower(), *WORDS)
    for params in notifications:
        text = str(params["text"])
        assert text == PREVIEW
        assert not [w for w in forbidden if w in text.lower()], text

    db = jembatan.settings.database
    raw = db.read_bytes() + db.with_name(db.name + "-wal").read_bytes()
    assert b"Puskesmas Oebobo" not in raw, "the sealed content is encrypted at rest"

    assert await jembatan.open_sealed() == 11
    hers = "\n".join(m.text or "" for m in her.bot_messages)
    for content in (
        f"Permintaan {code} sekarang ditangani petugas.",
        f"Soal permintaan {code}: apakah sudah ada petugas",
        f"Permintaan {code} sedang diproses.",
        f"Pesan tentang permintaan {code}:\n{RELAYED}",
        "mulai besok, 18 Januari 2027",
        f"Permintaan {code} sudah ditutup.",
        f"Soal permintaan {code}: bagaimana pengalaman Kakak dengan petugas?",
    ):
        assert content in hers, content
    theirs = "\n".join(m.text or "" for m in home.bot_messages)
    for content in (
        f"Permintaan {home_code} sekarang ditangani petugas.",
        "apakah Kakak sudah sampai di rumah dengan selamat?",
        f"Permintaan {home_code} sudah diteruskan ke kantor di Kota Kediri.",
    ):
        assert content in theirs, content
    assert PREVIEW not in hers + theirs, "every preview became its content in place"

    revealed = [m for m in her.bot_messages if (m.text or "").startswith(NEUTRAL)]
    assert revealed and all(QUICK_EXIT in m.buttons and m.protect_content for m in revealed)
    assert all(QUICK_EXIT not in m.buttons for m in home.bot_messages), "her phone is her own"
    relayed = next(m for m in revealed if RELAYED in (m.text or ""))
    assert "↩ Balas" in relayed.buttons, "the content keeps its own buttons"

    await her.press(QUICK_EXIT, message=revealed[-1])
    left = [m.message_id for m in her.bot_messages]
    assert revealed[-1].message_id not in left, "the quick exit on it wipes the chat"
    assert not her.last_buttons, "only the neutral message is left at the end"


async def test_a_preview_whose_content_is_gone_opens_nothing(jembatan: Jembatan) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    her, code = await ask(jembatan, Request(region=KUPANG))
    await claim(ana, code)
    await jembatan.outbox_idle()
    preview = her.bot_messages[-1]
    assert preview.text == PREVIEW
    assert jembatan.services is not None
    async with jembatan.services.db.transaction() as conn:
        await conn.execute("DELETE FROM sealed_messages")
    await her.press(OPEN, message=preview)
    assert her.last_callback_answer == "Pesan ini sudah tidak tersedia."
    assert her.bot_messages[-1].text == PREVIEW
    await her.forge_callback("o:999")  # someone else's, or forged
    assert her.last_callback_answer == "Pesan ini sudah tidak tersedia."


async def test_a_wipe_kills_the_previews_it_cannot_delete_and_not_later_ones(
    jembatan: Jembatan,
) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    her, code = await ask(jembatan, Request(region=KUPANG))
    await claim(ana, code)
    await jembatan.outbox_idle()
    old = her.bot_messages[-1]
    assert old.text == PREVIEW
    jembatan.clock.advance(hours=49)  # beyond the 48 hours in which a bot may delete it
    jembatan.sim.advance(49 * 3600)

    await wipe_from_privacy(her)

    assert old.message_id in [m.message_id for m in her.messages], "Telegram keeps it"
    before = [(m.message_id, m.text) for m in her.bot_messages]
    await her.press(OPEN, message=old)
    assert her.last_callback_answer == "Pesan ini sudah tidak tersedia."
    assert [(m.message_id, m.text) for m in her.bot_messages] == before, "nothing revealed"
    assert her.bot_messages[-1].text == NEUTRAL_WIPE

    await ana.forge_callback(f"d:open:{code}")
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send(RELAYED)
    await jembatan.outbox_idle()
    fresh = her.bot_messages[-1]
    assert fresh.text == PREVIEW and fresh.message_id != old.message_id
    await her.press(OPEN, message=fresh)
    assert RELAYED in her.last_message, "a preview sent after the wipe still opens"
