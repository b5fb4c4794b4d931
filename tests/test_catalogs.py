"""The gettext catalogs: complete in Indonesian and English, placeholders intact, no labels."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.core.i18n import LOCALES_DIR, SUPPORTED_LOCALES, Catalogs, placeholders
from flows.core.types import t

ROOT = Path(__file__).resolve().parents[1]
# Labels that stigmatise (../shared/DOMAIN.md section 4): never in any text we show.
FORBIDDEN = re.compile(
    r"\b(wts|psk|pelacur\w*|lonte|sundal|tuna susila|wanita tuna susila|kupu-kupu malam|"
    r"pekerja seks komersial|prostitute|whore|hooker)\b",
    re.IGNORECASE,
)


def load(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def extracted_msgids(tmp_path: Path) -> set[str | tuple[str, ...]]:
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "t",
            "-k",
            "tn:1,2",
            "--no-default-keywords",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_msgid_in_the_code_is_translated(locale: str, tmp_path: Path) -> None:
    catalog = load(locale)
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    missing = extracted_msgids(tmp_path) - translated
    assert not missing, f"{locale}: untranslated msgids: {sorted(missing)}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_no_obsolete_msgid_stays_in_the_catalog(locale: str, tmp_path: Path) -> None:
    kept = {m.id for m in load(locale) if m.id}
    obsolete = kept - extracted_msgids(tmp_path)
    assert not obsolete, f"{locale}: msgids no code uses: {sorted(map(str, obsolete))}"


def test_counted_texts_use_the_plural_forms_of_each_language() -> None:
    from flows.core.texts import wipe_incomplete

    catalogs = Catalogs.load()
    english, indonesian = catalogs.translator("en"), catalogs.translator("id")
    one, three = wipe_incomplete(1).parts[0], wipe_incomplete(3).parts[0]
    assert english.render(one) == "I could not delete 1 message; it is still in this chat."
    assert english.render(three) == "I could not delete 3 messages; they are still in this chat."
    assert indonesian.render(three).startswith("Ada 3 pesan yang tidak bisa saya hapus")


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_placeholders_match_the_msgid(locale: str) -> None:
    for message in load(locale):
        if message.id and message.string:
            assert placeholders(str(message.string)) == placeholders(str(message.id)), message.id


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_no_stigmatising_labels(locale: str) -> None:
    for message in load(locale):
        for text in (str(message.id), str(message.string)):
            assert not FORBIDDEN.search(text), text


def test_service_catalog_data_has_no_labels_either() -> None:
    files = sorted((ROOT / "flows" / "data" / "catalog").glob("*.yaml"))
    assert files
    for path in files:
        assert not FORBIDDEN.search(path.read_text()), path.name


def test_locale_is_chosen_per_translator_not_globally() -> None:
    catalogs = Catalogs.load()
    text = t("Please choose your language:")
    indonesian, english = catalogs.translator("id"), catalogs.translator("en")
    assert indonesian.render(text) == "Silakan pilih bahasa:"
    assert english.render(text) == "Please choose your language:"
    assert indonesian.render(text) == "Silakan pilih bahasa:", "no state leaks between locales"


def test_times_follow_the_region_time_zone() -> None:
    from datetime import UTC, datetime

    from flows.core.types import clock_time

    catalogs = Catalogs.load()
    instant = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    text = t(
        "OK, you are in {region}. The times I write are in {zone} (it is now {time}).",
        region="X",
        zone="Z",
        time=clock_time(instant),
    )
    assert "pukul 20.00" in catalogs.translator("id", "Asia/Jakarta").render(text)
    assert "pukul 20.00" in catalogs.translator("id", "Asia/Pontianak").render(text)
    assert "pukul 21.00" in catalogs.translator("id", "Asia/Makassar").render(text)
    assert "pukul 22.00" in catalogs.translator("id", "Asia/Jayapura").render(text)


def test_rupiah_amounts_go_through_babel() -> None:
    from flows.core.types import Localized, Money

    catalogs = Catalogs.load()
    indonesian, english = catalogs.translator("id"), catalogs.translator("en")
    assert indonesian.money(Money(5_050_000)) == "Rp5.050.000"
    assert english.money(Money(5_050_000)) == "Rp 5,050,000"
    text = Localized((("id", "paket sekitar {IDR 5050000} per orang"), ("en", "about {IDR 42000}")))
    assert indonesian.render(text) == "paket sekitar Rp5.050.000 per orang"
    assert english.render(text) == "about Rp 42,000"


def test_dates_have_one_format_without_leading_zeros() -> None:
    from datetime import UTC, datetime

    from flows.core.types import Moment

    indonesian = Catalogs.load().translator("id", "Asia/Jakarta")
    at = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert indonesian.render(t("{x}", x=Moment(at, "datetime"))).startswith("Rabu, 2 Desember 2026")
    assert indonesian.render(t("{x}", x=Moment(at, "date"))) == "2 Desember 2026"
    assert indonesian.render(t("{x}", x=Moment(at, "month"))) == "Desember 2026"
