"""Follow-ups on her side: the messages she receives, her answers, pause, resume and stop.

Follow-up messages arrive outside the conversation, so their buttons carry "f:<id>:<answer>"
(or "f:pause" / "f:stop") and work whatever screen she is on. The first line of every message
the bot sends on its own is a neutral greeting, so a lock-screen preview reveals nothing.
"""

from __future__ import annotations

from datetime import date

from flows.node import Context, Node, Step, common_action, goto, menu_button, to_emergency
from flows.types import (
    AnswerFollowUp,
    Button,
    FollowUpView,
    Part,
    Plain,
    Screen,
    Session,
    SetReminders,
    Text,
    bubble,
    t,
)

PREFIX = "f"
#: Bump when the text of the follow-up consent (REMINDERS_OFFER) changes.
FOLLOWUP_CONSENT_VERSION = "followup-consent-2026-11-v1"
STOP_WORDS = frozenset({"berhenti", "stop"})
NEUTRAL_FIRST_LINE = t("Hello, Kak 👋")

ANSWERS: dict[str, tuple[tuple[str, Text], ...]] = {
    "contact_check": (("yes", t("✅ Yes")), ("not_yet", t("⏳ Not yet"))),
    "closure_checkin": (("good", t("😊 Good")), ("ok", t("😐 So-so")), ("bad", t("☹️ Not good"))),
    "training_reminder": (("ok", t("👍 OK")),),
    "arrival_check": (("arrived", t("✅ I arrived safely")), ("help", t("🆘 I need help"))),
}


def button(followup_id: int, answer: str) -> str:
    """Callback data of an answer button under a follow-up message."""
    return f"{PREFIX}:{followup_id}:{answer}"


def control_row() -> tuple[Button, ...]:
    """Pause and stop, under every follow-up message."""
    return (
        Button(t("⏸ Pause reminders"), f"{PREFIX}:pause"),
        Button(t("✋ Stop reminders"), f"{PREFIX}:stop"),
    )


def question(
    kind: str, code: str, programme: Part | None = None, starts: date | None = None
) -> Text:
    """What a follow-up asks or says, without the greeting."""
    ref = Plain(code)
    if kind == "contact_check":
        return t("About your request {code}: has someone from the office contacted you?", code=ref)
    if kind == "closure_checkin":
        return t("About your request {code}: how was the help you received?", code=ref)
    if kind == "training_reminder" and programme is not None and starts is not None:
        return t(
            "A reminder: {programme} starts tomorrow, {day}. Mention your code {code} there.",
            programme=programme,
            day=starts,
            code=ref,
        )
    if kind == "arrival_check":
        return t("About your request {code}: did you arrive home safely?", code=ref)
    return t("About your request {code}: how are you doing?", code=ref)


def message(
    followup_id: int,
    kind: str,
    code: str,
    programme: Part | None = None,
    starts: date | None = None,
) -> Screen:
    """The follow-up message: neutral greeting, one question, answer buttons, pause and stop."""
    answers = tuple(Button(label, button(followup_id, key)) for key, label in ANSWERS[kind])
    return Screen(
        f"followup_{kind}",
        (bubble(NEUTRAL_FIRST_LINE, question(kind, code, programme, starts)),),
        (answers, control_row()),
    )


def neutral(*parts: Part) -> Screen:
    """Any other message the bot sends her on its own: the greeting first, then the news."""
    return Screen("to_her", (bubble(NEUTRAL_FIRST_LINE, *parts),))


def _answerable(ctx: Context, followup_id: str, answer: str) -> FollowUpView | None:
    found = next((f for f in ctx.followups if str(f.id) == followup_id), None)
    if found is None or found.state != "sent":
        return None
    if answer not in {key for key, _ in ANSWERS.get(found.kind, ())}:
        return None
    return found


REPLIES: dict[str, Text] = {
    "yes": t("Thank you, Kak. Good to hear."),
    "not_yet": t(
        "Thank you for telling us. We have reminded the office; they should contact you soon."
    ),
    "ok": t("Thank you, Kak. All the best!"),
    "arrived": t("We are glad you arrived safely. Take care, Kak."),
}


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
    found = _answerable(ctx, parts[1], parts[2])
    if found is None:
        notice = bubble(t("Thank you, this question has already been answered."))
        return Step(session, notices=(notice,))
    answer = parts[2]
    effect = AnswerFollowUp(found.id, answer)
    if answer == "help":
        return Step(to_emergency(goto(session, "menu")), effects=(effect,))
    if found.kind == "closure_checkin":
        return Step(goto(session, "followup_more"), effects=(effect,))
    return Step(goto(session, "followup_done", answer=answer), effects=(effect,))


def view_done(session: Session, ctx: Context) -> Screen:
    """Thanks her for an answer."""
    reply = REPLIES.get(session.param("answer"), REPLIES["ok"])
    rows: list[tuple[Button, ...]] = []
    if session.param("answer") == "not_yet":
        rows.append((Button(t("📋 My requests"), "mine"),))
    rows.append((menu_button(),))
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
    "on": t("Check-in messages are on."),
    "paused": t("Check-in messages are paused."),
    "off": t("Check-in messages are off."),
}
REMINDERS_OFFER = t(
    "Jembatan can send you a short check-in message after a request, for example to ask "
    "whether someone contacted you. Only at your safe time, never at night, and the first line "
    'is always a plain greeting. You can pause or stop them any time, or type "berhenti".'
)


def set_reminders(session: Session, state: str, ctx: Context) -> Step:
    """Pauses, resumes, stops or turns on her check-in messages, then shows the setting."""
    version = FOLLOWUP_CONSENT_VERSION if state == "on" and ctx.reminders == "off" else ""
    notices = {
        "paused": t("Check-in messages are paused. Nothing will come until you resume them."),
        "off": t("Check-in messages are stopped. You will not get any more."),
        "on": t("Check-in messages are on."),
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
