"""Follow-ups on her side: the messages she receives, her answers, pause, resume and stop.

What each kind asks and what her answers do is in flows/followups/kinds.py. Follow-up messages
arrive outside the conversation, so their buttons carry "f:<id>:<answer>"
(or "f:pause" / "f:stop") and work whatever screen she is on. Every message the bot sends on
its own arrives sealed (flows/core/sealed.py): a lock-screen preview shows one neutral sentence;
once she opens it, its first line is a neutral greeting.
"""

from __future__ import annotations

from datetime import date

from flows.core import consents
from flows.core.effects import AnswerFollowUp, FollowUpView, SetReminders
from flows.core.greeting import NEUTRAL_FIRST_LINE
from flows.core.greeting import neutral as neutral
from flows.core.node import Context, Node, Step, common_action, goto, menu_button, to_emergency
from flows.core.types import Button, Part, Plain, Screen, Session, Text, bubble, t
from flows.followups.kinds import THANKS, Answer, Subject, Then, kind_of

PREFIX = "f"
STOP_WORDS = frozenset({"berhenti", "stop"})


def button(followup_id: int, answer: str) -> str:
    """Callback data of an answer button under a follow-up message."""
    return f"{PREFIX}:{followup_id}:{answer}"


def control_row() -> tuple[Button, ...]:
    """Pause and stop, under every follow-up message."""
    return (
        Button(t("⏸ Pause check-ins"), f"{PREFIX}:pause"),
        Button(t("✋ Stop check-ins"), f"{PREFIX}:stop"),
    )


def question(
    kind: str, code: str, programme: Part | None = None, starts: date | None = None
) -> Text:
    """What a follow-up asks or says, without the greeting."""
    found = kind_of(kind)
    if found is None or found.question is None:
        return t("About your request {code}: how are you doing?", code=Plain(code))
    return found.question(Subject(code, programme, starts))


def message(
    followup_id: int,
    kind: str,
    code: str,
    programme: Part | None = None,
    starts: date | None = None,
) -> Screen:
    """The follow-up message: neutral greeting, one question, answer buttons, pause and stop."""
    found = kind_of(kind)
    answers = found.answers if found is not None else ()
    buttons = tuple(Button(a.label, button(followup_id, a.key)) for a in answers)
    return Screen(
        f"followup_{kind}",
        (bubble(NEUTRAL_FIRST_LINE, question(kind, code, programme, starts)),),
        (buttons, control_row()),
    )


def _answerable(ctx: Context, followup_id: str, key: str) -> tuple[FollowUpView, Answer] | None:
    found = next((f for f in ctx.followups if str(f.id) == followup_id), None)
    if found is None or found.state != "sent":
        return None
    kind = kind_of(found.kind)
    answer = kind.answer(key) if kind is not None else None
    return (found, answer) if answer is not None else None


def on_button(session: Session, data: str, ctx: Context) -> Step | None:
    """Handles "f:..." buttons; None when the data is not a follow-up button."""
    parts = data.split(":")
    if not parts or parts[0] != PREFIX:
        return None
    if parts[1:] == ["pause"]:
        return set_reminders(session, "paused", ctx)
    if parts[1:] == ["stop"]:
        return set_reminders(session, "off", ctx)
    if len(parts) != 3:
        return None
    answerable = _answerable(ctx, parts[1], parts[2])
    if answerable is None:
        notice = bubble(t("Thank you, this question has already been answered."))
        return Step(session, notices=(notice,))
    found, answer = answerable
    effect = AnswerFollowUp(found.id, answer.key)
    if answer.then is Then.EMERGENCY:
        why = "alerted" if answer.alert is not None else ""  # staff are told: she is told so
        return Step(to_emergency(goto(session, "menu"), why), effects=(effect,))
    if answer.then is Then.MORE:
        return Step(goto(session, "followup_more"), effects=(effect,))
    after = goto(session, "followup_done", kind=found.kind, answer=answer.key)
    return Step(after, effects=(effect,))


