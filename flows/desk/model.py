"""The desk's data: what it shows of a referral, its desk session, button data and fixed labels."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from flows.core.status import CaseOutcome, ReferralStatus
from flows.core.types import Part, Plain, Text, t

SERVICE_KINDS: dict[str, Text] = {
    "training": t("Training"),
    "livelihood": t("Business support"),
    "health": t("Health"),
    "going_home": t("Going home"),
    "callback": t("Asked to be contacted"),
    "other": t("Other help"),
}
OUTCOMES: dict[str, Text] = {
    CaseOutcome.RECEIVED_HELP: t("Received help"),
    CaseOutcome.NOT_ELIGIBLE: t("Not eligible"),
    CaseOutcome.COULD_NOT_CONTACT: t("Could not contact"),
    CaseOutcome.NO_LONGER_INTERESTED: t("No longer interested"),
    CaseOutcome.REFERRED_ELSEWHERE: t("Referred elsewhere"),
}
NEXT_STATUS: dict[str, tuple[ReferralStatus, Text]] = {
    ReferralStatus.CLAIMED: (ReferralStatus.CONTACTED, t("📞 Mark as contacted")),
    ReferralStatus.CONTACTED: (ReferralStatus.IN_PROGRESS, t("🔧 Mark as in progress")),
}
STAFF_STATUS: dict[str, Text] = {
    ReferralStatus.NEW: t("New"),
    ReferralStatus.CLAIMED: t("Claimed"),
    ReferralStatus.CONTACTED: t("Contacted"),
    ReferralStatus.IN_PROGRESS: t("In progress"),
    ReferralStatus.CLOSED: t("Closed"),
    ReferralStatus.CANCELLED: t("Cancelled by her"),
    ReferralStatus.WITHDRAWN: t("Withdrawn by her"),
    "handed_over": t("Handed over"),
    "travel_date": t("Travel date set"),
}
HANDOVER_REASONS: dict[str, Text] = {
    "went_home": t("She went home to that region"),
    "moved": t("She moved to that region"),
    "other": t("Another reason"),
}
HER_UPDATES: dict[str, Text] = {
    ReferralStatus.CLAIMED: t("Your request {code} has been taken by a caseworker."),
    ReferralStatus.IN_PROGRESS: t("Your request {code} is being worked on."),
    ReferralStatus.CLOSED: t(
        "Your request {code} has been closed. If you need help again, you can ask any time, Kak."
    ),
}
# What a typed message is for, by desk mode ("handover_reason" waits for a button).
TYPED_MODES = frozenset({"note", "relay", "handover", "travel"})


@dataclass(frozen=True, slots=True)
class CaseCard:
    """What the desk shows of a referral in lists and notifications (no personal fields)."""

    code: str
    service: str
    item: str
    region_code: str
    home_region: str
    urgency: str
    status: str
    created_at: datetime
    mine: bool


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """A referral with the consented details, for the case view.

    claimed is true once anybody claimed it (mine: she did); erased once her data is gone.
    """

    card: CaseCard
    contact: str
    window: str
    phone_alone: bool | None
    nickname: str
    phone: str
    outcome: str
    history: tuple[tuple[datetime, str, str], ...]
    notes: tuple[tuple[datetime, str], ...] = ()
    thread: tuple[tuple[datetime, str, str], ...] = ()  # (at, to_her/from_her, text)
    relay_open: bool = True
    claimed: bool = False
    erased: bool = False

    @property
    def code(self) -> str:
        """The referral's reference code."""
        return self.card.code

    @property
    def status(self) -> str:
        """The referral's current status."""
        return self.card.status

    def with_status(self, status: str, at: datetime, actor: str) -> CaseDetail:
        """The same case after a status change (as the committed change will leave it)."""
        return replace(
            self,
            card=replace(self.card, status=status),
            history=(*self.history, (at, actor, status)),
        )


@dataclass(frozen=True, slots=True)
class DeskSession:
    """What a caseworker's next typed message is for (stored as her desk mode row)."""

    mode: str = ""
    code: str = ""
    extra: str = ""


def staff_status(status: str) -> Part:
    """A referral status as staff call it."""
    return STAFF_STATUS.get(status, Plain(status))


def button(verb: str, code: str = "") -> str:
    """Callback data of a desk button: "d:<verb>:<code>"."""
    return f"d:{verb}:{code}"


def parse(data: str) -> tuple[str, str] | None:
    """Splits desk callback data into verb and code; None when it is not desk data."""
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != "d" or not parts[1]:
        return None
    return ":".join(parts[1:-1]), parts[-1]


def parse_day(text: str, today: date) -> date | None:
    """Reads a day typed as 05-12-2026, 5/12/2026 or 5/12 (the next such day); None if not."""
    parts = [p for p in re.split(r"[-/. ]+", text.strip()) if p]
    if len(parts) not in {2, 3} or not all(p.isdigit() for p in parts):
        return None
    day, month = int(parts[0]), int(parts[1])
    year = int(parts[2]) if len(parts) == 3 else today.year
    if year < 100:
        year += 2000
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if len(parts) == 2 and found < today:
        found = found.replace(year=year + 1)
    return found
