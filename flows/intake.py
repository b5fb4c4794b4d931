"""The consented referral: consent, age, how to be contacted, a summary, then a reference code.

Answers live in the session's draft until she sends the request; cancelling or leaving for the
menu drops them. The next question is always the first one not yet answered, so changing an
answer from the summary is: forget it, and ask again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from lokal import parse_phone

from flows.followups import FOLLOWUP_CONSENT_VERSION, REMINDERS_OFFER
from flows.handling import handled_by, handler_for
from flows.node import (
    Context,
    Node,
    Step,
    emergency_button,
    goto,
    menu_button,
    quick_exit_button,
    wipe_reminder,
    with_answers,
)
from flows.services import service_title
from flows.timing import add_office_days
from flows.types import (
    Bubble,
    Button,
    CreateReferral,
    Moment,
    Part,
    Plain,
    Screen,
    Session,
    SetReminders,
    Text,
    bubble,
    t,
)

#: Bump when any consent text below changes; stored with every consent.
CONSENT_VERSION = "referral-consent-2026-11-v1"
CANCEL = "cancel"
NICKNAME_MAX = 40
CONTACT_DAYS = 2
CONTACT_HOUR = 16
ORIGIN_KEYS = ("key", "need", "kind")


def begin(session: Session, ctx: Context, *, service: str, item: str, **answers: str) -> Step:
    """Starts a referral from an information screen (nothing is kept until she sends it)."""
    if handler_for(session.region_code, service, ctx) is None:
        return Step(
            session,
            notices=(
                bubble(
                    t(
                        "Sorry, Kak, Jembatan cannot send requests to an office in your region "
                        "yet. The emergency numbers always work."
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
    if "adult" not in answers:
        return goto(session, "intake_age")
    if "consent_at" not in answers:
        return goto(session, "intake_consent")
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


# ----------------------------------------------------------------------------- consent


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
                )
            ),
            bubble(
                t(
                    "What is sent: the service you chose, your region, how and when you can be "
                    "contacted, a nickname if you give one, your phone number only if you choose "
                    "a phone call, whether others use this phone, and how urgent it is."
                )
            ),
            bubble(
                t(
                    "How long it is kept: until {days} days after your request is finished, "
                    "then it is erased. Nothing is passed to the police or Satpol PP.",
                    days=ctx.retention_days,
                )
            ),
            bubble(
                t(
                    "Your rights: you can cancel the request at any time in 📋 My requests, and "
                    "you can ask to see, correct or delete your data or withdraw this consent "
                    "by writing /privasi. Do you agree?"
                )
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


# ----------------------------------------------------------------------------- age


def view_age(session: Session, ctx: Context) -> Screen:
    """Asks whether she is an adult."""
    return Screen(
        "intake_age",
        (bubble(t("Are you 18 years old or older?")),),
        (
            (Button(t("Yes, 18 or older"), "adult"), Button(t("No, under 18"), "minor")),
            _cancel_row(),
        ),
    )


def on_button_age(session: Session, action: str, ctx: Context) -> Step:
    """Continues the adult intake, or leads an under-18 to child protection."""
    if action == "minor":
        return Step(replace(goto(session, "child_protection"), draft=()))
    return _answer(session, action, ctx, {"adult": {"adult": "yes"}})


def view_child_protection(session: Session, ctx: Context) -> Screen:
    """Points an under-18 to child protection (SAPA 129) instead of the adult intake."""
    sapa = next((h for h in ctx.catalog.hotlines if h.key == "sapa129"), None)
    lines: list[Part] = [
        t(
            "For anyone under 18, help comes from child protection services. They are free "
            "and confidential, and they can also speak with your family for you."
        )
    ]
    if sapa is not None:
        lines.append(t("☎ {name}: {phone}", name=sapa.name, phone=Plain(sapa.phone)))
        if sapa.whatsapp:
            lines.append(t("WhatsApp: {number}", number=Plain(sapa.whatsapp)))
    return Screen(
        "child_protection",
        (bubble(t("Thank you for telling me, Kak.")), Bubble(tuple(lines))),
        ((emergency_button(), menu_button()),),
    )


def on_button_child_protection(session: Session, action: str, ctx: Context) -> Step:
    """Leaves for the emergency numbers or the menu."""
    return Step(goto(session, "emergency" if action == "sos" else "menu"))


# ----------------------------------------------------------------------------- contact


CONTACT_CHOICES: dict[str, dict[str, str]] = {
    "chat_any": {"contact": "chat", "window": "any"},
    "chat_time": {"contact": "chat"},
    "phone": {"contact": "phone"},
    "visit": {"contact": "visit"},
}


def view_contact(session: Session, ctx: Context) -> Screen:
    """Asks how a caseworker may contact her; this chat is the default and safest."""
    return Screen(
        "intake_contact",
        (bubble(t("How should the caseworker contact you?")),),
        (
            (Button(t("💬 In this chat, any time 08.00–20.00 (safest)"), "chat_any"),),
            (Button(t("💬 In this chat, at a time I choose"), "chat_time"),),
            (Button(t("📞 By phone"), "phone"),),
            (Button(t("🚶 No need, I will come myself"), "visit"),),
            _cancel_row(),
        ),
    )


def on_button_contact(session: Session, action: str, ctx: Context) -> Step:
    """Stores how she wants to be contacted."""
    return _answer(session, action, ctx, CONTACT_CHOICES)


WINDOWS: dict[str, Text] = {
    "morning": t("🌅 Morning 08.00–12.00"),
    "midday": t("☀️ Midday 12.00–16.00"),
    "evening": t("🌇 Afternoon 16.00–20.00"),
    "any": t("Any time 08.00–20.00"),
}


def view_window(session: Session, ctx: Context) -> Screen:
    """Asks when it is safe to contact her (in her own time zone)."""
    rows = tuple((Button(label, key),) for key, label in WINDOWS.items())
    return Screen(
        "intake_window",
        (bubble(t("When is it safe to contact you? Times are in your local time.")),),
        (*rows, _cancel_row()),
    )


def on_button_window(session: Session, action: str, ctx: Context) -> Step:
    """Stores her safe time window."""
    return _answer(session, action, ctx, {key: {"window": key} for key in WINDOWS})


# ----------------------------------------------------------------------------- phone


def view_phone(session: Session, ctx: Context) -> Screen:
    """Asks for her phone number: typed, or shared with Telegram's button."""
    return Screen(
        "intake_phone",
        (
            bubble(
                t(
                    "Please type your phone number, for example 0812-3456-7890, or press "
                    '"📱 Send my number" below.'
                )
            ),
            bubble(t("Or choose another way:")),
        ),
        ((Button(t("💬 Use this chat instead"), "chat_any"),), _cancel_row()),
        contact_button=t("📱 Send my number"),
    )


