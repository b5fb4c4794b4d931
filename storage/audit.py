"""The append-only audit log (triggers in the database refuse updates and deletes).

Actors and subjects are pseudonymous references such as "user:17", "caseworker:3",
"referral:K7M4QX" or "system": never a name, phone number, Telegram id or other personal value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection, Row
from storage.db import Database, from_text, to_text


@dataclass(frozen=True)
class AuditEntry:
    """One audited action; actor and subject are pseudonymous references like "user:17"."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str | None
    detail: str | None


def _entry(row: Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=from_text(row["at"]),
        actor=row["actor"],
        action=row["action"],
        subject=row["subject"],
        detail=row["detail"],
    )


class AuditRepo:
    """Appends to and reads the audit log; never put a personal value in it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def append(
        self,
        conn: Connection,
        actor: str,
        action: str,
        subject: str | None = None,
        detail: str | None = None,
    ) -> int:
        """Appends an entry (pseudonymous actor/subject) in the caller's transaction; its id."""
        cursor = await conn.execute(
            "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            (self.db.now(), actor, action, subject, detail),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def list(self, limit: int = 100, *, since: datetime | None = None) -> list[AuditEntry]:
        """The newest entries first, optionally only those at or after `since`."""
        if since is None:
            rows = await self.db.fetchall(
                "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)
            )
        else:
            rows = await self.db.fetchall(
                "SELECT * FROM audit_log WHERE at >= ? ORDER BY id DESC LIMIT ?",
                (to_text(since), limit),
            )
        return [_entry(row) for row in rows]
