"""What must hold after every update: readable sessions on known screens, readable referrals."""

from __future__ import annotations

import logging
from datetime import datetime

from lokal import parse_phone

from bot.core.i18n import SUPPORTED_LOCALES
from bot.core.services import Services
from flows.core.states import NODES
from flows.core.types import Session
from flows.steps import intake

#: Every answer a request draft may hold (flows/steps/intake/ and the screens that begin one).
DRAFT_KEYS = frozenset(
    {
        "service",
        "item",
        "origin",
        "origin_key",
        "origin_need",
        "origin_kind",
        "adult",
        "consent_at",
        "consent_locale",
        "contact",
        "window",
        "phone",
        "nickname",
        "nickname_asked",
        "phone_alone",
        "urgency",
        "home_region",
        "need",
        "fast",  # the urgent call-back from the emergency screen (flows/steps/intake/urgent.py)
    }
)
#: Intake screens that ask one question: the draft must say this is the next one to ask.
QUESTIONS = frozenset(
    {
        "intake_age",
        "intake_consent",
        "intake_contact",
        "intake_phone",
        "intake_window",
        "intake_nickname",
        "intake_shared",
        "intake_summary",
    }
)
SERVICES = frozenset({"training", "livelihood", "health", "going_home", "callback", "other"})


def session_problems(session: Session, services: Services) -> list[str]:
    """Everything wrong with a stored session; empty when it is consistent."""
    problems: list[str] = []
    if session.state not in NODES:
        problems.append(f"unknown state {session.state!r}")
    if session.locale not in SUPPORTED_LOCALES:
        problems.append(f"unknown locale {session.locale!r}")
    if session.region_code is not None and services.regions.region(session.region_code) is None:
        problems.append(f"unknown region {session.region_code!r}")
    if session.seq < 0:
        problems.append(f"negative seq {session.seq}")
    draft = dict(session.draft)
    unknown = set(draft) - DRAFT_KEYS
    if unknown:
        problems.append(f"unknown draft keys {sorted(unknown)}")
    if session.state.startswith("intake_") and not draft.get("service"):
        problems.append(f"{session.state} without a request draft")
    if draft and "service" not in draft and set(draft) != {"home_region"}:
        problems.append(f"draft answers without a service: {sorted(draft)}")
    if "service" in draft:
        if draft["service"] not in SERVICES:
            problems.append(f"unknown service {draft['service']!r}")
        if draft.get("origin") not in NODES:
            problems.append(f"draft origin {draft.get('origin')!r} is not a screen")
    if session.state in QUESTIONS and draft.get("service"):
        expected = intake.next_step(session).state
        if expected != session.state:
            problems.append(f"on {session.state} but the next question is {expected}")
    if "consent_at" in draft:
        try:
            datetime.fromisoformat(draft["consent_at"])
        except ValueError:
            problems.append("consent_at is not a time")
    if draft.get("contact") not in {None, "chat", "phone", "visit"}:
        problems.append(f"unknown contact {draft['contact']!r}")
    if draft.get("window") not in {None, *intake.WINDOWS}:
        problems.append(f"unknown window {draft['window']!r}")
    if "phone" in draft:
        if draft.get("contact") != "phone":
            problems.append("a phone number without phone contact")
        if not parse_phone(draft["phone"]).valid:
            problems.append("an invalid phone number was kept")
    nickname = draft.get("nickname", "")
    if len(nickname) > intake.NICKNAME_MAX or nickname != " ".join(nickname.split()):
        problems.append(f"nickname not normalised ({len(nickname)} characters)")
    return problems


async def check_person(services: Services, telegram_id: int) -> str | None:
    """Her stored session loads and is consistent; her referrals decrypt. Returns her screen."""
    user = await services.users.get(telegram_id)
    if user is None:
        return None  # never wrote, or deleted everything
    raw = await services.sessions.load(user.id)
    if raw is not None:
        assert raw.get("state") in NODES, f"stored state {raw.get('state')!r} is not a screen"
    session = Session.from_dict(raw)
    problems = session_problems(session, services)
    assert not problems, f"session of {telegram_id} is inconsistent: {problems} ({session})"
    for referral in await services.referrals.for_user(user.id):
        personal = await services.referrals.personal(referral.id)
        assert isinstance(personal, dict)
    return session.state


async def check_caseworker(services: Services, caseworker_id: int) -> None:
    """Her desk mode loads."""
    await services.casework.mode(caseworker_id)


class Collector(logging.Handler):
    """Keeps every WARNING-or-worse log record (ERROR ones fail the fuzz)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def errors(self) -> list[logging.LogRecord]:
        """The ERROR (and CRITICAL) records."""
        return [r for r in self.records if r.levelno >= logging.ERROR]

    def warnings(self) -> list[str]:
        """The WARNING records, as 'logger: message'."""
        return [f"{r.name}: {r.getMessage()}" for r in self.records if r.levelno == logging.WARNING]
