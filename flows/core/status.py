"""A referral's status and a closed case's outcome: one enum each, equal to their stored strings."""

from __future__ import annotations

from enum import StrEnum


class ReferralStatus(StrEnum):
    """Where a referral stands; the value is what storage keeps."""

    NEW = "new"
    CLAIMED = "claimed"
    CONTACTED = "contacted"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"


class CaseOutcome(StrEnum):
    """How a closed case ended."""

    RECEIVED_HELP = "received_help"
    NOT_ELIGIBLE = "not_eligible"
    COULD_NOT_CONTACT = "could_not_contact"
    NO_LONGER_INTERESTED = "no_longer_interested"
    REFERRED_ELSEWHERE = "referred_elsewhere"


OPEN_STATUSES: frozenset[ReferralStatus] = frozenset(
    {
        ReferralStatus.NEW,
        ReferralStatus.CLAIMED,
        ReferralStatus.CONTACTED,
        ReferralStatus.IN_PROGRESS,
    }
)
# Open and claimed: somebody works it (notes, messages, travel date, hand-over, closing).
WORKED_STATUSES: frozenset[ReferralStatus] = OPEN_STATUSES - {ReferralStatus.NEW}
ENDED_BY_HER: frozenset[ReferralStatus] = frozenset(
    {ReferralStatus.CANCELLED, ReferralStatus.WITHDRAWN}
)
