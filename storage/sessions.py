"""Flow sessions: the conversation state of each person, encrypted as a whole."""

from __future__ import annotations

import json
from typing import Any

from storage.connection import Connection
from storage.crypto import FieldCipher
from storage.db import Database

CONTEXT = "flow_sessions.data"


class SessionRepo:
    """Loads and saves flow sessions; the stored JSON is always encrypted."""

    def __init__(self, db: Database, cipher: FieldCipher) -> None:
        self.db = db
        self.cipher = cipher

    async def load(self, user_id: int) -> dict[str, Any] | None:
        """Returns her session data, or None if she has none."""
        row = await self.db.fetchone("SELECT data FROM flow_sessions WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        data = json.loads(self.cipher.decrypt(row[0], context=CONTEXT))
        return data if isinstance(data, dict) else None

    async def version(self, user_id: int) -> int:
        """How many times her session was saved (0 if never)."""
        row = await self.db.fetchone(
            "SELECT version FROM flow_sessions WHERE user_id = ?", (user_id,)
        )
        return int(row[0]) if row is not None else 0

    async def save(self, conn: Connection, user_id: int, data: dict[str, Any]) -> None:
        """Stores her session (encrypted JSON, version + 1) inside the caller's transaction."""
        token = self.cipher.encrypt(json.dumps(data, ensure_ascii=False), context=CONTEXT)
        await conn.execute(
            "INSERT INTO flow_sessions (user_id, data, version, updated_at) VALUES (?, ?, 1, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, "
            "version = flow_sessions.version + 1, updated_at = excluded.updated_at",
            (user_id, token, self.db.now()),
        )

    async def delete(self, conn: Connection, user_id: int) -> bool:
        """Forgets her session inside the caller's transaction; False if she had none."""
        cursor = await conn.execute("DELETE FROM flow_sessions WHERE user_id = ?", (user_id,))
        return cursor.rowcount == 1
