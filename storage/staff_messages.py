"""Which messages in staff chats show a referral's personal content (ids only, never text).

A case view, a relayed message, a note, a notification: the bot records each message it showed
a caseworker about a referral (and the caseworker's own typed note or message, which it may
delete within 48 hours). When her data is erased, the referral's rows are marked to be cleaned;
the channel then edits or deletes each message (bot/telegram/scrub.py) and forgets the row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storage.connection import Connection
from storage.db import Database

#: The most rows one cleaning round takes.
ROUND = 100
#: Why a message is to be cleaned (the `scrub` column; 0: it is not).
ERASED, CLOSED = 1, 2


@dataclass(frozen=True)
class StaffMessage:
    """One message in a caseworker's chat that showed a referral's personal content."""

    chat_id: int
    message_id: int
    referral_id: int
    code: str
    caseworker_id: int | None
    own: bool  # sent by the bot (can be edited), else typed by the caseworker (only deleted)
    erased: bool = True  # her data was erased (else: the case was closed)


class StaffMessages:
    """Records, marks, lists and forgets staff messages about referrals."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        conn: Connection,
        chat_id: int,
        message_ids: Iterable[int],
        referral_id: int,
        caseworker_id: int | None,
        *,
        own: bool = True,
    ) -> None:
        """Records messages as showing this referral now (an edited message changes referral)."""
        now = self.db.now()
        await conn.executemany(
            "INSERT INTO staff_messages "
            "(chat_id, message_id, referral_id, caseworker_id, own, sent_at, scrub) "
            "VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT (chat_id, message_id) DO UPDATE SET "
            "referral_id = excluded.referral_id, caseworker_id = excluded.caseworker_id, "
            "scrub = 0",
            [
                (chat_id, message_id, referral_id, caseworker_id, int(own), now)
                for message_id in message_ids
            ],
        )

    async def record(
        self,
        chat_id: int,
        message_ids: Iterable[int],
        referral_id: int,
        caseworker_id: int | None,
        *,
        own: bool = True,
    ) -> None:
        """Records messages in one small transaction of their own."""
        ids = list(message_ids)
        if ids:
            await self.db.write(self.add, chat_id, ids, referral_id, caseworker_id, own=own)

    async def release(self, chat_id: int, message_ids: Iterable[int]) -> None:
        """Forgets messages that now show something else (a menu edited over a case view)."""
        ids = list(message_ids)
        if ids:
            await self.db.write(self._forget_all, chat_id, ids)

    async def _forget_all(self, conn: Connection, chat_id: int, ids: list[int]) -> None:
        await conn.executemany(
            "DELETE FROM staff_messages WHERE chat_id = ? AND message_id = ? AND scrub = 0",
            [(chat_id, message_id) for message_id in ids],
        )

    async def to_clean(self, limit: int = ROUND) -> list[StaffMessage]:
        """Messages waiting to be cleaned, oldest first."""
        rows = await self.db.fetchall(
            "SELECT s.chat_id, s.message_id, s.referral_id, r.code, s.caseworker_id, s.own, "
            "s.scrub FROM staff_messages s JOIN referrals r ON r.id = s.referral_id "
            "WHERE s.scrub > 0 ORDER BY s.sent_at, s.message_id LIMIT ?",
            (limit,),
        )
        return [
            StaffMessage(
                int(r[0]), int(r[1]), int(r[2]), str(r[3]), r[4], bool(r[5]), r[6] == ERASED
            )
            for r in rows
        ]

    async def cleaned(self, conn: Connection, chat_id: int, message_id: int) -> None:
        """Forgets a message once it was cleaned, or reported as not cleanable."""
        await conn.execute(
            "DELETE FROM staff_messages WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )


async def mark_for_cleaning(conn: Connection, referral_id: int, why: int = ERASED) -> int:
    """Marks every staff message about the referral to be cleaned (in the caller's transaction).

    An erasure wins over a closure still waiting to be cleaned.
    """
    cursor = await conn.execute(
        "UPDATE staff_messages SET scrub = ? WHERE referral_id = ? AND scrub NOT IN (?, ?)",
        (why, referral_id, why, ERASED),
    )
    return max(cursor.rowcount, 0)
