"""The message ids of her private chat (ids only, never text), so that she can wipe the chat.

Telegram lets a bot delete messages of a private chat, hers and its own, for 48 hours; it offers
no way to list them, so the bot keeps the ids it saw and forgets them once deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from storage.connection import Connection
from storage.db import Database, to_text

#: How long Telegram lets a bot delete a message.
DELETE_WINDOW = timedelta(hours=48)


class ChatLog:
    """Records, lists and forgets the message ids of private chats."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, conn: Connection, chat_id: int, message_ids: Iterable[int]) -> None:
        """Records message ids as seen now, in the caller's transaction (repeats are ignored).

        Only while she exists: each row is written by one statement that checks her user row,
        so ids of a reply in flight while she is erased (by another process too) are not
        written back after the erasure.
        """
        now = self.db.now()
        await conn.executemany(
            "INSERT OR IGNORE INTO chat_messages (chat_id, message_id, sent_at) "
            "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE telegram_id = ?)",
            [(chat_id, message_id, now, chat_id) for message_id in message_ids],
        )

    async def record(self, chat_id: int, message_ids: Iterable[int]) -> None:
        """Records message ids in one small transaction of their own."""
        ids = list(message_ids)
        if not ids:
            return
        await self.db.write(self.add, chat_id, ids)

    async def recent(self, chat_id: int, within: timedelta = DELETE_WINDOW) -> list[int]:
        """Ids of the chat's messages recorded less than `within` ago, oldest first."""
        since: datetime = self.db.clock() - within
        rows = await self.db.fetchall(
            "SELECT message_id FROM chat_messages WHERE chat_id = ? AND sent_at >= ? "
            "ORDER BY message_id",
            (chat_id, to_text(since)),
        )
        return [int(row[0]) for row in rows]

    async def forget(
        self,
        chat_id: int,
        message_ids: Iterable[int] | None = None,
        keep: Iterable[int] = (),
    ) -> None:
        """Forgets some ids of a chat, or all of them (None) but those to `keep`."""
        await self.db.write(self._forget, chat_id, message_ids, sorted(set(keep)))

    async def _forget(
        self, conn: Connection, chat_id: int, message_ids: Iterable[int] | None, kept: list[int]
    ) -> None:
        if message_ids is None:
            marks = ", ".join("?" * len(kept))
            await conn.execute(
                f"DELETE FROM chat_messages WHERE chat_id = ? AND message_id NOT IN ({marks})",
                (chat_id, *kept),
            )
            return
        await conn.executemany(
            "DELETE FROM chat_messages WHERE chat_id = ? AND message_id = ?",
            [(chat_id, message_id) for message_id in message_ids if message_id not in kept],
        )


async def record_sent(db: Database, chat_id: int, message_id: int) -> None:
    """Records one message the bot sent to her outside a conversation step (the outbox)."""
    await ChatLog(db).record(chat_id, (message_id,))
