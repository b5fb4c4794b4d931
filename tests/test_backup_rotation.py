"""A backup and a key rotation never overlap: the backup would hold values under two keys."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.admin.rotate import RotationProblem, rotate_key
from bot.core.config import Settings
from storage.crypto import FieldCipher
from storage.fields import ENCRYPTED_FIELDS
from storage.keyring import read_keyring
from storage.lockfile import ROTATION, holding, lock_path
from tests.auxil.harness import settings_in
from tests.test_cli import run_cli
from tests.test_rotate import Crash, populate


def backup_now(settings: Settings, name: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot backup NAME` as the administrator runs it, waited for here."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "JEMBATAN_DATA_DIR": str(settings.data_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "backup", name],
        cwd=settings.data_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def key_ids_stored(settings: Settings) -> set[str]:
    """The key ids the database's values are under right now (read beside the writer)."""
    with sqlite3.connect(settings.database) as conn:
        return {
            FieldCipher.key_of(str(token))
            for f in ENCRYPTED_FIELDS
            for (token,) in conn.execute(f"SELECT {f.column} FROM {f.table} WHERE {f.rows()}")
        }


@pytest.fixture
async def settings(tmp_path: Path) -> Settings:
    settings = settings_in(tmp_path / "data")
    await populate(settings)
    return settings


async def test_a_backup_during_a_rotation_is_refused_and_one_after_names_the_new_key(
    settings: Settings,
) -> None:
    during: list[tuple[set[str], subprocess.CompletedProcess[str]]] = []

    def midway(done: int, total: int) -> None:  # the rotation waits while the backup runs
        if 0 < done < total and not during:
            during.append((key_ids_stored(settings), backup_now(settings, "during.sqlite3")))

    result = await rotate_key(settings, midway, batch=5)

    [(under, refused)] = during
    assert len(under) == 2, "values were under both keys when the backup was asked for"
    assert refused.returncode == 2
    assert "A key rotation (rotate-key) is running" in refused.stderr
    assert not (settings.data_dir / "during.sqlite3").exists()
    assert [p.name for p in settings.data_dir.iterdir() if p.name.endswith(".tmp")] == []

    after = backup_now(settings, "after.sqlite3")
    assert after.returncode == 0, after.stderr
    assert f"(key id {result.new_key_id})" in after.stdout


async def test_a_backup_after_a_rotation_stopped_halfway_is_refused_until_it_is_finished(
    settings: Settings,
) -> None:
    def crash(done: int, total: int) -> None:
        if 0 < done < total:
            raise Crash

    with pytest.raises(Crash):
        await rotate_key(settings, crash, batch=5)
    assert len(read_keyring(settings.key_file)) == 2

    code, _, err = await run_cli("backup", "halfway.sqlite3", data_dir=settings.data_dir)
    assert code == 2
    assert "rotation was left unfinished" in err and "rotate-key" in err
    assert not (settings.data_dir / "halfway.sqlite3").exists()

    result = await rotate_key(settings)
    code, out, err = await run_cli("backup", "done.sqlite3", data_dir=settings.data_dir)
    assert code == 0, err
    assert f"(key id {result.new_key_id})" in out


async def test_a_rotation_is_refused_while_a_backup_runs(settings: Settings) -> None:
    before = read_keyring(settings.key_file)
    backing_up = holding(lock_path(settings.database, ROTATION), shared=True)  # as backup does
    with backing_up, pytest.raises(RotationProblem, match="A backup or another rotation"):
        await rotate_key(settings)
    assert read_keyring(settings.key_file) == before, "nothing was changed"
    await rotate_key(settings)
    assert read_keyring(settings.key_file) != before
