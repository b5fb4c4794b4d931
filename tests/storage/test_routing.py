"""All of Indonesia: every kab/kota is offered training, health and going home, and reaches a desk.

Routing falls back kab/kota caseworkers -> its supervisors -> the province -> the national desk;
the same rule answers the desk's permission checks (covers, covers_region).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from flows.core.types import Screen, Session
from flows.routing import (
    KABKOTA,
    KABKOTA_SUPERVISORS,
    NATIONAL,
    PROVINCE,
    StaffCover,
    route,
)
from flows.steps import going_home, health, menu, training
from flows.steps.intake import begin
from storage.caseworkers import CaseworkerRepo
from storage.crypto import FieldCipher
from storage.db import Database
from tests.auxil.flowdriver import context

NATIONAL_DESK = StaffCover("caseworker", ("*",), ("*",))


def _actions(screen: Screen) -> list[str]:
    return [b.action for row in screen.keyboard for b in row]


async def _bound(
    repo: CaseworkerRepo,
    db: Database,
    name: str,
    role: str,
    regions: list[str],
    services: list[str],
    telegram_id: int,
) -> int:
    caseworker_id, token = await repo.invite(name, role, regions, services, timedelta(days=1))
    async with db.transaction() as conn:
        assert await repo.redeem(conn, token, telegram_id) == caseworker_id
    return caseworker_id


async def test_every_kab_kota_is_offered_help_and_reaches_the_national_desk(
    db: Database, cipher: FieldCipher
) -> None:
    repo = CaseworkerRepo(db, cipher)
    desk = await _bound(repo, db, "Meja Nasional", "caseworker", ["*"], ["*"], 9001)
    ctx = replace(context(), staff=await repo.covers())
    assert ctx.staff == (NATIONAL_DESK,)
    regions = ctx.regions.all_regions()
    assert len(regions) >= 514
    for region in regions:
        session = Session(state="menu", region_code=region.code)
        offered = _actions(menu.view_menu(session, ctx))
        assert {"training", "health", "home"} <= set(offered), region.code
        assert _actions(training.view_list(session, ctx))[0].startswith("prog:"), region.code
        needs = _actions(health.view_needs(session, ctx))
        assert needs and needs[0].startswith("need:"), region.code
        for need in needs[:1]:
            facilities = health.view_facilities(
                replace(session, state="facilities", params=(("need", need[5:]),)), ctx
            )
            assert _actions(facilities)[0].startswith("fac:"), (region.code, need)
        assert ctx.catalog.going_home_in(region.code), region.code
        assert going_home.view_support(session, ctx).bubbles, region.code
        for service in ("training", "health", "going_home", "other"):
            step = begin(session, ctx, service=service, item="")
            assert step.session.state.startswith("intake_"), (region.code, service)
            level, people = await repo.routed(region.code, service)
            assert level == NATIONAL and [p.id for p in people] == [desk], region.code


def test_routing_falls_back_from_the_kab_kota_to_the_national_desk() -> None:
    local = StaffCover("caseworker", ("35.78",), ("health",))
    local_boss = StaffCover("supervisor", ("35.78",), ("*",))
    province = StaffCover("caseworker", ("35",), ("*",))
    province_boss = StaffCover("supervisor", ("35",), ())
    desk = StaffCover("caseworker", ("*",), ("*",))
    everyone = [local, local_boss, province, province_boss, desk]
    assert route(everyone, "35.78", "health") == (KABKOTA, [local])
    assert route(everyone, "35.78", "training") == (KABKOTA_SUPERVISORS, [local_boss])
    assert route([local, province, province_boss, desk], "35.78", "training") == (
        PROVINCE,
        [province],
    )
    assert route([province_boss, desk], "35.78", "training") == (PROVINCE, [province_boss])
    assert route([local, desk], "35.78", "training") == (NATIONAL, [desk])
    assert route([province_boss], "53.71", "training") == (None, [])
    assert route([], "35.78", "health") == (None, [])


async def test_province_and_national_accounts_pass_the_desk_checks(
    db: Database, cipher: FieldCipher
) -> None:
    repo = CaseworkerRepo(db, cipher)
    province = await repo.get(await _bound(repo, db, "Rina", "caseworker", ["35"], ["health"], 1))
    nation = await repo.get(await _bound(repo, db, "Ana", "supervisor", ["*"], ["*"], 2))
    assert province is not None and nation is not None
    assert province.covers("35.78", "health") and province.covers_region("35.06")
    assert not province.covers("35.78", "training") and not province.covers_region("53.71")
    assert nation.covers("91.71", "training") and nation.covers_region("11.05")
    assert await repo.supervisors("35.78") == [nation]
