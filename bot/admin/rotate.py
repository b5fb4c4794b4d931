"""`python -m bot rotate-key`: re-encrypts every personal field under a new key, bot running or not.

1. Checks everything before changing anything: the key comes from the key file (not
   JEMBATAN_KEY), it opens this database, and it holds every key id the stored values name.
2. Writes the keyring [new, old] atomically (storage/keyring.py). From then on every process
   reading the key file opens values under either key and writes new ones under the new key.
3. Re-encrypts, in batches of BATCH rows each committed in its own transaction, every value
   (storage/fields.py) not yet under the new key, and repeats the sweep until one finds none
   (the bot may have written some under the old key meanwhile).
4. In one last transaction, which holds the write lock so nothing new can be written, checks that
   no value under the old key is left, records the new key id and an audit entry, and writes the
   keyring [new]: the old key is gone.

A crash at any point leaves a keyring that opens every stored value; running the command again
resumes with the key file's first key (it makes no new key while the file holds several).
Throughout, it holds the rotation lock (storage/lockfile.py): a backup, whose copy would hold
values under both keys, and a second rotation are refused meanwhile.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tqdm import tqdm

from bot.core.config import Settings
from storage.audit import AuditRepo
from storage.connection import Connection
from storage.crypto import KEY_BYTES, KEY_ENV, DecryptionFailed, FieldCipher, KeyProblem, key_id
from storage.db import Database
from storage.fields import ENCRYPTED_FIELDS, EncryptedField
from storage.keycheck import CANARY
from storage.keycheck import CONTEXT as CANARY_CONTEXT
from storage.keyring import read_keyring, write_keyring
from storage.lockfile import ROTATION, LockHeld, holding, lock_path

BATCH = 500
MAX_SWEEPS = 10
Progress = Callable[[int, int], None]


class RotationProblem(Exception):
    """The rotation cannot be done as things are; the message says what to change."""


@dataclass(frozen=True)
class RotationResult:
    """What a rotation did."""

    new_key_id: str
    old_key_ids: tuple[str, ...]
    values: int
    resumed: bool


def _not_under(field: EncryptedField, kid: str) -> str:
    """SQL condition: the row holds a token that is not under key id `kid`."""
    return f"{field.rows()} AND substr({field.column}, 1, {len(kid) + 4}) != 'v1:{kid}:'"


async def key_ids_in_use(db: Database) -> set[str]:
    """Every key id named by a stored value."""
    found: set[str] = set()
    for field in ENCRYPTED_FIELDS:
        rows = await db.fetchall(
            f"SELECT DISTINCT substr({field.column}, 4, 8) FROM {field.table} WHERE {field.rows()}"
        )
        found.update(str(row[0]) for row in rows)
    return found


async def count_not_under(conn: Connection, kid: str) -> int:
    """How many stored values are not under key id `kid` (in the caller's transaction)."""
    total = 0
    for field in ENCRYPTED_FIELDS:
        sql = f"SELECT COUNT(*) FROM {field.table} WHERE {_not_under(field, kid)}"
        async with conn.execute(sql) as cursor:
            row = await cursor.fetchone()
        total += int(row[0]) if row is not None else 0
    return total


async def _reencrypt_batch(
    conn: Connection, field: EncryptedField, cipher: FieldCipher, after: object, size: int
) -> list[object]:
    """Re-encrypts up to `size` rows after key `after`; returns the keys of the rows it changed."""
    kid = cipher.current_key_id
    order = f"WHERE {_not_under(field, kid)}"
    if after is not None:
        order += f" AND {field.key} > ?"
    sql = (
        f"SELECT {field.key}, {field.column} FROM {field.table} {order} "
        f"ORDER BY {field.key} LIMIT ?"
    )
    params = (size,) if after is None else (after, size)
    async with conn.execute(sql, params) as cursor:
        rows = list(await cursor.fetchall())
    for key, token in rows:
        try:
            plain = cipher.decrypt(token, context=field.context)
        except DecryptionFailed as failed:
            raise RotationProblem(
                f"A value in {field.table}.{field.column} does not open with the key file's keys "
                f"({failed}). The batch was not changed; the key file still opens everything "
                "written so far. Restore the missing key and run the command again."
            ) from None
        await conn.execute(
            f"UPDATE {field.table} SET {field.column} = ? WHERE {field.key} = ?",
            (cipher.encrypt(plain, context=field.context), key),
        )
    return [row[0] for row in rows]


async def sweep(
    db: Database, cipher: FieldCipher, done: int, total: int, progress: Progress, batch: int
) -> int:
    """One pass over every encrypted column, `batch` rows per transaction; values re-encrypted."""
    changed = 0
    for field in ENCRYPTED_FIELDS:
        after: object = None
        while True:
            async with db.transaction() as conn:
                keys = await _reencrypt_batch(conn, field, cipher, after, batch)
            if not keys:
                break
            after = keys[-1]
            changed += len(keys)
            progress(done + changed, max(total, done + changed))
    return changed


async def _check_before(db: Database, ring: dict[str, bytes], current: str) -> None:
    """Proves the key file opens this database and every value in it; changes nothing."""
    cipher = FieldCipher(ring, current)
    row = await db.fetchone("SELECT value FROM meta WHERE key = 'key_check'")
    if row is None:
        raise RotationProblem(
            "This database was never opened with a key; run `python -m bot init` first."
        )
    try:
        ok = cipher.decrypt(str(row[0]), context=CANARY_CONTEXT) == CANARY
    except DecryptionFailed:
        ok = False
    if not ok:
        raise KeyProblem(
            "The key file does not match this database (it holds key id(s) "
            f"{', '.join(sorted(ring))}, the database expects "
            f"{FieldCipher.key_of(str(row[0])) or '?'}). "
            "Restore the right key; nothing was changed."
        )
    missing = await key_ids_in_use(db) - set(ring)
    if missing:
        raise KeyProblem(
            f"Some stored values are under key id(s) {', '.join(sorted(missing))}, which the key "
            "file does not hold. Put back the key file from before; nothing was changed."
        )


def _no_progress(done: int, total: int) -> None:
    """Reports nothing."""


@contextmanager
def tqdm_progress() -> Iterator[Progress]:
    """A progress bar on standard error (on a terminal only) fed by rotate_key's reports."""
    with tqdm(desc="rotate-key", unit=" values", file=sys.stderr, disable=None) as bar:

        def report(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        yield report


async def rotate_key(
    settings: Settings, progress: Progress = _no_progress, *, batch: int = BATCH
) -> RotationResult:
    """Re-encrypts every personal field under a new key; refuses while a backup or rotation runs."""
    try:
        with holding(lock_path(settings.database, ROTATION)):
            return await _rotate_key(settings, progress, batch=batch)
    except LockHeld:
        raise RotationProblem(
            "A backup or another rotation of this database is running. Run rotate-key again when "
            "it has finished; nothing was changed."
        ) from None


async def _rotate_key(
    settings: Settings, progress: Progress = _no_progress, *, batch: int = BATCH
) -> RotationResult:
    """Re-encrypts every personal field under a new key; see the module docstring for the steps."""
    if settings.key:
        raise RotationProblem(
            f"{KEY_ENV} is set. A rotation rewrites the key file, which every process reads; a "
            f"key given in {KEY_ENV} cannot follow it. Put the key in {settings.key_file} (one "
            f"line, chmod 600), unset {KEY_ENV} everywhere, and run again. Nothing was changed."
        )
    if not settings.database.is_file():
        raise RotationProblem(f"No database at {settings.database}; nothing to rotate.")
    keys = read_keyring(settings.key_file)
    ring = {key_id(key): key for key in keys}
    db = await Database.open(settings.database)
    try:
        await _check_before(db, ring, key_id(keys[0]))
        resumed = len(keys) > 1
        if resumed:
            new, old = keys[0], keys[1:]
        else:
            new, old = secrets.token_bytes(KEY_BYTES), keys
            write_keyring(settings.key_file, [new, *old])
            if read_keyring(settings.key_file) != [new, *old]:
                raise RotationProblem(f"{settings.key_file} did not read back as written.")
        new_id = key_id(new)
        cipher = FieldCipher({**ring, new_id: new}, new_id)
        async with db.read() as conn:
            total = await count_not_under(conn, new_id)
        progress(0, total)
        done = 0
        for _ in range(MAX_SWEEPS):
            changed = await sweep(db, cipher, done, total, progress, batch)
            done += changed
            if changed == 0 and await _finish(db, settings, new, new_id, done):
                return RotationResult(new_id, tuple(key_id(k) for k in old), done, resumed)
        raise RotationProblem(
            "Values under the old key keep appearing: is a process running with "
            f"{KEY_ENV} set? Stop it and run the command again (it resumes where it stopped)."
        )
    finally:
        await db.close()


async def _finish(db: Database, settings: Settings, new: bytes, new_id: str, done: int) -> bool:
    """Under the write lock: if nothing is left under an old key, drops the old key; else False."""
    async with db.transaction() as conn:
        if await count_not_under(conn, new_id):
            return False
        await conn.execute("UPDATE meta SET value = ? WHERE key = 'key_id'", (new_id,))
        await AuditRepo(db).append(
            conn, "admin:cli", "key.rotate", None, f"new={new_id} values={done}"
        )
        write_keyring(settings.key_file, [new])
    return True
