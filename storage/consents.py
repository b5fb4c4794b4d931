"""Consents: what she agreed to, which text version, in which language, when, and withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection, Row
from storage.db import Database, from_text, to_text


@dataclass(frozen=True)
class Consent:
    """One recorded consent; user_id is None once her account is deleted."""

    id: int
    user_id: int | None
    purpose: str
    text_version: str
    locale: str
    given_at: datetime
    withdrawn_at: datetime | None

    @property
    def active(self) -> bool:
        """Tells whether the consent still stands."""
        return self.withdrawn_at is None


def _consent(row: Row) -> Consent:
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
    """Records, withdraws and reads consents; writes take the caller's transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        conn: Connection,
        user_id: int,
        purpose: str,
        text_version: str,
        locale: str,
        given_at: datetime | None = None,
    ) -> int:
        """Records a consent (given now, unless the moment she agreed is passed); returns its id."""
        moment = to_text(given_at) if given_at is not None else self.db.now()
        cursor = await conn.execute(
            "INSERT INTO consents (user_id, purpose, text_version, locale, given_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (user_id, purpose, text_version, locale, moment),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def withdraw(self, conn: Connection, consent_id: int) -> bool:
        """Marks a consent withdrawn now; False if it was unknown or already withdrawn."""
        cursor = await conn.execute(
            "UPDATE consents SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NULL",
            (self.db.now(), consent_id),
        )
        return cursor.rowcount == 1

    async def active(self, user_id: int, purpose: str) -> Consent | None:
        """Her newest consent for a purpose that is not withdrawn, if any."""
        row = await self.db.fetchone(
            "SELECT * FROM consents WHERE user_id = ? AND purpose = ? AND withdrawn_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            (user_id, purpose),
        )
        return _consent(row) if row is not None else None

    async def list_for(self, user_id: int) -> list[Consent]:
        """All consents of a person, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM consents WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [_consent(row) for row in rows]
