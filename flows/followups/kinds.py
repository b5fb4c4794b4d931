"""Every follow-up kind in one table: audience, when due, still relevant, message, answers.

Each kind declares who gets it, which event schedules it and when it falls due, whether it still
matters when it is sent, what it says and what each of her answers does. Adding a kind is one
entry in KINDS plus its texts in the catalogs. The core (bot/core/followups.py schedules and
sweeps, bot/core/reach.py records answers) and her flow (flows/followups) read this table; nothing
else names a kind. Delays come from FollowUpPolicy (configured in bot/core/config.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from flows import desk
from flows.core.node import Context
from flows.core.services import OPEN_STATUSES
from flows.core.status import ReferralStatus
from flows.core.types import Part, Plain, Screen, Text, t
from flows.followups.timing import FollowUpPolicy, add_office_minutes, local_morning


class Audience(StrEnum):
    """Who a follow-up is for."""

    HER = "her"  # needs her consent and her "on"; sent at her safe time, with a neutral greeting
    STAFF = "staff"  # sent in office hours on working days


class Event(StrEnum):
    """What schedules a follow-up."""

    CREATED = "created"  # she made a request
    ROUTED = "routed"  # a request reached a region's staff (on creation, or moved there)
    CLOSED = "closed"  # staff closed the request
    TRAVEL_DATE = "travel_date"  # she told us the day she travels home


class Recipients(StrEnum):
    """Which staff get a staff follow-up."""

    CASEWORKERS = "caseworkers"  # those of the referral's region and service, else supervisors
    SUPERVISORS = "supervisors"  # the region's supervisors


class Then(StrEnum):
    """Where her conversation goes after an answer."""

    THANKS = "thanks"  # a thank-you with the menu
    MORE = "more"  # "do you need anything else?"
    EMERGENCY = "emergency"  # the emergency screen


@dataclass(frozen=True, slots=True)
class Occasion:
    """What a schedule reads: the event's moment and the request as it was then."""

    at: datetime
    policy: FollowUpPolicy
    zone: str
    window: str | None
    service: str
    contact: str
    urgent: bool
    programme_starts: date | None = None  # the request's programme, if it names one
    travel_day: date | None = None


