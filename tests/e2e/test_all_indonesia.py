"""Kota Surabaya end to end: no local entries, so province and national tiers, and routing."""

from __future__ import annotations

from tests.auxil.asking import Request, ask
from tests.auxil.harness import Jembatan
from tests.auxil.regions import type_region
from tests.e2e.test_desk import staff
from tests.e2e.test_followups import sent_to

SURABAYA = ("surabaya", "Kota Surabaya (Jawa Timur)")
RSBKW = "Pelatihan menjahit, memasak, dan salon di Kediri (sekitar 4 bulan)"
ATENSI = "Pendampingan dan bantuan ATENSI dari Kementerian Sosial (lewat Dinas Sosial)"
HIV_TEST = "Tes HIV dan IMS (VCT/KTS) di Puskesmas terdekat atau RSUD"


async def test_kota_surabaya_sees_province_and_national_entries_and_reaches_the_province(
    jembatan: Jembatan,
) -> None:
    rina = await staff(jembatan, "Rina", ["35"], ["*"])  # a caseworker for all of Jawa Timur

    dewi = jembatan.user("Dewi")
    await dewi.send("/start")
    await dewi.press("Bahasa Indonesia")
    await type_region(dewi, *SURABAYA)
    menu = dewi.last_buttons
    for label in ("🎓 Pelatihan dan bantuan usaha", "🩺 Layanan kesehatan", "🏠 Pulang kampung"):
        assert label in menu, menu
    assert "🤝 Bantuan lain" in menu

    await dewi.press("🎓 Pelatihan dan bantuan usaha")
    assert "Urutannya: yang khusus Kota Surabaya dulu, lalu untuk se-" in dewi.last_message
    buttons = dewi.last_buttons
    assert buttons.index(RSBKW) < buttons.index(ATENSI), "the province's before the national"
    await dewi.press(RSBKW)
    assert any("📌 Untuk seluruh Jawa Timur" in t for t in sent_to(dewi)[-3:])
    await dewi.press("‹ Kembali")
    await dewi.press(ATENSI)
    assert any("📌 Untuk seluruh Indonesia" in t for t in sent_to(dewi)[-3:])

    await dewi.press("☰ Menu")
    await dewi.press("🩺 Layanan kesehatan")
    await dewi.press("🔬 Tes HIV dan IMS (rahasia)")
    assert HIV_TEST in dewi.last_buttons
    await dewi.press(HIV_TEST)
    details = "\n".join(sent_to(dewi)[-2:])
    assert "📌 Untuk seluruh Indonesia" in details and "Puskesmas terdekat" in details

    her, code = await ask(jembatan, Request(region=SURABAYA))
    told = "\n".join(sent_to(her))
    assert f"kode referensi Kakak {code}" in told or code in told
    assert "Yang menangani: tim layanan sosial untuk Jawa Timur." in told, (
        "she is told which level handles it"
    )
    notice = "\n".join(sent_to(rina))
    assert f"Permintaan baru {code} (biasa)" in notice, "the province's caseworker is told"
    assert "Kota Surabaya" not in notice, "the region is in the case view, not on the lock screen"
    await rina.press("✋ Ambil")
    assert any(code in t for t in sent_to(rina)[-2:])
