"""Scheduled follow-ups: one row per (kind, referral), due time and validity in UTC.

The job queue only wakes the sweeper (bot/core/followups.py); what is due lives here, so nothing
scheduled is lost when the process stops. The kinds themselves are a table in flows/followups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection, Row
from storage.db import Database, from_text, to_text


@dataclass(frozen=True)
class FollowUp:
    """One scheduled follow-up."""

    id: int
    kind: str
    referral_id: int
    user_id: int | None
    due_at: datetime
    valid_until: datetime
    state: str
    attempts: int
    answer: str | None


def _followup(row: Row) -> FollowUp:
    return FollowUp(
        id=row["id"],
        kind=row["kind"],
        referral_id=row["referral_id"],
        user_id=row["user_id"],
        due_at=from_text(row["due_at"]),
        valid_until=from_text(row["valid_until"]),
        state=row["state"],
        attempts=row["attempts"],
        answer=row["answer"],
    )


class FollowUpRepo:
    """Schedules, finds and settles follow-ups; writes take the caller's transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def schedule(
        self,
        conn: Connection,
        kind: str,
        referral_id: int,
        user_id: int | None,
        due_at: datetime,
        valid_until: datetime,
    ) -> None:
        """Schedules a follow-up; scheduling the same kind for a referral again replaces it."""
        now = self.db.now()
        await conn.execute(
            "INSERT INTO followups (kind, referral_id, user_id, due_at, valid_until, state, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) "
            "ON CONFLICT (kind, referral_id) DO UPDATE SET due_at = excluded.due_at, "
            "valid_until = excluded.valid_until, state = 'pending', attempts = 0, answer = NULL, "
            "updated_at = excluded.updated_at",
            (kind, referral_id, user_id, to_text(due_at), to_text(valid_until), now, now),
        )

    async def due(self, now: datetime, limit: int = 500) -> list[FollowUp]:
        """Pending follow-ups whose time has come, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM followups WHERE state = 'pending' AND due_at <= ? "
            "ORDER BY due_at, id LIMIT ?",
            (to_text(now), limit),
        )
        return [_followup(row) for row in rows]

    async def get(self, followup_id: int) -> FollowUp | None:
        """A follow-up by id."""
        row = await self.db.fetchone("SELECT * FROM followups WHERE id = ?", (followup_id,))
        return _followup(row) if row is not None else None

    async def for_user(self, user_id: int) -> list[FollowUp]:
        """Her follow-ups, newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM followups WHERE user_id = ? ORDER BY id DESC", (user_id,)
        )
        return [_followup(row) for row in rows]

    async def for_referral(self, referral_id: int) -> list[FollowUp]:
        """A referral's follow-ups, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM followups WHERE referral_id = ? ORDER BY id", (referral_id,)
        )
        return [_followup(row) for row in rows]

    async def set_state(
        self, conn: Connection, followup_id: int, state: str, answer: str | None = None
    ) -> None:
        """Moves a follow-up to another state (with her answer, if any)."""
        await conn.execute(
            "UPDATE followups SET state = ?, answer = COALESCE(?, answer), updated_at = ?, "
            "attempts = attempts + (? = 'sent') WHERE id = ?",
            (state, answer, self.db.now(), state, followup_id),
        )

    async def postpone(self, conn: Connection, followup_id: int, due: datetime) -> None:
        """Moves a pending follow-up to a later time (the next hour she may be written to)."""
        await conn.execute(
            "UPDATE followups SET due_at = ?, updated_at = ? WHERE id = ?",
            (to_text(due), self.db.now(), followup_id),
        )

    async def cancel(
        self,
        conn: Connection,
        *,
        user_id: int | None = None,
        referral_id: int | None = None,
        kinds: frozenset[str] | None = None,
    ) -> int:
        """Cancels pending follow-ups of a person or a referral (optionally some kinds only)."""
        where: list[str] = ["state = 'pending'"]
        params: list[object] = []
        if user_id is not None:
            where.append("user_id = ?")
            params.append(user_id)
        if referral_id is not None:
            where.append("referral_id = ?")
            params.append(referral_id)
        if kinds is not None:
            where.append(f"kind IN ({', '.join('?' * len(kinds))})")
            params.extend(sorted(kinds))
        cursor = await conn.execute(
            f"UPDATE followups SET state = 'cancelled', updated_at = ? WHERE {' AND '.join(where)}",
            (self.db.now(), *params),
        )
        return cursor.rowcount

    async def counts(self) -> dict[str, int]:
        """How many follow-ups are in each state."""
        rows = await self.db.fetchall("SELECT state, COUNT(*) AS n FROM followups GROUP BY state")
        return {row["state"]: row["n"] for row in rows}
