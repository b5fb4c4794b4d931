"""Keeping personal data no longer than promised: the retention purge (run by a channel job).

- A referral that ended (closed, cancelled or withdrawn) more than `referral_days` ago loses its
  personal fields (storage/erasure.py); sooner, after `shared_phone_days`, when her phone is
  shared (she said so for that referral, or for her account).
- A person who has not written for `inactive_days` and has no open referral is erased entirely.
- An update the bot could not read (the quarantine) goes after storage/quarantine.KEEP.
- On her request to the office (`python -m bot erase CODE`), the person behind a reference code is
  erased at once, whatever the periods say.

The referral rows stay, without anything personal, for the office's statistics. A run is
idempotent (what is erased is not found again), appends one audit entry with counts only, and
ends with a WAL checkpoint so the erased bytes leave the disk.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.config import Settings
from bot.core.services import Services
from flows.core import status
from flows.core.status import ReferralStatus
from storage.db import to_text
from storage.erasure import checkpoint, erase_referral_personal, erase_user
from storage.quarantine import KEEP as QUARANTINE_KEEP
from storage.quarantine import forget_before

log = logging.getLogger(__name__)

BATCH = 50
OPEN_STATUSES = tuple(sorted(status.OPEN_STATUSES))
ENDED_STATUSES = (ReferralStatus.CLOSED, ReferralStatus.CANCELLED, ReferralStatus.WITHDRAWN)


@dataclass(frozen=True)
class RetentionPolicy:
    """How many days personal data is kept (see the README's configuration table)."""

    referral_days: int = 180
    shared_phone_days: int = 30
    inactive_days: int = 365

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        """The policy configured by JEMBATAN_*RETENTION_DAYS and JEMBATAN_INACTIVE_DAYS."""
        return cls(settings.retention_days, settings.shared_retention_days, settings.inactive_days)


@dataclass(frozen=True)
class PurgeReport:
    """What one purge erased: referrals emptied of personal fields, people erased."""

    referrals: int
    people: int
    quarantined: int = 0

    def detail(self) -> str:
        """The counts, as written to the audit log (quarantined updates when there were any)."""
        extra = f" quarantined={self.quarantined}" if self.quarantined else ""
        return f"referrals={self.referrals} people={self.people}{extra}"


def _in(values: Sequence[str]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


# A referral still holding something personal; erasing it changes nothing else.
HOLDS_PERSONAL = (
    "(r.personal IS NOT NULL OR r.time_window IS NOT NULL OR r.travel_date IS NOT NULL "
    "OR EXISTS (SELECT 1 FROM notes n WHERE n.referral_id = r.id) "
    "OR EXISTS (SELECT 1 FROM relay_messages m WHERE m.referral_id = r.id) "
    "OR EXISTS (SELECT 1 FROM outbox o WHERE o.referral_id = r.id AND o.payload != ''))"
)
ENDED_AT = (
    "COALESCE((SELECT MAX(e.at) FROM referral_events e "
    "WHERE e.referral_id = r.id AND e.status = r.status), r.updated_at)"
)


async def referrals_due(services: Services, now: datetime, policy: RetentionPolicy) -> list[int]:
    """Ended referrals whose personal fields have been kept long enough."""
    rows = await services.db.fetchall(
        f"SELECT r.id FROM referrals r LEFT JOIN users u ON u.id = r.user_id "
        f"WHERE r.status IN {_in(ENDED_STATUSES)} AND {HOLDS_PERSONAL} AND {ENDED_AT} < "
        "CASE WHEN r.phone_alone = 0 OR u.shared_phone = 1 THEN ? ELSE ? END ORDER BY r.id",
        (
            to_text(now - timedelta(days=policy.shared_phone_days)),
            to_text(now - timedelta(days=policy.referral_days)),
        ),
    )
    return [int(row[0]) for row in rows]


async def people_due(services: Services, now: datetime, policy: RetentionPolicy) -> list[int]:
    """People silent for `inactive_days` with no open referral."""
    rows = await services.db.fetchall(
        "SELECT u.id FROM users u WHERE u.last_seen_at < ? AND NOT EXISTS (SELECT 1 FROM "
        f"referrals r WHERE r.user_id = u.id AND r.status IN {_in(OPEN_STATUSES)}) ORDER BY u.id",
        (to_text(now - timedelta(days=policy.inactive_days)),),
    )
    return [int(row[0]) for row in rows]


async def purge(
    services: Services, now: datetime, policy: RetentionPolicy | None = None
) -> PurgeReport:
    """Erases what is past its retention period, audits the counts and checkpoints the WAL."""
    policy = policy or RetentionPolicy(referral_days=services.retention_days)
    people = await people_due(services, now, policy)
    for start in range(0, len(people), BATCH):
        async with services.db.transaction() as conn:
            for user_id in people[start : start + BATCH]:
                await erase_user(conn, user_id, services.cipher)
    referrals = await referrals_due(services, now, policy)
    for start in range(0, len(referrals), BATCH):
        async with services.db.transaction() as conn:
            for referral_id in referrals[start : start + BATCH]:
                await erase_referral_personal(conn, referral_id)
    async with services.db.transaction() as conn:
        quarantined = await forget_before(conn, to_text(now - QUARANTINE_KEEP))
    report = PurgeReport(referrals=len(referrals), people=len(people), quarantined=quarantined)
    async with services.db.transaction() as conn:
        await services.audit.append(conn, "system", "retention.purge", None, report.detail())
    await checkpoint(services.db)
    return report


async def erase_on_request(services: Services, code: str) -> bool:
    """Erases the person behind a reference code (or, if she is gone, the referral's fields).

    Audited with the reference code only; False when no referral has this code.
    """
    referral = await services.referrals.by_code(code.strip().upper())
    if referral is None:
        return False
    async with services.db.transaction() as conn:
        if referral.user_id is not None:
            erased = await erase_user(conn, referral.user_id, services.cipher)
        else:
            erased = await erase_referral_personal(conn, referral.id)
        await services.audit.append(
            conn, "admin:cli", "privacy.erase", f"referral:{referral.code}", f"rows={erased.total}"
        )
    await checkpoint(services.db)
    return True
