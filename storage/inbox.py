"""The durable inbox: updates are stored before they are acknowledged, and handled once.

An update is written (encrypted) before Telegram learns that it arrived: before the next
getUpdates call moves the offset on, or before a webhook call is answered 200. Its update_id is
the primary key, so an update Telegram delivers again is recognised and not handled twice. Once
handled its payload is blanked; the id stays a day for deduplication, then goes.

An update that cannot be read (python-telegram-bot cannot parse it) is quarantined: kept
encrypted with the type of the error in inbox_quarantine (whose key also recognises it when it
is delivered again), audited, counted, and never handed to the bot. Each quarantined row carries a
blind index of its sender (storage/quarantine.py), so that erasing her removes it too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from storage.audit import AuditRepo
from storage.connection import Connection
from storage.crypto import DecryptionFailed, FieldCipher
from storage.db import Database, to_text
from storage.quarantine import sender_tag

CONTEXT = "inbox.payload"
KEEP_IDS = timedelta(days=1)
ACTOR = "system:inbox"
QUARANTINE = "inbox.quarantine"

Stored = tuple[int, dict[str, Any]]
Unreadable = tuple[int, Any, str]  # update_id, the payload as received, why (an error type name)


class InboxRepo:
    """Stores incoming updates, finds unhandled ones, marks them handled."""

    def __init__(self, db: Database, cipher: FieldCipher) -> None:
        self.db = db
        self.cipher = cipher
        self.audit = AuditRepo(db)

    async def accept(
        self, updates: Sequence[Stored], unreadable: Sequence[Unreadable] = ()
    ) -> list[int]:
        """Stores a batch in one transaction; returns the ids not seen before, in order.

        Unreadable updates are stored quarantined (and audited) in the same transaction.
        """
        if not updates and not unreadable:
            return []
        return await self.db.write(self._accept, updates, unreadable)

    async def _accept(
        self, conn: Connection, updates: Sequence[Stored], unreadable: Sequence[Unreadable]
    ) -> list[int]:
        """accept() in its transaction, as one database job."""
        fresh: list[int] = []
        now = self.db.now()
        for update_id, payload in updates:
            sealed = self.cipher.encrypt(json.dumps(payload), context=CONTEXT)
            cursor = await conn.execute(
                "INSERT INTO inbox (update_id, payload, state, received_at) "
                "VALUES (?, ?, 'pending', ?) ON CONFLICT (update_id) DO NOTHING",
                (update_id, sealed, now),
            )
            if cursor.rowcount == 1:
                fresh.append(update_id)
        for update_id, payload, reason in unreadable:
            sealed = self.cipher.encrypt(json.dumps(payload), context=CONTEXT)
            sender = await sender_tag(conn, self.cipher, payload)
            cursor = await conn.execute(
                "INSERT INTO inbox_quarantine "
                "(update_id, payload, reason, received_at, quarantined_at, sender) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING",
                (update_id, sealed, reason, now, now, sender),
            )
            if cursor.rowcount == 1:
                await self._audit(conn, update_id, reason)
        return fresh

    async def quarantine(self, update_id: int, reason: str) -> None:
        """Moves a stored pending update that cannot be read into the quarantine (kept, unread)."""
        await self.db.write(self._quarantine, update_id, reason)

    async def _quarantine(self, conn: Connection, update_id: int, reason: str) -> None:
        """quarantine() in its transaction: the row moves as it is, tagged with its sender."""
        async with conn.execute(
            "SELECT payload FROM inbox WHERE update_id = ? AND state = 'pending'", (update_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return
        try:
            payload = json.loads(self.cipher.decrypt(str(row[0]), context=CONTEXT))
            sender: str | None = await sender_tag(conn, self.cipher, payload)
        except (DecryptionFailed, ValueError):
            sender = None  # tagged when it opens again (storage/quarantine.py)
        cursor = await conn.execute(
            "INSERT INTO inbox_quarantine "
            "(update_id, payload, reason, received_at, quarantined_at, sender) "
            "SELECT update_id, payload, ?, received_at, ?, ? FROM inbox "
            "WHERE update_id = ? AND state = 'pending' ON CONFLICT (update_id) DO NOTHING",
            (reason, self.db.now(), sender, update_id),
        )
        moved = cursor.rowcount == 1
        await conn.execute(
            "DELETE FROM inbox WHERE update_id = ? AND state = 'pending'", (update_id,)
        )
        if moved:
            await self._audit(conn, update_id, reason)

    async def _audit(self, conn: Connection, update_id: int, reason: str) -> None:
        await self.audit.append(conn, ACTOR, QUARANTINE, f"update:{update_id}", reason)

    async def payload(self, update_id: int) -> dict[str, Any] | None:
        """A pending update as JSON (None once handled)."""
        row = await self.db.fetchone(
            "SELECT payload FROM inbox WHERE update_id = ? AND state = 'pending'", (update_id,)
        )
        if row is None:
            return None
        data: dict[str, Any] = json.loads(self.cipher.decrypt(row[0], context=CONTEXT))
        return data

    async def pending(self) -> list[int]:
        """Ids of stored updates not yet handled (after a crash), oldest first."""
        rows = await self.db.fetchall(
            "SELECT update_id FROM inbox WHERE state = 'pending' ORDER BY update_id"
        )
        return [int(row[0]) for row in rows]

    async def mark_done(self, conn: Connection, update_id: int) -> None:
        """Marks an update handled in the caller's transaction and blanks its payload."""
        await conn.execute(
            "UPDATE inbox SET state = 'done', payload = '', done_at = ? "
            "WHERE update_id = ? AND state = 'pending'",
            (self.db.now(), update_id),
        )

    async def done(self, update_id: int) -> None:
        """Marks an update handled (its own small transaction; a no-op if already marked)."""
        row = await self.db.fetchone("SELECT state FROM inbox WHERE update_id = ?", (update_id,))
        if row is None or row[0] != "pending":
            return
        await self.db.write(self.mark_done, update_id)

    async def forget_old(self) -> int:
        """Drops handled ids older than a day (Telegram no longer re-delivers them)."""
        cutoff = to_text(self.db.clock() - KEEP_IDS)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM inbox WHERE state = 'done' AND done_at < ?", (cutoff,)
            )
            return cursor.rowcount

    async def counts(self) -> dict[str, int]:
        """How many updates are in each state ("quarantined" too, when there are any)."""
        rows = await self.db.fetchall("SELECT state, COUNT(*) AS n FROM inbox GROUP BY state")
        counts: dict[str, int] = {row["state"]: row["n"] for row in rows}
        kept = await self.db.fetchone("SELECT COUNT(*) FROM inbox_quarantine")
        if kept is not None and kept[0]:
            counts["quarantined"] = int(kept[0])
        return counts

    async def quarantined(self, update_id: int) -> tuple[dict[str, Any], str] | None:
        """A quarantined update as it was received, and why it could not be read."""
        row = await self.db.fetchone(
            "SELECT payload, reason FROM inbox_quarantine WHERE update_id = ?", (update_id,)
        )
        if row is None:
            return None
        data: dict[str, Any] = json.loads(self.cipher.decrypt(row[0], context=CONTEXT))
        return data, str(row[1])
