"""The caseworker side end to end: invites, routed notifications, one claim wins, the lifecycle."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.simulator import SimUser
from tests.auxil.asking import KUPANG, Request, ask
from tests.auxil.harness import Jembatan
from tests.auxil.regions import type_region

TRAINING = "🎓 Pelatihan dan bantuan usaha"

NEUTRAL = "Halo, Kak 👋\n"  # the first line of every message the bot sends her on its own


async def staff(
    jembatan: Jembatan, name: str, regions: list[str], services: list[str], role: str = "caseworker"
) -> SimUser:
    assert jembatan.services is not None
    _, token = await jembatan.services.caseworkers.invite(
        name, role, regions, services, timedelta(days=7)
    )
    person = jembatan.user(name)
    await person.send(f"/start inv_{token}")
    assert person.last_message.startswith("Meja kerja Jembatan"), person.last_message
    return person


async def refer(jembatan: Jembatan, typed: str, label: str, nickname: str = "Mawar") -> str:
    """A beneficiary sends a training request; returns its code."""
    user = jembatan.user("Penerima")
    await user.send("/start")
    await user.press("Bahasa Indonesia")
    await type_region(user, typed, label)
    await user.press(TRAINING)
    await user.press(user.last_buttons[0])
    await user.press("🙋 Saya mau ikut")
    await user.press("Ya, 18 tahun ke atas")
    await user.press("✅ Saya setuju")
    await user.press("💬 Lewat chat ini, kapan saja 08.00–20.00 (paling aman)")
    await user.send(nickname)
    await user.press("Ya, hanya saya")
    await user.press("✅ Kirim")
    assert jembatan.services is not None
    rows = await jembatan.services.db.fetchall("SELECT code FROM referrals ORDER BY id DESC")
    jembatan.beneficiary = user  # type: ignore[attr-defined]
    return str(rows[0][0])


async def test_matching_caseworkers_are_told_and_exactly_one_claim_wins(
    jembatan: Jembatan,
) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    budi = await staff(jembatan, "Budi", ["53.71"], ["training", "livelihood"])
    citra = await staff(jembatan, "Citra", ["35.71"], ["*"])
    code = await refer(jembatan, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    her: SimUser = jembatan.beneficiary  # type: ignore[attr-defined]

    for person in (ana, budi):
        note = person.last_message
        assert note == f"Permintaan baru {code} (biasa)", "a lock screen shows code and urgency"
        assert "Kupang" not in note and "Menunggu" not in note, "region in the case view only"
        assert "Mawar" not in note, "no nickname in a notification"
        assert person.last_buttons == ["✋ Ambil"]
    assert all(code not in (m.text or "") for m in citra.bot_messages), "other region not told"

    ana_note, budi_note = ana.bot_messages[-1], budi.bot_messages[-1]
    await asyncio.gather(
        ana.press("✋ Ambil", message=ana_note), budi.press("✋ Ambil", message=budi_note)
    )
    assert jembatan.services is not None
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None and referral.status == "claimed"
    winner, loser = (ana, budi) if referral.claimed_by == 1 else (budi, ana)
    assert loser.last_callback_answer == "Sudah diambil petugas lain lebih dulu."
    loser_note = next(m for m in loser.bot_messages if f"{code} sudah diambil" in (m.text or ""))
    assert not loser_note.inline_keyboard
    assert any(f"Anda mengambil {code}" in (m.text or "") for m in winner.bot_messages)
    case_view = "\n".join(m.text or "" for m in winner.bot_messages[-2:])
    assert "Nama panggilan: Mawar" in case_view, "the case view shows consented details"
    await jembatan.open_sealed()
    assert f"Permintaan {code} sekarang ditangani petugas." in (her.last_message or "")

    await winner.press("📞 Tandai sudah dihubungi")
    await winner.press("🔧 Tandai sedang diproses")
    await jembatan.open_sealed()
    assert her.last_message == NEUTRAL + f"Permintaan {code} sedang diproses."
    await winner.press("✅ Tutup dengan hasil")
    await winner.press("Sudah mendapat bantuan")
    assert "Hasil: Sudah mendapat bantuan" in (winner.bot_messages[-2].text or "")
    await jembatan.open_sealed()
    assert her.last_message == NEUTRAL + (
        f"Permintaan {code} sudah ditutup. "
        "Kalau Kakak butuh bantuan lagi, Kakak boleh minta lagi kapan saja."
    )

    history = await jembatan.services.referrals.history(referral.id)
    assert [s for _, _, s in history] == ["new", "claimed", "contacted", "in_progress", "closed"]
    assert {actor for _, actor, _ in history[1:]} == {f"caseworker:{referral.claimed_by}"}
    await her.send("/permintaan")
    assert her.last_buttons[0] == f"{code} · Selesai"
    audit = [(e.action, e.subject) for e in await jembatan.services.audit.list()]
    assert ("case.claim", f"referral:{code}") in audit
    assert ("case.outcome:received_help", f"referral:{code}") in audit


async def test_no_matching_caseworker_tells_the_regions_supervisor(jembatan: Jembatan) -> None:
    boss = await staff(jembatan, "Dewi", ["53.71"], ["*"], role="supervisor")
    other = await staff(jembatan, "Eko", ["53.71"], ["health"])
    code = await refer(jembatan, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    assert boss.last_message.startswith(f"Permintaan baru {code}")
    assert all(code not in (m.text or "") for m in other.bot_messages)


async def test_a_referral_nobody_covers_is_recorded_as_unrouted(jembatan: Jembatan) -> None:
    code = await refer(jembatan, "banjarbaru", "Kota Banjarbaru (Kalimantan Selatan)")
    assert jembatan.services is not None
    audit = [(e.action, e.subject) for e in await jembatan.services.audit.list()]
    assert ("referral.unrouted", f"referral:{code}") in audit
    row = await jembatan.services.db.fetchone(
        "SELECT routed FROM referrals WHERE code = ?", (code,)
    )
    assert row is not None and row[0] == 0


async def test_strangers_beneficiaries_and_other_regions_get_nothing(jembatan: Jembatan) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    kediri = await staff(jembatan, "Fajar", ["35.71"], ["*"])
    code = await refer(jembatan, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    her: SimUser = jembatan.beneficiary  # type: ignore[attr-defined]
    stranger = jembatan.user("Stranger")
    await stranger.send("/antrian")
    assert code not in "\n".join(m.text or "" for m in stranger.bot_messages)

    for person in (stranger, her, kediri):
        await person.forge_callback(f"d:claim:{code}")
        await person.forge_callback(f"d:open:{code}")
        await person.forge_callback("d:claim:ZZZZZZ")
        seen = "\n".join(m.text or "" for m in person.bot_messages)
        assert "Mawar" not in seen and f"Permintaan {code}\n" not in seen
    assert jembatan.services is not None
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None and referral.status == "new"
    refusals = [e for e in await jembatan.services.audit.list() if e.action == "desk.refused"]
    assert refusals, "a caseworker reaching outside her regions is audited"

    await kediri.send("/antrian")
    assert code not in kediri.last_message + " ".join(kediri.last_buttons)
    await ana.send("/antrian")
    assert any(code in label for label in ana.last_buttons)


async def test_a_deactivated_caseworker_loses_access_at_once(jembatan: Jembatan) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    code = await refer(jembatan, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    note = ana.bot_messages[-1]
    assert jembatan.services is not None
    async with jembatan.services.db.transaction() as conn:
        assert await jembatan.services.caseworkers.deactivate(conn, 1)
    await ana.press("✋ Ambil", message=note)
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None and referral.status == "new"
    await ana.send("/antrian")
    assert code not in "\n".join(m.text or "" for m in ana.bot_messages[-3:])


async def test_invites_are_single_use_and_expire(jembatan: Jembatan) -> None:
    assert jembatan.services is not None
    _, token = await jembatan.services.caseworkers.invite(
        "Gita", "caseworker", ["53.71"], ["*"], timedelta(days=1)
    )
    first, second = jembatan.user("First"), jembatan.user("Second")
    await first.send(f"/start inv_{token}")
    assert first.last_message.startswith("Meja kerja Jembatan")
    await second.send(f"/start inv_{token}")
    assert second.last_buttons[:2] == ["Bahasa Indonesia", "English"], (
        "a used link is a plain start"
    )
    _, late = await jembatan.services.caseworkers.invite(
        "Hani", "caseworker", ["53.71"], ["*"], timedelta(days=1)
    )
    jembatan.clock.advance(days=2)
    third = jembatan.user("Third")
    await third.send(f"/start inv_{late}")
    assert third.last_buttons[:2] == ["Bahasa Indonesia", "English"], (
        "an expired link is a plain start"
    )
    await third.send("/start inv_forged-token")
    assert await jembatan.services.caseworkers.by_telegram(third.user_id) is None


async def claimed_case(jembatan: Jembatan) -> tuple[SimUser, SimUser, str]:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    jembatan.kediri = await staff(jembatan, "Fajar", ["35.71"], ["*"])  # type: ignore[attr-defined]
    code = await refer(jembatan, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    await ana.press("✋ Ambil")
    her: SimUser = jembatan.beneficiary  # type: ignore[attr-defined]
    return ana, her, code


async def test_notes_are_kept_encrypted_on_the_case(jembatan: Jembatan) -> None:
    ana, _, code = await claimed_case(jembatan)
    await ana.press("📝 Tambah catatan")
    await ana.send("Sudah janji temu hari Kamis di kantor")
    case_view = "\n".join(m.text or "" for m in ana.bot_messages[-3:])
    assert "Sudah janji temu hari Kamis di kantor" in case_view
    db = jembatan.settings.database
    raw = db.read_bytes() + db.with_name(db.name + "-wal").read_bytes()
    assert b"janji temu" not in raw
    assert jembatan.services is not None
    audit = [(e.action, e.subject) for e in await jembatan.services.audit.list()]
    assert ("case.note", f"referral:{code}") in audit


async def test_messages_are_relayed_both_ways_without_revealing_accounts(
    jembatan: Jembatan,
) -> None:
    ana, her, code = await claimed_case(jembatan)
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send("Halo Kak, kapan bisa datang ke kantor?")
    await jembatan.open_sealed()
    incoming = her.bot_messages[-1]
    assert (
        incoming.text
        == NEUTRAL + f"Pesan tentang permintaan {code}:\nHalo Kak, kapan bisa datang ke kantor?"
    )
    assert "Ana" not in (incoming.text or "")
    assert str(ana.user_id) not in str(incoming)
    await her.press("↩ Balas", message=incoming)
    await her.send("Besok pagi bisa")
    reply = ana.bot_messages[-1]
    assert reply.text == f"Balasan tentang {code}:\nBesok pagi bisa"
    await her.press("↩ Balas", message=incoming)
    await her.send("Tolong jangan telepon, saya takut suami tahu")
    assert ana.bot_messages[-1].text == (
        f"Balasan tentang {code}:\nTolong jangan telepon, saya takut suami tahu"
    ), "her own words are relayed, not taken as a keyword"
    assert str(her.user_id) not in str(reply) and "Penerima" not in (reply.text or "")
    db = jembatan.settings.database
    raw = db.read_bytes() + db.with_name(db.name + "-wal").read_bytes()
    assert b"Besok pagi bisa" not in raw and b"kapan bisa datang" not in raw

    await her.press("✖ Tutup percakapan", message=incoming)
    assert f"Percakapan tentang {code} sudah ditutup." in "\n".join(
        m.text or "" for m in her.bot_messages[-3:]
    )
    await her.press("↩ Balas", message=incoming)
    assert her.last_callback_answer == "Menu itu sudah tidak berlaku. Ini menu yang terbaru."


async def test_hand_over_to_her_home_region_notifies_its_caseworkers(jembatan: Jembatan) -> None:
    ana, her, code = await claimed_case(jembatan)
    await ana.press("🔀 Serahkan ke wilayah lain")
    await ana.send("surabaya")
    assert ana.last_message.startswith("Tidak ada wilayah dengan kantor yang cocok.")
    await ana.send("kota kediri")
    await ana.press("Kota Kediri (Jawa Timur)")
    await ana.press("Sudah pulang ke wilayah itu")
    assert f"{code} sudah diserahkan" in ana.last_message
    assert jembatan.services is not None
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None
    assert referral.region_code == "35.71" and referral.status == "new"
    assert referral.claimed_by is None
    history = [s for _, _, s in await jembatan.services.referrals.history(referral.id)]
    assert history == ["new", "claimed", "handed_over", "new"]
    await jembatan.open_sealed()
    assert (
        her.last_message
        == NEUTRAL + f"Permintaan {code} sudah diteruskan ke kantor di Kota Kediri."
    )
    fajar: SimUser = jembatan.kediri  # type: ignore[attr-defined]
    assert fajar.last_message.startswith(f"Permintaan baru {code}")
    audit = [e for e in await jembatan.services.audit.list() if e.action == "case.handover"]
    assert audit and audit[0].detail == "53.71->35.71 went_home"


async def test_only_a_supervisor_can_reopen_a_closed_case(jembatan: Jembatan) -> None:
    ana, _, code = await claimed_case(jembatan)
    boss = await staff(jembatan, "Dewi", ["53.71"], ["*"], role="supervisor")
    await ana.press("✅ Tutup dengan hasil")
    await ana.press("Tidak bisa dihubungi")
    assert "↩ Buka lagi" not in ana.last_buttons, "a caseworker cannot reopen"
    await ana.forge_callback(f"d:reopen:{code}")
    assert jembatan.services is not None
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None and referral.status == "closed"
    await boss.send("/antrian")
    await boss.forge_callback(f"d:open:{code}")
    assert "↩ Buka lagi" in boss.last_buttons
    await boss.press("↩ Buka lagi")
    referral = await jembatan.services.referrals.by_code(code)
    assert referral is not None and referral.status == "in_progress" and referral.outcome is None
    history = await jembatan.services.referrals.history(referral.id)
    assert history[-1][1:] == ("caseworker:3", "in_progress")


async def test_her_cancellation_reaches_the_caseworker(jembatan: Jembatan) -> None:
    ana, her, code = await claimed_case(jembatan)
    await her.send("/permintaan")
    await her.press(her.last_buttons[0])
    await her.press("✖ Batalkan permintaan ini")
    await her.press("Ya, batalkan")
    told = [m.text for m in ana.bot_messages if f"{code} dibatalkan oleh pemohon" in (m.text or "")]
    assert told, "her caseworker is told"


async def test_staff_see_a_concrete_warning_when_her_phone_is_shared(jembatan: Jembatan) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    _, code = await ask(jembatan, Request(region=KUPANG, shared=True))
    await ana.press("✋ Ambil")
    case_view = "\n".join(m.text or "" for m in ana.bot_messages[-2:])
    assert code in case_view
    assert "jangan sebut Dinsos, Puskesmas, HIV, atau pulang kampung" in case_view
    assert (
        "Kalau menelepon: sebut nama panggilannya dulu dan tanya apakah ia bisa bicara "
        "sekarang; jangan sebut kantor sebelum yakin itu dia." in case_view
    ), "many choose a call: the warning covers calling too"
