"""The 🆘 button on every screen with buttons, and what her words that speak of danger add."""

from __future__ import annotations

from dataclasses import replace

from flows.core.node import EMERGENCY, emergency_button
from flows.core.types import Bubble, Screen, bubble, t

#: Actions that already open the emergency numbers (the menu has its own labelled button).
OPENS_EMERGENCY = frozenset({EMERGENCY, "emergency", "callback"})


def _opens_emergency(screen: Screen) -> bool:
    """Tells whether the screen is the emergency screen or has a button that opens it."""
    return screen.name == "emergency" or bool(OPENS_EMERGENCY & screen.actions())


def with_sos(screen: Screen) -> Screen:
    """The screen with the 🆘 button in a row of its own, unless it can already open the numbers."""
    if _opens_emergency(screen):
        return screen
    return replace(screen, keyboard=((emergency_button(),), *screen.keyboard))


def sos_row(screen: Screen) -> Screen:
    """A screen with buttons gets a last row with 🆘, unless it can already open the numbers."""
    if not screen.keyboard or _opens_emergency(screen):
        return screen
    return replace(screen, keyboard=(*screen.keyboard, (emergency_button(),)))


def too_long() -> Bubble:
    """The answer to a long message that holds no strong danger word: 🆘 is named first."""
    return bubble(
        t(
            "That message is too long for me. If you are in danger, tap 🆘 Emergency. "
            "Otherwise, please write just a few words or use the buttons."
        )
    )


def danger_offer() -> Bubble:
    """Said after her message to the caseworker was passed on, when it speaks of danger."""
    return bubble(t("If you are in danger now, call 110 or 112, or tap 🆘 Emergency."))


def caution_line() -> Bubble:
    """The neutral line weak danger words add to what she asked for."""
    return bubble(t("If you are not safe right now, tap 🆘 Emergency for numbers to call."))
