"""Backup and restore: a consistent copy taken while the bot writes, restored as the README says."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import sqlite3
import stat
from pathlib import Path

from bot.admin.backup import backup
from bot.core.config import Settings, load_settings
from bot.core.services import Services, open_services
from storage.keyring import read_keyring
from tests.auxil.harness import settings_in
from tests.storage.test_erasure import Person, her_data, staff
from tests.test_cli import run_cli


async def someone(services: Services, caseworker_id: int, n: int) -> Person:
    return await her_data(
        services.db,
        services.referrals.cipher,
        caseworker_id,
        telegram_id=9_000_000 + n,
        code=f"B{n:05d}",
        nickname=f"Nama-{n}",
        phone=f"+62 812-4000-{n:04d}",
    )


async def keep_writing(services: Services, caseworker_id: int, stop: asyncio.Event) -> int:
    """What a busy bot does: new people with sessions, consents, referrals and case work."""
    n = 1
    while not stop.is_set():
        await someone(services, caseworker_id, n)
        n += 1
    return n - 1


def restore(backup_file: Path, key_file: Path, data_dir: Path) -> Settings:
    """The README's restore procedure, step by step, into a data directory."""
    settings = settings_in_without_key(data_dir)
    # 1. The bot is stopped (the caller closed it). 2. Copy the backup to JEMBATAN_DB, mode 0600,
    # and remove any -wal/-shm left beside that path by the database it replaces.
    shutil.copyfile(backup_file, settings.database)
    settings.database.chmod(0o600)
    for suffix in ("-wal", "-shm"):
        settings.database.with_name(settings.database.name + suffix).unlink(missing_ok=True)
    # 3. Keep (or put back) the key file the backup was made with.
    shutil.copyfile(key_file, settings.key_file)
    settings.key_file.chmod(0o600)
    return settings


def settings_in_without_key(data_dir: Path) -> Settings:
    data_dir.mkdir(mode=0o700)
    return load_settings(environ={"JEMBATAN_DATA_DIR": str(data_dir)}, dotenv=None)


async def test_a_backup_taken_while_the_bot_writes_restores_as_the_readme_says(
    tmp_path: Path,
) -> None:
    settings = settings_in(tmp_path / "live")
    services = await open_services(settings)
    caseworker_id = await staff(services.db, services.referrals.cipher)
    first = await someone(services, caseworker_id, 0)
    stop = asyncio.Event()
    writer = asyncio.create_task(keep_writing(services, caseworker_id, stop))
    try:
        await asyncio.sleep(0)
        result = await backup(settings, tmp_path / "jembatan-backup.sqlite3")
        await asyncio.sleep(0)
    finally:
        stop.set()
        written = await writer
        await services.close()

    backup_file = tmp_path / "jembatan-backup.sqlite3"
    assert result.path == backup_file and result.size == backup_file.stat().st_size
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    restored = restore(backup_file, settings.key_file, tmp_path / "restored")
    code, out, err = await run_cli("audit", "--limit", "5", data_dir=restored.data_dir)
    assert code == 0, err
    assert out.splitlines()[0].startswith("at (UTC)")

    services = await open_services(restored)
    try:
        referral = await services.referrals.by_code(first.code)
        assert referral is not None
        assert await services.referrals.personal(referral.id) == {
            "nickname": first.nickname,
            "phone": first.phone,
            "item": "klinik-mawar",
        }
        [consent] = await services.consents.list_for(first.user_id)
        assert (consent.purpose, consent.text_version, consent.active) == ("referral", "v1", True)
        assert len(await services.casework.relay_thread(referral.id)) == 2
        # One snapshot: every referral in the copy came with everything written beside it.
        count = await services.db.fetchone("SELECT COUNT(*) FROM referrals")
        assert count is not None and 1 <= count[0] <= written + 1
        orphans = await services.db.fetchall(
            "SELECT r.id FROM referrals r WHERE NOT EXISTS (SELECT 1 FROM referral_events e "
            "WHERE e.referral_id = r.id) OR NOT EXISTS (SELECT 1 FROM consents c "
            "WHERE c.id = r.consent_id) OR NOT EXISTS (SELECT 1 FROM notes n "
            "WHERE n.referral_id = r.id) OR NOT EXISTS (SELECT 1 FROM flow_sessions s "
            "WHERE s.user_id = r.user_id)"
        )
        assert orphans == []
    finally:
        await services.close()


async def test_the_backup_is_private_holds_no_key_and_never_overwrites(tmp_path: Path) -> None:
    data = tmp_path / "data"
    settings = settings_in(data)
    services = await open_services(settings)
    try:
        await someone(services, await staff(services.db, services.referrals.cipher), 1)
    finally:
        await services.close()
    target = tmp_path / "copy.sqlite3"

    code, out, err = await run_cli("backup", str(target), data_dir=data)

    assert code == 0, err
    assert f"Backup written: {target}" in out
    assert "does not contain the encryption key" in out and str(settings.key_file) in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    content = target.read_bytes()
    [key] = read_keyring(settings.key_file)
    for form in (key, base64.urlsafe_b64encode(key), base64.urlsafe_b64encode(key).rstrip(b"=")):
        assert form not in content and form.decode("latin-1") not in out + err
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not os.path.exists(f"{target}-wal")

    code, _, err = await run_cli("backup", str(target), data_dir=data)
    assert code == 2 and "already exists" in err
    assert target.read_bytes() == content

    code, out, _ = await run_cli("audit", "--limit", "3", data_dir=data)
    assert "backup.create" in out
