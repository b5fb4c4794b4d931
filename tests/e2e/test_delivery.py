"""One delivery policy end to end: her zone, her safe time, never at night; open referrals only.

The harness clock starts on Monday 2026-11-23 07:05 UTC (15:05 WITA in Kupang). She asks for
help with "Sore 16.00–20.00" as her safe time; the caseworker works at 05:20 WITA the next
morning (Monday 21:20 UTC). Her 16:00 WITA that Tuesday is 08:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core import delivery
from bot.simulator import SimUser
from tests.auxil.asking import KUPANG, Request, ask
from tests.auxil.harness import Jembatan
from tests.auxil.sealed import PREVIEW
from tests.e2e.test_desk import NEUTRAL, staff

EVENING = "🌇 Sore 16.00–20.00"
DAWN = datetime(2026, 11, 23, 21, 20, tzinfo=UTC)  # Tuesday 05:20 WITA
JUST_BEFORE = datetime(2026, 11, 24, 7, 59, tzinfo=UTC)  # 15:59 WITA
HER_WINDOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 16:00 WITA
RELAYED = "Halo Kak, kapan bisa datang ke kantor?"


async def at(jembatan: Jembatan, moment: datetime) -> None:
    """Moves the clock and lets the outbox send what is due."""
    jembatan.clock.now = moment
    jembatan.outbox.wake()
    await jembatan.outbox_idle()


async def evening_request(jembatan: Jembatan) -> tuple[SimUser, SimUser, str]:
    """A caseworker in Kupang, and her request with the evening as her safe time."""
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    her, code = await ask(jembatan, Request(region=KUPANG, window=EVENING, check_ins=False))
    return ana, her, code


async def queued_for_her(jembatan: Jembatan) -> list[tuple[str, str]]:
    """(kind, state) of every outbox row addressed to her."""
    assert jembatan.services is not None
    rows = await jembatan.services.db.fetchall(
        "SELECT kind, state FROM outbox WHERE user_id IS NOT NULL ORDER BY id"
    )
    return [(row["kind"], row["state"]) for row in rows]


async def test_status_and_relay_at_dawn_arrive_at_the_start_of_her_window(
    jembatan: Jembatan,
) -> None:
    ana, her, code = await evening_request(jembatan)
    await at(jembatan, DAWN)
    before = len(her.bot_messages)
    await ana.press("✋ Ambil")
    await ana.press("📞 Tandai sudah dihubungi")
    await ana.press("🔧 Tandai sedang diproses")
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send(RELAYED)
    await jembatan.outbox_idle()
    assert len(her.bot_messages) == before, "nothing at 05:20 WITA"
    told = [m.text or "" for m in ana.bot_messages if "akan masuk ke HP-nya" in (m.text or "")]
    assert told and "16.00" in told[-1], "the caseworker sees when her message will arrive"

    assert jembatan.services is not None
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None
    verdict = await delivery.delivery(jembatan.services, referral)
    assert verdict.allowed and verdict.at == HER_WINDOW, "the desk can tell when it will arrive"

    await at(jembatan, JUST_BEFORE)
    assert len(her.bot_messages) == before, "not before her safe time"
    await at(jembatan, HER_WINDOW)
    arrived = her.bot_messages[before:]
    assert [m.text for m in arrived] == [PREVIEW] * 3
    await jembatan.open_sealed()
    assert [m.text for m in her.bot_messages[before:]] == [
        NEUTRAL + f"Permintaan {code} sekarang ditangani petugas.",
        NEUTRAL + f"Permintaan {code} sedang diproses.",
        NEUTRAL + f"Pesan tentang permintaan {code}:\n{RELAYED}",
    ]


async def test_the_sender_checks_again_and_holds_what_is_not_yet_allowed(
    jembatan: Jembatan,
) -> None:
    ana, her, _ = await evening_request(jembatan)
    await at(jembatan, DAWN)
    before = len(her.bot_messages)
    await ana.press("✋ Ambil")
    assert jembatan.services is not None
    async with jembatan.services.db.transaction() as conn:  # as if queued without the policy
        await conn.execute(
            "UPDATE outbox SET next_attempt_at = ? WHERE user_id IS NOT NULL AND state = 'pending'",
            ("2026-11-23T21:00:00+00:00",),
        )
    await at(jembatan, DAWN)
    assert len(her.bot_messages) == before, "the sender does not send at night either"
    assert await queued_for_her(jembatan) == [("to_her", "pending")]
    await at(jembatan, HER_WINDOW)
    assert len(her.bot_messages) == before + 1


async def test_withdrawal_cancels_what_is_queued_and_a_later_relay_reaches_no_one(
    jembatan: Jembatan,
) -> None:
    ana, her, code = await evening_request(jembatan)
    await at(jembatan, DAWN)
    await ana.press("✋ Ambil")
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send(RELAYED)
    await ana.press("✉️ Tulis ke pemohon")
    await her.send("/privasi")
    await her.press("✋ Batalkan izin")
    await her.press("✋ Ya, batalkan izin")
    before = len(her.bot_messages)
    await ana.send("Kak, masih di sana?")  # typed after she withdrew
    assert jembatan.services is not None
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None
    verdict = await delivery.delivery(jembatan.services, referral)
    assert not verdict.allowed and verdict.reason == "withdrawn"
    assert all(state == "cancelled" for _, state in await queued_for_her(jembatan))
    rows = await jembatan.services.db.fetchall("SELECT id FROM sealed_messages")
    assert rows == [], "what was sealed for her went with the cancelled messages"

    await at(jembatan, HER_WINDOW)
    assert len(her.bot_messages) == before, "nothing reaches her after withdrawal"


async def test_closure_cancels_what_is_queued_but_the_closing_message(jembatan: Jembatan) -> None:
    ana, her, code = await evening_request(jembatan)
    await at(jembatan, DAWN)
    before = len(her.bot_messages)
    await ana.press("✋ Ambil")
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send(RELAYED)
    await ana.press("✅ Tutup dengan hasil")
    await ana.press("Sudah mendapat bantuan")
    await at(jembatan, HER_WINDOW)
    await jembatan.open_sealed()
    assert [m.text for m in her.bot_messages[before:]] == [
        NEUTRAL + f"Permintaan {code} sudah ditutup. "
        "Kalau Kakak butuh bantuan lagi, Kakak boleh minta lagi kapan saja."
    ]


async def test_her_cancellation_cancels_what_is_queued(jembatan: Jembatan) -> None:
    ana, her, _ = await evening_request(jembatan)
    await at(jembatan, DAWN)
    await ana.press("✋ Ambil")
    await her.send("/permintaan")
    await her.press(her.last_buttons[0])
    await her.press("✖ Batalkan permintaan ini")
    await her.press("Ya, batalkan")
    before = len(her.bot_messages)
    await at(jembatan, HER_WINDOW)
    assert len(her.bot_messages) == before
    assert await queued_for_her(jembatan) == [("to_her", "cancelled")]


async def test_erasure_cancels_what_is_queued_and_leaves_nothing_sealed(
    jembatan: Jembatan,
) -> None:
    ana, her, _ = await evening_request(jembatan)
    await at(jembatan, DAWN)
    await ana.press("✋ Ambil")
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send(RELAYED)
    await her.send("/privasi")
    await her.press("🗑 Hapus semua data saya")
    await her.press("🗑 Ya, hapus semuanya")
    confirmation = her.last_message
    assert jembatan.services is not None
    for table in ("sealed_messages", "outbox"):
        rows = await jembatan.services.db.fetchall(
            f"SELECT 1 FROM {table} WHERE user_id IS NOT NULL"
        )
        assert rows == [], f"{table} keeps nothing of hers"
    rows = await jembatan.services.db.fetchall(
        "SELECT 1 FROM outbox WHERE chat_id = ?", (her.user_id,)
    )
    assert rows == [], "no message row names her chat"
    await at(jembatan, HER_WINDOW)
    assert her.last_message == confirmation, "nothing arrives after the confirmation"
