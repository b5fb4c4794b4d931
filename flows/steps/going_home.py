"""Going home: what support exists, her home region, timing, travelling with children."""

from __future__ import annotations

from flows.catalog.tiers import trust_notes, where_it_applies
from flows.core.node import BACK, Context, Node, Step, common_action, footer, goto
from flows.core.types import Bubble, Button, Plain, Screen, Session, bubble, t
from flows.steps.intake import begin

CHOOSE_HOME = "home"
HELP_ME = "help"


def view_support(session: Session, ctx: Context) -> Screen:
    """Explains the going-home support of her region and asks where home is."""
    entries = ctx.catalog.going_home_in(session.region_code)
    infos = tuple(
        Bubble(
            (
                entry.support,
                t("How to ask for it: {how}", how=entry.how),
                where_it_applies(entry.regions, session.region_code, ctx),
                *trust_notes(entry.last_verified, entry.unverified, ctx, entry.note),
            )
        )
        for entry in entries
    )
    if not infos:
        infos = (
            bubble(
                t(
                    "Help to go home is arranged by the social services office of the place where "
                    "you are now. I have no details for your region yet."
                )
            ),
        )
    return Screen(
        "going_home",
        (
            *infos,
            bubble(t("Where is home for you? I can show what to prepare for the journey.")),
        ),
        ((Button(t("🏠 Choose my home region"), CHOOSE_HOME),), footer(back=False)),
    )


def on_button_support(session: Session, action: str, ctx: Context) -> Step:
    """Opens the home-region choice."""
    if action == CHOOSE_HOME:
        return Step(goto(session, "region_province", purpose="home"))
    return Step(common_action(session, action) or session)


def view_plan(session: Session, ctx: Context) -> Screen:
    """Shows her home region, when to travel and what to know when travelling with children."""
    home = ctx.regions.region(session.answer("home_region"))
    if home is None:
        return view_support(goto(session, "going_home"), ctx)
    name = Plain(home.name)
    rows: list[tuple[Button, ...]] = []
    if ctx.catalog.office_for(session.region_code) is not None:
        rows.append((Button(t("🙋 Help me go home"), HELP_ME),))
    rows.append((Button(t("‹ Change home region"), BACK),))
    rows.append(footer(back=False))
    return Screen(
        "going_home_plan",
        (
            bubble(t("Home: {region}.", region=name)),
            bubble(
                t(
                    "When to travel: the office arranges the ticket and the date with you once "
                    "your data has been checked, which can take a few weeks. Before Lebaran, "
                    "Christmas and New Year tickets sell out quickly, so ask early."
                )
            ),
            bubble(
                t(
                    "Travelling with children: tell the caseworker how many children travel "
                    "and how old they are, so that their fares and seats are arranged too. "
                    "Bring their birth certificate or family card (KK) if you have one; "
                    "without it, help is still possible."
                )
            ),
        ),
        tuple(rows),
    )


def on_button_plan(session: Session, action: str, ctx: Context) -> Step:
    """Starts a going-home referral, or lets her choose another home region."""
    home = session.answer("home_region")
    if ctx.regions.region(home) is None:
        return on_button_support(goto(session, "going_home"), action, ctx)
    if action == HELP_ME:
        return begin(session, ctx, service="going_home", item="", home_region=home)
    if action == BACK:
        return Step(goto(session, "region_province", purpose="home"))
    return Step(common_action(session, action) or session)


SUPPORT = Node(view_support, on_button_support)
PLAN = Node(view_plan, on_button_plan)
