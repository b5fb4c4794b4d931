"""Checks that the loaded key is the one this database was written with."""

from __future__ import annotations

from storage.crypto import DecryptionFailed, FieldCipher, KeyProblem
from storage.db import Database

CANARY = "jembatan-key-check"
CONTEXT = "meta.key_check"


async def verify_key(db: Database, cipher: FieldCipher) -> None:
    """Stores a canary on a new database; on an existing one, proves the key opens it.

    A wrong key raises KeyProblem before anything is written.
    """
    row = await db.fetchone("SELECT value FROM meta WHERE key = 'key_check'")
    if row is None:
        async with db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO meta (key, value) VALUES ('key_check', ?) "
                "ON CONFLICT (key) DO NOTHING",
                (cipher.encrypt(CANARY, context=CONTEXT),),
            )
            if cursor.rowcount == 1:
                await conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('key_id', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (cipher.current_key_id,),
                )
                return
        # Another process stored its canary first: check ours against it.
        row = await db.fetchone("SELECT value FROM meta WHERE key = 'key_check'")
        assert row is not None
    token = str(row[0])
    try:
        ok = cipher.decrypt(token, context=CONTEXT) == CANARY
    except DecryptionFailed:
        ok = False
    if not ok:
        raise KeyProblem(
            f"The encryption key does not match this database (key id {cipher.current_key_id}, "
            f"database expects {FieldCipher.key_of(token) or '?'}). Restore the right key; "
            "nothing was changed."
        )
