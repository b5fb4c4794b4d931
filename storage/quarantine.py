"""Who a quarantined update came from, without saying so: a keyed blind index of the sender.

A quarantined update (storage/inbox.py) is kept encrypted, so erasure could not find hers by
reading it. Each row therefore carries `sender`: an HMAC-SHA256 of the Telegram id found in it,
under an index key of its own. That key is random, made once, and kept in `meta` encrypted like
any personal field (storage/fields.py), so `rotate-key` re-encrypts it without changing it and the
tags stay valid; without the encryption key a tag leads nowhere. A row written before the index
existed has no tag (NULL): erasure reads it then, and tags it ("" when no id is found in it).

Quarantined rows are also kept for a bounded time only (KEEP), then purged (bot/core/retention.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from datetime import timedelta
from typing import Any

from storage.connection import Connection
from storage.crypto import DecryptionFailed, FieldCipher, decode_key, encode_key

INDEX_CONTEXT = "meta.sender_index"
INDEX_META_KEY = "sender_index"
PAYLOAD_CONTEXT = "inbox.payload"  # a quarantined row is an inbox payload set aside as it was
#: How long a quarantined update is kept for the operator to see why it could not be read.
KEEP = timedelta(days=14)
# Where a Telegram update names a person or a chat: {"from": {"id": ...}}, {"chat": {"id": ...}}.
_ID_HOLDERS = ("from", "chat", "user", "sender_chat", "sender_user", "old_chat_member")
_DIGITS = re.compile(r"-?[0-9]{1,20}")
_MAX_DEPTH = 64


def sender_of(payload: Any) -> int | None:
    """The first Telegram id an update names ("from", "chat", ...), even in a malformed update."""
    return _first_id(payload, 0)


def _first_id(value: Any, depth: int) -> int | None:
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, dict):
        for name in _ID_HOLDERS:
            holder = value.get(name)
            if isinstance(holder, dict):
                number = _as_id(holder.get("id"))
                if number is not None:
                    return number
        children: list[Any] = list(value.values())
    elif isinstance(value, list):
        children = value
    else:
        return None
    for child in children:
        number = _first_id(child, depth + 1)
        if number is not None:
            return number
    return None


def _as_id(value: Any) -> int | None:
    """An id as Telegram writes it, or as a malformed update might (a string of digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def tag(index_key: bytes, telegram_id: int) -> str:
    """The blind index of a Telegram id under the index key (hex)."""
    return hmac.new(index_key, str(telegram_id).encode("ascii"), hashlib.sha256).hexdigest()


async def index_key(conn: Connection, cipher: FieldCipher, *, create: bool) -> bytes | None:
    """The index key (made and stored encrypted when `create` and there is none yet)."""
    async with conn.execute("SELECT value FROM meta WHERE key = ?", (INDEX_META_KEY,)) as cursor:
        row = await cursor.fetchone()
    if row is not None:
        return decode_key(cipher.decrypt(str(row[0]), context=INDEX_CONTEXT), "the index key")
    if not create:
        return None
    key = secrets.token_bytes(32)
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        (INDEX_META_KEY, cipher.encrypt(encode_key(key), context=INDEX_CONTEXT)),
    )
    return key


async def sender_tag(conn: Connection, cipher: FieldCipher, payload: Any) -> str:
    """The `sender` value for a row holding this payload ("" when it names nobody)."""
    sender = sender_of(payload)
    if sender is None:
        return ""
    key = await index_key(conn, cipher, create=True)
    assert key is not None
    return tag(key, sender)


async def _tag_untagged(conn: Connection, cipher: FieldCipher) -> None:
    """Tags the rows stored before the index existed (those that still open)."""
    async with conn.execute(
        "SELECT update_id, payload FROM inbox_quarantine WHERE sender IS NULL"
    ) as cursor:
        rows = list(await cursor.fetchall())
    for update_id, token in rows:
        try:
            payload = json.loads(cipher.decrypt(str(token), context=PAYLOAD_CONTEXT))
        except (DecryptionFailed, ValueError):
            continue  # unreadable even to us: it goes with the retention purge
        await conn.execute(
            "UPDATE inbox_quarantine SET sender = ? WHERE update_id = ?",
            (await sender_tag(conn, cipher, payload), update_id),
        )


async def erase_sender(conn: Connection, cipher: FieldCipher, telegram_id: int) -> int:
    """Deletes every quarantined update that names this Telegram id; returns how many."""
    await _tag_untagged(conn, cipher)
    key = await index_key(conn, cipher, create=False)
    if key is None:
        return 0
    cursor = await conn.execute(
        "DELETE FROM inbox_quarantine WHERE sender = ?", (tag(key, telegram_id),)
    )
    return max(cursor.rowcount, 0)


async def forget_before(conn: Connection, cutoff: str) -> int:
    """Deletes quarantined updates set aside before `cutoff` (stored time); returns how many."""
    cursor = await conn.execute("DELETE FROM inbox_quarantine WHERE quarantined_at < ?", (cutoff,))
    return max(cursor.rowcount, 0)
