"""How-to questions ("brp biayanya", "syaratnya apa", "ga ada ktp", "gmn caranya").

They are answered from the catalog entry she is looking at, or by the nearest screen with a word
of guidance. Which words ask which question is data (flows/data/keywords.toml, [howto]); the
answer is here.
"""

from __future__ import annotations

from flows.core.node import Context, Step, goto
from flows.core.types import Bubble, Session, Text, bubble, t
from flows.steps.keywords import Topic

#: Screens that list entries: she is asked to choose one, and stays.
LISTS = frozenset({"training", "facilities", "health"})
#: The screens of going home, where the way to ask is already shown.
GOING_HOME = frozenset({"going_home", "going_home_plan"})


def _programme(session: Session, topic: Topic, ctx: Context) -> tuple[Text, ...] | None:
    programme = ctx.catalog.programme(session.param("key"))
    if programme is None:
        return None
    cost = t("💰 Cost: {cost}", cost=programme.cost)
    needs = t("📄 Requirements: {requirements}", requirements=programme.requirements)
    no_ktp = t("🪪 Without a KTP: {advice}", advice=programme.without_ktp)
    join = t("To join, tap 🙋 I want to join: I help you send a request to a caseworker.")
    return {
        Topic.COST: (cost,),
        Topic.REQUIREMENTS: (needs, no_ktp),
        Topic.NO_KTP: (no_ktp, needs),
        Topic.JOIN: (join, needs),
    }[topic]


def _facility(session: Session, topic: Topic, ctx: Context) -> tuple[Text, ...] | None:
    facility = ctx.catalog.facility(session.param("key"))
    if facility is None:
        return None
    cost = t("💰 Cost: {cost}", cost=facility.cost)
    helper = t(
        "For what to bring, or if you have no KTP or BPJS, tap 🙋 Help me get there: a "
        "caseworker helps you."
    )
    return (cost,) if topic is Topic.COST else (helper, cost)


def _going_home(session: Session, ctx: Context) -> tuple[Text, ...] | None:
    entry = ctx.catalog.going_home_for(session.region_code)
    return None if entry is None else (t("How to ask for it: {how}", how=entry.how),)


def from_entry(session: Session, topic: Topic, ctx: Context) -> Step | None:
    """Answers from the programme, facility or going-home entry on screen; None elsewhere."""
    lines: tuple[Text, ...] | None = None
    if session.state == "programme":
        lines = _programme(session, topic, ctx)
    elif session.state == "facility":
        lines = _facility(session, topic, ctx)
    elif session.state in GOING_HOME:
        lines = _going_home(session, ctx)
    if lines is None:
        return None
    return Step(session, notices=(bubble(*lines),))


def guidance(topic: Topic) -> Bubble:
    """The word of guidance before the nearest screen, when no entry is on screen."""
    if topic is Topic.NO_KTP:
        return bubble(
            t(
                "No KTP? You can still look and ask. Each programme says what is possible "
                "without a KTP (🪪). Choose what you are looking for:"
            )
        )
    return bubble(
        t(
            "Each kind of help shows its cost, its requirements and how to join. Choose what "
            "you are looking for:"
        )
    )


def nearest(session: Session, topic: Topic) -> Step:
    """Stays on a list (choose an entry), or opens the menu, with a word of guidance."""
    if session.state in LISTS:
        notice = bubble(t("Choose one: each shows its cost, its requirements and how to join."))
        return Step(session, notices=(notice,))
    return Step(goto(session, "menu"), notices=(guidance(topic),))
