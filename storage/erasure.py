"""Erasing personal data: one referral's personal fields, or everything of one person.

Both functions work inside the caller's transaction and append nothing to the audit log (the
caller says why it erased). What stays is what anonymous statistics need: the referral row with
its service, region, status, outcome, urgency, contact method and dates, its status history, and
consent rows (purpose, text version, times) no longer linked to anyone. With `PRAGMA
secure_delete=ON` (storage/db.py) the freed bytes are zeroed; once the WAL is checkpointed
(`checkpoint()`), the erased values are gone from the files on disk.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.connection import Connection
from storage.crypto import FieldCipher
from storage.db import Database
from storage.quarantine import erase_sender
from storage.staff_messages import mark_for_cleaning

UNSENT = "('pending', 'sending')"
# What erasure does with each encrypted column of storage/fields.py (by EncryptedField.name); a
# test checks that the two lists agree, so a new encrypted column cannot be forgotten here.
HANDLED: dict[str, str] = {
    "flow_sessions.data": "deleted with her session",
    "referrals.personal": "set to NULL",
    "notes.body": "deleted with the note",
    "relay_messages.body": "deleted with the message",
    "outbox.payload": "blanked; messages to her chat deleted",
    "caseworkers.name": "not hers: staff",
    "meta.key_check": "not personal: the key-check canary",
    "meta.sender_index": "not personal: the key of the quarantine's sender index",
    "inbox.payload": "blanked once the update is handled (the erasing update in the same commit)",
    "inbox_quarantine.payload": "deleted when it names her (by its sender index), or after KEEP",
    "sealed_messages.payload": "deleted with her sealed messages",
}


@dataclass(frozen=True)
class Erased:
    """How many rows an erasure changed (0 everywhere when there was nothing left to erase)."""

    referrals: int = 0
    notes: int = 0
    relay_messages: int = 0
    outbox: int = 0
    followups: int = 0
    sessions: int = 0
    chat_messages: int = 0
    consents: int = 0
    users: int = 0
    sealed: int = 0
    quarantined: int = 0

    def __add__(self, other: Erased) -> Erased:
        return Erased(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )

    @property
    def total(self) -> int:
        """Rows changed in all."""
        return sum(getattr(self, name) for name in self.__dataclass_fields__)


async def _changed(conn: Connection, sql: str, params: tuple[object, ...]) -> int:
    cursor = await conn.execute(sql, params)
    return max(cursor.rowcount, 0)


async def erase_referral_personal(conn: Connection, referral_id: int) -> Erased:
    """Erases a referral's personal fields, notes, relayed messages and unsent messages.

    The row itself stays for statistics; `personal`, the contact window and the travel day go,
    unsent outbox rows of the referral are cancelled and every outbox payload of it blanked.
    """
    referrals = await _changed(
        conn,
        "UPDATE referrals SET personal = NULL, time_window = NULL, travel_date = NULL "
        "WHERE id = ? AND (personal IS NOT NULL OR time_window IS NOT NULL "
        "OR travel_date IS NOT NULL)",
        (referral_id,),
    )
    notes = await _changed(conn, "DELETE FROM notes WHERE referral_id = ?", (referral_id,))
    relayed = await _changed(
        conn, "DELETE FROM relay_messages WHERE referral_id = ?", (referral_id,)
    )
    cancelled = await _changed(
        conn,
        f"UPDATE outbox SET state = 'cancelled', payload = '' "
        f"WHERE referral_id = ? AND state IN {UNSENT}",
        (referral_id,),
    )
    blanked = await _changed(
        conn,
        "UPDATE outbox SET payload = '' WHERE referral_id = ? AND payload != ''",
        (referral_id,),
    )
    sealed = await _changed(
        conn, "DELETE FROM sealed_messages WHERE referral_id = ?", (referral_id,)
    )
    # What staff chats still show of it is cleaned by the channel (bot/telegram/scrub.py).
    await mark_for_cleaning(conn, referral_id)
    return Erased(
        referrals=referrals,
        notes=notes,
        relay_messages=relayed,
        outbox=cancelled + blanked,
        sealed=sealed,
    )


async def erase_user(conn: Connection, user_id: int, cipher: FieldCipher) -> Erased:
    """Erases everything personal of one person, her Telegram id included.

    Her referrals lose their personal fields (as erase_referral_personal) and their link to her;
    her session, pending follow-ups, messages to her, the ids of her chat's messages and the
    updates of hers the bot could not read (found by their sender index, which `cipher` opens)
    go; her consents stay as anonymous proof; then her user row is deleted. Nothing is left that
    leads to her Telegram account. Does nothing (all zeros) for an unknown user id.
    """
    async with conn.execute("SELECT telegram_id FROM users WHERE id = ?", (user_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return Erased()
    telegram_id = int(row[0])
    erased = Erased()
    async with conn.execute("SELECT id FROM referrals WHERE user_id = ?", (user_id,)) as cursor:
        referral_ids = [int(r[0]) for r in await cursor.fetchall()]
    for referral_id in referral_ids:
        erased += await erase_referral_personal(conn, referral_id)
    followups = await _changed(
        conn,
        "UPDATE followups SET state = 'cancelled' WHERE user_id = ? AND state = 'pending'",
        (user_id,),
    )
    # Messages addressed to her name her chat (her Telegram id): they go, sent or not.
    outbox = await _changed(
        conn, "DELETE FROM outbox WHERE user_id = ? OR chat_id = ?", (user_id, telegram_id)
    )
    sessions = await _changed(conn, "DELETE FROM flow_sessions WHERE user_id = ?", (user_id,))
    sealed = await _changed(conn, "DELETE FROM sealed_messages WHERE user_id = ?", (user_id,))
    chat = await _changed(conn, "DELETE FROM chat_messages WHERE chat_id = ?", (telegram_id,))
    quarantined = await erase_sender(conn, cipher, telegram_id)
    consents = await _changed(
        conn, "UPDATE consents SET user_id = NULL WHERE user_id = ?", (user_id,)
    )
    await conn.execute("UPDATE referrals SET user_id = NULL WHERE user_id = ?", (user_id,))
    await conn.execute("UPDATE followups SET user_id = NULL WHERE user_id = ?", (user_id,))
    users = await _changed(conn, "DELETE FROM users WHERE id = ?", (user_id,))
    return erased + Erased(
        outbox=outbox,
        followups=followups,
        sessions=sessions,
        chat_messages=chat,
        consents=consents,
        users=users,
        sealed=sealed,
        quarantined=quarantined,
    )


async def checkpoint(db: Database) -> None:
    """Copies the WAL into the database file and empties it, so erased pages leave the disk.

    Must be called outside a transaction. Another connection reading at that moment can keep
    part of the WAL; the next checkpoint (SQLite makes one automatically) then finishes it.
    """
    await db.run_there(_checkpoint_here, db)


async def _checkpoint_here(db: Database) -> None:
    """The checkpoint, by the writing connection on the database thread."""
    async with db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)"):
        pass
