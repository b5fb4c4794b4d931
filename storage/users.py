"""People who talk to the bot: their Telegram id, language and region (nothing else)."""

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
    """Reads and writes users."""

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
        """Finds a user, creating her on first contact."""
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
        user = await self.get(telegram_id)
        assert user is not None
        return user

    async def save_profile(
        self, conn: aiosqlite.Connection, user_id: int, locale: str, region_code: str | None
    ) -> None:
        """Stores her language, region and last-seen time in the caller's transaction."""
        await conn.execute(
            "UPDATE users SET locale = ?, region_code = ?, last_seen_at = ? WHERE id = ?",
            (locale, region_code, self.db.now(), user_id),
        )
