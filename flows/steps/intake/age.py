"""Whether she is an adult; an under-18 is led to child protection instead."""

from __future__ import annotations

from dataclasses import replace

from flows.catalog.hotlines import Hotline
from flows.core.node import Context, Step, emergency_button, goto, menu_button
from flows.core.types import Bubble, Button, Part, Plain, Screen, Session, bubble, t
from flows.steps.danger_lines import danger_now, hotline_text
from flows.steps.intake.common import _answer, _cancel_row

SAPA = "sapa129"
#: Catalog keys of local child protection units (UPTD PPA) start with this.
UPTD_PPA = "uptd-ppa"


def view_age(session: Session, ctx: Context) -> Screen:
    """Asks whether she is an adult."""
    return Screen(
        "intake_age",
        (bubble(t("Are you 18 years old or older?")),),
        (
            (Button(t("Yes, 18 or older"), "adult"), Button(t("No, under 18"), "minor")),
            _cancel_row(),
        ),
    )


def on_button_age(session: Session, action: str, ctx: Context) -> Step:
    """Continues the adult intake, or leads an under-18 to child protection."""
    if action == "minor":
        return Step(replace(goto(session, "child_protection"), draft=()))
    return _answer(session, action, ctx, {"adult": {"adult": "yes"}})


def view_child_protection(session: Session, ctx: Context) -> Screen:
    """Points an under-18 to child protection: the danger-now line, SAPA 129, the local UPTD PPA.

    Nothing is kept; "confidential" is not promised (child protection may have to involve others).
    """
    lines: list[Part] = [
        t(
            "For anyone under 18, the people who help are child protection workers. It is "
            "free. Nothing is kept here."
        )
    ]
    now = danger_now(session, ctx)
    if now is not None:
        lines.append(now)
    for hotline in child_protection_lines(session, ctx):
        lines += (Plain(""), *hotline_text(hotline))
    return Screen(
        "child_protection",
        (Bubble(tuple(lines)),),
        ((emergency_button(), menu_button()),),
    )


def child_protection_lines(session: Session, ctx: Context) -> tuple[Hotline, ...]:
    """SAPA 129, then the UPTD PPA of her kab/kota if the catalog lists one."""
    hotlines = ctx.catalog.hotlines_for(session.region_code)
    sapa = [h for h in hotlines if h.key == SAPA]
    local = [h for h in hotlines if h.regions and h.key.startswith(UPTD_PPA)]
    return (*sapa, *local)


def on_button_child_protection(session: Session, action: str, ctx: Context) -> Step:
    """Leaves for the emergency numbers or the menu."""
    return Step(goto(session, "emergency" if action == "sos" else "menu"))
