"""The durable outbox: every proactive message is a row before it is a Telegram request.

A row is written in the same transaction as the change that causes it. The sender claims a row
(state 'sending', one more attempt) in its own transaction before the request, and records the
result after it. A crash between the request and the record leaves the row in 'sending'; on the
next start such rows are sent again, so a message can arrive twice in that case only.
Payloads are channel-neutral (text, buttons as rows of label and data, the protect flag), so any
channel can send them; they are encrypted and blanked once the message is sent. Rows written
before that stored Telegram keyboard JSON ("markup"); they are read back as the same buttons.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.connection import Connection, Row
from storage.crypto import FieldCipher
from storage.db import Database, from_text, to_text

CONTEXT = "outbox.payload"
#: The sealed content of rows that will never be sent goes with them.
DROP_SEALED = (
    "DELETE FROM sealed_messages WHERE outbox_id IN "
    "(SELECT id FROM outbox WHERE {where} AND state IN ('cancelled', 'failed'))"
)

#: Buttons as rows of (label, data).
ButtonRows = tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class OutMessage:
    """A message to send: where, what, and what it belongs to."""

    kind: str
    chat_id: int
    text: str
    buttons: ButtonRows = ()
    protect: bool = False
    user_id: int | None = None
    caseworker_id: int | None = None
    referral_id: int | None = None
    followup_id: int | None = None


@dataclass(frozen=True)
class Queued:
    """A claimed outbox row, ready to be sent."""

    id: int
    attempts: int
    message: OutMessage


def _buttons(data: dict[str, Any]) -> ButtonRows:
    """The stored buttons; a row of the old format holds a Telegram inline keyboard instead."""
    if "buttons" in data:
        return tuple(
            tuple((str(label), str(value)) for label, value in row) for row in data["buttons"]
        )
    legacy = data.get("markup") or {}
    return tuple(
        tuple((str(b["text"]), str(b.get("callback_data", ""))) for b in row)
        for row in legacy.get("inline_keyboard", ())
    )


class OutboxRepo:
    """Writes, claims and settles outbox rows."""

    def __init__(self, db: Database, cipher: FieldCipher) -> None:
        self.db = db
        self.cipher = cipher

    async def add(self, conn: Connection, message: OutMessage, at: datetime | None = None) -> int:
        """Queues a message in the caller's transaction (due now, or at `at`); returns its id."""
        payload = json.dumps(
            {
                "text": message.text,
                "buttons": [[list(button) for button in row] for row in message.buttons],
                "protect": message.protect,
            },
            ensure_ascii=False,
        )
        now = self.db.now()
        cursor = await conn.execute(
            "INSERT INTO outbox (kind, chat_id, user_id, caseworker_id, referral_id, followup_id,"
            " payload, state, next_attempt_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            (
                message.kind,
                message.chat_id,
                message.user_id,
                message.caseworker_id,
                message.referral_id,
                message.followup_id,
                self.cipher.encrypt(payload, context=CONTEXT),
                to_text(at) if at is not None else now,
                now,
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def due(self, limit: int, skip_chats: frozenset[int] = frozenset()) -> list[int]:
        """Ids of pending rows that are due, oldest first, skipping busy chats."""
        rows = await self.db.fetchall(
            "SELECT id, chat_id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? "
            "ORDER BY next_attempt_at, id LIMIT ?",
            (self.db.now(), limit + len(skip_chats)),
        )
        found: list[int] = []
        chats: set[int] = set(skip_chats)
        for row in rows:
            if row["chat_id"] not in chats:
                found.append(row["id"])
                chats.add(row["chat_id"])
        return found[:limit]

    async def claim(self, row_id: int) -> Queued | None:
        """Marks a due pending row as being sent; None if someone else took it or it is gone."""
        row = await self.db.write(self._claim, row_id)
        if row is None:
            return None
        data = json.loads(self.cipher.decrypt(row["payload"], context=CONTEXT))
        message = OutMessage(
            kind=row["kind"],
            chat_id=row["chat_id"],
            text=data["text"],
            buttons=_buttons(data),
            protect=bool(data.get("protect")),
            user_id=row["user_id"],
            caseworker_id=row["caseworker_id"],
            referral_id=row["referral_id"],
            followup_id=row["followup_id"],
        )
        return Queued(row["id"], row["attempts"], message)

    async def _claim(self, conn: Connection, row_id: int) -> Row | None:
        """claim() in its transaction, as one database job: the claimed row, if any."""
        cursor = await conn.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1 "
            "WHERE id = ? AND state = 'pending' AND next_attempt_at <= ?",
            (row_id, self.db.now()),
        )
        if cursor.rowcount != 1:
            return None
        async with conn.execute("SELECT * FROM outbox WHERE id = ?", (row_id,)) as cur:
            row = await cur.fetchone()
        assert row is not None
        return row

    async def sent(self, conn: Connection, row_id: int, message_id: int, chat_id: int) -> bool:
        """Records a delivered message and blanks its payload; False if the row was erased.

        The chat is matched too: an erased row's id can be taken by a newer row to someone else.
        """
        cursor = await conn.execute(
            "UPDATE outbox SET state = 'sent', message_id = ?, sent_at = ?, payload = '', "
            "last_error = NULL WHERE id = ? AND chat_id = ?",
            (message_id, self.db.now(), row_id, chat_id),
        )
        return cursor.rowcount == 1

    async def retry(self, row_id: int, at: datetime, error: str) -> None:
        """Puts a row back to be tried again at `at`."""
        await self.db.write(self.requeue, row_id, at, error)

    async def requeue(self, conn: Connection, row_id: int, at: datetime, error: str) -> None:
        """Puts a claimed row back to be tried again at `at` (caller's transaction)."""
        await conn.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ? "
            "WHERE id = ? AND state = 'sending'",
            (to_text(at), error, row_id),
        )

    async def fail(self, conn: Connection, row_id: int, error: str) -> None:
        """Gives a row up for good (caller's transaction); its payload is blanked."""
        await conn.execute(
            "UPDATE outbox SET state = 'failed', last_error = ?, payload = '' WHERE id = ?",
            (error, row_id),
        )
        await conn.execute(DROP_SEALED.format(where="id = ?"), (row_id,))

    async def skip(self, row_id: int) -> None:
        """Cancels a claimed row whose message is no longer wanted."""
        await self.db.write(self._skip, row_id)

    async def _skip(self, conn: Connection, row_id: int) -> None:
        await conn.execute(
            "UPDATE outbox SET state = 'cancelled', payload = '' WHERE id = ?", (row_id,)
        )
        await conn.execute(DROP_SEALED.format(where="id = ?"), (row_id,))

    async def hold(self, row_id: int, at: datetime) -> None:
        """Puts a claimed row back until `at` without counting the attempt (not yet allowed)."""
        await self.db.write(self._hold, row_id, at)

    async def _hold(self, conn: Connection, row_id: int, at: datetime) -> None:
        await conn.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?, "
            "attempts = MAX(attempts - 1, 0) WHERE id = ? AND state = 'sending'",
            (to_text(at), row_id),
        )

    async def cancel_for_user(self, conn: Connection, user_id: int) -> int:
        """Cancels every unsent message to her (caller's transaction); returns how many."""
        cursor = await conn.execute(
            "UPDATE outbox SET state = 'cancelled', payload = '' "
            "WHERE user_id = ? AND state IN ('pending', 'sending')",
            (user_id,),
        )
        await conn.execute(DROP_SEALED.format(where="user_id = ?"), (user_id,))
        return cursor.rowcount

    async def cancel_to_her(
        self, conn: Connection, referral_id: int, *, keep: frozenset[str] = frozenset()
    ) -> int:
        """Cancels unsent messages to her about a referral, except kinds in `keep`."""
        kinds = ", ".join("?" for _ in keep) or "''"
        cursor = await conn.execute(
            "UPDATE outbox SET state = 'cancelled', payload = '' "
            "WHERE referral_id = ? AND user_id IS NOT NULL AND state = 'pending' "
            f"AND kind NOT IN ({kinds})",
            (referral_id, *sorted(keep)),
        )
        await conn.execute(DROP_SEALED.format(where="referral_id = ?"), (referral_id,))
        return cursor.rowcount

    async def recover(self) -> int:
        """After a restart: rows left in 'sending' are sent again (the documented duplicate)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE outbox SET state = 'pending' WHERE state = 'sending'"
            )
            return cursor.rowcount

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending row falls due, if any."""
        row = await self.db.fetchone(
            "SELECT MIN(next_attempt_at) AS at FROM outbox WHERE state = 'pending'"
        )
        return from_text(row["at"]) if row is not None and row["at"] else None

    async def counts(self) -> dict[str, int]:
        """How many rows are in each state."""
        rows = await self.db.fetchall("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
        return {row["state"]: row["n"] for row in rows}
