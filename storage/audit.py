"""The append-only audit log (the database refuses updates and deletes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.db import Database, from_text


@dataclass(frozen=True)
class AuditEntry:
    """One audited action; actor and subject are pseudonymous references like "user:17"."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str | None
    detail: str | None


class AuditRepo:
    """Appends to and reads the audit log; never put a personal value in it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def append(
        self,
        conn: aiosqlite.Connection,
        actor: str,
        action: str,
        subject: str | None = None,
        detail: str | None = None,
    ) -> None:
        """Appends an entry inside the caller's transaction."""
        await conn.execute(
            "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            (self.db.now(), actor, action, subject, detail),
        )

    async def list(self, limit: int = 100) -> list[AuditEntry]:
        """The newest entries first."""
        rows = await self.db.fetchall("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
        return [
            AuditEntry(
                r["id"], from_text(r["at"]), r["actor"], r["action"], r["subject"], r["detail"]
            )
            for r in rows
        ]
