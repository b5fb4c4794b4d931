"""The request's start, its question order, cancelling, and what the steps share."""

from __future__ import annotations

from dataclasses import replace

from flows.core.node import Context, Step, emergency_button, goto, with_answers
from flows.core.types import Button, Part, Plain, Session, bubble, t
from flows.routing.handling import handler_for

CANCEL = "cancel"
ORIGIN_KEYS = ("key", "need", "kind")


def begin(session: Session, ctx: Context, *, service: str, item: str, **answers: str) -> Step:
    """Starts a referral from an information screen (nothing is kept until she sends it)."""
    region_later = service == "callback" and session.region_code is None  # asked after consent
    if handler_for(session.region_code, service, ctx) is None and not region_later:
        return Step(
            session,
            notices=(
                bubble(
                    t(
                        "Sorry, Kak, I cannot send requests to an office in your region yet. "
                        "You can still call the numbers in 🆘 Emergency."
                    )
                ),
            ),
        )
    origin = {f"origin_{k}": v for k, v in session.params if k in ORIGIN_KEYS}
    draft = {"service": service, "item": item, "origin": session.state, **origin, **answers}
    return Step(next_step(with_answers(replace(session, draft=()), **draft)))


def next_step(session: Session) -> Session:
    """Moves to the first question not yet answered, or to the summary."""
    answers = dict(session.draft)
    if "adult" not in answers:  # the urgent call-back asks her age on its one consent screen
        return goto(session, "intake_urgent" if answers.get("fast") else "intake_age")
    if "consent_at" not in answers:
        return goto(session, "intake_urgent" if answers.get("fast") else "intake_consent")
    contact = answers.get("contact")
    if contact is None:
        return goto(session, "intake_contact")
    if contact == "phone" and "phone" not in answers:
        return goto(session, "intake_phone")
    if contact in {"chat", "phone"} and "window" not in answers:
        return goto(session, "intake_window")
    if "nickname_asked" not in answers:
        return goto(session, "intake_nickname")
    if "phone_alone" not in answers:
        return goto(session, "intake_shared")
    return goto(session, "intake_summary")


def _origin(session: Session) -> Session:
    params = {k.removeprefix("origin_"): v for k, v in session.draft if k.startswith("origin_")}
    back = goto(session, session.answer("origin", "menu"), **params)
    return replace(back, draft=())


def cancelled(session: Session) -> Step:
    """Ends the request with nothing kept and returns to the menu."""
    notice = bubble(t("Request cancelled. Nothing was kept."))
    return Step(replace(goto(session, "menu"), draft=()), notices=(notice,))


def _cancel_button() -> Button:
    return Button(t("✖ Cancel"), CANCEL)


def _cancel_row() -> tuple[Button, ...]:
    return (_cancel_button(), emergency_button())


def _office_name(session: Session, ctx: Context) -> Part:
    service = session.answer("service") or session.param("service")
    office = handler_for(session.region_code, service, ctx)
    if office is None and session.region_code is None:
        return t("the social services office of your region")
    return office.name if office else Plain("-")


def _answer(
    session: Session, action: str, ctx: Context, choices: dict[str, dict[str, str]]
) -> Step:
    if action == CANCEL:
        return cancelled(session)
    chosen = choices.get(action)
    if chosen is None:
        return Step(session)
    return Step(next_step(with_answers(session, **chosen)))
