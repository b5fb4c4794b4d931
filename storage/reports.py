"""Counts for reports and the rows of the pseudonymous export (no personal field is ever read).

Both read only the clear, non-personal columns of `referrals` and the times of its status events;
the encrypted `personal` column, `user_id` and free text (notes, relayed messages) are not selected.
Periods are half-open UTC intervals [start, end): the caller decides which zone a month or a day
belongs to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from flows.core.status import ReferralStatus
from storage.db import Database, from_text, to_text

EXPORT_BATCH = 500


@dataclass(frozen=True)
class PeriodCounts:
    """How many referrals created in a period, by service, status, outcome and region."""

    total: int = 0
    by_service: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)
    by_region: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportRow:
    """What the export may know of one referral: kinds, codes of places, and times."""

    code: str
    service: str
    region_code: str
    status: str
    outcome: str | None
    urgency: str
    contact: str
    created_at: datetime
    claimed_at: datetime | None
    closed_at: datetime | None


def _covered(region_code: str, regions: tuple[str, ...]) -> bool:
    return "*" in regions or region_code in regions


class ReportRepo:
    """Reads referral counts and export rows."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def counts(
        self, start: datetime, end: datetime, regions: tuple[str, ...]
    ) -> PeriodCounts:
        """Counts the referrals created in [start, end) in some regions ("*" for all)."""
        rows = await self.db.fetchall(
            "SELECT service, status, outcome, region_code, COUNT(*) AS n FROM referrals "
            "WHERE created_at >= ? AND created_at < ? "
            "GROUP BY service, status, outcome, region_code",
            (to_text(start), to_text(end)),
        )
        service: Counter[str] = Counter()
        status: Counter[str] = Counter()
        outcome: Counter[str] = Counter()
        region: Counter[str] = Counter()
        for row in rows:
            if not _covered(row["region_code"], regions):
                continue
            n = int(row["n"])
            service[row["service"]] += n
            status[row["status"]] += n
            region[row["region_code"]] += n
            if row["outcome"]:
                outcome[row["outcome"]] += n
        return PeriodCounts(
            total=sum(region.values()),
            by_service=dict(service),
            by_status=dict(status),
            by_outcome=dict(outcome),
            by_region=dict(region),
        )

    async def export_count(self, start: datetime, end: datetime) -> int:
        """How many referrals were created in [start, end)."""
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM referrals WHERE created_at >= ? AND created_at < ?",
            (to_text(start), to_text(end)),
        )
        return int(row[0]) if row is not None else 0

    async def export_rows(self, start: datetime, end: datetime) -> AsyncIterator[ExportRow]:
        """The referrals created in [start, end), with first claim and last close, by id.

        Read in batches (keyset pages), so a large export holds the connection only briefly at a
        time while the bot goes on serving.
        """
        after = 0
        while True:
            batch = await self.db.fetchall(
                "SELECT r.id, r.code, r.service, r.region_code, r.status, r.outcome, r.urgency, "
                "r.contact, r.created_at, "
                "(SELECT MIN(e.at) FROM referral_events e "
                " WHERE e.referral_id = r.id AND e.status = 'claimed') AS claimed_at, "
                "(SELECT MAX(e.at) FROM referral_events e "
                " WHERE e.referral_id = r.id AND e.status = 'closed') AS closed_at "
                "FROM referrals r WHERE r.created_at >= ? AND r.created_at < ? AND r.id > ? "
                "ORDER BY r.id LIMIT ?",
                (to_text(start), to_text(end), after, EXPORT_BATCH),
            )
            if not batch:
                return
            for row in batch:
                closed = row["closed_at"] if row["status"] == ReferralStatus.CLOSED else None
                yield ExportRow(
                    code=row["code"],
                    service=row["service"],
                    region_code=row["region_code"],
                    status=row["status"],
                    outcome=row["outcome"],
                    urgency=row["urgency"],
                    contact=row["contact"],
                    created_at=from_text(row["created_at"]),
                    claimed_at=from_text(row["claimed_at"]) if row["claimed_at"] else None,
                    closed_at=from_text(closed) if closed else None,
                )
            after = int(batch[-1]["id"])