def _leave_phone(step: Step, notice: Bubble) -> Step:
    return Step(step.session, notices=(notice, *step.notices))


def on_button_phone(session: Session, action: str, ctx: Context) -> Step:
    """Switches to contact in this chat, or cancels."""
    if action == CANCEL:
        return cancelled(session)
    if action == "chat_any":
        chosen = with_answers(session, contact="chat", window="any")
        return _leave_phone(Step(next_step(chosen)), bubble(t("All right, in this chat then.")))
    return Step(session)


def accept_phone(session: Session, raw: str) -> Step:
    """Validates an Indonesian phone number and stores it, or explains what is wrong."""
    parsed = parse_phone(raw)
    if not parsed.valid or parsed.e164 is None:
        return Step(
            session,
            notices=(
                bubble(
                    t(
                        "That does not look like an Indonesian phone number. Please type it "
                        "like this: 0812-3456-7890."
                    )
                ),
            ),
        )
    stored = with_answers(session, phone=parsed.e164)
    notice = bubble(t("Thank you. The number will be sent only with this request."))
    return _leave_phone(Step(next_step(stored)), notice)


def on_text_phone(session: Session, text: str, ctx: Context) -> Step:
    """Takes a typed phone number."""
    return accept_phone(session, text)


# ----------------------------------------------------------------------------- nickname


def view_nickname(session: Session, ctx: Context) -> Screen:
    """Offers an optional nickname."""
    return Screen(
        "intake_nickname",
        (
            bubble(
                t(
                    "What may the caseworker call you? Type a nickname; a made-up name is fine. "
                    "Or skip this."
                )
            ),
        ),
        ((Button(t("Skip"), "skip"),), _cancel_row()),
    )