@dataclass(frozen=True, slots=True)
class Due:
    """When a follow-up falls due, and until when it may still go out."""

    at: datetime
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class Subject:
    """What a message to her is about: the request's code, and its programme if any."""

    code: str
    programme: Part | None = None
    starts: date | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer button of hers and what it does."""

    key: str
    label: Text
    then: Then = Then.THANKS
    reply: Text | None = None  # the thank-you (the default one when None)
    offers_requests: bool = False  # the thank-you offers "My requests"
    records: str | None = None  # the referral status this answer records...
    records_from: frozenset[str] = frozenset()  # ...when the referral is in one of these
    alert: Callable[[str], Text] | None = None  # what the supervisors and the claimer are told


@dataclass(frozen=True, slots=True)
class Kind:
    """One follow-up kind."""

    name: str
    audience: Audience
    event: Event
    due: Callable[[Occasion], Due | None]  # None: not for this request
    relevant: Callable[[str], bool]  # by the referral's status when it is sent
    question: Callable[[Subject], Text] | None = None  # hers: what it asks (after the greeting)
    answers: tuple[Answer, ...] = ()
    recipients: Recipients = Recipients.CASEWORKERS  # staff kinds
    notice: Callable[[desk.CaseCard, Context], Screen] | None = None  # staff kinds

    def answer(self, key: str) -> Answer | None:
        """One of her answers by key, or None."""
        return next((a for a in self.answers if a.key == key), None)


# ----------------------------------------------------------------------------- building blocks


def while_in(*statuses: str) -> Callable[[str], bool]:
    """Relevant while the referral is in one of these statuses."""
    wanted = frozenset(statuses)
    return lambda status: status in wanted


def unless_in(*statuses: str) -> Callable[[str], bool]:
    """Relevant unless the referral is in one of these statuses."""
    unwanted = frozenset(statuses)
    return lambda status: status not in unwanted


def _contact_check_due(o: Occasion) -> Due | None:
    if o.contact == "visit":
        return None
    at = o.at + timedelta(days=o.policy.contact_check_days)
    return Due(at, at + timedelta(days=o.policy.contact_check_valid_days))


def _training_reminder_due(o: Occasion) -> Due | None:
    if o.service not in {"training", "livelihood"} or o.programme_starts is None:
        return None
    at = local_morning(o.programme_starts - timedelta(days=1), o.zone, o.window)
    if at <= o.at:
        return None
    return Due(at, datetime.combine(o.programme_starts, time(0), ZoneInfo(o.zone)))


def _closure_checkin_due(o: Occasion) -> Due:
    at = o.at + timedelta(days=o.policy.checkin_days)
    return Due(at, at + timedelta(days=o.policy.checkin_valid_days))


def _arrival_check_due(o: Occasion) -> Due | None:
    if o.travel_day is None:
        return None
    at = local_morning(o.travel_day + timedelta(days=1), o.zone, o.window)
    return Due(at, at + timedelta(days=o.policy.arrival_valid_days))


def _claim_valid_until(o: Occasion) -> datetime:
    p = o.policy
    escalate = p.urgent_escalation_minutes if o.urgent else p.claim_escalation_minutes
    return add_office_minutes(o.at, escalate, o.zone) + timedelta(days=p.staff_valid_days)


def _claim_reminder_due(o: Occasion) -> Due:
    p = o.policy
    minutes = p.urgent_reminder_minutes if o.urgent else p.claim_reminder_minutes
    return Due(add_office_minutes(o.at, minutes, o.zone), _claim_valid_until(o))


def _claim_escalation_due(o: Occasion) -> Due:
    p = o.policy
    minutes = p.urgent_escalation_minutes if o.urgent else p.claim_escalation_minutes
    return Due(add_office_minutes(o.at, minutes, o.zone), _claim_valid_until(o))


def _contact_question(subject: Subject) -> Text:
    code = Plain(subject.code)
    return t("About your request {code}: has someone from the office contacted you?", code=code)


def _closure_question(subject: Subject) -> Text:
    return t(
        "About your request {code}: how was your experience with the caseworker?",
        code=Plain(subject.code),
    )


def _arrival_question(subject: Subject) -> Text:
    return t("About your request {code}: did you arrive home safely?", code=Plain(subject.code))


def _training_question(subject: Subject) -> Text:
    if subject.programme is None or subject.starts is None:
        return t("About your request {code}: how are you doing?", code=Plain(subject.code))
    return t(
        "A reminder: {programme} starts tomorrow, {day}. Mention your code {code} there.",
        programme=subject.programme,
        day=subject.starts,
        code=Plain(subject.code),
    )


def _nobody_came_alert(code: str) -> Text:
    return t("⚠️ Request {code}: she says nobody has contacted her yet.", code=Plain(code))


def _needs_help_alert(code: str) -> Text:
    return t("⚠️ Request {code}: she says she needs help after travelling.", code=Plain(code))


def _claim_reminder_notice(card: desk.CaseCard, ctx: Context) -> Screen:
    text = desk.claim_reminder(card, ctx)
    return Screen("claim_reminder", (text,), desk.notification_keyboard(card.code))


def _claim_escalation_notice(card: desk.CaseCard, ctx: Context) -> Screen:
    text = desk.claim_escalation(card, ctx)
    return Screen("claim_escalation", (text,), desk.open_keyboard(card.code))


# ----------------------------------------------------------------------------- the table

THANKS = t("Thank you, Kak. All the best!")
UNCLAIMED = while_in(
    ReferralStatus.NEW
)  # staff reminders matter only while nobody has claimed the request

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "contact_check",
            Audience.HER,
            Event.CREATED,
            _contact_check_due,
            while_in(ReferralStatus.NEW, ReferralStatus.CLAIMED),
            _contact_question,
            (
                Answer(
                    "yes",
                    t("✅ Yes"),
                    reply=t("Thank you, Kak. Good to hear."),
                    records=ReferralStatus.CONTACTED,
                    records_from=frozenset({ReferralStatus.NEW, ReferralStatus.CLAIMED}),
                ),
                Answer(
                    "not_yet",
                    t("⏳ Not yet"),
                    reply=t(
                        "Thank you for telling me. I have reminded the office, and a caseworker "
                        "has been asked to contact you soon."
                    ),
                    offers_requests=True,
                    alert=_nobody_came_alert,
                ),
            ),
        ),
        Kind(
            "closure_checkin",
            Audience.HER,
            Event.CLOSED,
            _closure_checkin_due,
            while_in(ReferralStatus.CLOSED),
            _closure_question,
            (
                Answer("good", t("😊 Good"), Then.MORE),
                Answer("ok", t("😐 So-so"), Then.MORE),
                Answer("bad", t("☹️ Not good"), Then.MORE),
            ),
        ),
        Kind(
            "training_reminder",
            Audience.HER,
            Event.CREATED,
            _training_reminder_due,
            while_in(*OPEN_STATUSES),
            _training_question,
            (Answer("ok", t("👍 OK")),),
        ),
        Kind(
            "arrival_check",
            Audience.HER,
            Event.TRAVEL_DATE,
            _arrival_check_due,
            unless_in(ReferralStatus.CANCELLED, ReferralStatus.WITHDRAWN),
            _arrival_question,
            (
                Answer(
                    "arrived",
                    t("✅ I arrived safely"),
                    reply=t("I am glad you arrived safely. Take care, Kak."),
                ),
                Answer("help", t("🆘 I need help"), Then.EMERGENCY, alert=_needs_help_alert),
            ),
        ),
        Kind(
            "claim_reminder",
            Audience.STAFF,
            Event.ROUTED,
            _claim_reminder_due,
            UNCLAIMED,
            recipients=Recipients.CASEWORKERS,
            notice=_claim_reminder_notice,
        ),
        Kind(
            "claim_escalation",
            Audience.STAFF,
            Event.ROUTED,
            _claim_escalation_due,
            UNCLAIMED,
            recipients=Recipients.SUPERVISORS,
            notice=_claim_escalation_notice,
        ),
    )
}

#: Follow-ups that ask her something or remind her; they need her consent.
HER_KINDS = frozenset(k.name for k in KINDS.values() if k.audience is Audience.HER)
#: Follow-ups for staff.
STAFF_KINDS = frozenset(k.name for k in KINDS.values() if k.audience is Audience.STAFF)


def kind_of(name: str) -> Kind | None:
    """A follow-up kind by name (None for a name no longer in the table)."""
    return KINDS.get(name)


def scheduled_by(event: Event) -> tuple[Kind, ...]:
    """The kinds an event schedules, in table order."""
    return tuple(k for k in KINDS.values() if k.event is event)
