"""Checks that the loaded key is the one this database was written with."""

from __future__ import annotations

from storage.crypto import DecryptionFailed, FieldCipher, KeyProblem
from storage.db import Database

CANARY = "jembatan-key-check"
CONTEXT = "meta.key_check"


async def verify_key(db: Database, cipher: FieldCipher) -> None:
    """Stores a canary on a new database; on an existing one, proves the key opens it."""
    row = await db.fetchone("SELECT value FROM meta WHERE key = 'key_check'")
    if row is None:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES ('key_check', ?)",
                (cipher.encrypt(CANARY, context=CONTEXT),),
            )
        return
    token = str(row[0])
    try:
        ok = cipher.decrypt(token, context=CONTEXT) == CANARY
    except DecryptionFailed:
        ok = False
    if not ok:
        raise KeyProblem(
            f"The encryption key (id {cipher.current_key_id}) does not match this database "
            f"(written with key id {FieldCipher.key_of(token) or '?'}). Restore the right key; "
            "nothing was changed."
        )
