"""Who will handle her request, as she is told it: the office, or the level routing reaches."""

from __future__ import annotations

from dataclasses import dataclass

from flows.core.node import Context
from flows.core.types import Part, Plain, t
from flows.routing import KABKOTA, KABKOTA_SUPERVISORS, PROVINCE, province_code, route


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
