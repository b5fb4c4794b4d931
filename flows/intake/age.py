"""Whether she is an adult; an under-18 is led to child protection instead."""

from __future__ import annotations

from dataclasses import replace

from flows.intake.common import _answer, _cancel_row
from flows.node import Context, Step, emergency_button, goto, menu_button
from flows.types import Bubble, Button, Part, Plain, Screen, Session, bubble, t


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
    """Points an under-18 to child protection (SAPA 129) instead of the adult intake."""
    sapa = next((h for h in ctx.catalog.hotlines if h.key == "sapa129"), None)
    lines: list[Part] = [
        t(
            "For anyone under 18, help comes from child protection services. They are free "
            "and confidential, and they can also speak with your family for you."
        )
    ]
    if sapa is not None:
        lines.append(t("☎ {name}: {phone}", name=sapa.name, phone=Plain(sapa.phone)))
        if sapa.whatsapp:
            lines.append(t("WhatsApp: {number}", number=Plain(sapa.whatsapp)))
    return Screen(
        "child_protection",
        (bubble(t("Thank you for telling me, Kak.")), Bubble(tuple(lines))),
        ((emergency_button(), menu_button()),),
    )


def on_button_child_protection(session: Session, action: str, ctx: Context) -> Step:
    """Leaves for the emergency numbers or the menu."""
    return Step(goto(session, "emergency" if action == "sos" else "menu"))
