"""The urgent call-back from the emergency screen: one short consent with her age, then sent.

Three taps from any screen (🆘, the call-back button, "I agree, I am 18 or older"). Before a
region is known she is asked it after agreeing, and the request goes once she has chosen. The
caseworker writes in this chat; nothing else is asked. The promise is only what is true: they
will try, and in danger she must not wait for them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from flows.core import consents
from flows.core.node import Context, Step, emergency_button, goto, with_answers
from flows.core.types import Button, Screen, Session, Text, bubble, t
from flows.steps.intake.common import _office_name, cancelled
from flows.steps.intake.summary import submit


def do_not_wait() -> Text:
    """What she must do if she is in danger now, whatever a caseworker does."""
    return t("If you are in danger now, do not wait: call 112 or 110.")


SENT = t(
    "Jembatan tells {office} only two things: your region, and that you need an urgent "
    "call-back in this chat. It is not given to the police or Satpol PP unless you ask for it "
    "yourself or a court orders it."
)
KEPT = t(
    "You can cancel it at any time in 📋 My requests; the data is erased {days} days after it ends."
)
WHEN = t("A caseworker will try to contact you in this chat as soon as they can, in office hours.")
#: The words an urgent call-back's consent stands for: its version is derived from them.
URGENT_CONSENT_TEXTS = (SENT, KEPT, WHEN, do_not_wait())


def urgent_consent_version() -> str:
    """The version of the urgent consent texts, as stored with each consent."""
    return consents.version(consents.URGENT, URGENT_CONSENT_TEXTS)


def view_urgent(session: Session, ctx: Context) -> Screen:
    """Says in a few words what is sent, for how long, what will happen; asks her to agree."""
    return Screen(
        "intake_urgent",
        (
            bubble(
                t(SENT.msgid, office=_office_name(session, ctx)),
                t(KEPT.msgid, days=ctx.retention_days),
                WHEN,
                do_not_wait(),
            ),
        ),
        (
            (Button(t("✅ I agree (I am 18 or older)"), "agree"),),
            (Button(t("I am under 18"), "minor"),),
            (Button(t("✖ Cancel"), "cancel"), emergency_button()),
        ),
    )


def on_button_urgent(session: Session, action: str, ctx: Context) -> Step:
    """Sends the urgent call-back at once after her consent, or cancels with nothing kept.

    An under-18 is led to child protection; without a region she is asked it first.
    """
    if action == "minor":
        return Step(replace(goto(session, "child_protection"), draft=()))
    if action != "agree":
        return cancelled(session) if action == "cancel" else Step(session)
    agreed = with_answers(
        session,
        adult="yes",
        consent_at=ctx.now.astimezone(UTC).isoformat(),
        consent_locale=session.locale,
        contact="chat",
        window="any",
    )
    if session.region_code is None:
        notice = bubble(t("One last step: where are you now? Then I send it."))
        return Step(goto(agreed, "region_province"), notices=(notice,))
    return submit(agreed, ctx, urgent=True, version=urgent_consent_version())


def pending(session: Session) -> bool:
    """Tells whether an agreed urgent call-back waits only for her region."""
    return bool(session.answer("fast") and session.answer("consent_at"))
