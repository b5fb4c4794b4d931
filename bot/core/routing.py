"""Routing across the deployment: who is told of a request, and where nobody would be.

The rule itself is pure (flows/routing); this module applies it to the stored staff accounts,
for the start-up log, `caseworker list` and `catalog coverage`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from bot.core.services import Services
from flows.regions import RegionDirectory
from flows.routing import StaffCover, route
from storage.caseworkers import Caseworker

log = logging.getLogger(__name__)

#: The services a request can be for (the desk's SERVICE_KINDS keys).
REQUEST_SERVICES = ("training", "livelihood", "health", "going_home", "callback", "other")


def covers_of(staff: Iterable[Caseworker]) -> tuple[StaffCover, ...]:
    """The reachable accounts as the flows see them (role, regions, services)."""
    return tuple(
        StaffCover(c.role, c.regions, c.services)
        for c in staff
        if c.active and c.telegram_id is not None
    )


def unrouted(
    staff: Sequence[StaffCover], directory: RegionDirectory, services: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """The kab/kota codes where a request for some services would reach nobody, and those."""
    gaps: dict[str, tuple[str, ...]] = {}
    for region in directory.all_regions():
        missing = tuple(s for s in services if route(staff, region.code, s)[0] is None)
        if missing:
            gaps[region.code] = missing
    return gaps


def staffing_warning(staff: Sequence[StaffCover], directory: RegionDirectory) -> str | None:
    """A loud line when requests would reach nobody: no staff at all, or regions left out."""
    if not staff:
        return (
            "NO STAFF ACCOUNT CAN RECEIVE REQUESTS: every request is recorded as unrouted and "
            "nobody is told. Invite a national desk: caseworker invite --regions '*' ..."
        )
    gaps = unrouted(staff, directory, REQUEST_SERVICES)
    if gaps:
        total = len(directory.all_regions())
        return (
            f"REQUESTS FROM {len(gaps)} OF {total} KAB/KOTA WOULD REACH NOBODY (recorded as "
            "unrouted): no caseworker, supervisor, province or national desk covers them. "
            "See `catalog coverage`; a national desk (--regions '*') covers everywhere."
        )
    return None


async def log_staffing(services: Services) -> str | None:
    """Logs a loud warning at start-up when some requests would reach nobody; returns the line."""
    warning = staffing_warning(covers_of(await services.caseworkers.all()), services.regions)
    if warning:
        log.warning(warning)
    return warning
