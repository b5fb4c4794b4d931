"""Fixtures for the storage tests: a real SQLite file in tmp_path, a key and a steady clock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.crypto import FieldCipher
from storage.db import Database

START = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


class Clock:
    """A clock that moves only when told to."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "jembatan.sqlite3"


@pytest.fixture
async def db(db_path: Path, clock: Clock) -> AsyncIterator[Database]:
    database = await Database.open(db_path, clock=clock)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def cipher(key: bytes) -> FieldCipher:
    return FieldCipher.from_key(key)


def file_bytes(path: Path) -> bytes:
    """The main database file and its -wal file, as they are on disk now."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def wal_bytes(path: Path) -> bytes:
    """The -wal file beside a database ("" when there is none)."""
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""
