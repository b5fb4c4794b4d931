"""The service catalog: regions and offices, programmes, health, going home and hotlines.

The catalog is data that a Dinas Sosial edits and validates (see flows/catalog/load/); this module
holds its immutable model and the queries the conversations ask of it. Every entry that names a
contact carries the date it was last verified. Region codes are Kemendagri kab/kota codes ("35.71").

Tiers: a programme, facility or going-home entry applies to one or more kab/kota ("35.78"), to a
whole province ("35") or to the whole country ("national"). Queries return the entries that apply
to a kab/kota, most local first: its own, then its province's, then national ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.catalog.hotlines import Hotline
from flows.core.types import Localized

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

#: The scope of an entry that applies to the whole country.
NATIONAL = "national"

#: The tiers of an entry for a kab/kota, most local first.
LOCAL, PROVINCE, COUNTRY = 0, 1, 2

#: After how many months without a check an entry counts as old (catalog metadata can change it).
STALE_AFTER_MONTHS = 6


def province_of(code: str) -> str:
    """The province code ("35") of a kab/kota code ("35.78")."""
    return code.split(".", 1)[0]


def tier_of(scopes: tuple[str, ...], code: str | None) -> int | None:
    """How an entry with these scopes applies to a kab/kota: LOCAL, PROVINCE, COUNTRY or None."""
    if code and code in scopes:
        return LOCAL
    if code and province_of(code) in scopes:
        return PROVINCE
    if NATIONAL in scopes:
        return COUNTRY
    return None


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from one day to a later one (0 when less than a month)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


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
    """A training or livelihood programme, for some kab/kota, a province or the country."""

    key: str
    regions: tuple[str, ...]
    kind: str
    tags: tuple[str, ...]
    title: Localized
    provider: Localized
    starts: date | None
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
    #: Marked unverified in the catalog: her screens say so.
    unverified: bool = False

    def open_on(self, day: date) -> bool:
        """Tells whether the programme is not over on that day (running, ongoing or to come)."""
        last = self.ends or self.starts
        return last is None or last >= day


@dataclass(frozen=True, slots=True)
class HealthFacility:
    """A place or kind of place (Puskesmas, clinic, office desk) offering health services."""

    key: str
    regions: tuple[str, ...]
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
    #: Marked unverified in the catalog: her screens say so.
    unverified: bool = False


@dataclass(frozen=True, slots=True)
class GoingHome:
    """What support exists for going back to one's home region, and how to ask."""

    regions: tuple[str, ...]
    support: Localized
    how: Localized
    last_verified: date
    note: Localized | None = None
    source: str | None = None
    #: Marked unverified in the catalog: her screens say so.
    unverified: bool = False


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
    stale_after_months: int = STALE_AFTER_MONTHS

    def region(self, code: str | None) -> RegionEntry | None:
        """Returns the covered kab/kota with this code, or None."""
        return next((r for r in self.regions if r.code == code), None)

    def office_for(self, code: str | None) -> Office | None:
        """Returns the office responsible for a kab/kota, or None when it is not covered."""
        entry = self.region(code)
        return entry.office if entry else None

    def programmes_in(self, code: str | None, kind: str | None = None) -> tuple[Programme, ...]:
        """Returns the programmes for a kab/kota (optionally of one kind), most local first."""
        found = [
            (tier, p.starts or date.min, p.key, p)
            for p in self.programmes
            if (tier := tier_of(p.regions, code)) is not None and kind in (None, p.kind)
        ]
        return tuple(p for *_, p in sorted(found, key=lambda f: f[:3]))

    def programme(self, key: str) -> Programme | None:
        """Returns the programme with this key, or None."""
        return next((p for p in self.programmes if p.key == key), None)

    def facilities_in(
        self, code: str | None, service: str | None = None
    ) -> tuple[HealthFacility, ...]:
        """Returns the facilities for a kab/kota (optionally offering a service), local first."""
        found = [
            (tier, n, f)
            for n, f in enumerate(self.facilities)
            if (tier := tier_of(f.regions, code)) is not None
            and (service is None or service in f.services)
        ]
        return tuple(f for *_, f in sorted(found, key=lambda e: e[:2]))

    def facility(self, key: str) -> HealthFacility | None:
        """Returns the health facility with this key, or None."""
        return next((f for f in self.facilities if f.key == key), None)

    def going_home_in(self, code: str | None) -> tuple[GoingHome, ...]:
        """Returns the going-home entries for a kab/kota, most local first."""
        found = [
            (tier, n, g)
            for n, g in enumerate(self.going_home)
            if (tier := tier_of(g.regions, code)) is not None
        ]
        return tuple(g for *_, g in sorted(found, key=lambda e: e[:2]))

    def going_home_for(self, code: str | None) -> GoingHome | None:
        """Returns the most local going-home information for a kab/kota, or None."""
        return next(iter(self.going_home_in(code)), None)

    def hotlines_for(self, code: str | None) -> tuple[Hotline, ...]:
        """Returns the national hotlines, then those of the kab/kota, in catalog order."""
        national = [h for h in self.hotlines if not h.regions]
        local = [h for h in self.hotlines if h.regions and code in h.regions]
        return (*national, *local)

    def services_available(self, code: str | None) -> set[str]:
        """Returns what a kab/kota is offered at any tier: kinds, health services, "going_home"."""
        found = {p.kind for p in self.programmes_in(code)}
        for f in self.facilities_in(code):
            found.update(f.services)
        if self.going_home_for(code) is not None:
            found.add(GOING_HOME)
        return found

    def is_old(self, verified: date, today: date) -> bool:
        """Tells whether an entry verified on that day has not been checked for too long."""
        return months_between(verified, today) >= self.stale_after_months
