"""`/laporan` end to end: supervisors see this and last month's counts, small ones suppressed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.simulator import SimUser
from storage.referrals import NewReferral
from tests.auxil.harness import Jembatan
from tests.e2e.test_desk import refer, staff

HINT = "Silakan pakai tombol, atau /antrian untuk melihat permintaan yang terbuka."


def report_of(person: SimUser) -> str:
    """The three messages of a report: this month, last month, and the note."""
    texts = [m.text or "" for m in person.bot_messages[-3:]]
    assert texts[0].startswith("📊 Laporan"), texts
    return "\n".join(texts)


def section(report: str, month: str) -> str:
    """The lines of one month's message."""
    start = report.index(f"📊 Laporan {month}")
    end = report.find("📊 Laporan", start + 1)
    return report[start : end if end != -1 else None]


async def stored_referral(jembatan: Jembatan, code: str, region: str, service: str) -> None:
    """A referral put straight into storage (to reach counts of five and more quickly)."""
    services = jembatan.services
    assert services is not None
    user = await services.users.get_or_create(10**9 + int.from_bytes(code.encode()) % 10**9)
    async with services.db.transaction() as conn:
        await services.referrals.create(
            conn,
            NewReferral(
                code=code,
                user_id=user.id,
                service=service,
                item="",
                region_code=region,
                region_system="test",
                office_key="test",
                answers={"nickname": "Melati"},
                consent_id=await services.consents.record(
                    conn, user.id, "referral", "v1", "id", services.clock()
                ),
            ),
            "test",
        )


async def test_a_supervisor_sees_the_counts_and_a_closed_case_with_its_outcome(
    jembatan: Jembatan,
) -> None:
    boss = await staff(jembatan, "Dewi", ["53.71"], ["*"], role="supervisor")
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    code = await refer(jembatan, "kupang", "Kota Kupang (Nusa Tenggara Timur)")
    await ana.press("✋ Ambil")
    await ana.press("✅ Tutup dengan hasil")
    await ana.press("Sudah mendapat bantuan")

    await boss.send("/laporan")
    report = report_of(boss)
    november = section(report, "November 2026")
    assert "Permintaan masuk: <5" in november
    assert "• Selesai: <5" in november, "the closed case counts under its status"
    assert "• Sudah mendapat bantuan: <5" in november, "and under its outcome"
    assert "• Tidak memenuhi syarat: 0" in november
    assert "• Baru: 0" in november
    assert "• Kota Kupang: <5" in november
    assert re.search(r": 1$", november, re.MULTILINE) is None, "one is never shown as 1"
    october = section(report, "Oktober 2026")
    assert "Permintaan masuk: 0" in october
    assert "Wilayah: Kota Kupang" in report and "<5" in report.splitlines()[-1]
    for private in ("Mawar", code, "Ana", "Dewi"):
        assert private not in report

    assert jembatan.services is not None
    views = [e for e in await jembatan.services.audit.list() if e.action == "report.view"]
    assert len(views) == 1
    me = await jembatan.services.caseworkers.by_telegram(boss.user_id)
    assert me is not None and views[0].actor == f"caseworker:{me.id}"


async def test_counts_of_five_or_more_show_and_only_her_regions_and_months_count(
    jembatan: Jembatan,
) -> None:
    boss = await staff(jembatan, "Dewi", ["53.71"], ["*"], role="supervisor")
    admin = await staff(jembatan, "Gita", ["*"], ["*"], role="admin")
    for n in range(6):
        await stored_referral(jembatan, f"KUP00{n}", "53.71", "training")
    await stored_referral(jembatan, "KUPHLT", "53.71", "health")
    for n in range(2):
        await stored_referral(jembatan, f"KDR00{n}", "35.71", "training")
    # 30 November 17:30 UTC is 1 December 00:30 WIB: December's, in Jakarta time.
    jembatan.clock.now = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
    await stored_referral(jembatan, "KUPDEC", "53.71", "training")

    await boss.send("/laporan")
    report = report_of(boss)
    december, november = section(report, "Desember 2026"), section(report, "November 2026")
    assert "Permintaan masuk: <5" in december and "• Pelatihan: <5" in december
    assert "Permintaan masuk: 7" in november
    # 6 and <5 of 7 would give the <5 away (7 - 6): the 6 is hidden too.
    assert "• Pelatihan: *" in november and "• Kesehatan: <5" in november
    assert "• Baru: 7" in november and "• Sudah mendapat bantuan: 0" in november
    assert "• Kota Kupang: 7" in november
    assert "Kediri" not in report, "another region's requests are not hers"

    await admin.send("/laporan")
    everything = section(report_of(admin), "November 2026")
    assert "Permintaan masuk: 9" in everything
    assert "• Kota Kupang: *" in everything and "• Kota Kediri: <5" in everything
    assert "Wilayah: semua" in report_of(admin)


async def test_a_caseworker_gets_the_answer_of_an_unknown_command(jembatan: Jembatan) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    await stored_referral(jembatan, "KUP001", "53.71", "training")
    await ana.send("/perintahlain")
    assert ana.last_message == HINT
    before = len(ana.bot_messages)
    await ana.send("/laporan")
    assert len(ana.bot_messages) == before + 1
    assert ana.last_message == HINT
    stranger = jembatan.user("Stranger")
    await stranger.send("/laporan")
    for person in (ana, stranger):
        seen = "\n".join(m.text or "" for m in person.bot_messages)
        assert "Laporan" not in seen and "Permintaan masuk" not in seen
    assert jembatan.services is not None
    assert not [e for e in await jembatan.services.audit.list() if e.action == "report.view"]
