"""The first minute: a neutral greeting, what the bot does, its privacy limits, the language."""

from __future__ import annotations

from dataclasses import replace

from flows.core.node import Context, Node, Step, emergency_button, goto
from flows.core.types import Button, Plain, Screen, Session, bubble, t

LANGUAGES = (("id", "Bahasa Indonesia"), ("en", "English"))


def language_rows() -> tuple[tuple[Button, ...], ...]:
    """One button per language, each named in its own language."""
    return (tuple(Button(Plain(name), f"lang:{code}") for code, name in LANGUAGES),)


def chosen_language(action: str) -> str | None:
    """Returns the locale a language button stands for, or None."""
    if action.startswith("lang:"):
        code = action.removeprefix("lang:")
        if code in dict(LANGUAGES):
            return code
    return None


def after_language(session: Session) -> Session:
    """Moves on from the language choice: to the region unless one is already known."""
    if session.region_code:
        return goto(session, "menu")
    return goto(session, "region_province")


def view(session: Session, ctx: Context) -> Screen:
    """Greets without naming any sensitive topic and asks for the language, in one message."""
    return Screen(
        "welcome",
        (
            bubble(
                t("Hello, Kak! 👋 This is Jembatan."),
                t(
                    "Here you can see the help near you and the emergency numbers. No need to "
                    "give your name."
                ),
                t(
                    "I keep only your Telegram ID, language and region. Anyone holding this "
                    "phone can read this chat; how to erase it is in 🔒 Privacy."
                ),
                t("Pilih bahasa / Choose language"),
            ),
        ),
        (*language_rows(), (emergency_button(),)),
    )


def on_button(session: Session, action: str, ctx: Context) -> Step:
    """Stores the chosen language and moves on."""
    locale = chosen_language(action)
    if locale is None:
        return Step(session)
    return Step(after_language(replace(session, locale=locale)))


# Typed words on the welcome are routed by keywords, like on every information screen.
NODE = Node(view, on_button)
