"""Privacy and her data: see, copy, correct, and the shared-phone mode, over real HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.simulator import SimUser
from flows.steps.intake import consent_version
from tests.auxil.harness import Jembatan
from tests.e2e.test_wipe import MENU, in_kupang, make_request


async def her_referrals(jembatan: Jembatan, user: SimUser) -> list[tuple[int, str]]:
    assert jembatan.services is not None
    person = await jembatan.services.users.get_or_create(user.user_id)
    return [(r.id, r.code) for r in await jembatan.services.referrals.for_user(person.id)]


async def test_privacy_menu_offers_every_right(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await user.press("🔒 Privasi")
    assert user.last_message == "Kakak mau melakukan apa?"
    for label in (
        "👁 Data saya",
        "📄 Kirim salinan",
        "✏️ Ubah data",
        "🧹 Hapus chat ini",
        "📱 HP dipakai bersama: tidak",
        "🗑 Hapus semua data saya",
    ):
        assert label in user.last_buttons


async def test_see_my_data_shows_her_nickname_request_and_consent(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await make_request(user, nickname="Mawar")
    [(_, code)] = await her_referrals(jembatan, user)
    await user.send("/privasi")
    before = len(user.bot_messages)
    await user.press("👁 Data saya")
    shown = "\n".join(m.text or "" for m in user.bot_messages[before - 1 :])
    assert "• Bahasa: Bahasa Indonesia" in shown
    assert "• Wilayah: Kota Kupang" in shown
    assert "• HP dipakai bersama: tidak" in shown
    assert f"Permintaan {code}" in shown
    assert "• Nama panggilan: Mawar" in shown
    assert "teks versi Desember 2026" in shown, "the consent text is named by its date"
    assert user.last_message.startswith("Itu semuanya.")
    assert jembatan.services is not None
    actions = [e.action for e in await jembatan.services.audit.list()]
    assert "data.view" in actions


async def test_copy_arrives_as_a_text_and_a_json_document(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await make_request(user, nickname="Mawar")
    [(_, code)] = await her_referrals(jembatan, user)
    await user.send("/privasi")
    await user.press("📄 Kirim salinan")
    documents = [m for m in user.bot_messages if m.kind == "document"]
    assert len(documents) == 2
    by_name = {m.document_name or "": m.document_bytes or b"" for m in documents}
    json_name = next(n for n in by_name if n.endswith(".json"))
    text_name = next(n for n in by_name if n.endswith(".txt"))
    data = json.loads(by_name[json_name])
    assert data["requests"][0]["code"] == code
    assert data["requests"][0]["nickname"] == "Mawar"
    assert data["profile"]["region_code"] == "53.71"
    assert data["consents"][0]["text_version"] == consent_version()
    assert "Bisa dibatalkan kapan saja. Tidak setuju juga boleh." in data["consents"][0]["words"]
    readable = by_name[text_name].decode()
    assert "Mawar" in readable and code in readable
    assert user.last_message.startswith("Di atas ada salinan data Kakak")


async def test_copy_files_are_named_neutrally_and_dated_in_her_zone(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    jembatan.clock.now = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)  # 01.30 on the 24th in WITA
    await user.send("/privasi")
    await user.press("📄 Kirim salinan")
    names = {m.document_name for m in user.bot_messages if m.kind == "document"}
    assert names == {"data-2026-11-24.txt", "data-2026-11-24.json"}


async def test_correcting_the_region_changes_it_and_the_menu(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await user.press("🔒 Privasi")
    await user.press("✏️ Ubah data")
    await user.press("📍 Wilayah saya")
    await user.send("kediri")
    await user.press("Kota Kediri (Jawa Timur)")
    assert MENU in user.last_message
    assert "Wilayah: Kota Kediri." in user.last_message
    assert jembatan.services is not None
    person = await jembatan.services.users.get_or_create(user.user_id)
    assert person.region_code == "35.71"


async def test_correcting_the_nickname_changes_her_open_request(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await make_request(user, nickname="Mawar")
    [(referral_id, code)] = await her_referrals(jembatan, user)
    await user.send("/privasi")
    await user.press("✏️ Ubah data")
    await user.press("🙂 Nama panggilan di permintaan saya")
    await user.send("Melati")
    assert any("Tersimpan." in (m.text or "") for m in user.bot_messages[-6:])
    assert jembatan.services is not None
    assert (await jembatan.services.referrals.personal(referral_id))["nickname"] == "Melati"
    actions = [(e.action, e.subject) for e in await jembatan.services.audit.list()]
    assert ("referral.correct", f"referral:{code}") in actions


async def test_correcting_the_safe_time_of_open_requests(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await make_request(user)
    await user.send("/privasi")
    await user.press("✏️ Ubah data")
    await user.press("💬 Cara dan waktu menghubungi saya")
    await user.press("🌅 Pagi 08.00–12.00")
    assert jembatan.services is not None
    [referral] = await jembatan.services.referrals.for_user(
        (await jembatan.services.users.get_or_create(user.user_id)).id
    )
    assert referral.time_window == "morning" and referral.contact == "chat"


async def test_shared_phone_from_the_request_protects_every_later_message(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_kupang(user)
    assert not any(m.protect_content for m in user.bot_messages)
    await make_request(user, shared=True)
    confirmation = "\n".join(m.text or "" for m in user.bot_messages[-4:])
    assert "HP ini dipakai bersama" in confirmation, "the reminder to wipe is shown"
    assert "🧹 Hapus chat ini" in user.last_buttons
    since = len(user.bot_messages)
    await user.press("📋 Permintaan saya")
    await user.send("/menu")
    later = user.bot_messages[since - 1 :]
    assert later and all(m.protect_content for m in later)
    assert any("HP ini dipakai bersama" in (m.text or "") for m in later), "reminder on leaving"
    assert jembatan.services is not None
    person = await jembatan.services.users.get_or_create(user.user_id)
    assert person.shared_phone


async def test_shared_phone_switch_in_the_privacy_menu(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await user.press("🔒 Privasi")
    since = len(user.bot_messages)
    await user.press("📱 HP dipakai bersama: tidak")
    assert "📱 HP dipakai bersama: ya" in user.last_buttons
    new = user.bot_messages[since:]
    assert new and all(m.protect_content for m in new)
    assert any("Mode HP bersama aktif" in (m.text or "") for m in new)
    assert jembatan.services is not None
    assert (await jembatan.services.users.get_or_create(user.user_id)).shared_phone

    await user.press("📱 HP dipakai bersama: ya")
    since = len(user.bot_messages)
    await user.send("/menu")
    assert not any(m.protect_content for m in user.bot_messages[since:])
    assert not (await jembatan.services.users.get_or_create(user.user_id)).shared_phone


async def test_on_a_shared_phone_the_copy_is_protected_too(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await user.press("🔒 Privasi")
    await user.press("📱 HP dipakai bersama: tidak")
    await user.press("📄 Kirim salinan")
    documents = [m for m in user.bot_messages if m.kind == "document"]
    assert len(documents) == 2 and all(m.protect_content for m in documents)
    data = json.loads(
        next(
            m.document_bytes or b""
            for m in documents
            if m.document_name and m.document_name.endswith(".json")
        )
    )
    assert data["profile"]["shared_phone"] is True and data["requests"] == []
