"""Referrals: what she asked for, where it goes, how to reach her, and every status change.

Personal answers (nickname, phone number) are stored only encrypted, in the `personal` column.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from flows.core.status import OPEN_STATUSES, CaseOutcome, ReferralStatus
from storage.connection import Connection, Row
from storage.crypto import FieldCipher
from storage.db import Database, from_text

PERSONAL_CONTEXT = "referrals.personal"
PERSONAL_FIELDS = ("nickname", "phone")
# Which health facility she asked for says what care she needs: health data, kept encrypted.
SENSITIVE_ITEM_SERVICES = frozenset({"health"})


class DuplicateCode(Exception):
    """The reference code is already taken; draw another."""


@dataclass(frozen=True)
class NewReferral:
    """A referral about to be stored, with its answers."""

    code: str
    user_id: int
    service: str
    item: str
    region_code: str
    region_system: str
    office_key: str
    answers: dict[str, str]
    consent_id: int


@dataclass(frozen=True)
class Referral:
    """A stored referral without its personal fields."""

    id: int
    code: str
    user_id: int | None
    service: str
    item: str
    region_code: str
    office_key: str
    home_region: str
    urgency: str
    contact: str
    time_window: str | None
    phone_alone: bool | None
    status: str
    created_at: datetime
    updated_at: datetime
    outcome: str | None = None
    claimed_by: int | None = None
    relay_open: bool = True
    travel_date: date | None = None


def _referral(row: Row) -> Referral:
    alone = row["phone_alone"]
    return Referral(
        id=row["id"],
        code=row["code"],
        user_id=row["user_id"],
        service=row["service"],
        item=row["item"],
        region_code=row["region_code"],
        office_key=row["office_key"],
        home_region=row["home_region"] or "",
        urgency=row["urgency"],
        contact=row["contact"],
        time_window=row["time_window"],
        phone_alone=None if alone is None else bool(alone),
        status=row["status"],
        created_at=from_text(row["created_at"]),
        updated_at=from_text(row["updated_at"]),
        outcome=row["outcome"],
        claimed_by=row["claimed_by"],
        relay_open=bool(row["relay_open"]),
        travel_date=date.fromisoformat(row["travel_date"]) if row["travel_date"] else None,
    )


class ReferralRepo:
    """Stores referrals and their status history."""

    def __init__(self, db: Database, cipher: FieldCipher) -> None:
        self.db = db
        self.cipher = cipher

    async def create(self, conn: Connection, new: NewReferral, actor: str) -> int:
        """Stores a referral and its first status inside the caller's transaction."""
        answers = new.answers
        personal = {k: answers[k] for k in PERSONAL_FIELDS if answers.get(k)}
        item = new.item
        if new.service in SENSITIVE_ITEM_SERVICES and item:
            personal["item"] = item
            item = ""
        sealed = (
            self.cipher.encrypt(json.dumps(personal, ensure_ascii=False), context=PERSONAL_CONTEXT)
            if personal
            else None
        )
        alone = answers.get("phone_alone")
        now = self.db.now()
        try:
            cursor = await conn.execute(
                "INSERT INTO referrals (code, user_id, service, item, region_code, region_system, "
                "office_key, home_region, urgency, contact, time_window, phone_alone, personal, "
                "consent_id, status, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.code,
                    new.user_id,
                    new.service,
                    item,
                    new.region_code,
                    new.region_system,
                    new.office_key,
                    answers.get("home_region"),
                    answers.get("urgency", "normal"),
                    answers.get("contact", "chat"),
                    answers.get("window"),
                    None if alone is None else int(alone == "yes"),
                    sealed,
                    new.consent_id,
                    ReferralStatus.NEW,
                    now,
                    now,
                ),
            )
        except sqlite3.IntegrityError as exc:
            if "referrals.code" in str(exc):
                raise DuplicateCode from None
            raise
        referral_id = cursor.lastrowid
        assert referral_id is not None
        await self.add_event(conn, referral_id, ReferralStatus.NEW, actor)
        return referral_id

    async def add_event(self, conn: Connection, referral_id: int, status: str, actor: str) -> None:
        """Records a status change (who and when) inside the caller's transaction."""
        await conn.execute(
            "INSERT INTO referral_events (referral_id, at, actor, status) VALUES (?, ?, ?, ?)",
            (referral_id, self.db.now(), actor, status),
        )

    async def set_status(self, conn: Connection, referral_id: int, status: str, actor: str) -> None:
        """Changes a referral's status and records the change."""
        await conn.execute(
            "UPDATE referrals SET status = ?, updated_at = ? WHERE id = ?",
            (status, self.db.now(), referral_id),
        )
        await self.add_event(conn, referral_id, status, actor)

    async def claim(self, conn: Connection, code: str, caseworker_id: int) -> bool:
        """Claims a new referral; exactly one of several simultaneous claims succeeds."""
        cursor = await conn.execute(
            "UPDATE referrals SET status = ?, claimed_by = ?, updated_at = ? "
            "WHERE code = ? AND status = ?",
            (ReferralStatus.CLAIMED, caseworker_id, self.db.now(), code, ReferralStatus.NEW),
        )
        if cursor.rowcount != 1:
            return False
        referral = await self.by_code(code)
        assert referral is not None
        await self.add_event(
            conn, referral.id, ReferralStatus.CLAIMED, f"caseworker:{caseworker_id}"
        )
        return True

    async def close(
        self, conn: Connection, referral_id: int, outcome: CaseOutcome, actor: str
    ) -> None:
        """Closes a referral with its outcome."""
        await conn.execute("UPDATE referrals SET outcome = ? WHERE id = ?", (outcome, referral_id))
        await self.set_status(conn, referral_id, ReferralStatus.CLOSED, actor)

    async def reopen(self, conn: Connection, referral_id: int, actor: str) -> None:
        """Reopens a closed referral (supervisors only; checked by the caller)."""
        await conn.execute("UPDATE referrals SET outcome = NULL WHERE id = ?", (referral_id,))
        await self.set_status(conn, referral_id, ReferralStatus.IN_PROGRESS, actor)

    async def hand_over(
        self,
        conn: Connection,
        referral_id: int,
        region_code: str,
        office_key: str,
        actor: str,
    ) -> None:
        """Moves a referral to another region's office: unclaimed and new again, history kept."""
        await conn.execute(
            "UPDATE referrals SET region_code = ?, office_key = ?, claimed_by = NULL, "
            "status = ?, routed = 0, updated_at = ? WHERE id = ?",
            (region_code, office_key, ReferralStatus.NEW, self.db.now(), referral_id),
        )
        await self.add_event(conn, referral_id, "handed_over", actor)
        await self.add_event(conn, referral_id, ReferralStatus.NEW, actor)

    async def mark_routed(self, conn: Connection, referral_id: int, count: int) -> None:
        """Notes how many people were told of a new referral (0: unrouted)."""
        await conn.execute("UPDATE referrals SET routed = ? WHERE id = ?", (count, referral_id))

    async def open_in(self, regions: tuple[str, ...]) -> list[Referral]:
        """Open referrals of some regions ("*" for all): urgent first, then oldest first."""
        marks = ", ".join("?" for _ in OPEN_STATUSES)
        rows = await self.db.fetchall(
            f"SELECT * FROM referrals WHERE status IN ({marks}) "
            "ORDER BY urgency = 'urgent' DESC, created_at",
            sorted(OPEN_STATUSES),
        )
        found = [_referral(row) for row in rows]
        return [r for r in found if "*" in regions or r.region_code in regions]

    async def record_notification(
        self,
        conn: Connection,
        referral_id: int,
        caseworker_id: int,
        chat_id: int,
        message_id: int,
    ) -> None:
        """Remembers a notification message, so it can be edited when the referral is taken."""
        await conn.execute(
            "INSERT INTO notifications (referral_id, caseworker_id, chat_id, message_id, sent_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (referral_id, caseworker_id, chat_id, message_id, self.db.now()),
        )

    async def notifications(self, referral_id: int) -> list[tuple[int, int, int]]:
        """(caseworker id, chat id, message id) of every notification of a referral."""
        rows = await self.db.fetchall(
            "SELECT caseworker_id, chat_id, message_id FROM notifications WHERE referral_id = ?",
            (referral_id,),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def for_user(self, user_id: int) -> list[Referral]:
        """Her referrals, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM referrals WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [_referral(row) for row in rows]

    async def by_id(self, referral_id: int) -> Referral | None:
        """A referral by its internal id."""
        row = await self.db.fetchone("SELECT * FROM referrals WHERE id = ?", (referral_id,))
        return _referral(row) if row is not None else None

    async def set_travel_date(
        self, conn: Connection, referral_id: int, day: date, actor: str
    ) -> None:
        """Records the day she travels home (set by her caseworker)."""
        await conn.execute(
            "UPDATE referrals SET travel_date = ?, updated_at = ? WHERE id = ?",
            (day.isoformat(), self.db.now(), referral_id),
        )
        await self.add_event(conn, referral_id, "travel_date", actor)

    async def by_code(self, code: str) -> Referral | None:
        """A referral by its reference code."""
        row = await self.db.fetchone("SELECT * FROM referrals WHERE code = ?", (code,))
        return _referral(row) if row is not None else None

    async def personal(self, referral_id: int) -> dict[str, str]:
        """The decrypted personal answers of a referral (for the people allowed to see them)."""
        row = await self.db.fetchone("SELECT personal FROM referrals WHERE id = ?", (referral_id,))
        if row is None or row[0] is None:
            return {}
        data = json.loads(self.cipher.decrypt(row[0], context=PERSONAL_CONTEXT))
        return {str(k): str(v) for k, v in data.items()}

    async def history(self, referral_id: int) -> list[tuple[datetime, str, str]]:
        """Every status change: when, who, what."""
        rows = await self.db.fetchall(
            "SELECT at, actor, status FROM referral_events WHERE referral_id = ? ORDER BY id",
            (referral_id,),
        )
        return [(from_text(r["at"]), r["actor"], r["status"]) for r in rows]
