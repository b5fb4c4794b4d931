"""Sealed messages: the content of a proactive message to her, kept until she opens it.

The outbox row sent to her chat carries only a neutral preview and a button naming a sealed row;
what the message says stays here, encrypted, until she taps the button. Rows are deleted with her
data (storage/erasure.py), when the message they belong to is cancelled before it is sent, and
when she wipes her chat (those already sent: a preview the wipe could not delete opens nothing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from storage.connection import Connection
from storage.crypto import FieldCipher
from storage.db import Database

CONTEXT = "sealed_messages.payload"

#: Buttons as rows of (label, data).
ButtonRows = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class Sealed:
    """One sealed message, decrypted: whose it is, what it says, its buttons."""

    id: int
    user_id: int
    referral_id: int | None
    text: str
    buttons: ButtonRows = ()


class SealedRepo:
    """Seals, reads and drops the content of messages to her."""

    def __init__(self, db: Database, cipher: FieldCipher) -> None:
        self.db = db
        self.cipher = cipher

    async def add(
        self,
        conn: Connection,
        user_id: int,
        referral_id: int | None,
        text: str,
        buttons: ButtonRows,
    ) -> int:
        """Stores a message's content, encrypted, in the caller's transaction; returns its id."""
        payload = json.dumps(
            {"text": text, "buttons": [[list(b) for b in row] for row in buttons]},
            ensure_ascii=False,
        )
        cursor = await conn.execute(
            "INSERT INTO sealed_messages (user_id, referral_id, payload, created_at)"
            " VALUES (?, ?, ?, ?)",
            (user_id, referral_id, self.cipher.encrypt(payload, context=CONTEXT), self.db.now()),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def link(self, conn: Connection, sealed_id: int, outbox_id: int) -> None:
        """Records which outbox row carries the preview of this message."""
        await conn.execute(
            "UPDATE sealed_messages SET outbox_id = ? WHERE id = ?", (outbox_id, sealed_id)
        )

    async def get(self, sealed_id: int, user_id: int) -> Sealed | None:
        """Her sealed message with this id; None if it is gone or someone else's."""
        row = await self.db.fetchone(
            "SELECT s.* FROM sealed_messages s LEFT JOIN outbox o ON o.id = s.outbox_id "
            "WHERE s.id = ? AND s.user_id = ? AND (o.id IS NULL OR o.state = 'sent')",
            (sealed_id, user_id),
        )
        if row is None:
            return None
        data = json.loads(self.cipher.decrypt(row["payload"], context=CONTEXT))
        buttons = tuple(
            tuple((str(label), str(value)) for label, value in r) for r in data.get("buttons", [])
        )
        return Sealed(row["id"], row["user_id"], row["referral_id"], data["text"], buttons)

    async def opened(self, conn: Connection, sealed_id: int) -> None:
        """Records that she opened it (caller's transaction)."""
        await conn.execute(
            "UPDATE sealed_messages SET opened_at = COALESCE(opened_at, ?) WHERE id = ?",
            (self.db.now(), sealed_id),
        )

    async def forget_sent(self, conn: Connection, user_id: int) -> int:
        """Deletes her sealed messages but those still on their way (caller's transaction)."""
        cursor = await conn.execute(
            "DELETE FROM sealed_messages WHERE user_id = ? AND NOT EXISTS (SELECT 1 FROM outbox o "
            "WHERE o.id = sealed_messages.outbox_id AND o.state IN ('pending', 'sending'))",
            (user_id,),
        )
        return max(cursor.rowcount, 0)
