"""Consent in plain words: a short notice, and "ℹ️ Read it all" for the full one.

The short notice says what goes where, who reads it, how long it is kept, the limit on police
and Satpol PP, and that she may cancel or refuse.

Its version is derived from these texts (flows/core/consents.py): changing a word changes it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from flows.core import consents
from flows.core.node import Context, Step, emergency_button, with_answers
from flows.core.services import service_title
from flows.core.types import Button, Part, Screen, Session, Text, bubble, t
from flows.steps.intake.common import _office_name, _origin, next_step

SHORT = (
    t(
        "Jembatan sends {office}: {title}, your region, how to contact you, and a nickname or "
        "phone number if you give one."
    ),
    t("It is read by that office and the Dinas Sosial staff who run Jembatan."),
    t("It is erased {days} days after the request ends."),
    t("It is not given to the police or Satpol PP unless you ask for it or a court orders it."),
    t("You can cancel at any time. Saying no is fine too."),
)
FULL = (
    t(
        "To ask for this help, Jembatan sends a few details to {office}, so that a caseworker "
        "there can help you."
    ),
    t(
        "What is sent: {title}, your region, how and when you can be contacted, a nickname if "
        "you give one, your phone number only if you choose a phone call, whether others use "
        "this phone, and how urgent it is."
    ),
    t(
        "Who can see it: the Dinas Sosial staff who run Jembatan and, for your request, the "
        "office it goes to."
    ),
    t(
        "How long it is kept: until {days} days after your request is finished, then it is "
        "erased. Jembatan does not give it to the police or Satpol PP unless you ask for it "
        "yourself or a court orders it."
    ),
    t(
        "Your rights: you can cancel the request at any time in 📋 My requests, and you can see, "
        "correct or delete your data or withdraw this consent with the 🔒 Privacy button in the "
        "menu. If you do not agree, all the information stays open to you."
    ),
)
#: The words a referral consent stands for: its version is derived from them.
CONSENT_TEXTS = (*SHORT, *FULL)
FULL_PARAM = "full"


def consent_version() -> str:
    """The version of the referral consent texts, as stored with each consent."""
    return consents.version(consents.REFERRAL, CONSENT_TEXTS)


def _filled(text: Text, values: dict[str, Part | int]) -> Text:
    names = [name for name in values if "{" + name + "}" in text.msgid]
    return t(text.msgid, **{name: values[name] for name in names})


def view_consent(session: Session, ctx: Context) -> Screen:
    """Asks for consent in about 60 words; the full notice is one tap away."""
    values: dict[str, Part | int] = {
        "office": _office_name(session, ctx),
        "title": service_title(
            session.answer("service"), session.answer("item"), session.answer("home_region"), ctx
        ),
        "days": ctx.retention_days,
    }
    full = session.param(FULL_PARAM) == "1"
    texts = FULL if full else SHORT
    more = () if full else ((Button(t("ℹ️ Read it all"), FULL_PARAM),),)
    return Screen(
        "intake_consent",
        (bubble(*(_filled(text, values) for text in texts)),),
        (
            (Button(t("✅ I agree"), "agree"),),
            *more,
            (Button(t("✖ No, go back"), "decline"),),
            (emergency_button(),),
        ),
    )


def on_button_consent(session: Session, action: str, ctx: Context) -> Step:
    """Records the moment she agreed, shows the full notice, or goes back with nothing kept."""
    if action == "agree":
        agreed = with_answers(session, consent_at=ctx.now.astimezone(UTC).isoformat())
        return Step(next_step(with_answers(agreed, consent_locale=session.locale)))
    if action == FULL_PARAM:
        params = {**dict(session.params), FULL_PARAM: "1"}
        return Step(replace(session, params=tuple(sorted(params.items()))))
    if action == "decline":
        notice = bubble(t("All right. Nothing was sent and nothing was kept."))
        return Step(_origin(session), notices=(notice,))
    return Step(session)
