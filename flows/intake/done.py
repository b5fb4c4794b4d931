"""The confirmation with its reference code, and the optional check-in offer."""

from __future__ import annotations

from datetime import datetime

from flows.followups import REMINDERS_OFFER, followup_consent_version
from flows.handling import handled_by
from flows.intake.common import _office_name
from flows.intake.urgent import do_not_wait
from flows.node import Context, Step, goto, quick_exit_button, wipe_reminder
from flows.types import (
    Bubble,
    Button,
    Moment,
    Plain,
    Screen,
    Session,
    SetReminders,
    Text,
    bubble,
    t,
)


def view_done(session: Session, ctx: Context) -> Screen:
    """Confirms the request with its code and says what happens next, in her time zone."""
    code = Plain(session.param("code"))
    office = _office_name(session, ctx)
    due = session.param("due")
    when = Moment(datetime.fromisoformat(due)) if due else Moment(ctx.now)
    contact = session.param("contact")
    urgent_parts: tuple[Text, ...] = ()
    if session.param("urgent") and contact == "phone":
        nxt = t(
            "A caseworker from {office} will try to call you as soon as they can, at your safe "
            "time.",
            office=office,
        )
        urgent_parts = (do_not_wait(),)
    elif session.param("urgent") and contact != "visit":
        nxt = t(
            "A caseworker from {office} will try to contact you as soon as they can, in office "
            "hours.",
            office=office,
        )
        urgent_parts = (do_not_wait(),)
    elif contact == "visit":
        nxt = t(
            "You can go to {office} whenever you are ready and mention this code.",
            office=office,
        )
    elif contact == "phone":
        nxt = t(
            "A caseworker from {office} will call you at your safe time, at the latest by {when}.",
            office=office,
            when=when,
        )
    else:
        nxt = t(
            "A caseworker from {office} will write to you in this chat, at the latest by {when}.",
            office=office,
            when=when,
        )
    bubbles: tuple[Bubble, ...] = (
        bubble(
            t("✅ Your request has been sent. Your reference code is {code}.", code=code),
            nxt,
            *handled_by(session.region_code, session.param("service"), ctx),
            *urgent_parts,
            t("You can follow it in 📋 My requests."),
        ),
    )
    rows: tuple[tuple[Button, ...], ...] = (
        (Button(t("📋 My requests"), "mine"), Button(t("☰ Menu"), "menu")),
    )
    if ctx.reminders != "on":
        offer, offer_rows = _followup_offer(session)
        bubbles += (offer,)
        rows = offer_rows + rows
    if session.shared_phone:
        bubbles += (bubble(wipe_reminder()),)
        rows += ((quick_exit_button(t("🧹 Delete this chat")),),)
    return Screen("referral_done", bubbles, rows)


def _followup_offer(session: Session) -> tuple[Bubble, tuple[tuple[Button, ...], ...]]:
    """Asks whether she wants check-in messages (asked after sending: it is optional)."""
    if session.shared_phone:
        ask = t(
            "Because others use this phone, check-in messages stay off. Turn them on only if "
            "that is safe for you."
        )
        yes, no = t("🔔 Turn them on"), t("Keep them off")
    else:
        ask = t("May Jembatan send you a short check-in message later?")
        yes, no = t("✅ Yes, that is fine"), t("No, thank you")
    return bubble(REMINDERS_OFFER, ask), ((Button(yes, "fu_yes"), Button(no, "fu_no")),)


def on_button_done(session: Session, action: str, ctx: Context) -> Step:
    """Opens her requests or the menu, or records her check-in choice."""
    if action in {"fu_yes", "fu_no"}:
        state = "on" if action == "fu_yes" else "off"
        version = followup_consent_version() if state == "on" else ""
        notice = (
            t("Check-in messages are on. You can pause or stop them in 🔒 Privacy.")
            if state == "on"
            else t("All right, no check-in messages.")
        )
        return Step(
            goto(session, "menu"),
            notices=(bubble(notice),),
            effects=(SetReminders(state, version),),
        )
    return Step(goto(session, "my_referrals" if action == "mine" else "menu"))
