"""The first minute: a neutral greeting, what the bot does, its privacy limits, the language."""

from __future__ import annotations

from dataclasses import replace

from flows.node import Context, Node, Step, emergency_button, goto
from flows.texts import erase_chat_hint
from flows.types import Button, Plain, Screen, Session, bubble, t

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
                    "I can show you the help that is available where you live, and the numbers "
                    "to call in an emergency. You choose what to look at; I won't ask for your "
                    "name."
                ),
                t(
                    "About privacy: I keep only your Telegram account number, your language "
                    "and your region. Telegram stores this chat, so anyone who holds this phone "
                    "can read it."
                ),
                erase_chat_hint(),
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
