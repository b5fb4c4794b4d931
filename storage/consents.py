"""Consents: what she agreed to, which text version, in which language, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.db import Database, from_text, to_text


@dataclass(frozen=True)
class Consent:
    """One recorded consent."""

    id: int
    user_id: int | None
    purpose: str
    text_version: str
    locale: str
    given_at: datetime
    withdrawn_at: datetime | None


def _consent(row: aiosqlite.Row) -> Consent:
    withdrawn = row["withdrawn_at"]
    return Consent(
        id=row["id"],
        user_id=row["user_id"],
        purpose=row["purpose"],
        text_version=row["text_version"],
        locale=row["locale"],
        given_at=from_text(row["given_at"]),
        withdrawn_at=from_text(withdrawn) if withdrawn else None,
    )


class ConsentRepo:
    """Records and reads consents."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        conn: aiosqlite.Connection,
        user_id: int,
        purpose: str,
        text_version: str,
        locale: str,
        given_at: datetime,
    ) -> int:
        """Records a consent inside the caller's transaction; returns its id."""
        cursor = await conn.execute(
            "INSERT INTO consents (user_id, purpose, text_version, locale, given_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (user_id, purpose, text_version, locale, to_text(given_at)),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def list_for(self, user_id: int) -> list[Consent]:
        """All consents of a person, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM consents WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [_consent(row) for row in rows]