def on_button_nickname(session: Session, action: str, ctx: Context) -> Step:
    """Skips the nickname."""
    return _answer(session, action, ctx, {"skip": {"nickname_asked": "1", "nickname": ""}})


def on_text_nickname(session: Session, text: str, ctx: Context) -> Step:
    """Stores a typed nickname (short, single line)."""
    name = " ".join(text.split())
    if not name or len(name) > NICKNAME_MAX:
        notice = bubble(t("Please keep it short: at most {limit} letters.", limit=NICKNAME_MAX))
        return Step(session, notices=(notice,))
    return Step(next_step(with_answers(session, nickname=name, nickname_asked="1")))


# ----------------------------------------------------------------------------- shared phone


def view_shared(session: Session, ctx: Context) -> Screen:
    """Asks whether others use this phone."""
    return Screen(
        "intake_shared",
        (bubble(t("Is this phone used only by you?")),),
        (
            (Button(t("Yes, only me"), "alone"), Button(t("No, others use it too"), "shared")),
            _cancel_row(),
        ),
    )


def on_button_shared(session: Session, action: str, ctx: Context) -> Step:
    """Stores whether the phone is hers alone; a shared phone gets a safety tip."""
    step = _answer(
        session, action, ctx, {"alone": {"phone_alone": "yes"}, "shared": {"phone_alone": "no"}}
    )
    if action == "shared":
        tip = bubble(
            t(
                "Thank you. Our messages will stay neutral. Remember to clear this chat when "
                "you are done."
            )
        )
        return Step(replace(step.session, shared_phone=True), notices=(tip,))
    return step


# ----------------------------------------------------------------------------- summary


CONTACT_WORDS: dict[str, Text] = {
    "chat": t("in this chat"),
    "phone": t("by phone"),
    "visit": t("no contact, I will come myself"),
}


def summary_lines(session: Session, ctx: Context) -> tuple[Part, ...]:
    """The answers she is about to send, in plain words."""
    title = service_title(
        session.answer("service"), session.answer("item"), session.answer("home_region"), ctx
    )
    window = WINDOWS.get(session.answer("window"))
    lines: list[Part] = [
        t("Please check, Kak:"),
        t("• Help with: {title}", title=title),
        t("• Sent to: {office}", office=_office_name(session, ctx)),
        t("• Contact: {how}", how=CONTACT_WORDS[session.answer("contact", "chat")]),
    ]
    if window is not None:
        lines.append(t("• Safe time: {window}", window=window))
    if session.answer("phone"):
        lines.append(t("• Phone: {phone}", phone=Plain(session.answer("phone"))))
    nickname = session.answer("nickname")
    lines.append(
        t("• Nickname: {name}", name=Plain(nickname)) if nickname else t("• Nickname: (none)")
    )
    alone = session.answer("phone_alone") == "yes"
    lines.append(t("• This phone: only you") if alone else t("• This phone: shared"))
    if session.answer("urgency") == "urgent":
        lines.append(t("• Urgent: yes"))
    return tuple(lines)


def view_summary(session: Session, ctx: Context) -> Screen:
    """Shows everything that will be sent, with send, change and cancel."""
    send_rows: tuple[tuple[Button, ...], ...] = ((Button(t("✅ Send"), "send"),),)
    if session.answer("urgency") != "urgent":
        send_rows += ((Button(t("⚡ Send, it is urgent"), "send_urgent"),),)
    return Screen(
        "intake_summary",
        (Bubble(summary_lines(session, ctx)),),
        (
            *send_rows,
            (Button(t("✏️ Change something"), "change"), _cancel_button()),
            (emergency_button(),),
        ),
    )


WINDOW_ENDS = {"morning": 12, "midday": 16, "evening": 20, "any": 20}


def _due(session: Session, ctx: Context) -> datetime:
    """The latest time she will be contacted: two working days on, at the end of her window."""
    region = ctx.regions.region(session.region_code) if session.region_code else None
    zone = ZoneInfo(region.timezone if region else "Asia/Jakarta")
    local_today = ctx.now.astimezone(zone).date()
    day = add_office_days(local_today, CONTACT_DAYS)
    hour = WINDOW_ENDS.get(session.answer("window"), CONTACT_HOUR)
    return datetime.combine(day, time(hour), zone).astimezone(UTC)


