"""The flow engine: one pure step from (session, input) to (session, effects)."""

from __future__ import annotations

from dataclasses import replace

from flows import followups
from flows.core import sealed
from flows.core.after import context_after as context_after  # re-exported: tests and hosts use it
from flows.core.effects import AnswerButton, AnswerFollowUp, EditScreen, Effect, Outcome, SendScreen
from flows.core.node import EMERGENCY, QUICK_EXIT, Context, Step, goto, to_emergency
from flows.core.states import COMMANDS, INTENTS, node_of
from flows.core.texts import not_understood
from flows.core.types import (
    Bubble,
    ButtonIn,
    CommandIn,
    ContactIn,
    Input,
    LocationIn,
    MediaIn,
    Plain,
    Screen,
    Session,
    TextIn,
    bubble,
    t,
)
from flows.steps import (
    howto,
    intake,
    privacy,
    region,
    relay,
)
from flows.steps.caution import caution_line, danger_offer, sos_row, too_long, with_sos
from flows.steps.keywords import Danger, Intent, danger_in, howto_topic, route

MAX_TEXT_LENGTH = 500
#: What she writes to her caseworker is relayed whole up to Telegram's own limit.
MAX_RELAY_LENGTH = 4096
GAP = Plain("")  # a blank line between a notice and the screen it opens

CANCEL_WORDS = frozenset({"batal", "cancel", "batalkan"})
CANCEL_PHRASES = frozenset({"gak jadi", "ga jadi", "nggak jadi", "enggak jadi", "tidak jadi"})
# States where typed text is her own words for someone else: never re-routed by keywords (only
# strong danger words open the emergency screen; to her caseworker they are relayed and 🆘 offered).
OWN_WORDS_STATES = frozenset({"intake_phone", "intake_nickname", "relay_compose"})
NEEDS_REGION = frozenset({"training", "health", "facilities", "going_home"})


def current_screen(session: Session, ctx: Context) -> Screen:
    """Builds the screen the session is on (sensitive screens carry the quick exit).

    Every screen with buttons carries 🆘, so the urgent call-back is three taps from anywhere.
    """
    return privacy.with_quick_exit(session, sos_row(node_of(session).view(session, ctx)))


def parse_button(data: str) -> tuple[int, str] | None:
    """Splits callback data into its screen number and action; None if malformed."""
    seq, sep, action = data.partition(":")
    if not sep or not seq.isdigit() or not action:
        return None
    return int(seq), action


def button_data(seq: int, action: str) -> str:
    """Builds the callback data of a button on screen number seq."""
    return f"{seq}:{action}"


def _show(
    before: Session,
    step: Step,
    ctx: Context,
    *,
    edit: bool,
    brief: bool = False,
    sos: bool = False,
) -> Outcome:
    """Moves to the step's session and shows its screen (brief: only the part with buttons).

    With ``sos`` the screen carries the 🆘 button even if it has none of its own.
    """
    session = step.session
    if session.state == "menu" and session.draft:
        session = replace(session, draft=())
    session = replace(session, seq=session.seq + 1)
    screen = current_screen(session, context_after(ctx, step.effects))
    if sos:
        screen = with_sos(screen)
    if brief and screen.contact_button is None and len(screen.bubbles) > 1:
        screen = replace(screen, bubbles=screen.bubbles[-1:])
    screen = privacy.remind_on_leaving(before, session, screen)
    notices = step.notices
    leaving_phone = before.state == "intake_phone" and session.state != "intake_phone"
    if leaving_phone:
        notices = notices or (bubble(t("All right.")),)
        screen = replace(screen, remove_contact_button=True)
    keys = screen.contact_button is not None or screen.remove_contact_button
    if notices and edit and not keys:  # the pressed message becomes the notice and the screen
        screen = replace(screen, bubbles=lead(notices, screen.bubbles))
    elif notices:
        screen = replace(screen, bubbles=notices + screen.bubbles)
    effects: list[Effect] = list(step.effects)
    if edit and screen.contact_button is None and not screen.remove_contact_button:
        effects += [AnswerButton(step.toast), EditScreen(screen, session.seq)]
    else:
        if edit:
            effects.append(AnswerButton(step.toast))
        effects.append(SendScreen(screen, session.seq))
    return Outcome(session, tuple(effects))


def lead(notices: tuple[Bubble, ...], bubbles: tuple[Bubble, ...]) -> tuple[Bubble, ...]:
    """Notices before a screen: the last one opens the screen's first message (one fewer)."""
    if not notices or not bubbles:
        return notices + bubbles
    *earlier, last = notices
    first, *rest = bubbles
    return (*earlier, Bubble((*last.parts, GAP, *first.parts)), *rest)


