"""Follow-ups end to end: each kind, her answers, quiet hours in three zones, pause and stop.

The harness clock (FakeClock) starts on Monday 2026-11-23 07:05 UTC: 14:05 WIB in Kediri,
15:05 WITA in Kupang. Tests move it forward and run the sweeper as its job would.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.simulator import SimUser
from tests.auxil.asking import KEDIRI, KUPANG, Request, ask
from tests.auxil.harness import Jembatan
from tests.e2e.test_desk import NEUTRAL, staff


async def ask_training(
    jembatan: Jembatan, region: tuple[str, str], *, check_ins: bool = True, shared: bool = False
) -> tuple[SimUser, str]:
    """She sends a training request (chat, any time) and answers the check-in question."""
    return await ask(jembatan, Request(region=region, check_ins=check_ins, shared=shared))


def sent_to(user: SimUser) -> list[str]:
    return [m.text or "" for m in user.bot_messages]


async def at(jembatan: Jembatan, moment: datetime) -> None:
    """Moves the clock to a moment, runs the sweeper, and she opens what arrived."""
    jembatan.clock.now = moment
    await jembatan.run_due()
    await jembatan.open_sealed()


async def test_contact_check_not_yet_escalates_to_caseworker_and_supervisor(
    jembatan: Jembatan,
) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    sari = await staff(jembatan, "Sari", ["53.71"], ["*"], role="supervisor")
    her, code = await ask_training(jembatan, KUPANG)
    await ana.press("✋ Ambil")
    before = len(her.bot_messages)

    await at(jembatan, jembatan.clock.now + timedelta(days=3))
    question = her.bot_messages[-1]
    assert len(her.bot_messages) == before + 1
    assert (question.text or "").startswith(NEUTRAL), "the lock-screen line reveals nothing"
    assert f"Soal permintaan {code}: apakah sudah ada petugas" in (question.text or "")

    await her.press("⏳ Belum", message=question)
    assert "Saya sudah mengingatkan kantornya" in her.last_message
    for person in (ana, sari):
        told = f"Permintaan {code}: pemohon menyampaikan belum ada yang menghubunginya."
        assert told in sent_to(person)[-1]
    assert "⏳ Belum" not in her.last_buttons, "the question became the answer"
    assert jembatan.services is not None
    stored = await jembatan.services.followups.for_user(1)
    asked = next(f for f in stored if f.kind == "contact_check")
    await her.forge_callback(f"f:{asked.id}:not_yet")  # an old button again: no second escalation
    assert "sudah dijawab" in "\n".join(sent_to(her)[-3:])
    assert sum("belum ada yang menghubunginya" in t for t in sent_to(ana)) == 1
    stored = await jembatan.services.followups.for_user(1)
    assert [(f.kind, f.state, f.answer) for f in stored if f.kind == "contact_check"] == [
        ("contact_check", "answered", "not_yet")
    ]


async def test_contact_check_yes_records_the_contact(jembatan: Jembatan) -> None:
    await staff(jembatan, "Ana", ["35.71"], ["*"])
    her, code = await ask_training(jembatan, KEDIRI)
    await at(jembatan, jembatan.clock.now + timedelta(days=3))
    await her.press("✅ Sudah")
    assert "Senang mendengarnya" in her.last_message
    assert jembatan.services is not None
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None and referral.status == "contacted"


async def test_without_her_consent_no_question_is_sent(jembatan: Jembatan) -> None:
    her, _ = await ask_training(jembatan, KEDIRI, check_ins=False)
    before = len(her.bot_messages)
    await at(jembatan, jembatan.clock.now + timedelta(days=3))
    assert len(her.bot_messages) == before
    assert jembatan.services is not None
    hers = await jembatan.services.followups.for_user(1)
    assert hers and all(f.state != "sent" for f in hers)


async def test_shared_phone_keeps_check_ins_off_unless_she_turns_them_on(
    jembatan: Jembatan,
) -> None:
    quiet, _ = await ask_training(jembatan, KEDIRI, shared=True, check_ins=False)
    chosen, _ = await ask_training(jembatan, KEDIRI, shared=True, check_ins=True)
    quiet_before, chosen_before = len(quiet.bot_messages), len(chosen.bot_messages)
    await at(jembatan, jembatan.clock.now + timedelta(days=3))
    assert len(quiet.bot_messages) == quiet_before
    assert len(chosen.bot_messages) == chosen_before + 1
    assert chosen.bot_messages[-1].protect_content, "a shared phone gets protected messages"


async def test_closure_check_in_asks_for_a_rating_and_offers_more_help(
    jembatan: Jembatan,
) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    her, code = await ask_training(jembatan, KUPANG)
    await ana.press("✋ Ambil")
    await ana.press("📞 Tandai sudah dihubungi")
    await ana.press("✅ Tutup dengan hasil")
    await ana.press("Sudah mendapat bantuan")
    closed = jembatan.clock.now
    await at(jembatan, closed + timedelta(days=13))
    assert not any("bagaimana bantuan" in t for t in sent_to(her)), "not before 14 days"
    await at(jembatan, closed + timedelta(days=14))
    assert f"Soal permintaan {code}: bagaimana pengalaman Kakak dengan petugas?" in her.last_message
    await her.press("😊 Baik")
    assert her.last_message == "Terima kasih atas jawabannya. Ada lagi yang Kakak perlukan?"
    await her.press("Ya, lihat layanan")
    assert "Mau lihat apa, Kak?" in "\n".join(sent_to(her)[-2:])
    assert jembatan.services is not None
    answers = [f.answer for f in await jembatan.services.followups.for_user(1)]
    assert "good" in answers


async def test_training_reminder_comes_the_morning_before_the_programme(
    jembatan: Jembatan,
) -> None:
    her, code = await ask_training(jembatan, KUPANG)
    # The first Kupang programme starts on 2027-01-18; 08:00 WITA the day before is 00:00 UTC.
    await at(jembatan, datetime(2027, 1, 16, 23, 59, tzinfo=UTC))
    assert not any("mulai besok" in t for t in sent_to(her))
    await at(jembatan, datetime(2027, 1, 17, 0, 0, tzinfo=UTC))
    reminder = her.last_message
    assert reminder.startswith(NEUTRAL)
    assert "mulai besok, 18 Januari 2027" in reminder and code in reminder


async def test_arrival_check_after_the_travel_date_and_help_goes_to_staff(
    jembatan: Jembatan,
) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    surabaya = ("surabaya", "Kota Surabaya (Jawa Timur)")
    her, _ = await ask(jembatan, Request(region=KUPANG, going_home_to=surabaya))
    await ana.press("✋ Ambil")
    await ana.press("🧳 Catat tanggal berangkat")
    await ana.send("30/11")
    assert any("Tanggal berangkat untuk" in t for t in sent_to(ana))

    await at(jembatan, datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    assert not any("sampai di rumah" in t for t in sent_to(her)), "not on the travel day"
    await at(jembatan, datetime(2026, 12, 1, 0, 0, tzinfo=UTC))  # 08:00 WITA the day after
    assert "apakah Kakak sudah sampai di rumah dengan selamat?" in her.last_message
    await her.press("🆘 Saya butuh bantuan")
    shown = "\n".join(sent_to(her)[-4:])
    assert "telepon 110 (polisi)" in shown, "the emergency numbers are shown"
    assert "Petugas sudah diberi tahu." in shown, "she is told that staff were alerted"
    assert "butuh bantuan setelah perjalanan" in sent_to(ana)[-1]


async def test_unclaimed_referral_reminds_then_escalates_in_office_hours(
    jembatan: Jembatan,
) -> None:
    ana = await staff(jembatan, "Ana", ["35.71"], ["*"])
    sari = await staff(jembatan, "Sari", ["35.71"], ["*"], role="supervisor")
    _, code = await ask_training(jembatan, KEDIRI)  # Monday 14:05 WIB
    # Four office hours: 1 h 55 min on Monday (until 16:00), then Tuesday 08:00 + 2 h 05 min.
    await at(jembatan, datetime(2026, 11, 24, 3, 0, tzinfo=UTC))  # Tuesday 10:00 WIB
    assert not any("masih menunggu diambil" in t for t in sent_to(ana))
    await at(jembatan, datetime(2026, 11, 24, 3, 6, tzinfo=UTC))  # 10:06 WIB
    assert f"Permintaan {code} masih menunggu diambil." in sent_to(ana)[-1]
    assert not any("belum diambil siapa pun" in t for t in sent_to(sari))
    await at(jembatan, datetime(2026, 11, 24, 7, 6, tzinfo=UTC))  # one office day: 14:06 WIB
    assert f"Permintaan {code} belum diambil siapa pun." in sent_to(sari)[-1]
    assert sum("masih menunggu diambil" in t for t in sent_to(ana)) == 1


async def test_urgent_referral_reminds_after_30_minutes_and_escalates_after_an_hour(
    jembatan: Jembatan,
) -> None:
    ana = await staff(jembatan, "Ana", ["35.71"], ["*"])
    sari = await staff(jembatan, "Sari", ["35.71"], ["*"], role="supervisor")
    await ask(jembatan, Request(urgent=True, check_ins=None))
    start = jembatan.clock.now
    await at(jembatan, start + timedelta(minutes=29))
    assert not any("masih menunggu" in t for t in sent_to(ana))
    await at(jembatan, start + timedelta(minutes=30))
    assert "masih menunggu diambil" in sent_to(ana)[-1]
    await at(jembatan, start + timedelta(minutes=60))
    assert "belum diambil siapa pun" in sent_to(sari)[-1]


async def test_claimed_referral_gets_no_reminder(jembatan: Jembatan) -> None:
    ana = await staff(jembatan, "Ana", ["35.71"], ["*"])
    await ask_training(jembatan, KEDIRI)
    await ana.press("✋ Ambil")
    await at(jembatan, jembatan.clock.now + timedelta(days=2))
    assert not any("masih menunggu diambil" in t for t in sent_to(ana))


async def test_quiet_hours_hold_in_each_zone_at_the_same_instant(jembatan: Jembatan) -> None:
    kupang, _ = await ask_training(jembatan, KUPANG)
    kediri, _ = await ask_training(jembatan, KEDIRI)
    before = {"kupang": len(kupang.bot_messages), "kediri": len(kediri.bot_messages)}
    # Both questions fell due on Thursday 07:05 UTC, unswept. Friday 00:30 UTC is 08:30 WITA
    # in Kupang but 07:30 WIB in Kediri.
    await at(jembatan, datetime(2026, 11, 27, 0, 30, tzinfo=UTC))
    assert len(kupang.bot_messages) == before["kupang"] + 1
    assert len(kediri.bot_messages) == before["kediri"], "07:30 WIB is still quiet"
    await at(jembatan, datetime(2026, 11, 27, 0, 59, tzinfo=UTC))
    assert len(kediri.bot_messages) == before["kediri"]
    await at(jembatan, datetime(2026, 11, 27, 1, 0, tzinfo=UTC))  # 08:00 WIB
    assert len(kediri.bot_messages) == before["kediri"] + 1


async def test_her_safe_time_is_respected(jembatan: Jembatan) -> None:
    user, _ = await ask(jembatan, Request(window="🌇 Sore 16.00–20.00"))
    before = len(user.bot_messages)
    await at(jembatan, datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # 15:00 WIB: not her time
    assert len(user.bot_messages) == before
    await at(jembatan, datetime(2026, 11, 26, 9, 0, tzinfo=UTC))  # 16:00 WIB
    assert len(user.bot_messages) == before + 1


async def test_pause_resume_and_berhenti(jembatan: Jembatan) -> None:
    her, _ = await ask_training(jembatan, KEDIRI)
    await her.send("/menu")
    await her.press("🔒 Privasi")
    await her.press("🔔 Pesan tanya kabar")
    assert "Pesan tanya kabar aktif." in her.last_message
    await her.press("⏸ Jeda")
    assert "Pesan tanya kabar sedang dijeda." in her.last_message
    before = len(her.bot_messages)
    await at(jembatan, datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    assert len(her.bot_messages) == before, "nothing comes while paused"
    await her.press("▶️ Lanjutkan")
    before = len(her.bot_messages)
    await at(jembatan, datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    assert len(her.bot_messages) == before + 1, "the held question comes after resuming"
    await her.send("berhenti")
    assert "Pesan tanya kabar dihentikan" in "\n".join(sent_to(her)[-2:])
    assert jembatan.services is not None
    assert (await jembatan.services.consents.active(1, "followups")) is None
    pending = [f for f in await jembatan.services.followups.for_user(1) if f.state == "pending"]
    assert pending == [], "stopping cancels what is pending"


async def test_the_job_queue_runs_the_sweeper(jembatan: Jembatan) -> None:
    her, _ = await ask_training(jembatan, KEDIRI)
    await jembatan.stop()
    jembatan.sweep_seconds = 0.2
    jembatan.clock.now += timedelta(days=3)
    await jembatan.start()
    before = len(her.bot_messages)
    for _ in range(200):
        if len(her.bot_messages) > before:
            break
        await asyncio.sleep(0.05)
    await jembatan.open_sealed()
    assert "apakah sudah ada petugas" in her.last_message
    assert jembatan.app is not None and jembatan.app.job_queue is not None
    assert [j.name for j in jembatan.app.job_queue.jobs()] == ["followup-sweeper"]
