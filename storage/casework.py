"""Case work that holds personal text: notes and relayed messages (both encrypted), desk modes.

A desk mode remembers what a caseworker's next typed message is for (a note, a message to
relay, a hand-over search) so that it survives restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.connection import Connection
from storage.crypto import FieldCipher
from storage.db import Database, from_text

NOTE_CONTEXT = "notes.body"
RELAY_CONTEXT = "relay_messages.body"


@dataclass(frozen=True)
class DeskMode:
    """What a caseworker's next typed message is for."""

    mode: str
    code: str
    extra: str


class CaseworkRepo:
    """Notes, relayed messages and desk modes."""

    def __init__(self, db: Database, cipher: FieldCipher) -> None:
        self.db = db
        self.cipher = cipher

    async def add_note(
        self, conn: Connection, referral_id: int, caseworker_id: int, text: str
    ) -> None:
        """Stores an encrypted note on a case."""
        await conn.execute(
            "INSERT INTO notes (referral_id, caseworker_id, body, at) VALUES (?, ?, ?, ?)",
            (
                referral_id,
                caseworker_id,
                self.cipher.encrypt(text, context=NOTE_CONTEXT),
                self.db.now(),
            ),
        )

    async def notes(self, referral_id: int, limit: int = 5) -> list[tuple[datetime, str]]:
        """The newest notes of a case, oldest of them first."""
        rows = await self.db.fetchall(
            "SELECT at, body FROM notes WHERE referral_id = ? ORDER BY id DESC LIMIT ?",
            (referral_id, limit),
        )
        return [
            (from_text(r["at"]), self.cipher.decrypt(r["body"], context=NOTE_CONTEXT))
            for r in reversed(rows)
        ]

    async def add_relay(
        self, conn: Connection, referral_id: int, direction: str, text: str
    ) -> None:
        """Stores a relayed message (direction "to_her" or "from_her"), encrypted."""
        await conn.execute(
            "INSERT INTO relay_messages (referral_id, direction, body, at) VALUES (?, ?, ?, ?)",
            (
                referral_id,
                direction,
                self.cipher.encrypt(text, context=RELAY_CONTEXT),
                self.db.now(),
            ),
        )

    async def relay_thread(self, referral_id: int, limit: int = 5) -> list[tuple[str, str]]:
        """The newest relayed messages of a case as (direction, text), oldest of them first."""
        rows = await self.db.fetchall(
            "SELECT direction, body FROM relay_messages WHERE referral_id = ? "
            "ORDER BY id DESC LIMIT ?",
            (referral_id, limit),
        )
        return [(r[0], self.cipher.decrypt(r[1], context=RELAY_CONTEXT)) for r in reversed(rows)]

    async def relay_entries(
        self, referral_id: int, limit: int = 1000
    ) -> list[tuple[datetime, str, str]]:
        """The newest relayed messages of a case as (at, direction, text), oldest of them first."""
        rows = await self.db.fetchall(
            "SELECT at, direction, body FROM relay_messages WHERE referral_id = ? "
            "ORDER BY id DESC LIMIT ?",
            (referral_id, limit),
        )
        return [
            (from_text(r[0]), r[1], self.cipher.decrypt(r[2], context=RELAY_CONTEXT))
            for r in reversed(rows)
        ]

    async def set_relay_open(self, conn: Connection, referral_id: int, is_open: bool) -> None:
        """Opens or closes the message thread of a referral."""
        await conn.execute(
            "UPDATE referrals SET relay_open = ? WHERE id = ?", (int(is_open), referral_id)
        )

    async def relay_open(self, referral_id: int) -> bool:
        """Tells whether the thread of a referral is open."""
        row = await self.db.fetchone(
            "SELECT relay_open FROM referrals WHERE id = ?", (referral_id,)
        )
        return bool(row[0]) if row is not None else False

    async def set_mode(
        self, conn: Connection, caseworker_id: int, mode: str, code: str, extra: str = ""
    ) -> None:
        """Remembers what her next typed message is for."""
        await conn.execute(
            "INSERT INTO desk_modes (caseworker_id, mode, code, extra, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (caseworker_id) DO UPDATE SET "
            "mode = excluded.mode, code = excluded.code, extra = excluded.extra, "
            "updated_at = excluded.updated_at",
            (caseworker_id, mode, code, extra, self.db.now()),
        )

    async def clear_mode(self, conn: Connection, caseworker_id: int) -> None:
        """Forgets her pending typed-message mode."""
        await conn.execute("DELETE FROM desk_modes WHERE caseworker_id = ?", (caseworker_id,))

    async def mode(self, caseworker_id: int) -> DeskMode | None:
        """What her next typed message is for, if anything."""
        row = await self.db.fetchone(
            "SELECT mode, code, extra FROM desk_modes WHERE caseworker_id = ?", (caseworker_id,)
        )
        return DeskMode(row[0], row[1], row[2]) if row is not None else None
