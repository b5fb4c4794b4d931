"""Her rights end to end: withdraw consent, and delete everything (raw bytes checked)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from storage.erasure import checkpoint
from storage.reports import ReportRepo
from tests.auxil.asking import KUPANG, Request, ask
from tests.auxil.harness import Jembatan
from tests.auxil.process import eventually
from tests.e2e.test_desk import claimed_case, staff
from tests.e2e.test_followups import ask_training, sent_to


async def test_withdrawing_consent_stops_requests_and_check_ins_and_tells_the_caseworker(
    jembatan: Jembatan,
) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    her, code = await ask_training(jembatan, KUPANG)
    await ana.press("✋ Ambil")
    assert jembatan.services is not None
    before_withdrawal = await jembatan.services.referrals.by_code(code)
    assert before_withdrawal is not None and before_withdrawal.time_window is not None
    await her.send("/privasi")
    await her.press("✋ Batalkan izin")
    assert "Batalkan izin Kakak?" in her.last_message
    assert "Data yang Kakak berikan untuk permintaan langsung dihapus" in her.last_message
    await her.press("✋ Ya, batalkan izin")
    assert any(
        "izin Kakak dibatalkan, data permintaan Kakak sudah dihapus" in text
        for text in sent_to(her)
    )
    assert f"{code} ditarik kembali oleh pemohon." in sent_to(ana)[-1]

    assert jembatan.services is not None
    services = jembatan.services
    referral = await services.referrals.by_code(code)
    assert referral is not None and referral.status == "withdrawn"
    assert await services.referrals.personal(referral.id) == {}, "her details go at once"
    assert referral.time_window is None
    assert all(not c.active for c in await services.consents.list_for(1))
    assert all(f.state != "pending" for f in await services.followups.for_user(1))
    before = len(her.bot_messages)
    jembatan.clock.now = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    await jembatan.run_due()
    assert len(her.bot_messages) == before, "no check-in after withdrawal"


async def test_deleting_everything_leaves_no_personal_value_and_keeps_the_statistics(
    jembatan: Jembatan,
) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    request = Request(region=KUPANG, phone="0812-9876-5432", nickname="Kenanga Wangi")
    her, code = await ask(jembatan, request)
    assert jembatan.services is not None
    services = jembatan.services
    await ana.press("✋ Ambil")
    await ana.press("📝 Tambah catatan")
    await ana.send("Kenanga Wangi minta ditelepon pagi")
    sealed = [
        row[0]
        for row in await services.db.fetchall(
            "SELECT personal FROM referrals UNION ALL SELECT body FROM notes"
        )
    ]

    await her.send("/privasi")
    await her.press("🗑 Hapus semua data saya")
    started = time.perf_counter()
    await her.press("🗑 Ya, hapus semuanya")
    took = time.perf_counter() - started
    assert "Semua yang saya simpan tentang Kakak sudah dihapus." in her.last_message
    assert f"{code} ditarik kembali oleh pemohon." in sent_to(ana)[-1]
    print(f"\ndelete everything: confirmed and done in {took:.2f} s")

    await checkpoint(services.db)
    db_path = jembatan.settings.database
    raw = db_path.read_bytes() + db_path.with_name(db_path.name + "-wal").read_bytes()
    for value in ("Kenanga", "9876", "5432", *sealed):
        assert value.encode() not in raw, f"{value[:12]}... is still on disk"
    assert str(her.user_id).encode() not in raw
    assert her.user_id.to_bytes(4, "big") not in raw, "her Telegram id (as SQLite stores it)"

    counts = await ReportRepo(services.db).counts(
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC), ("*",)
    )
    assert counts.total == 1 and counts.by_status == {"withdrawn": 1}

    jembatan.clock.now += timedelta(days=3)
    await jembatan.run_due()
    assert "Semua yang saya simpan" in her.last_message, "nothing is sent to her afterwards"


async def chat_rows(jembatan: Jembatan, chat_id: int) -> list[str]:
    """Every row of every table that names this chat (by a chat or Telegram id column)."""
    assert jembatan.services is not None
    db = jembatan.services.db
    found = []
    for (table,) in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = [row[1] for row in await db.fetchall(f"PRAGMA table_info({table})")]
        for column in {"chat_id", "telegram_id"} & set(columns):
            rows = await db.fetchall(f"SELECT * FROM {table} WHERE {column} = ?", (chat_id,))
            found += [f"{table}.{column}"] * len(rows)
    return found


async def test_a_relay_in_flight_while_she_deletes_everything_leaves_no_trace(
    jembatan: Jembatan,
) -> None:
    ana, her, code = await claimed_case(jembatan)
    await ana.press("✉️ Tulis ke pemohon")
    await her.send("/privasi")
    await her.press("🗑 Hapus semua data saya")
    hanging = jembatan.sim.inject(
        "sendMessage", "latency", latency=3.0, times=1
    )  # under the 5 s read timeout
    relaying = asyncio.create_task(ana.send("Besok jam sembilan ya"))
    await eventually(lambda: hanging.hits == 1)  # the relay to her is on its way

    await her.press("🗑 Ya, hapus semuanya")
    await relaying
    await jembatan.outbox_idle()

    assert "Semua yang saya simpan tentang Kakak sudah dihapus." in her.last_message
    assert not any("Besok jam sembilan" in (m.text or "") for m in her.messages), (
        "the message on its way is taken back, and nothing arrives after the confirmation"
    )
    assert await chat_rows(jembatan, her.chat_id) == []
    assert any(f"{code} ditarik kembali" in (m.text or "") for m in ana.bot_messages), (
        "the caseworker is still told (the erased row's id is not mistaken for hers)"
    )
