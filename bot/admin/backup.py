"""`python -m bot backup PATH`: a consistent copy of the database, taken while the bot runs.

SQLite's online backup API copies every page of one read snapshot, so the copy is consistent
even while the bot writes (in WAL mode writers do not wait for it). The copy is written to a
temporary file beside PATH (mode 0600), checked with `PRAGMA integrity_check`, switched to a
single-file journal and only then renamed to PATH, so a PATH that exists is a complete backup.
The encryption key is never in the database, so never in the backup: back up the key file
separately, and keep the two apart. The backup is recorded in the audit log.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from bot.core.config import Settings
from storage.audit import AuditRepo
from storage.crypto import KeyProblem
from storage.db import Database
from storage.keyring import read_keyring
from storage.lockfile import ROTATION, LockHeld, holding, lock_path


class BackupProblem(Exception):
    """The backup cannot be made as asked; the message says what to change."""


@dataclass(frozen=True)
class BackupResult:
    """Where the backup went, its size, and the id of the key it needs."""

    path: Path
    size: int
    key_id: str


async def _copy(db: Database, target: Path) -> None:
    """Copies one snapshot of the database into a new file and checks it (one database job)."""
    await db.run_there(_copy_here, db, target)


async def _copy_here(db: Database, target: Path) -> None:
    """The copy itself, on the database thread (where the copy's connection lives too)."""
    copy = sqlite3.connect(target, isolation_level=None)
    try:
        async with db.read() as source:
            await source.backup(copy)
        row = copy.execute("PRAGMA integrity_check").fetchone()
        if row is None or row[0] != "ok":
            raise BackupProblem(f"The copy failed its integrity check ({row[0] if row else '?'}).")
        # One self-contained file: no -wal beside it. Opening it with Jembatan switches back.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def _prepare(target: Path) -> Path:
    """Checks the target and creates the private temporary file beside it."""
    if target.exists():
        raise BackupProblem(f"{target} already exists; choose a new file name.")
    if not target.parent.is_dir():
        raise BackupProblem(f"The directory {target.parent} does not exist.")
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return temporary


def _publish(temporary: Path, target: Path) -> int:
    """Flushes the copy to disk and gives it its name (never over another file); its size."""
    fd = os.open(temporary, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise BackupProblem(f"{target} was created meanwhile; choose a new file name.") from None
    return target.stat().st_size


def _discard(temporary: Path) -> None:
    """Removes the temporary copy and any journal SQLite left beside it."""
    temporary.unlink(missing_ok=True)
    with suppress(FileNotFoundError):
        temporary.with_name(temporary.name + "-journal").unlink()


async def backup(settings: Settings, target: Path) -> BackupResult:
    """Writes a consistent backup to `target`; refuses while a key rotation runs or is unfinished.

    During a rotation the stored values are under two keys; a copy of them would need both, yet
    name one. The rotation lock (shared here, exclusive in rotate-key) keeps the two apart.
    """
    if not settings.database.is_file():
        raise BackupProblem(f"No database at {settings.database}.")
    try:
        with holding(lock_path(settings.database, ROTATION), shared=True):
            _no_rotation_left(settings)
            return await _backup(settings, target)
    except LockHeld:
        raise BackupProblem(
            "A key rotation (rotate-key) is running: part of the values are under the new key, "
            "part under the old one. Run backup again when it has finished; nothing was written."
        ) from None


def _no_rotation_left(settings: Settings) -> None:
    """Refuses when the key file holds several keys: a rotation stopped half-way."""
    try:
        keys = read_keyring(settings.key_file) if settings.key_file.is_file() else []
    except KeyProblem:
        return  # the backup does not need the key; the key id comes from the database
    if len(keys) > 1:
        raise BackupProblem(
            f"A key rotation was left unfinished: {settings.key_file} holds {len(keys)} keys and "
            "the stored values are under more than one. Run `python -m bot rotate-key` again to "
            "finish it, then take the backup; nothing was written."
        )


async def _backup(settings: Settings, target: Path) -> BackupResult:
    """Writes a consistent backup of the database to `target` (a new file, mode 0600)."""
    temporary = _prepare(target)
    try:
        db = await Database.open(settings.database)
        try:
            await _copy(db, temporary)
            size = _publish(temporary, target)
            row = await db.fetchone("SELECT value FROM meta WHERE key = 'key_id'")
            async with db.transaction() as conn:
                await AuditRepo(db).append(
                    conn, "admin:cli", "backup.create", None, f"bytes={size}"
                )
        finally:
            await db.close()
    finally:
        _discard(temporary)
    return BackupResult(target, size, str(row[0]) if row is not None else "?")
