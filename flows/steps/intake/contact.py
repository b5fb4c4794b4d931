"""How a caseworker may contact her, and when it is safe (her time window)."""

from __future__ import annotations

from flows.core.node import Context, Step
from flows.core.types import Button, Screen, Session, Text, bubble, t
from flows.steps.intake.common import _answer, _cancel_row

CONTACT_CHOICES: dict[str, dict[str, str]] = {
    "chat_any": {"contact": "chat", "window": "any"},
    "chat_time": {"contact": "chat"},
    "phone": {"contact": "phone"},
    "visit": {"contact": "visit"},
}


def view_contact(session: Session, ctx: Context) -> Screen:
    """Asks how a caseworker may contact her; this chat is the default and safest."""
    return Screen(
        "intake_contact",
        (bubble(t("How should the caseworker contact you?")),),
        (
            (Button(t("💬 In this chat, any time 08.00–20.00 (safest)"), "chat_any"),),
            (Button(t("💬 In this chat, at a time I choose"), "chat_time"),),
            (Button(t("📞 By phone"), "phone"),),
            (Button(t("🚶 No need, I will come myself"), "visit"),),
            _cancel_row(),
        ),
    )


def on_button_contact(session: Session, action: str, ctx: Context) -> Step:
    """Stores how she wants to be contacted."""
    return _answer(session, action, ctx, CONTACT_CHOICES)


WINDOWS: dict[str, Text] = {
    "morning": t("🌅 Morning 08.00–12.00"),
    "midday": t("☀️ Midday 12.00–16.00"),
    "evening": t("🌇 Afternoon 16.00–20.00"),
    "any": t("Any time 08.00–20.00"),
}


def view_window(session: Session, ctx: Context) -> Screen:
    """Asks when it is safe to contact her (in her own time zone)."""
    rows = tuple((Button(label, key),) for key, label in WINDOWS.items())
    return Screen(
        "intake_window",
        (bubble(t("When is it safe to contact you? Times are in your local time.")),),
        (*rows, _cancel_row()),
    )


def on_button_window(session: Session, action: str, ctx: Context) -> Step:
    """Stores her safe time window."""
    return _answer(session, action, ctx, {key: {"window": key} for key in WINDOWS})