def _again(session: Session, notice: Bubble, ctx: Context, *, sos: bool = False) -> Outcome:
    """Answers with a notice and brings back the buttons of the screen she is on."""
    return _show(session, Step(session, notices=(notice,)), ctx, edit=False, brief=True, sos=sos)


def _on_button(session: Session, data: str, ctx: Context) -> Outcome:
    opened = sealed.on_button(session, data, ctx)
    if opened is not None:
        return opened
    followup_step = followups.on_button(session, data, ctx)
    if followup_step is not None:
        answered = any(isinstance(e, AnswerFollowUp) for e in followup_step.effects)
        return _show(session, followup_step, ctx, edit=answered)
    thread_step = relay.on_thread_button(session, data, ctx)
    if thread_step is not None:
        return _show(session, thread_step, ctx, edit=False)
    parsed = parse_button(data)
    if parsed is not None and parsed[1] == QUICK_EXIT:
        # Shown as if nothing came before: the neutral message is the only one left.
        step = privacy.wiped(session)
        return _show(step.session, step, ctx, edit=True)
    if parsed is not None and parsed[1] == EMERGENCY:  # 🆘 works from any message, however old
        return _show(session, Step(to_emergency(session)), ctx, edit=True)
    valid = (
        parsed is not None
        and parsed[0] == session.seq
        and parsed[1] in current_screen(session, ctx).actions()
    )
    if not valid or parsed is None:
        stale = t("This menu is no longer current. Here is the current one.")
        outcome = _show(session, Step(session), ctx, edit=False, brief=True)
        return replace(outcome, effects=(AnswerButton(stale), *outcome.effects))
    step = node_of(session).on_button(session, parsed[1], ctx)
    return _show(session, step, ctx, edit=True)


def is_cancel(text: str) -> bool:
    """Tells whether typed text asks to cancel ("batal", "Batal aja.", "gak jadi")."""
    words = "".join(c if c.isalpha() else " " for c in text.lower()).split()
    return bool(words) and (words[0] in CANCEL_WORDS or " ".join(words[:2]) in CANCEL_PHRASES)


def _cancel(session: Session, ctx: Context) -> Outcome:
    if session.draft or session.state.startswith("intake_"):
        return _show(session, intake.cancelled(session), ctx, edit=False)
    notice = bubble(
        t(
            "Nothing is in progress to cancel. To cancel a request you already sent, open "
            "📋 My requests."
        )
    )
    return _again(session, notice, ctx)


def _go(
    session: Session, state: str, params: dict[str, str], ctx: Context, *, caution: bool = False
) -> Outcome:
    if state == "emergency":
        return _show(session, Step(to_emergency(session)), ctx, edit=False)
    notices: tuple[Bubble, ...] = (caution_line(),) if caution else ()
    if state in NEEDS_REGION and not session.region_code:
        notices += (bubble(t("First, please tell me where you are now.")),)
        step = Step(goto(session, "region_province"), notices=notices)
        return _show(session, step, ctx, edit=False, sos=caution)
    step = Step(goto(session, state, **params), notices=notices)
    return _show(session, step, ctx, edit=False, sos=caution)


def _on_command(session: Session, command: CommandIn, ctx: Context) -> Outcome:
    name = command.name.lower()
    if name in CANCEL_WORDS:
        return _cancel(session, ctx)
    if name in followups.STOP_WORDS:
        return _show(session, followups.set_reminders(session, "off", ctx), ctx, edit=False)
    target = COMMANDS.get(name)
    if target is None:
        notice = bubble(t("I don't know that command. Here is where you were."))
        return _again(session, notice, ctx)
    return _go(session, target, {}, ctx)


def _relay(session: Session, text: str, danger: Danger, ctx: Context) -> Outcome:
    """Passes her words on whole (up to Telegram's limit), offering 🆘 if they speak of danger."""
    if len(text) > MAX_RELAY_LENGTH:
        return _again(session, too_long(), ctx, sos=True)
    step = relay.on_text_compose(session, text, ctx)
    if danger in (Danger.STRONG, Danger.SUICIDE):
        step = replace(step, notices=(*step.notices, danger_offer()))
        return _show(session, step, ctx, edit=False, sos=True)
    return _show(session, step, ctx, edit=False)


