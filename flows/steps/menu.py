"""The main menu and the language choice (privacy and her data: flows/steps/privacy.py)."""

from __future__ import annotations

from dataclasses import replace

from flows.catalog import GOING_HOME, PROGRAMME_KINDS
from flows.core.node import Context, Node, Step, common_action, goto, menu_button
from flows.core.services import HEALTH_NEEDS
from flows.core.types import Button, Plain, Screen, Session, bubble, t
from flows.steps.welcome import chosen_language, language_rows

MENU_TARGETS = {
    "training": "training",
    "health": "health",
    "home": "going_home",
    "other": "other_help",
    "mine": "my_referrals",
    "emergency": "emergency",
    "region": "region_province",
    "language": "language",
    "privacy": "privacy",
}


def view_menu(session: Session, ctx: Context) -> Screen:
    """Shows what the bot can do for her region; only entries that work appear."""
    region = ctx.regions.region(session.region_code) if session.region_code else None
    available = ctx.catalog.services_available(session.region_code) if region else set()
    rows: list[tuple[Button, ...]] = []
    if available & PROGRAMME_KINDS:
        rows.append((Button(t("🎓 Training and business support"), "training"),))
    if available & {need for need, _ in HEALTH_NEEDS}:
        rows.append((Button(t("🩺 Health services"), "health"),))
    if region is not None and (GOING_HOME in available or ctx.catalog.office_for(region.code)):
        rows.append((Button(t("🏠 Going home"), "home"),))
    if region is not None:
        rows.append((Button(t("🤝 Other help"), "other"),))
    if ctx.referrals:
        rows.append((Button(t("📋 My requests"), "mine"),))
    rows.append((Button(t("🆘 Emergency help"), "emergency"),))
    region_label = t("📍 Change region") if region else t("📍 Choose region")
    rows.append((Button(region_label, "region"),))
    rows.append((Button(t("🌐 Language"), "language"), Button(t("🔒 Privacy"), "privacy")))
    where = (
        t("Your region: {region}.", region=Plain(region.name))
        if region
        else t("You have not chosen a region yet.")
    )
    return Screen("menu", (bubble(t("What would you like to see?"), where),), tuple(rows))


def on_button_menu(session: Session, action: str, ctx: Context) -> Step:
    """Opens the chosen menu entry."""
    target = MENU_TARGETS.get(action)
    return Step(goto(session, target) if target else session)


def view_language(session: Session, ctx: Context) -> Screen:
    """Offers the languages."""
    return Screen(
        "language",
        (bubble(t("Please choose your language:")),),
        (*language_rows(), (menu_button(),)),
    )


def on_button_language(session: Session, action: str, ctx: Context) -> Step:
    """Switches the language and returns to the menu."""
    locale = chosen_language(action)
    if locale is not None:
        return Step(goto(replace(session, locale=locale), "menu"))
    return Step(common_action(session, action) or session)


MENU_NODE = Node(view_menu, on_button_menu)
LANGUAGE = Node(view_language, on_button_language)
