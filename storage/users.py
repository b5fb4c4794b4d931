"""People who talk to the bot: their Telegram id, language and region (nothing else).

`region_code` is a coarse Kemendagri kab/kota code such as "53.71", not a personal value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

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


def _user(row: aiosqlite.Row) -> User:
    return User(
        id=row["id"],
        telegram_id=row["telegram_id"],
        locale=row["locale"],
        region_code=row["region_code"],
        created_at=from_text(row["created_at"]),
        last_seen_at=from_text(row["last_seen_at"]),
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
        now = self.db.now()
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (telegram_id, created_at, last_seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT (telegram_id) DO NOTHING",
                (telegram_id, now, now),
            )
            async with conn.execute(
                "SELECT * FROM users WHERE telegram_id = ?", (telegram_id,)
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return _user(row)

    async def save_profile(
        self, conn: aiosqlite.Connection, user_id: int, locale: str, region_code: str | None
    ) -> None:
        """Stores her language, region and last-seen time in the caller's transaction."""
        await conn.execute(
            "UPDATE users SET locale = ?, region_code = ?, last_seen_at = ? WHERE id = ?",
            (locale, region_code, self.db.now(), user_id),
        )

    async def set_locale(self, conn: aiosqlite.Connection, user_id: int, locale: str) -> None:
        """Stores her language in the caller's transaction."""
        await conn.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id))

    async def set_region(
        self, conn: aiosqlite.Connection, user_id: int, region_code: str | None
    ) -> None:
        """Stores her kab/kota code (None to forget it) in the caller's transaction."""
        await conn.execute("UPDATE users SET region_code = ? WHERE id = ?", (region_code, user_id))