def submit(session: Session, ctx: Context, *, urgent: bool) -> Step:
    """Creates the referral (stored before the confirmation is shown) and shows its code."""
    answers = dict(session.draft)
    if urgent:
        answers["urgency"] = "urgent"
    answers.setdefault("urgency", "normal")
    office = handler_for(session.region_code, answers["service"], ctx)
    if office is None or session.region_code is None:
        return cancelled(session)
    kept = (
        "contact",
        "window",
        "phone",
        "nickname",
        "phone_alone",
        "urgency",
        "home_region",
    )
    create = CreateReferral(
        code=ctx.new_code,
        service=answers["service"],
        item=answers.get("item", ""),
        region_code=session.region_code,
        office_key=office.key,
        answers=tuple(sorted((k, answers[k]) for k in kept if answers.get(k))),
        consent_version=CONSENT_VERSION,
        consent_locale=answers.get("consent_locale", session.locale),
        consent_given_at=datetime.fromisoformat(answers["consent_at"]),
    )
    done = goto(
        session,
        "referral_done",
        code=ctx.new_code,
        contact=answers.get("contact", "chat"),
        due=_due(session, ctx).isoformat(),
        service=answers["service"],
    )
    return Step(replace(done, draft=()), effects=(create,))


def on_button_summary(session: Session, action: str, ctx: Context) -> Step:
    """Sends the request, opens the change menu, or cancels."""
    if next_step(session).state != "intake_summary":
        return Step(next_step(session))
    if action in {"send", "send_urgent"}:
        return submit(session, ctx, urgent=action == "send_urgent")
    if action == "change":
        return Step(goto(session, "intake_change"))
    if action == CANCEL:
        return cancelled(session)
    return Step(session)


CHANGES: dict[str, tuple[Text, tuple[str, ...]]] = {
    "contact": (t("How to contact me"), ("contact", "window", "phone")),
    "window": (t("Safe time"), ("window",)),
    "nickname": (t("Nickname"), ("nickname", "nickname_asked")),
    "shared": (t("Who uses this phone"), ("phone_alone",)),
}


def view_change(session: Session, ctx: Context) -> Screen:
    """Lets her pick the answer to change."""
    rows = [
        (Button(label, key),)
        for key, (label, _) in CHANGES.items()
        if key != "window" or session.answer("contact") in {"chat", "phone"}
    ]
    rows.append((Button(t("‹ Back to the summary"), "summary"),))
    return Screen("intake_change", (bubble(t("What would you like to change?")),), tuple(rows))


def on_button_change(session: Session, action: str, ctx: Context) -> Step:
    """Forgets the chosen answer and asks for it again."""
    if action == "summary":
        return Step(goto(session, "intake_summary"))
    change = CHANGES.get(action)
    if change is None:
        return Step(session)
    kept = tuple((k, v) for k, v in session.draft if k not in change[1])
    return Step(next_step(replace(session, draft=kept)))


# ----------------------------------------------------------------------------- done


def view_done(session: Session, ctx: Context) -> Screen:
    """Confirms the request with its code and says what happens next, in her time zone."""
    code = Plain(session.param("code"))
    office = _office_name(session, ctx)
    due = session.param("due")
    when = Moment(datetime.fromisoformat(due)) if due else Moment(ctx.now)
    contact = session.param("contact")
    if contact == "visit":
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
        bubble(t("✅ Your request has been sent. Your reference code is {code}.", code=code)),
        bubble(nxt, *handled_by(session.region_code, session.param("service"), ctx)),
        bubble(t("You can follow it in 📋 My requests.")),
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
        version = FOLLOWUP_CONSENT_VERSION if state == "on" else ""
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


CONSENT = Node(view_consent, on_button_consent)
AGE = Node(view_age, on_button_age)
CHILD = Node(view_child_protection, on_button_child_protection)
CONTACT = Node(view_contact, on_button_contact)
WINDOW = Node(view_window, on_button_window)
PHONE = Node(view_phone, on_button_phone, on_text_phone)
NICKNAME = Node(view_nickname, on_button_nickname, on_text_nickname)
SHARED = Node(view_shared, on_button_shared)
SUMMARY = Node(view_summary, on_button_summary)
CHANGE = Node(view_change, on_button_change)
DONE = Node(view_done, on_button_done)
