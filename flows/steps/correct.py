"""Correcting what she told us: her region, and the nickname and contact of her open requests.

Reached from the privacy menu (flows/steps/privacy.py); a correction of her open requests is one
CorrectReferrals effect, stored by the host.
"""

from __future__ import annotations

from flows.core.effects import CorrectReferrals
from flows.core.node import BACK, Context, Node, Step, back_button, common_action, goto, menu_button
from flows.core.services import OPEN_STATUSES
from flows.core.types import Bubble, Button, Screen, Session, bubble, t
from flows.steps.intake import WINDOWS
from flows.steps.intake.nickname import clean_nickname, nickname_refusal
from flows.steps.privacy import back_to_menu


def _has_open_requests(ctx: Context) -> bool:
    return any(r.status in OPEN_STATUSES for r in ctx.referrals)


def view_correct(session: Session, ctx: Context) -> Screen:
    """Lets her choose what to correct: her region, and on open requests nickname and contact."""
    rows: list[tuple[Button, ...]] = [(Button(t("📍 My region"), "region"),)]
    if _has_open_requests(ctx):
        rows.append((Button(t("🙂 My nickname on my requests"), "nickname"),))
        rows.append((Button(t("💬 How and when to contact me"), "contact"),))
    rows.append((back_button(), menu_button()))
    return Screen("privacy_correct", (bubble(t("What would you like to correct?")),), tuple(rows))


def on_button_correct(session: Session, action: str, ctx: Context) -> Step:
    """Opens the region choice or the correction of her open requests."""
    if action == "region":
        return Step(goto(session, "region_province"))
    if action in {"nickname", "contact"} and _has_open_requests(ctx):
        return Step(goto(session, f"privacy_{action}"))
    return back_to_menu(session, action)


def _saved() -> tuple[Bubble, ...]:
    return (bubble(t("Saved. Your open requests are up to date.")),)


def view_nickname(session: Session, ctx: Context) -> Screen:
    """Asks for the nickname her open requests should carry."""
    return Screen(
        "privacy_nickname",
        (bubble(t("Type the nickname the caseworker should use, or remove it.")),),
        ((Button(t("Remove the nickname"), "remove"),), (back_button(), menu_button())),
    )


def on_button_nickname(session: Session, action: str, ctx: Context) -> Step:
    """Removes the nickname from her open requests, or goes back."""
    if action == "remove":
        return Step(
            goto(session, "privacy"), notices=_saved(), effects=(CorrectReferrals(nickname=""),)
        )
    if action == BACK:
        return Step(goto(session, "privacy_correct"))
    return Step(common_action(session, action) or session)


def on_text_nickname(session: Session, text: str, ctx: Context) -> Step:
    """Puts a typed nickname (short, one line, a visible letter or digit) on her open requests."""
    name = clean_nickname(text)
    notice = nickname_refusal(name)
    if notice is not None:
        return Step(session, notices=(notice,))
    return Step(
        goto(session, "privacy"), notices=_saved(), effects=(CorrectReferrals(nickname=name),)
    )


CONTACT_CHANGES: dict[str, CorrectReferrals] = {
    "chat_any": CorrectReferrals(contact="chat", window="any"),
    **{key: CorrectReferrals(window=key) for key in WINDOWS if key != "any"},
    "visit": CorrectReferrals(contact="visit", window=""),
}


def view_contact(session: Session, ctx: Context) -> Screen:
    """Offers how and when the caseworker may contact her, for all her open requests."""
    rows: list[tuple[Button, ...]] = [
        (Button(t("💬 In this chat, any time 08.00–20.00 (safest)"), "chat_any"),)
    ]
    rows += [(Button(label, key),) for key, label in WINDOWS.items() if key != "any"]
    rows.append((Button(t("🚶 No need, I will come myself"), "visit"),))
    rows.append((back_button(), menu_button()))
    return Screen(
        "privacy_contact",
        (bubble(t("How and when may the caseworker contact you? Times are in your local time.")),),
        tuple(rows),
    )


def on_button_contact(session: Session, action: str, ctx: Context) -> Step:
    """Stores the new contact choice on her open requests."""
    change = CONTACT_CHANGES.get(action)
    if change is not None:
        return Step(goto(session, "privacy"), notices=_saved(), effects=(change,))
    if action == BACK:
        return Step(goto(session, "privacy_correct"))
    return Step(common_action(session, action) or session)


CORRECT = Node(view_correct, on_button_correct)
NICKNAME = Node(view_nickname, on_button_nickname, on_text_nickname)
CONTACT = Node(view_contact, on_button_contact)
NODES = {
    "privacy_correct": CORRECT,
    "privacy_nickname": NICKNAME,
    "privacy_contact": CONTACT,
}
