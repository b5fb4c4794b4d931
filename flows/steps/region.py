"""Choosing a region: province then kab/kota by buttons, or a typed name with typo tolerance.

The same steps choose where she is now (purpose "here", stored as her region) and the home she
wants to return to (purpose "home", kept as an answer of the going-home request).
"""

from __future__ import annotations

from dataclasses import replace

from flows.core.node import (
    BACK,
    Context,
    Node,
    Step,
    common_action,
    emergency_button,
    goto,
    menu_button,
    page_of,
    pick_rows,
    turn_page,
    with_answers,
)
from flows.core.types import (
    Bubble,
    Button,
    Part,
    Plain,
    Screen,
    Session,
    Text,
    bubble,
    clock_time,
    t,
)
from flows.regions import Region
from flows.steps.intake import urgent
from flows.steps.intake.summary import submit

PER_PAGE = 12
MAX_CANDIDATES = 4


def region_label(region: Region, ctx: Context) -> Plain:
    """A kab/kota with its province (short name), as shown on buttons and confirmations."""
    province = ctx.regions.province(region.province_code)
    return Plain(f"{region.name} ({province.short_name if province else region.province_name})")


def saved_notice(region: Region, ctx: Context) -> Bubble:
    """Confirms the region and shows the local time in its zone."""
    return bubble(
        t(
            "OK, you are in {region}. The times I write are in {zone} (it is now {time}).",
            region=region_label(region, ctx),
            zone=region.zone,
            time=clock_time(ctx.now),
        )
    )


def purpose(session: Session) -> str:
    """What the region is being chosen for: "here" (where she is) or "home"."""
    return "home" if session.param("purpose") == "home" else "here"


def choose(session: Session, code: str, ctx: Context) -> Step:
    """Stores a chosen kab/kota and moves on (to the menu, or to the going-home plan)."""
    region = ctx.regions.region(code)
    if region is None:
        return Step(session)
    if purpose(session) == "home":
        return Step(goto(with_answers(session, home_region=region.code), "going_home_plan"))
    located = replace(session, region_code=region.code)
    if urgent.pending(located):  # her agreed call-back was waiting for this answer
        sent = submit(located, ctx, urgent=True, version=urgent.urgent_consent_version())
        return replace(sent, notices=(saved_notice(region, ctx), *sent.notices))
    return Step(goto(located, "menu"), notices=(saved_notice(region, ctx),))


def search(session: Session, text: str, ctx: Context, province_code: str | None) -> Step:
    """Finds kab/kota (or a province) by a typed name: one match is taken, several offered."""
    matches = ctx.regions.search(text, limit=MAX_CANDIDATES, province_code=province_code)
    if province_code and not matches:
        matches = ctx.regions.search(text, limit=MAX_CANDIDATES)
    if len(matches) == 1:
        return choose(session, matches[0].code, ctx)
    if matches:
        codes = ",".join(m.code for m in matches)
        return Step(goto(session, "region_choose", codes=codes, purpose=purpose(session)))
    provinces = ctx.regions.search_provinces(text, limit=1)
    if provinces:
        code = provinces[0].code
        return Step(goto(session, "region_regency", province=code, purpose=purpose(session)))
    return Step(
        session,
        notices=(
            bubble(t("I could not find that place. Please check the spelling or use the list.")),
        ),
    )


def suggest_near(session: Session, latitude: float, longitude: float, ctx: Context) -> Step:
    """Offers the kab/kota nearest to a location she sent; the location itself is not kept."""
    province = ctx.regions.nearest_province(latitude, longitude)
    if province is not None:
        notice = t("This is the nearest to the location you sent (I have not kept it).")
        chosen = goto(session, "region_regency", province=province.code)
        return Step(chosen, (bubble(notice),))
    found = ctx.regions.nearest(latitude, longitude, limit=MAX_CANDIDATES - 1)
    if not found:
        notice = t(
            "I could not find a city or regency near that location, and I have not kept it. "
            "Please type the name of the place or use the list."
        )
        return Step(goto(session, "region_province"), (bubble(notice),))
    codes = ",".join(r.code for r in found)
    return Step(goto(session, "region_choose", codes=codes, near="1"))


def _footer(session: Session, back: bool) -> tuple[tuple[Button, ...], ...]:
    row = (Button(t("‹ Provinces"), BACK),) if back else ()
    return ((*row, menu_button(), emergency_button()),)


