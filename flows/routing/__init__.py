"""Who handles a request: its kab/kota's caseworkers, supervisors, the province, the national desk.

Pure: it reads staff accounts as plain data.

A staff account covers regions spelled as kab/kota codes ("35.78"), province codes ("35") or "*"
(the whole country: a national desk). The same rule answers "may she work this referral?"
(`covers_region`) and "who is told of it?" (`route`), so every desk check agrees with routing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

#: Covers every region, or every service.
ANY = "*"

#: The levels a request can be routed to, most local first.
KABKOTA = "kabkota"
KABKOTA_SUPERVISORS = "kabkota_supervisors"
PROVINCE = "province"
NATIONAL = "national"
LEVELS = (KABKOTA, KABKOTA_SUPERVISORS, PROVINCE, NATIONAL)


class Covering(Protocol):
    """What routing reads of a staff account."""

    @property
    def role(self) -> str:
        """caseworker, supervisor or admin."""

    @property
    def regions(self) -> tuple[str, ...]:
        """Kab/kota codes, province codes or "*"."""

    @property
    def services(self) -> tuple[str, ...]:
        """Service kinds or "*"."""


@dataclass(frozen=True, slots=True)
class StaffCover:
    """A reachable staff account as a flow sees it: role, regions and services only."""

    role: str
    regions: tuple[str, ...]
    services: tuple[str, ...]


S = TypeVar("S", bound=Covering)


def province_code(region_code: str) -> str:
    """The province ("35") of a kab/kota code ("35.78")."""
    return region_code.split(".", 1)[0]


def region_level(regions: Sequence[str], region_code: str) -> str | None:
    """How a list of covered regions reaches a kab/kota: KABKOTA, PROVINCE, NATIONAL or None."""
    if region_code in regions:
        return KABKOTA
    if province_code(region_code) in regions:
        return PROVINCE
    if ANY in regions:
        return NATIONAL
    return None


def covers_region(regions: Sequence[str], region_code: str) -> bool:
    """Tells whether these covered regions include the kab/kota (itself, its province, or all)."""
    return region_level(regions, region_code) is not None


def covers_service(services: Sequence[str], service: str) -> bool:
    """Tells whether these covered services include the service."""
    return ANY in services or service in services


def route(staff: Sequence[S], region_code: str, service: str) -> tuple[str | None, list[S]]:
    """Picks who is told of a request, most local first; (None, []) when nobody at all."""

    def at(level: str, role: str, *, by_service: bool) -> list[S]:
        return [
            s
            for s in staff
            if s.role == role
            and region_level(s.regions, region_code) == level
            and (not by_service or covers_service(s.services, service))
        ]

    steps = (
        (KABKOTA, KABKOTA, "caseworker"),
        (KABKOTA_SUPERVISORS, KABKOTA, "supervisor"),
        (PROVINCE, PROVINCE, "caseworker"),
        (PROVINCE, PROVINCE, "supervisor"),
        (NATIONAL, NATIONAL, "caseworker"),
        (NATIONAL, NATIONAL, "supervisor"),
    )
    for level, reach, role in steps:
        people = at(reach, role, by_service=role == "caseworker")
        if people:
            return level, people
    return None, []
