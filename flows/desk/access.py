"""Who may do what at the desk: the one authorisation check for every button, command and text.

`may` decides from the staff member (role, regions AND services, active account) and the
referral as it is now (its state, whether she claimed it, whether her data was erased). The case
view's buttons are the verbs `may` allows, so what is shown and what is accepted cannot differ.
"""

from __future__ import annotations

from typing import Protocol

from flows.core.status import WORKED_STATUSES, ReferralStatus
from flows.core.types import Text, t
from flows.desk import thread
from flows.desk.model import NEXT_STATUS, OUTCOMES, CaseCard, CaseDetail

LEADS = frozenset({"supervisor", "admin"})
REPORT_ROLES = LEADS
# Verbs that need no referral.
DESK_VERBS = frozenset({"queue", "home", "hint"})
# Every verb of the case view, in the order its buttons appear.
CASE_BUTTONS: tuple[tuple[str, Text], ...] = (
    ("claim", t("✋ Claim")),
    ("reopen", t("↩ Reopen")),
    *((f"status:{target}", label) for target, label in NEXT_STATUS.values()),
    ("note", t("📝 Add a note")),
    ("relay", t("✉️ Write to her")),
    ("relay_close", t("🔕 Close the conversation")),
    ("travel", t("🧳 Set the travel date")),
    ("handover", t("🔀 Hand over to another region")),
    ("close", t("✅ Close with an outcome")),
)


class Staff(Protocol):
    """A member of staff as the desk sees her (storage.caseworkers.Caseworker fits)."""

    @property
    def id(self) -> int:
        """Her caseworker id."""
        ...

    @property
    def role(self) -> str:
        """caseworker, supervisor or admin."""
        ...

    @property
    def active(self) -> bool:
        """False once her account was deactivated."""
        ...

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions she covers, as configured."""
        ...

    def covers(self, region_code: str, service: str) -> bool:
        """Tells whether a referral of this region and service is hers to work."""
        ...

    def covers_region(self, region_code: str) -> bool:
        """Tells whether the region is one of hers."""
        ...


def is_staff(me: Staff | None) -> bool:
    """An active staff account."""
    return me is not None and me.active


def sees(me: Staff | None, card: CaseCard) -> bool:
    """Caseworkers see their region AND service; supervisors and admins all of their regions."""
    if me is None or not me.active:
        return False
    if me.role in LEADS:
        return me.covers_region(card.region_code)
    return me.covers(card.region_code, card.service)


def _works(me: Staff, case: CaseDetail) -> bool:
    """An open, claimed case of hers (any of her regions' for supervisors), her data still there."""
    if case.erased or case.status not in WORKED_STATUSES:
        return False
    return case.card.mine or me.role in LEADS


def may(me: Staff | None, verb: str, case: CaseDetail | None = None) -> bool:
    """Tells whether she may do `verb` now (on `case`, the referral as currently stored)."""
    if not is_staff(me):
        return False
    assert me is not None
    if verb in DESK_VERBS:
        return True
    if verb == "report":
        return me.role in REPORT_ROLES
    if case is None or not sees(me, case.card):
        return False
    status = case.status
    if verb == "open":
        return True
    if verb.startswith("page:"):
        page = verb.removeprefix("page:")
        return page.isascii() and page.isdigit() and int(page) < thread.page_count(case)
    if verb == "claim":
        return status == ReferralStatus.NEW and not case.erased
    if verb == "reopen":
        return status == ReferralStatus.CLOSED and me.role in LEADS and not case.erased
    if not _works(me, case):
        return False
    if verb.startswith("status:"):
        step = NEXT_STATUS.get(status)
        return step is not None and verb == f"status:{step[0]}"
    if verb.startswith("outcome:"):
        return verb.removeprefix("outcome:") in OUTCOMES
    if verb == "relay":
        return case.contact != "visit" and case.relay_open
    if verb == "relay_close":
        return bool(case.thread) and case.relay_open
    if verb == "travel":
        return case.card.service == "going_home"
    return verb in {"note", "close", "handover"} or verb.startswith(("hto:", "hwhy:"))


def offered(me: Staff | None, case: CaseDetail) -> tuple[tuple[str, Text], ...]:
    """The buttons of the case view: every change `may` allows her now."""
    return tuple((verb, label) for verb, label in CASE_BUTTONS if may(me, verb, case))


def visible(me: Staff | None, cards: tuple[CaseCard, ...]) -> tuple[CaseCard, ...]:
    """The referrals of a list that she may see."""
    return tuple(card for card in cards if sees(me, card))
