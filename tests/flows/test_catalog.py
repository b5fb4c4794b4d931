"""The service catalog: the sample data loads and answers; each error names its file and line."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from flows.catalog import HEALTH_SERVICES, PROGRAMME_KINDS, Catalog
from flows.catalog.load import (
    DEFAULT_CATALOG,
    CatalogError,
    CatalogInvalid,
    check_catalog,
    load_catalog,
)
from flows.core.types import Localized
from flows.regions import RegionDirectory, default_directory

TODAY = date(2026, 11, 23)
DATA = Path(__file__).with_name("data")
BROKEN = DATA / "broken_catalog"
COVERED = ("35.71", "35.06", "62.71", "53.71", "63.71", "63.72", "31.73")
NATIONAL = {"sapa129", "police", "emergency112", "sejiwa", "halo-kemenkes"}
# Labels that stigmatise (DOMAIN.md section 4): never anywhere in the catalog, comments included.
FORBIDDEN = re.compile(r"\b(wts|psk|pelacur\w*|tuna\s+susila|lonte|sundal)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def regions() -> RegionDirectory:
    return default_directory()


@pytest.fixture(scope="module")
def catalog(regions: RegionDirectory) -> Catalog:
    return load_catalog(DEFAULT_CATALOG, today=TODAY, regions=regions)


# ----------------------------------------------------------------------------- default catalog


def test_default_catalog_has_no_errors(regions: RegionDirectory) -> None:
    assert check_catalog(DEFAULT_CATALOG, today=TODAY, regions=regions) == []


def test_default_catalog_is_marked_as_sample(catalog: Catalog) -> None:
    assert catalog.sample is True
    assert catalog.version
    assert catalog.notice is not None and "SAMPLE DATA" in catalog.notice
    assert "Dinas Sosial" in catalog.notice
    assert catalog.region_codes == "Kemendagri 300.2.2-2138/2025"


def test_default_catalog_covers_the_target_regions(
    catalog: Catalog, regions: RegionDirectory
) -> None:
    assert {r.code for r in catalog.regions} == set(COVERED)
    for code in COVERED:
        entry = catalog.region(code)
        official = regions.region(code)
        assert entry is not None and official is not None
        assert entry.timezone == official.timezone
        office = catalog.office_for(code)
        assert office is not None and office.name.get("id") and office.name.get("en")
        assert catalog.programmes_in(code), code
        assert catalog.facilities_in(code, "general"), code
        assert catalog.facilities_in(code, "hiv_ims"), code
        assert catalog.facilities_in(code, "bpjs"), code
        assert catalog.going_home_for(code) is not None, code
        assert {"general", "hiv_ims", "going_home"} <= catalog.services_available(code)


def test_region_names_and_zones(catalog: Catalog) -> None:
    jakarta_barat = catalog.region("31.73")
    assert jakarta_barat is not None and jakarta_barat.name == "Kota Administrasi Jakarta Barat"
    zones = {r.code: r.timezone for r in catalog.regions}
    assert zones["62.71"] == "Asia/Pontianak"
    assert zones["53.71"] == zones["63.71"] == zones["63.72"] == "Asia/Makassar"
    assert zones["35.71"] == zones["31.73"] == "Asia/Jakarta"


def test_programme_queries(catalog: Catalog) -> None:
    kediri = catalog.programmes_in("35.71")
    # Most local first (soonest first within a tier): the city's, Jawa Timur's, then national.
    assert [p.key for p in kediri] == [
        "kediri-paket-uep",
        "kediri-rsbkw",
        "national-atensi",
        "national-sentra",
    ]
    assert [p.key for p in catalog.programmes_in("35.71", kind="training")] == [
        "kediri-rsbkw",
        "national-atensi",
        "national-sentra",
    ]
    rsbkw = catalog.programme("kediri-rsbkw")
    assert rsbkw is not None
    assert "Jl. Semeru" in rsbkw.place.get("id")
    assert set(rsbkw.tags) == {"sewing", "cooking", "salon"}
    assert rsbkw.note is not None and "belum dipastikan" in rsbkw.note.get("id")
    mulya_jaya = catalog.programme("jakbar-mulya-jaya")
    assert mulya_jaya is not None
    assert set(mulya_jaya.tags) == {"salon", "cooking", "crafts", "sewing", "embroidery", "cakes"}
    assert mulya_jaya.quota == 125
    kupang = catalog.programme("kupang-modal-usaha")
    assert kupang is not None and "{IDR 500000000}" in kupang.receives.get("id")
    package = catalog.programme("banjarbaru-paket-uep")
    assert package is not None
    assert "{IDR 5050000}" in package.receives.get("id")
    assert "Sekarang belum pasti; tanyakan ke Dinas Sosial" in package.receives.get("id")
    assert "is not confirmed; ask the Social Affairs Office" in package.receives.get("en")
    assert catalog.programme("nope") is None
    assert {p.regions for p in catalog.programmes_in("99.99")} == {("national",)}


def test_every_programme_is_complete_and_in_the_future(catalog: Catalog) -> None:
    for p in catalog.programmes:
        assert p.kind in PROGRAMME_KINDS
        if p.regions == ("national",):
            assert p.starts is None and p.ends is None  # ongoing, asked for through the office
            continue
        assert p.starts is not None and p.starts >= TODAY and p.starts.year == 2027
        assert p.ends is None or p.ends >= p.starts
        assert p.without_ktp.get("id") and p.without_ktp.get("en")
        assert p.last_verified == TODAY and p.source and "DOMAIN.md" in p.source


def test_facility_queries(catalog: Catalog) -> None:
    pesantren = catalog.facility("kediri-pkm-pesantren-2")
    assert pesantren is not None and "hiv_ims" in pesantren.services
    assert catalog.facilities_in("31.73", "prep")
    assert "prep" not in catalog.services_available("35.71")
    bpjs = catalog.facilities_in("53.71", "bpjs")[0]
    assert bpjs.note is not None
    for word in ("KTP", "KK", "SKTM", "NIK"):
        assert word in bpjs.note.get("id")
    assert catalog.facility("nope") is None
    assert all(set(f.services) <= HEALTH_SERVICES for f in catalog.facilities)


def test_hotlines(catalog: Catalog) -> None:
    national = {h.key for h in catalog.hotlines if not h.regions}
    assert national == NATIONAL
    kupang = catalog.hotlines_for("53.71")
    assert {h.key for h in kupang} == NATIONAL
    assert {h.key for h in catalog.hotlines_for("31.73")} == NATIONAL | {"jakcare"}
    assert {h.key for h in catalog.hotlines_for(None)} == NATIONAL
    by_key = {h.key: h for h in catalog.hotlines}
    assert by_key["sapa129"].phone == "129"
    assert by_key["sapa129"].whatsapp == "0811-1129-129"
    assert by_key["sejiwa"].phone == "119" and "8" in by_key["sejiwa"].note.get("id")
    assert by_key["halo-kemenkes"].phone == "1500-567"
    assert by_key["police"].phone == "110" and by_key["emergency112"].phone == "112"
    assert all(h.last_verified == TODAY for h in catalog.hotlines)


def _texts(catalog: Catalog) -> list[str]:
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, Localized):
            found.extend(text for _, text in value.values)
        elif isinstance(value, str):
            found.append(value)
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        elif hasattr(value, "__slots__"):
            for name in value.__slots__:
                walk(getattr(value, name))

    walk(catalog)
    return found


def test_no_labels_in_the_catalog(catalog: Catalog) -> None:
    texts = _texts(catalog)
    assert len(texts) > 200
    assert [t for t in texts if FORBIDDEN.search(t)] == []
    for path in sorted(DEFAULT_CATALOG.glob("*.yaml")):
        assert not FORBIDDEN.search(path.read_text(encoding="utf-8")), path.name


def test_every_text_has_indonesian_and_english(catalog: Catalog) -> None:
    def walk(value: object, where: str) -> None:
        if isinstance(value, Localized):
            assert {"id", "en"} <= dict(value.values).keys(), where
        elif isinstance(value, tuple):
            for item in value:
                walk(item, where)
        elif hasattr(value, "__slots__"):
            for name in value.__slots__:
                walk(getattr(value, name), f"{where}.{name}")

    walk(catalog, "catalog")


# ----------------------------------------------------------------------------- broken catalog

EXPECTED_ERRORS = {
    ("regions.yaml", 8, "malformed phone"),
    ("regions.yaml", 10, "unknown region code"),
    ("regions.yaml", 19, "does not match"),  # time zone vs province
    ("regions.yaml", 28, "missing last_verified"),
    ("regions.yaml", 31, "duplicate key"),
    ("programmes.yaml", 4, "unknown programme kind"),
    ("programmes.yaml", 19, "is in the past"),
    ("programmes.yaml", 26, "missing required field 'title'"),
    ("programmes.yaml", 45, "duplicate key 'cost'"),
    ("programmes.yaml", 49, "wrong type for 'quota'"),
    ("programmes.yaml", 52, "not declared in regions"),
    ("health.yaml", 5, "unknown health service 'dukun'"),
    ("health.yaml", 10, "is in the future"),
    ("health.yaml", 11, "missing required field 'address'"),
    ("health.yaml", 15, "unknown field 'adress'"),
    ("going_home.yaml", 2, "not declared in regions"),
    ("hotlines.yaml", 7, "missing last_verified"),
    ("hotlines.yaml", 13, "malformed phone"),
    ("hotlines.yaml", 20, "unknown region code '99.99'"),
    ("syntax.yaml", 5, "invalid YAML"),
}


def _classify(errors: list[CatalogError]) -> set[tuple[str, int, str]]:
    found = set()
    for error in errors:
        kinds = [k for f, line, k in EXPECTED_ERRORS if (f, line) == (error.file, error.line)]
        matching = [k for k in kinds if k in error.message]
        found.add((error.file, error.line, matching[0] if matching else error.message))
    return found


def test_broken_catalog_reports_every_error_with_file_and_line(regions: RegionDirectory) -> None:
    errors = check_catalog(BROKEN, today=TODAY, regions=regions)
    assert _classify(errors) == EXPECTED_ERRORS
    assert len(errors) == len(EXPECTED_ERRORS)


def test_errors_print_as_file_line_message(regions: RegionDirectory) -> None:
    errors = check_catalog(BROKEN, today=TODAY, regions=regions)
    first = errors[0]
    assert str(first) == f"{first.file}:{first.line}: {first.message}"
    assert str(CatalogError("a.yaml", 3, "boom")) == "a.yaml:3: boom"


def test_loading_the_broken_catalog_raises(regions: RegionDirectory) -> None:
    with pytest.raises(CatalogInvalid) as raised:
        load_catalog(BROKEN, today=TODAY, regions=regions)
    ended = {e for e in EXPECTED_ERRORS if e[2] == "is in the past"}
    assert ended, "the broken catalog has an ended programme"
    assert _classify(list(raised.value.errors)) == EXPECTED_ERRORS - ended
    assert "regions.yaml:10: " in str(raised.value)


def test_dates_are_judged_against_the_given_day(regions: RegionDirectory) -> None:
    later = date(2027, 3, 1)
    errors = check_catalog(DEFAULT_CATALOG, today=later, regions=regions)
    assert errors and all("is in the past" in e.message for e in errors)
    assert {e.file for e in errors} == {"programmes.yaml"}
    earlier = date(2026, 11, 1)
    errors = check_catalog(DEFAULT_CATALOG, today=earlier, regions=regions)
    assert errors and all("last_verified 2026-11-23 is in the future" in e.message for e in errors)


# ----------------------------------------------------------------------------- other shapes


def test_single_file_catalog(regions: RegionDirectory) -> None:
    catalog = load_catalog(DATA / "single_catalog.yaml", today=TODAY, regions=regions)
    assert catalog.version == "single-1"
    assert [h.key for h in catalog.hotlines_for("53.71")] == ["police", "kupang-line"]
    assert [h.key for h in catalog.hotlines_for("35.71")] == ["police"]
    police = catalog.hotlines_for(None)[0]
    assert police.phone == "110"  # an unquoted number is read as written
    assert police.note.get("en") == "Gratis, 24 jam."  # a plain text is the Indonesian one
    assert catalog.programmes_in("53.71") == () and catalog.going_home_for("53.71") is None
    assert catalog.services_available("53.71") == set()


def _check(tmp_path: Path, directory: RegionDirectory, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return [str(e) for e in check_catalog(tmp_path, today=TODAY, regions=directory)]


def test_empty_directory_and_missing_sections(tmp_path: Path, regions: RegionDirectory) -> None:
    assert [str(e) for e in check_catalog(tmp_path, today=TODAY, regions=regions)] == [
        f"{tmp_path.name}:0: no *.yaml files in the catalog"
    ]
    assert _check(tmp_path, regions, {"catalog": "notice: hello\n"}) == [
        "catalog.yaml:1: missing required field 'hotlines' (no entries)",
        "catalog.yaml:1: missing required field 'regions' (no entries)",
        "catalog.yaml:1: missing required field 'sample'",
        "catalog.yaml:1: missing required field 'version'",
    ]


def test_shapes_and_types(tmp_path: Path, regions: RegionDirectory) -> None:
    errors = _check(
        tmp_path,
        regions,
        {
            "catalog": 'version: "1"\nsample: "yes"\n',
            "other": "- just a list\n",
            "regions": (
                "regions:\n"
                "  - code: 35.71\n"  # unquoted: read as written
                "    name: Kota Kediri\n"
                "    timezone: Europe/Berlin\n"
                "    office:\n"
                "      key: Dinsos Kediri\n"
                "      name: [Dinas Sosial]\n"
                "      whatsapp: '0354-689100'\n"
                "      last_verified: 23 November 2026\n"
                "  - just text\n"
            ),
            "hotlines": (
                "hotlines:\n"
                "  - key: sapa\n"
                "    name: {en: SAPA}\n"
                "    phone: '129'\n"
                "    whatsapp: '0354-689100'\n"
                "    note: {id: Catatan, jv: Cathetan}\n"
                "    last_verified: 2026-11-23\n"
                "version: '2'\n"
            ),
        },
    )
    assert errors == [
        "catalog.yaml:2: wrong type for 'sample': expected true or false, got 'yes'",
        "hotlines.yaml:3: hotline 'sapa': missing required field 'name.id' (the Indonesian text)",
        "hotlines.yaml:5: hotline 'sapa': malformed phone number '0354-689100': WhatsApp needs a"
        " mobile number",
        "hotlines.yaml:6: hotline 'sapa': unknown field 'jv'",
        "hotlines.yaml:8: duplicate key 'version' (first at catalog.yaml:1)",
        "other.yaml:1: wrong type: a catalog file must be a mapping",
        "regions.yaml:4: region '35.71': unknown time zone 'Europe/Berlin' (use one of"
        " Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura)",
        "regions.yaml:6: region '35.71' office 'Dinsos Kediri': malformed key 'Dinsos Kediri'"
        " (use up to 40 lowercase letters, digits, - or _)",
        "regions.yaml:7: region '35.71' office 'Dinsos Kediri': wrong type for 'name': expected"
        " {id: ..., en: ...}, got a list",
        "regions.yaml:8: region '35.71' office 'Dinsos Kediri': unknown field 'whatsapp'",
        "regions.yaml:9: region '35.71' office 'Dinsos Kediri': wrong type for 'last_verified':"
        " expected a date YYYY-MM-DD, got '23 November 2026'",
        "regions.yaml:10: wrong type: each region must be a mapping, got 'just text'",
    ]


def test_duplicate_entries_across_files(tmp_path: Path, regions: RegionDirectory) -> None:
    programme = (
        "  - key: same\n"
        "    region: '53.71'\n"
        "    kind: training\n"
        "    tags: [sewing, bengkel]\n"
        "    title: Pelatihan\n"
        "    provider: Dinas Sosial\n"
        "    starts: 2027-03-01\n"
        "    ends: 2027-02-01\n"
        "    place: Kupang\n"
        "    cost: Gratis\n"
        "    receives: Pelatihan\n"
        "    requirements: Mendaftar\n"
        "    without_ktp: Dinas Dukcapil membantu\n"
        "    last_verified: 2026-11-23\n"
    )
    errors = _check(
        tmp_path,
        regions,
        {
            "a": (DATA / "single_catalog.yaml").read_text(encoding="utf-8"),
            "b": "programmes:\n" + programme,
            "c": "programmes:\n" + programme + "going_home:\n  - region: '53.71'\n",
        },
    )
    assert errors == [
        "b.yaml:5: programme 'same': unknown programme tag 'bengkel'",
        "b.yaml:9: programme 'same': ends 2027-02-01 is before starts",
        "c.yaml:2: programme 'same': duplicate key 'same' (first at b.yaml:2)",
        "c.yaml:5: programme 'same': unknown programme tag 'bengkel'",
        "c.yaml:9: programme 'same': ends 2027-02-01 is before starts",
        "c.yaml:17: going-home entry '53.71': missing last_verified: every contact needs the"
        " date it was last checked",
        "c.yaml:17: going-home entry '53.71': missing required field 'how'",
        "c.yaml:17: going-home entry '53.71': missing required field 'support'",
    ]


def test_an_ended_programme_is_hidden_and_does_not_stop_the_bot(regions: RegionDirectory) -> None:
    later = date(2027, 6, 19)
    catalog = load_catalog(DEFAULT_CATALOG, today=later, regions=regions)
    assert catalog.programmes, "programmes still running stay"
    assert all(p.open_on(later) for p in catalog.programmes)
    assert catalog.hotlines_for("53.71"), "emergency numbers keep working"
    reported = check_catalog(DEFAULT_CATALOG, today=later, regions=regions)
    assert reported and all(e.ended for e in reported), "catalog check still reports them"


def test_a_phone_number_nobody_can_dial_is_refused_in_yaml(
    tmp_path: Path, regions: RegionDirectory
) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(DEFAULT_CATALOG, catalog)
    hotlines = catalog / "hotlines.yaml"
    lines = hotlines.read_text(encoding="utf-8").splitlines()
    number = lines.index('    whatsapp: "0811-1129-129"')
    lines[number] = "    whatsapp: 8111129129"  # pasted from a spreadsheet: its 0 is gone
    hotlines.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogInvalid) as refused:
        load_catalog(catalog, today=TODAY, regions=regions)
    assert [str(e) for e in refused.value.errors] == [
        f"hotlines.yaml:{number + 1}: hotline 'sapa129': malformed phone number '8111129129' for"
        " 'whatsapp': nobody can dial it as written; write it with its leading 0 (0811-...) or"
        " as +62..."
    ]
    lines[number] = '    whatsapp: "+62 811-1129-129"'  # the international form is dialled
    hotlines.write_text("\n".join(lines) + "\n", encoding="utf-8")
    loaded = load_catalog(catalog, today=TODAY, regions=regions)
    by_key = {h.key: h for h in loaded.hotlines}
    assert by_key["sapa129"].whatsapp == "+62 811-1129-129"
    assert sorted(h.phone for h in loaded.hotlines if len(h.phone) == 3) == [
        "110",
        "112",
        "119",
        "129",
    ], "short service numbers are still dialled as they are"
