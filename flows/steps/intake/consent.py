"""Consent in plain words: purpose, fields, office, retention, rights."""

from __future__ import annotations

from datetime import UTC

from flows.core.node import Context, Step, emergency_button, with_answers
from flows.core.types import Button, Screen, Session, bubble, t
from flows.steps.intake.common import _office_name, _origin, next_step

#: Bump when any consent text below changes; stored with every consent.
CONSENT_VERSION = "referral-consent-2026-11-v1"


def view_consent(session: Session, ctx: Context) -> Screen:
    """Asks for consent in plain words: purpose, fields, office, retention, rights."""
    office = _office_name(session, ctx)
    return Screen(
        "intake_consent",
        (
            bubble(
                t(
                    "To ask for this help, Jembatan sends a few details to {office}, so that a "
                    "caseworker there can help you.",
                    office=office,
                ),
                t(
                    "What is sent: the service you chose, your region, how and when you can be "
                    "contacted, a nickname if you give one, your phone number only if you choose "
                    "a phone call, whether others use this phone, and how urgent it is."
                ),
            ),
            bubble(
                t(
                    "How long it is kept: until {days} days after your request is finished, "
                    "then it is erased. Nothing is passed to the police or Satpol PP.",
                    days=ctx.retention_days,
                ),
                t(
                    "Your rights: you can cancel the request at any time in 📋 My requests, and "
                    "you can ask to see, correct or delete your data or withdraw this consent "
                    "by writing /privasi. Do you agree?"
                ),
            ),
        ),
        (
            (Button(t("✅ I agree"), "agree"),),
            (Button(t("✖ No, go back"), "decline"),),
            (emergency_button(),),
        ),
    )


def on_button_consent(session: Session, action: str, ctx: Context) -> Step:
    """Records the moment she agreed, or returns to the information with nothing kept."""
    if action == "agree":
        agreed = with_answers(session, consent_at=ctx.now.astimezone(UTC).isoformat())
        return Step(next_step(with_answers(agreed, consent_locale=session.locale)))
    if action == "decline":
        notice = bubble(t("All right. Nothing was sent and nothing was kept."))
        return Step(_origin(session), notices=(notice,))
    return Step(session)
