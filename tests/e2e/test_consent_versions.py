"""Consent: short enough to read, versioned by its very words, and those words shown back to her."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.admin import consent_versions
from bot.core.i18n import Catalogs
from bot.simulator import SimUser
from flows.core import consents
from flows.steps.intake.consent import CONSENT_TEXTS, consent_version
from tests.auxil.harness import Jembatan
from tests.e2e.test_wipe import finish_request, in_kupang, make_request

POLICE_LINE = "Tidak untuk polisi atau Satpol PP, kecuali Kakak minta atau ada perintah pengadilan."


async def stored_versions(jembatan: Jembatan, user: SimUser) -> list[str]:
    assert jembatan.services is not None
    person = await jembatan.services.users.get_or_create(user.user_id)
    return [c.text_version for c in await jembatan.services.consents.list_for(person.id)]


def words(text: str) -> list[str]:
    """The words of a message as a reader counts them (emoji and punctuation alone are not)."""
    return [w for w in text.split() if any(ch.isalnum() for ch in w)]


@pytest.fixture
def reword(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], Path]]:
    """Changes one word of the Indonesian consent, in a copy of the catalogs."""

    def change() -> Path:
        copy = tmp_path / "locales"
        shutil.copytree(consents.LOCALES_DIR, copy)
        po = copy / "id" / "LC_MESSAGES" / "messages.po"
        text = po.read_text(encoding="utf-8")
        old = '"Dihapus {days} hari setelah selesai."'
        assert text.count(old) == 1
        po.write_text(text.replace(old, '"Dihapus {days} hari sesudah selesai."'))
        monkeypatch.setattr(consents, "LOCALES_DIR", copy)
        consents._catalog.cache_clear()
        consents._version.cache_clear()
        return copy

    yield change
    consents._catalog.cache_clear()
    consents._version.cache_clear()


async def test_the_consent_is_short_and_names_the_service_and_the_court_order_limit(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await user.press("🎓 Pelatihan dan bantuan usaha")
    title = user.last_buttons[0]
    await user.press(title)
    await user.press("🙋 Saya mau ikut")
    await user.press("Ya, 18 tahun ke atas")
    consent = user.last_message
    assert f": {title}, wilayah" in consent, "she reads the very service the office will see"
    assert POLICE_LINE in consent
    assert "Dibaca kantor itu dan pengelola Jembatan (Dinas Sosial)." in consent
    count = len(words(consent))
    print(f"consent: 1 bubble, {count} words")
    assert count <= 60, consent
    assert user.last_buttons[:2] == ["✅ Saya setuju", "ℹ️ Baca lengkap"]

    await user.press("ℹ️ Baca lengkap")
    full = user.last_message
    assert f"Yang dikirim: {title}, wilayah" in full
    assert "Yang bisa melihat: petugas Dinas Sosial yang mengurus Jembatan" in full
    assert "lewat tombol 🔒 Privasi di menu" in full and "/privasi" not in full
    assert "ℹ️ Baca lengkap" not in user.last_buttons
    await user.press("✅ Saya setuju")
    assert "Bagaimana" in user.last_message or "hubungi" in user.last_message


async def test_a_consent_records_the_version_of_its_words_and_data_saya_shows_them(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await make_request(user)
    [version] = await stored_versions(jembatan, user)
    assert version == consent_version()
    assert version in consents.recorded(), "every version's words are kept in the repository"

    await user.send("/privasi")
    before = len(user.bot_messages)
    await user.press("👁 Data saya")
    shown = "\n".join(m.text or "" for m in user.bot_messages[before:])
    assert "Kata-kata yang Kakak setujui (Mengirim permintaan, teks versi" in shown
    assert f"“{POLICE_LINE}”" in shown
    assert "“Dihapus 180 hari setelah selesai.”" in shown


async def test_changing_one_word_of_the_consent_changes_the_version_recorded(
    jembatan: Jembatan, reword: Callable[[], Path]
) -> None:
    first = consent_version()
    assert jembatan.services is not None
    jembatan.services.catalogs = Catalogs.load(reword())
    user = jembatan.user()
    await in_kupang(user)
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    await user.press("🙋 Saya mau ikut")
    await user.press("Ya, 18 tahun ke atas")
    assert "Dihapus 180 hari sesudah selesai." in user.last_message, "she sees the changed word"
    await user.press("✅ Saya setuju")
    await user.press("💬 Lewat chat ini, kapan saja 08.00–20.00 (paling aman)")
    await user.press("Lewati")
    await finish_request(user)
    [version] = await stored_versions(jembatan, user)
    assert version != first and version.startswith("referral-consent-")
    assert version == consents.version(consents.REFERRAL, CONSENT_TEXTS)


def test_every_consent_text_in_use_is_kept_in_the_repository() -> None:
    for purpose, texts in consent_versions.current().items():
        version = consents.version(purpose, texts)
        kept = consents.recorded().get(version)
        hint = "run python -m bot.admin.consent_versions YYYY-MM-DD"
        assert kept is not None, f"{purpose}: no file for {version}; {hint}"
        msgids = tuple(text.msgid for text in texts)
        assert kept.msgids == msgids
        assert dict(kept.words) == consents.translated(msgids)
