"""The confirmation with its reference code, and the optional check-in offer."""

from __future__ import annotations

from datetime import datetime

from flows.core.effects import SetReminders
from flows.core.node import Context, Step, goto, quick_exit_button, wipe_reminder
from flows.core.types import Bubble, Button, Moment, Plain, Screen, Session, Text, bubble, t
from flows.followups import REMINDERS_OFFER, followup_consent_version
from flows.followups.timing import next_office_moment
from flows.routing.handling import real_handler
from flows.steps.intake.common import _office_name
from flows.steps.intake.summary import CONTACT_DAYS


def _when_urgent(session: Session, ctx: Context) -> Text:
    """When a caseworker will try to answer an urgent call-back: now, or when the office opens."""
    region = ctx.regions.region(session.region_code) if session.region_code else None
    zone = region.timezone if region else "Asia/Jakarta"
    opens = next_office_moment(ctx.now, zone)
    if opens <= ctx.now and session.param("contact") == "phone":
        return t("A caseworker will try to call you as soon as they can, at your safe time.")
    if opens <= ctx.now:
        return t("A caseworker will try to contact you as soon as they can, in office hours.")
    return t(
        "The office is closed now. A caseworker will try to contact you from {when}.",
        when=Moment(opens),
    )


def next_line(session: Session, ctx: Context) -> Text:
    """What happens next, promising only what usually happens (never a deadline)."""
    contact = session.param("contact")
    if session.param("urgent") and contact != "visit":
        return _when_urgent(session, ctx)
    if contact == "visit":
        return t(
            "You can go to {office} whenever you are ready and mention this code.",
            office=_office_name(session, ctx),
        )
    days = CONTACT_DAYS
    if contact == "phone":
        return t(
            "A caseworker usually calls you at your safe time within {days} working days.",
            days=days,
        )
    return t("A caseworker usually replies in this chat within {days} working days.", days=days)


def _follow_line(session: Session) -> Text:
    """Where to look, and from when it is worth looking (a usual time, not a deadline)."""
    due = session.param("due")
    if session.param("urgent") or session.param("contact") == "visit" or not due:
        return t("You can follow it in 📋 My requests.")
    return t(
        "If you have heard nothing by {date}, look in 📋 My requests.",
        date=Moment(datetime.fromisoformat(due), "date"),
    )


def view_done(session: Session, ctx: Context) -> Screen:
    """Confirms the request with its code, who really handles it and what usually happens next."""
    code = Plain(session.param("code"))
    handler = real_handler(session.region_code, session.param("service"), ctx)
    urgent_parts: tuple[Text, ...] = ()
    if session.param("urgent") and session.param("contact") != "visit":
        urgent_parts = (t("If you are in danger now, do not wait: call 110 or 112."),)
    who = (t("Handled by: {handler}.", handler=handler),) if handler is not None else ()
    bubbles: tuple[Bubble, ...] = (
        bubble(
            t("✅ Your request has been sent. Your reference code is {code}.", code=code),
            *who,
            next_line(session, ctx),
            *urgent_parts,
            _follow_line(session),
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
            "Because others use this phone, check-ins stay off. Turn them on only if that is "
            "safe for you."
        )
        offer = bubble(ask, REMINDERS_OFFER)
        yes, no = t("🔔 Turn them on"), t("No need")
    else:
        offer = bubble(REMINDERS_OFFER)
        yes, no = t("✅ Yes, that is fine"), t("No need")
    return offer, ((Button(yes, "fu_yes"), Button(no, "fu_no")),)


def on_button_done(session: Session, action: str, ctx: Context) -> Step:
    """Opens her requests or the menu, or records her check-in choice."""
    if action in {"fu_yes", "fu_no"}:
        state = "on" if action == "fu_yes" else "off"
        version = followup_consent_version() if state == "on" else ""
        notice = (
            t("Check-ins are on. You can pause or stop them in 🔒 Privacy.")
            if state == "on"
            else t("All right, no check-ins.")
        )
        return Step(
            goto(session, "menu"),
            notices=(bubble(notice),),
            effects=(SetReminders(state, version),),
        )
    return Step(goto(session, "my_referrals" if action == "mine" else "menu"))