def _on_text(session: Session, text: str, ctx: Context) -> Outcome:
    words = text.strip()
    danger = danger_in(words)  # the whole text, whatever its length
    if session.state == "relay_compose":
        return _relay(session, text, danger, ctx)
    if danger in (Danger.STRONG, Danger.SUICIDE):
        why = "suicide" if danger is Danger.SUICIDE else "danger"
        return _show(session, Step(to_emergency(session, why)), ctx, edit=False)
    if len(text) > MAX_TEXT_LENGTH:
        return _again(session, too_long(), ctx, sos=True)
    if is_cancel(words):
        return _cancel(session, ctx)
    own_words = session.state in OWN_WORDS_STATES
    intent = None if own_words else route(words)
    if intent is Intent.EMERGENCY:  # weak words and nothing else asked
        return _show(session, Step(to_emergency(session, "weak")), ctx, edit=False)
    if not own_words and followups.is_stop(words):
        return _show(session, followups.set_reminders(session, "off", ctx), ctx, edit=False)
    handler = node_of(session).on_text
    caution = danger is Danger.WEAK and not own_words
    if handler is not None:
        step = handler(session, words, ctx)
        if caution:
            step = replace(step, notices=(*step.notices, caution_line()))
        stayed = step.session.state == session.state and step.session.params == session.params
        return _show(session, step, ctx, edit=False, brief=stayed, sos=caution)
    topic = howto_topic(words)
    if topic is not None and intent in (None, Intent.MENU):  # no other service named
        step = howto.from_entry(session, topic, ctx) or howto.nearest(session, topic)
        if caution:
            step = replace(step, notices=(caution_line(), *step.notices))
        stayed = step.session.state == session.state and step.session.params == session.params
        return _show(session, step, ctx, edit=False, brief=stayed, sos=caution)
    if intent is None:
        return _again(session, bubble(not_understood()), ctx)
    state, params = INTENTS[intent]
    return _go(session, state, params, ctx, caution=caution)


def _on_contact(session: Session, contact: ContactIn, ctx: Context) -> Outcome:
    if session.state == "intake_phone":
        if contact.own:
            return _show(session, intake.accept_phone(session, contact.phone), ctx, edit=False)
        notice = bubble(
            t('Please send your own number with the "📱 Send my number" button, or type it.')
        )
        return _again(session, notice, ctx)
    notice = bubble(t("There is no need to send a phone number here. I have not kept it."))
    return _again(session, notice, ctx)


def _on_location(session: Session, location: LocationIn, ctx: Context) -> Outcome:
    """A location suggests where she is now, except in a request, a message or choosing home."""
    choosing_home = session.state.startswith("region_") and region.purpose(session) == "home"
    if session.state.startswith("intake_") or session.state in OWN_WORDS_STATES or choosing_home:
        return _again(session, _media_notice("location"), ctx)
    step = region.suggest_near(session, location.latitude, location.longitude, ctx)
    return _show(session, step, ctx, edit=False)


def _media_notice(kind: str) -> Bubble:
    if kind == "edited":
        return bubble(t("I can't read edited messages. Please send a new message instead."))
    return bubble(
        t(
            "I can only read text and buttons. Photos, voice notes and files are not needed "
            "here, and I have not kept them."
        )
    )


def _consistent(session: Session) -> Session:
    """A session in the middle of a request that has no request draft goes to the menu."""
    if session.state.startswith("intake_") and not session.answer("service"):
        return goto(session, "menu")
    return session


#: Set by the host on a sent request until its confirmation reached her (see bot/core/turn.py).
UNDELIVERED = "undelivered"


def _confirm_again(session: Session, ctx: Context) -> Outcome:
    """Shows the confirmation of her request again: the last one may never have reached her."""
    params = tuple((k, v) for k, v in session.params if k != UNDELIVERED)
    notice = bubble(t("Your request was sent. Here is its confirmation:"))
    return _show(session, Step(replace(session, params=params), notices=(notice,)), ctx, edit=False)


def handle(session: Session, inp: Input, ctx: Context) -> Outcome:
    """Handles one input: returns the next session and the effects to carry out."""
    session = _consistent(session)
    if session.state == "referral_done" and session.param(UNDELIVERED):
        return _confirm_again(session, ctx)
    if session.seq == 0 and not isinstance(inp, CommandIn):
        return _show(session, Step(goto(session, "welcome")), ctx, edit=False)
    match inp:
        case ButtonIn(data=data):
            return _on_button(session, data, ctx)
        case CommandIn():
            return _on_command(session, inp, ctx)
        case TextIn(text=text):
            return _on_text(session, text, ctx)
        case ContactIn():
            return _on_contact(session, inp, ctx)
        case LocationIn():
            return _on_location(session, inp, ctx)
        case MediaIn(kind=kind):
            return _again(session, _media_notice(kind), ctx)
    return Outcome(session)
