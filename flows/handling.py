"""Who will handle her request, as she is told it: the office, or the level routing reaches."""

from __future__ import annotations

from dataclasses import dataclass

from flows.node import Context
from flows.routing import KABKOTA, KABKOTA_SUPERVISORS, NATIONAL, PROVINCE, province_code, route
from flows.types import Part, Plain, Text, t


@dataclass(frozen=True, slots=True)
class Handler:
    """Who a request goes to: a key stored with it, a name she reads, and the routing level."""

    key: str
    name: Part
    level: str | None


def handler_for(session_region: str | None, service: str, ctx: Context) -> Handler | None:
    """The office of her kab/kota, else the level that would receive it; None when nobody."""
    if session_region is None:
        return None
    office = ctx.catalog.office_for(session_region)
    level = route(ctx.staff, session_region, service)[0] if service else None
    if office is not None:
        return Handler(office.key, office.name, level)
    if level is None:
        return None
    region = ctx.regions.region(session_region)
    province = ctx.regions.province(province_code(session_region))
    region_name = Plain(region.name if region else session_region)
    province_name = Plain(province.name if province else province_code(session_region))
    if level in (KABKOTA, KABKOTA_SUPERVISORS):
        return Handler(
            f"staff:{session_region}", t("the Jembatan team in {region}", region=region_name), level
        )
    if level == PROVINCE:
        key = f"staff:{province_code(session_region)}"
        return Handler(
            key, t("the social services team for {province}", province=province_name), level
        )
    return Handler("staff:national", t("the Jembatan national desk"), level)


def who_handles(session_region: str | None, service: str, ctx: Context) -> Text | None:
    """The sentence that tells her which level will handle her request (None: not known)."""
    handler = handler_for(session_region, service, ctx)
    if handler is None or handler.level is None or session_region is None:
        return None
    region = ctx.regions.region(session_region)
    where = Plain(region.name if region else session_region)
    if handler.level == KABKOTA:
        return t("👤 Your request goes to the caseworkers of {region}.", region=where)
    if handler.level == KABKOTA_SUPERVISORS:
        return t("👤 Your request goes to the supervisors in {region}.", region=where)
    province = Plain(region.province_name if region else province_code(session_region))
    if handler.level == PROVINCE:
        return t(
            "👤 No caseworker works only for {region} yet, so the team for all of {province} "
            "handles your request.",
            region=where,
            province=province,
        )
    assert handler.level == NATIONAL
    return t(
        "👤 No caseworker works in {region} or {province} yet, so the Jembatan national desk "
        "handles your request.",
        region=where,
        province=province,
    )


def handled_by(session_region: str | None, service: str, ctx: Context) -> tuple[Part, ...]:
    """The line that tells her who handles her request, when routing knows it."""
    who = who_handles(session_region, service, ctx)
    return (who,) if who else ()


def real_handler(session_region: str | None, service: str, ctx: Context) -> Part | None:
    """Names only the level that will really handle her request (the office only if local)."""
    handler = handler_for(session_region, service, ctx)
    if handler is None:
        return None
    if handler.level in (None, KABKOTA, KABKOTA_SUPERVISORS) or session_region is None:
        return handler.name
    if handler.level == PROVINCE:
        province = ctx.regions.province(province_code(session_region))
        name = Plain(province.name if province else province_code(session_region))
        return t("the social services team for {province}", province=name)
    return t("the Jembatan national desk")