def view_done(session: Session, ctx: Context) -> Screen:
    """Thanks her for an answer."""
    kind = kind_of(session.param("kind"))
    answer = kind.answer(session.param("answer")) if kind is not None else None
    rows: list[tuple[Button, ...]] = []
    if answer is not None and answer.offers_requests:
        rows.append((Button(t("📋 My requests"), "mine"),))
    rows.append((menu_button(),))
    reply = answer.reply if answer is not None and answer.reply is not None else THANKS
    return Screen("followup_done", (bubble(reply),), tuple(rows))


def on_button_done(session: Session, action: str, ctx: Context) -> Step:
    """Opens her requests or the menu."""
    if action == "mine":
        return Step(goto(session, "my_referrals"))
    return Step(common_action(session, action) or session)


def view_more(session: Session, ctx: Context) -> Screen:
    """After her rating, asks whether she needs anything else."""
    return Screen(
        "followup_more",
        (bubble(t("Thank you for your answer. Do you need anything else?")),),
        (
            (Button(t("Yes, show me the services"), "menu"),),
            (Button(t("No, thank you"), "no"),),
        ),
    )


def on_button_more(session: Session, action: str, ctx: Context) -> Step:
    """Opens the menu, or says goodbye."""
    if action == "no":
        return Step(goto(session, "followup_done", answer="ok"))
    return Step(common_action(session, action) or session)


# ----------------------------------------------------------------------------- her choice

STATE_WORDS: dict[str, Text] = {
    "on": t("Check-ins are on."),
    "paused": t("Check-ins are paused."),
    "off": t("Check-ins are off."),
}
REMINDERS_OFFER = t(
    "May I send a short message later, for example to ask if a caseworker contacted you? "
    "Your screen shows only a neutral line. Never at night; stop any time."
)
#: The words the check-in consent stands for: its version is derived from them.
FOLLOWUP_CONSENT_TEXTS = (REMINDERS_OFFER,)


def followup_consent_version() -> str:
    """The version of the check-in consent text, as stored with each consent."""
    return consents.version(consents.FOLLOWUPS, FOLLOWUP_CONSENT_TEXTS)


def set_reminders(session: Session, state: str, ctx: Context) -> Step:
    """Pauses, resumes, stops or turns on her check-in messages, then shows the setting."""
    version = followup_consent_version() if state == "on" and ctx.reminders == "off" else ""
    notices = {
        "paused": t("Check-ins are paused. Nothing will come until you resume them."),
        "off": t("Check-ins are stopped. You will not get any more."),
        "on": t("Check-ins are on."),
    }
    return Step(
        goto(session, "privacy_followups"),
        notices=(bubble(notices[state]),),
        effects=(SetReminders(state, version),),
    )


def view_reminders(session: Session, ctx: Context) -> Screen:
    """Her follow-up setting, with one tap to change it."""
    state = ctx.reminders
    rows: list[tuple[Button, ...]] = []
    if state == "on":
        rows.append((Button(t("⏸ Pause"), "pause"), Button(t("✋ Stop"), "stop")))
        parts: tuple[Part, ...] = (STATE_WORDS[state],)
    elif state == "paused":
        rows.append((Button(t("▶️ Resume"), "resume"), Button(t("✋ Stop"), "stop")))
        parts = (STATE_WORDS[state],)
    else:
        rows.append((Button(t("🔔 Turn them on"), "turn_on"),))
        parts = (STATE_WORDS["off"], REMINDERS_OFFER)
    rows.append((Button(t("‹ Privacy"), "privacy"), menu_button()))
    return Screen("privacy_followups", (bubble(*parts),), tuple(rows))


def on_button_reminders(session: Session, action: str, ctx: Context) -> Step:
    """Changes the setting, or goes back."""
    states = {"pause": "paused", "resume": "on", "stop": "off", "turn_on": "on"}
    if action in states:
        return set_reminders(session, states[action], ctx)
    if action == "privacy":
        return Step(goto(session, "privacy"))
    return Step(common_action(session, action) or session)


def is_stop(text: str) -> bool:
    """Tells whether typed text asks to stop the check-in messages ("berhenti")."""
    words = "".join(c if c.isalpha() else " " for c in text.lower()).split()
    return len(words) <= 2 and bool(words) and words[0] in STOP_WORDS


DONE = Node(view_done, on_button_done)
MORE = Node(view_more, on_button_more)
REMINDERS = Node(view_reminders, on_button_reminders)
