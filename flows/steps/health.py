"""Health services: what she needs, then the facilities of her region that offer it."""

from __future__ import annotations

from flows.catalog import HEALTH_SERVICES, HealthFacility
from flows.catalog.tiers import tiers_intro, trust_notes, where_it_applies
from flows.core.node import (
    BACK,
    Context,
    Node,
    Step,
    common_action,
    footer,
    goto,
    page_of,
    pick_rows,
    turn_page,
)
from flows.core.services import HEALTH_NEEDS, need_name
from flows.core.types import Bubble, Button, Part, Plain, Screen, Session, Text, bubble, t
from flows.steps.intake import begin

PER_PAGE = 6
HELP_ME = "help"


def view_needs(session: Session, ctx: Context) -> Screen:
    """Asks what kind of care she is looking for (only what her region offers)."""
    available = ctx.catalog.services_available(session.region_code)
    rows = tuple(
        (Button(label, f"need:{need}"),) for need, label in HEALTH_NEEDS if need in available
    )
    if not rows:
        return Screen(
            "health",
            (bubble(t("There are no health services listed for your region yet.")),),
            (footer(back=False),),
        )
    return Screen(
        "health",
        (
            bubble(
                t(
                    "Which care are you looking for? You do not need to talk about your past "
                    "to get care, and health workers must keep patients' information private."
                )
            ),
        ),
        (*rows, footer(back=False)),
    )


def on_button_needs(session: Session, action: str, ctx: Context) -> Step:
    """Opens the facilities for the chosen need."""
    if action.startswith("need:"):
        need = action.removeprefix("need:")
        if need in HEALTH_SERVICES:
            return Step(goto(session, "facilities", need=need))
    return Step(common_action(session, action) or session)


def _facilities(session: Session, ctx: Context) -> tuple[HealthFacility, ...]:
    return ctx.catalog.facilities_in(session.region_code, session.param("need"))


def view_facilities(session: Session, ctx: Context) -> Screen:
    """Lists the facilities offering the chosen care."""
    need = session.param("need")
    items: list[tuple[Part, str]] = [(f.name, f"fac:{f.key}") for f in _facilities(session, ctx)]
    rows, _ = pick_rows(items, page_of(session), PER_PAGE, columns=1)
    text: Text = t("Where you can go for {need}:", need=need_name(need))
    if not items:
        text = t("No place is listed in your region yet for {need}.", need=need_name(need))
        return Screen("facilities", (bubble(text),), (*rows, footer()))
    return Screen(
        "facilities", (bubble(text, tiers_intro(session.region_code, ctx)),), (*rows, footer())
    )


def on_button_facilities(session: Session, action: str, ctx: Context) -> Step:
    """Opens a facility, turns the page, or goes back to the needs."""
    paged = turn_page(session, action)
    if paged is not None:
        return Step(paged)
    if action.startswith("fac:"):
        key = action.removeprefix("fac:")
        if ctx.catalog.facility(key) is not None:
            return Step(goto(session, "facility", key=key, need=session.param("need")))
    if action == BACK:
        return Step(goto(session, "health"))
    return Step(common_action(session, action) or session)


def details(facility: HealthFacility, session: Session, ctx: Context) -> tuple[Bubble, ...]:
    """The details of a facility, one subject per message, with where it applies."""
    first: list[Part] = [facility.name, t("📍 {address}", address=facility.address)]
    first.append(where_it_applies(facility.regions, session.region_code, ctx))
    first.append(t("🕘 {hours}", hours=facility.hours))
    if facility.phone:
        first.append(t("☎ {phone}", phone=Plain(facility.phone)))
    second: list[Part] = [
        t("💰 Cost: {cost}", cost=facility.cost),
        t("🔒 {confidentiality}", confidentiality=facility.confidentiality),
        *trust_notes(facility.last_verified, facility.unverified, ctx, facility.note),
    ]
    return (Bubble(tuple(first)), Bubble(tuple(second)))


def view_facility(session: Session, ctx: Context) -> Screen:
    """Shows one facility and offers help to get there."""
    facility = ctx.catalog.facility(session.param("key"))
    if facility is None:
        return view_needs(goto(session, "health"), ctx)
    return Screen(
        "facility",
        details(facility, session, ctx),
        ((Button(t("🙋 Help me get there"), HELP_ME),), footer()),
    )


def on_button_facility(session: Session, action: str, ctx: Context) -> Step:
    """Starts a referral to this facility, or goes back to the list."""
    facility = ctx.catalog.facility(session.param("key"))
    if facility is None:
        return on_button_needs(goto(session, "health"), action, ctx)
    if action == HELP_ME:
        need = session.param("need")
        return begin(session, ctx, service="health", item=facility.key, need=need)
    if action == BACK:
        return Step(goto(session, "facilities", need=session.param("need")))
    return Step(common_action(session, action) or session)


NEEDS = Node(view_needs, on_button_needs)
FACILITIES = Node(view_facilities, on_button_facilities)
FACILITY = Node(view_facility, on_button_facility)
