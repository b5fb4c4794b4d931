"""Caseworkers, supervisors and admins: their regions, services, role, and one-time invites.

Names are personal data and are stored encrypted; the Telegram id is kept in clear because every
update must be matched against it. An invite token is stored only as its SHA-256 hash.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flows.routing import StaffCover, covers_region, covers_service, route
from storage.connection import Connection, Row
from storage.crypto import FieldCipher
from storage.db import Database, from_text, to_text

NAME_CONTEXT = "caseworkers.name"
ROLES = ("caseworker", "supervisor", "admin")
ANY = "*"


@dataclass(frozen=True)
class Caseworker:
    """A member of staff who works referrals."""

    id: int
    name: str
    role: str
    regions: tuple[str, ...]
    services: tuple[str, ...]
    telegram_id: int | None
    active: bool

    def covers(self, region_code: str, service: str) -> bool:
        """Tells whether a referral of this region and service is hers to work."""
        return self.covers_region(region_code) and covers_service(self.services, service)

    def covers_region(self, region_code: str) -> bool:
        """Tells whether the kab/kota is hers: listed, in a province she covers, or she has "*"."""
        return covers_region(self.regions, region_code)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in (p.strip() for p in value.split(",")) if v)


def token_hash(token: str) -> str:
    """The stored form of an invite token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class CaseworkerRepo:
    """Reads and writes caseworkers and their invites."""

    def __init__(self, db: Database, cipher: FieldCipher) -> None:
        self.db = db
        self.cipher = cipher
        self._covers: tuple[int, tuple[StaffCover, ...]] | None = None  # version, covers

    def _from_row(self, row: Row) -> Caseworker:
        return Caseworker(
            id=row["id"],
            name=self.cipher.decrypt(row["name"], context=NAME_CONTEXT),
            role=row["role"],
            regions=_split(row["regions"]),
            services=_split(row["services"]),
            telegram_id=row["telegram_id"],
            active=bool(row["active"]),
        )

    async def invite(
        self, name: str, role: str, regions: list[str], services: list[str], valid_for: timedelta
    ) -> tuple[int, str]:
        """Creates a caseworker and a one-time invite; returns her id and the secret token."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        token = secrets.token_urlsafe(24)
        expires = to_text(self.db.clock() + valid_for)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO caseworkers (name, role, regions, services, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    self.cipher.encrypt(name, context=NAME_CONTEXT),
                    role,
                    ",".join(regions),
                    ",".join(services),
                    self.db.now(),
                ),
            )
            caseworker_id = cursor.lastrowid
            assert caseworker_id is not None
            await conn.execute(
                "INSERT INTO invites (token_hash, caseworker_id, expires_at) VALUES (?, ?, ?)",
                (token_hash(token), caseworker_id, expires),
            )
        return caseworker_id, token

    async def redeem(self, conn: Connection, token: str, telegram_id: int) -> int | None:
        """Binds a Telegram account with an unused, unexpired invite; returns the caseworker id."""
        row = await self.db.fetchone(
            "SELECT i.caseworker_id, i.expires_at, i.used_at, c.active, c.telegram_id "
            "FROM invites i JOIN caseworkers c ON c.id = i.caseworker_id WHERE i.token_hash = ?",
            (token_hash(token),),
        )
        if row is None or row["used_at"] is not None or not row["active"]:
            return None
        if from_text(row["expires_at"]) < self.db.clock() or row["telegram_id"] is not None:
            return None
        taken = await self.db.fetchone(
            "SELECT id FROM caseworkers WHERE telegram_id = ?", (telegram_id,)
        )
        if taken is not None:
            return None
        now = self.db.now()
        await conn.execute(
            "UPDATE invites SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
            (now, token_hash(token)),
        )
        await conn.execute(
            "UPDATE caseworkers SET telegram_id = ?, bound_at = ? WHERE id = ?",
            (telegram_id, now, row["caseworker_id"]),
        )
        return int(row["caseworker_id"])

    async def by_telegram(self, telegram_id: int) -> Caseworker | None:
        """The active caseworker bound to a Telegram account, if any."""
        row = await self.db.fetchone(
            "SELECT * FROM caseworkers WHERE telegram_id = ? AND active = 1", (telegram_id,)
        )
        return self._from_row(row) if row is not None else None

    async def get(self, caseworker_id: int) -> Caseworker | None:
        """A caseworker by id (active or not)."""
        row = await self.db.fetchone("SELECT * FROM caseworkers WHERE id = ?", (caseworker_id,))
        return self._from_row(row) if row is not None else None

    async def all(self) -> list[Caseworker]:
        """Every caseworker, active or not."""
        rows = await self.db.fetchall("SELECT * FROM caseworkers ORDER BY id")
        return [self._from_row(row) for row in rows]

    async def deactivate(self, conn: Connection, caseworker_id: int) -> bool:
        """Takes away access at once; returns False if there was no such active caseworker."""
        cursor = await conn.execute(
            "UPDATE caseworkers SET active = 0, deactivated_at = ? WHERE id = ? AND active = 1",
            (self.db.now(), caseworker_id),
        )
        return cursor.rowcount == 1

    async def reachable(self) -> list[Caseworker]:
        """The active staff accounts bound to a Telegram account."""
        return [c for c in await self.all() if c.active and c.telegram_id is not None]

    async def routed(self, region_code: str, service: str) -> tuple[str | None, list[Caseworker]]:
        """Who is told of a new referral, and at which level (flows/routing); None: nobody."""
        return route(await self.reachable(), region_code, service)

    async def covers(self) -> tuple[StaffCover, ...]:
        """What the reachable accounts cover, without reading their names (for the flows).

        Kept per process until `staff_version` moves: triggers on caseworkers move it with
        every change that can matter, in this process or another. The version is read before
        the accounts, so what is kept is never older than the version it is kept under.
        """
        row = await self.db.fetchone("SELECT version FROM staff_version")
        version = int(row[0]) if row is not None else None
        kept = self._covers
        if kept is not None and version is not None and kept[0] == version:
            return kept[1]
        rows = await self.db.fetchall(
            "SELECT role, regions, services FROM caseworkers "
            "WHERE active = 1 AND telegram_id IS NOT NULL ORDER BY id"
        )
        covers = tuple(
            StaffCover(row["role"], _split(row["regions"]), _split(row["services"])) for row in rows
        )
        # Inside an open transaction the version may be one that is rolled back and used again.
        if version is not None and not self.db.sees_uncommitted():
            self._covers = (version, covers)
        return covers

    async def recipients(self, region_code: str, service: str) -> list[Caseworker]:
        """Who is told of a new referral: the most local level that has anyone."""
        return (await self.routed(region_code, service))[1]

    async def supervisors(self, region_code: str) -> list[Caseworker]:
        """The active supervisors of a region (escalations go to them)."""
        bound = [c for c in await self.all() if c.active and c.telegram_id is not None]
        return [c for c in bound if c.role == "supervisor" and c.covers_region(region_code)]
