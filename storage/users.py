"""People who talk to the bot: their Telegram id, language and region (nothing else).

`region_code` is a coarse Kemendagri kab/kota code such as "53.71", not a personal value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection, Row
from storage.db import Database, from_text


@dataclass(frozen=True)
class User:
    """A person known to the bot, by internal id."""

    id: int
    telegram_id: int
    locale: str
    region_code: str | None
    created_at: datetime
    last_seen_at: datetime
    followups: str = "off"
    shared_phone: bool = False
    unreachable: bool = False


def _user(row: Row) -> User:
    return User(
        id=row["id"],
        telegram_id=row["telegram_id"],
        locale=row["locale"],
        region_code=row["region_code"],
        created_at=from_text(row["created_at"]),
        last_seen_at=from_text(row["last_seen_at"]),
        followups=row["followups"],
        shared_phone=bool(row["shared_phone"]),
        unreachable=row["unreachable_at"] is not None,
    )


class UserRepo:
    """Reads and writes users; writes take the caller's transaction, except first contact."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def by_id(self, user_id: int) -> User | None:
        """Finds a user by internal id."""
        row = await self.db.fetchone("SELECT * FROM users WHERE id = ?", (user_id,))
        return _user(row) if row is not None else None

    async def get(self, telegram_id: int) -> User | None:
        """Finds a user by Telegram id."""
        row = await self.db.fetchone("SELECT * FROM users WHERE telegram_id = ?", (telegram_id,))
        return _user(row) if row is not None else None

    async def get_or_create(self, telegram_id: int) -> User:
        """Finds a user, creating her (in its own transaction) on first contact.

        An existing user is only read: her last_seen_at is refreshed by save_profile() in the
        update's one commit, so a message costs one write transaction, not two.
        """
        user = await self.get(telegram_id)
        if user is not None:
            return user
        return _user(await self.db.write(self._create, telegram_id))

    async def _create(self, conn: Connection, telegram_id: int) -> Row:
        """Her first contact, in its transaction: her row (created unless it was meanwhile)."""
        now = self.db.now()
        await conn.execute(
            "INSERT INTO users (telegram_id, created_at, last_seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT (telegram_id) DO NOTHING",
            (telegram_id, now, now),
        )
        async with conn.execute("SELECT * FROM users WHERE telegram_id = ?", (telegram_id,)) as cur:
            row = await cur.fetchone()
        assert row is not None
        return row

    async def save_profile(
        self,
        conn: Connection,
        user_id: int,
        locale: str,
        region_code: str | None,
        shared_phone: bool | None = None,
    ) -> None:
        """Stores her language, region, shared-phone mode (None: unchanged) and last-seen time."""
        await conn.execute(
            "UPDATE users SET locale = ?, region_code = ?, last_seen_at = ?, "
            "shared_phone = COALESCE(?, shared_phone) WHERE id = ?",
            (
                locale,
                region_code,
                self.db.now(),
                None if shared_phone is None else int(shared_phone),
                user_id,
            ),
        )

    async def set_locale(self, conn: Connection, user_id: int, locale: str) -> None:
        """Stores her language in the caller's transaction."""
        await conn.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id))

    async def set_region(self, conn: Connection, user_id: int, region_code: str | None) -> None:
        """Stores her kab/kota code (None to forget it) in the caller's transaction."""
        await conn.execute("UPDATE users SET region_code = ? WHERE id = ?", (region_code, user_id))

    async def set_followups(self, conn: Connection, user_id: int, state: str) -> None:
        """Stores her follow-up choice: 'on', 'paused' or 'off' (caller's transaction)."""
        await conn.execute("UPDATE users SET followups = ? WHERE id = ?", (state, user_id))

    async def forbidden(self, conn: Connection, user_id: int) -> int:
        """Counts one more refused delivery (she blocked the bot); returns the count so far."""
        await conn.execute(
            "UPDATE users SET forbidden_count = forbidden_count + 1 WHERE id = ?", (user_id,)
        )
        async with conn.execute(
            "SELECT forbidden_count FROM users WHERE id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row is not None else 0

    async def mark_unreachable(self, conn: Connection, user_id: int) -> None:
        """Notes that she cannot be reached (repeated refusals) until she writes again."""
        await conn.execute(
            "UPDATE users SET unreachable_at = ? WHERE id = ?", (self.db.now(), user_id)
        )

    async def reachable(self, conn: Connection, user_id: int) -> None:
        """She wrote to the bot: deliveries to her work again."""
        await conn.execute(
            "UPDATE users SET forbidden_count = 0, unreachable_at = NULL WHERE id = ? "
            "AND (forbidden_count > 0 OR unreachable_at IS NOT NULL)",
            (user_id,),
        )
