"""The service catalog: regions and offices, programmes, health, going home and hotlines.

The catalog is data that a Dinas Sosial edits and validates (see flows/catalog_load/); this module
holds its immutable model and the queries the conversations ask of it. Every entry that names a
contact carries the date it was last verified. Region codes are Kemendagri kab/kota codes ("35.71").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.hotlines import Hotline
from flows.types import Localized

#: What a programme offers: skills training, or help to earn a living (capital, UEP).
PROGRAMME_KINDS: frozenset[str] = frozenset({"training", "livelihood"})

#: Tags that describe a programme's content.
PROGRAMME_TAGS: frozenset[str] = frozenset(
    {
        "sewing",
        "embroidery",
        "cooking",
        "cakes",
        "salon",
        "crafts",
        "entrepreneurship",
        "capital",
        "living_allowance",
        "transport",
    }
)

#: Health services a facility can offer.
HEALTH_SERVICES: frozenset[str] = frozenset(
    {"general", "hiv_ims", "prep", "mental", "pregnancy_fp", "bpjs"}
)

#: What services_available() adds when a region has a going-home entry.
GOING_HOME = "going_home"


@dataclass(frozen=True, slots=True)
class Office:
    """The social-services office (Dinas Sosial or partner) responsible for a kab/kota."""

    key: str
    name: Localized
    phone: str | None
    last_verified: date


@dataclass(frozen=True, slots=True)
class RegionEntry:
    """A kab/kota the catalog covers, with its IANA time zone and its office."""

    code: str
    name: str
    timezone: str
    office: Office


@dataclass(frozen=True, slots=True)
class Programme:
    """A training or livelihood programme offered in a kab/kota."""

    key: str
    region: str
    kind: str
    tags: tuple[str, ...]
    title: Localized
    provider: Localized
    starts: date
    ends: date | None
    place: Localized
    cost: Localized
    receives: Localized
    requirements: Localized
    without_ktp: Localized
    quota: int | None
    last_verified: date
    note: Localized | None = None
    source: str | None = None

    def open_on(self, day: date) -> bool:
        """Tells whether the programme is not over on that day (running or still to come)."""
        return (self.ends or self.starts) >= day


@dataclass(frozen=True, slots=True)
class HealthFacility:
    """A place (Puskesmas, clinic, office desk) offering health services in a kab/kota."""

    key: str
    region: str
    name: Localized
    services: tuple[str, ...]
    address: Localized
    hours: Localized
    cost: Localized
    confidentiality: Localized
    phone: str | None
    last_verified: date
    note: Localized | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class GoingHome:
    """What support exists in a kab/kota for going back to one's home region, and how to ask."""

    region: str
    support: Localized
    how: Localized
    last_verified: date
    note: Localized | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Catalog:
    """The whole service catalog and the queries the conversations ask of it."""

    version: str
    sample: bool
    regions: tuple[RegionEntry, ...]
    programmes: tuple[Programme, ...]
    facilities: tuple[HealthFacility, ...]
    going_home: tuple[GoingHome, ...]
    hotlines: tuple[Hotline, ...]
    notice: str | None = None
    region_codes: str | None = None

    def region(self, code: str | None) -> RegionEntry | None:
        """Returns the covered kab/kota with this code, or None."""
        return next((r for r in self.regions if r.code == code), None)

    def office_for(self, code: str | None) -> Office | None:
        """Returns the office responsible for a kab/kota, or None when it is not covered."""
        entry = self.region(code)
        return entry.office if entry else None

    def programmes_in(self, code: str | None, kind: str | None = None) -> tuple[Programme, ...]:
        """Returns a kab/kota's programmes (optionally of one kind), soonest start first."""
        found = [
            p for p in self.programmes if p.region == code and (kind is None or p.kind == kind)
        ]
        return tuple(sorted(found, key=lambda p: (p.starts, p.key)))

    def programme(self, key: str) -> Programme | None:
        """Returns the programme with this key, or None."""
        return next((p for p in self.programmes if p.key == key), None)

    def facilities_in(
        self, code: str | None, service: str | None = None
    ) -> tuple[HealthFacility, ...]:
        """Returns a kab/kota's health facilities, optionally only those offering a service."""
        return tuple(
            f
            for f in self.facilities
            if f.region == code and (service is None or service in f.services)
        )

    def facility(self, key: str) -> HealthFacility | None:
        """Returns the health facility with this key, or None."""
        return next((f for f in self.facilities if f.key == key), None)

    def going_home_for(self, code: str | None) -> GoingHome | None:
        """Returns the going-home information of a kab/kota, or None."""
        return next((g for g in self.going_home if g.region == code), None)

    def hotlines_for(self, code: str | None) -> tuple[Hotline, ...]:
        """Returns the national hotlines, then those of the kab/kota, in catalog order."""
        national = [h for h in self.hotlines if not h.regions]
        local = [h for h in self.hotlines if h.regions and code in h.regions]
        return (*national, *local)

    def services_available(self, code: str | None) -> set[str]:
        """Returns what a kab/kota offers: programme kinds, health services and "going_home"."""
        found = {p.kind for p in self.programmes if p.region == code}
        for f in self.facilities:
            if f.region == code:
                found.update(f.services)
        if self.going_home_for(code) is not None:
            found.add(GOING_HOME)
        return found