def _leave(session: Session, action: str) -> Step:
    return Step(common_action(session, action) or session)


# ----------------------------------------------------------------------------- province


def view_province(session: Session, ctx: Context) -> Screen:
    """Lists the provinces, a page at a time."""
    items: list[tuple[Part, str]] = [
        (Plain(p.short_name), f"prov:{p.code}") for p in ctx.regions.provinces()
    ]
    rows, _ = pick_rows(items, page_of(session), PER_PAGE)
    question = t(
        "Which city or regency are you in now? Type its name, or choose your province first."
    )
    if purpose(session) == "home":
        question = t(
            "Where is home, the place you want to go back to? Type the name of the city or "
            "regency, or choose the province first."
        )
    return Screen("region_province", (bubble(question),), rows + _footer(session, back=False))


def on_button_province(session: Session, action: str, ctx: Context) -> Step:
    """Opens a province's kab/kota list, or turns the page."""
    paged = turn_page(session, action)
    if paged is not None:
        return Step(paged)
    if action.startswith("prov:"):
        code = action.removeprefix("prov:")
        if ctx.regions.province(code) is not None:
            return Step(goto(session, "region_regency", province=code, purpose=purpose(session)))
    return _leave(session, action)


def on_text_province(session: Session, text: str, ctx: Context) -> Step:
    """Searches a typed place name across Indonesia."""
    return search(session, text, ctx, province_code=None)


# ----------------------------------------------------------------------------- kab/kota


def view_regency(session: Session, ctx: Context) -> Screen:
    """Lists the kab/kota of the chosen province, a page at a time."""
    code = session.param("province")
    province = ctx.regions.province(code)
    items: list[tuple[Part, str]] = [
        (Plain(r.name), f"reg:{r.code}") for r in ctx.regions.regencies(code)
    ]
    rows, _ = pick_rows(items, page_of(session), PER_PAGE)
    name = province.name if province else code
    return Screen(
        "region_regency",
        (bubble(t("Choose your city or regency in {province}:", province=Plain(name))),),
        rows + _footer(session, back=True),
    )


def on_button_regency(session: Session, action: str, ctx: Context) -> Step:
    """Stores the chosen kab/kota, turns the page, or goes back to the provinces."""
    paged = turn_page(session, action)
    if paged is not None:
        return Step(paged)
    if action.startswith("reg:"):
        return choose(session, action.removeprefix("reg:"), ctx)
    if action == BACK:
        return Step(goto(session, "region_province", purpose=purpose(session)))
    return _leave(session, action)


def on_text_regency(session: Session, text: str, ctx: Context) -> Step:
    """Searches a typed place name, inside the chosen province first."""
    return search(session, text, ctx, province_code=session.param("province") or None)


# ----------------------------------------------------------------------------- typed matches


def _candidates(session: Session, ctx: Context) -> list[Region]:
    codes = [c for c in session.param("codes").split(",") if c]
    return [r for r in (ctx.regions.region(c) for c in codes) if r is not None]


def view_choose(session: Session, ctx: Context) -> Screen:
    """Offers the kab/kota that match what she typed."""
    rows = tuple(
        (Button(region_label(r, ctx), f"reg:{r.code}"),) for r in _candidates(session, ctx)
    )
    question: Text = t("Did you mean one of these?")
    if session.param("near"):
        question = t(
            "These are the places nearest to the location you sent (I have not kept it). "
            "Which one are you in?"
        )
    return Screen(
        "region_choose",
        (bubble(question),),
        (*rows, (Button(t("None of these"), BACK), menu_button(), emergency_button())),
    )


def on_button_choose(session: Session, action: str, ctx: Context) -> Step:
    """Stores the chosen match, or returns to the lists."""
    if action.startswith("reg:"):
        return choose(session, action.removeprefix("reg:"), ctx)
    if action == BACK:
        return Step(goto(session, "region_province", purpose=purpose(session)))
    return _leave(session, action)


def on_text_choose(session: Session, text: str, ctx: Context) -> Step:
    """Searches again with the new text."""
    return search(session, text, ctx, province_code=None)


PROVINCE = Node(view_province, on_button_province, on_text_province)
REGENCY = Node(view_regency, on_button_regency, on_text_regency)
CHOOSE = Node(view_choose, on_button_choose, on_text_choose)
