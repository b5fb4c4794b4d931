"""Bantuan lain: help that is not in the catalog, asked for and routed like any other request."""

from __future__ import annotations

from flows.core.node import Context, Node, Step, common_action, footer
from flows.core.types import Button, Screen, Session, bubble, t
from flows.steps.intake import begin

ASK = "ask"
#: The service of such a request (the desk shows it as "Other help").
OTHER = "other"


def view_other(session: Session, ctx: Context) -> Screen:
    """Explains that she can ask for any help and say what she needs to the caseworker."""
    return Screen(
        "other_help",
        (
            bubble(
                t(
                    "Need help with something not listed here? Send a request and a caseworker "
                    "will contact you. Write what you need in your first message to the "
                    "caseworker: only caseworkers read it."
                )
            ),
        ),
        ((Button(t("🙋 Ask for help"), ASK),), footer(back=False)),
    )


def on_button_other(session: Session, action: str, ctx: Context) -> Step:
    """Starts a request for other help."""
    if action == ASK:
        return begin(session, ctx, service=OTHER, item="")
    return Step(common_action(session, action) or session)


NODE = Node(view_other, on_button_other)
