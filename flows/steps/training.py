"""Training and livelihood programmes in her region: the list, then one programme's details."""

from __future__ import annotations

from flows.catalog import Programme
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
from flows.core.types import Bubble, Button, Part, Plain, Screen, Session, bubble, t
from flows.steps.intake import begin

PER_PAGE = 6
WANT = "want"


def _programmes(session: Session, ctx: Context) -> tuple[Programme, ...]:
    kind = session.param("kind") or None
    today = ctx.now.date()
    return tuple(
        p for p in ctx.catalog.programmes_in(session.region_code, kind) if p.open_on(today)
    )


def view_list(session: Session, ctx: Context) -> Screen:
    """Lists the programmes of her region, soonest first."""
    programmes = _programmes(session, ctx)
    region = ctx.regions.region(session.region_code) if session.region_code else None
    where = Plain(region.name if region else "-")
    if not programmes:
        return Screen(
            "training",
            (bubble(t("There are no programmes listed for {region} yet.", region=where)),),
            (footer(back=False),),
        )
    items: list[tuple[Part, str]] = [(p.title, f"prog:{p.key}") for p in programmes]
    rows, _ = pick_rows(items, page_of(session), PER_PAGE, columns=1)
    return Screen(
        "training",
        (
            bubble(
                t("Training and business support in {region}. Choose one:", region=where),
                tiers_intro(session.region_code, ctx),
            ),
        ),
        (*rows, footer(back=False)),
    )


def on_button_list(session: Session, action: str, ctx: Context) -> Step:
    """Opens a programme, or turns the page."""
    paged = turn_page(session, action)
    if paged is not None:
        return Step(paged)
    if action.startswith("prog:"):
        key = action.removeprefix("prog:")
        if ctx.catalog.programme(key) is not None:
            kind = session.param("kind")
            return Step(goto(session, "programme", key=key, kind=kind))
    return Step(common_action(session, action) or session)


def details(programme: Programme, session: Session, ctx: Context) -> tuple[Bubble, ...]:
    """The details of a programme: what and where, then what it gives and what it asks."""
    if programme.starts is None:
        when = t("📅 Ongoing: ask when the next intake starts")
    elif programme.ends is not None:
        when = t("📅 {start} – {end}", start=programme.starts, end=programme.ends)
    else:
        when = t("📅 Starts {start}", start=programme.starts)
    first: list[Part] = [
        programme.title,
        t("Organised by {provider}", provider=programme.provider),
        when,
    ]
    first.append(t("📍 {place}", place=programme.place))
    first.append(where_it_applies(programme.regions, session.region_code, ctx))
    second: list[Part] = [
        t("💰 Cost: {cost}", cost=programme.cost),
        t("🎁 You receive: {receives}", receives=programme.receives),
    ]
    if programme.quota:
        second.append(t("👥 Places: {quota}", quota=programme.quota))
    second += [
        t("📄 Requirements: {requirements}", requirements=programme.requirements),
        t("🪪 Without a KTP: {advice}", advice=programme.without_ktp),
        *trust_notes(programme.last_verified, programme.unverified, ctx, programme.note),
    ]
    return (Bubble(tuple(first)), Bubble(tuple(second)))


def view_programme(session: Session, ctx: Context) -> Screen:
    """Shows one programme and offers to ask for a place."""
    programme = ctx.catalog.programme(session.param("key"))
    if programme is None:
        return view_list(goto(session, "training"), ctx)
    return Screen(
        "programme",
        details(programme, session, ctx),
        ((Button(t("🙋 I want to join"), WANT),), footer()),
    )


def on_button_programme(session: Session, action: str, ctx: Context) -> Step:
    """Starts a referral for this programme, or goes back to the list."""
    programme = ctx.catalog.programme(session.param("key"))
    if programme is None:
        return on_button_list(goto(session, "training"), action, ctx)
    if action == WANT:
        return begin(session, ctx, service=programme.kind, item=programme.key)
    if action == BACK:
        return Step(goto(session, "training", kind=session.param("kind")))
    return Step(common_action(session, action) or session)


LIST = Node(view_list, on_button_list)
PROGRAMME = Node(view_programme, on_button_programme)
