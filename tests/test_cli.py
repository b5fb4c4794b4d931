"""The command line as an administrator meets it: init, refusals with clear messages, the demo."""

from __future__ import annotations

import asyncio
import base64
import os
import stat
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROKEN_CATALOG = ROOT / "tests" / "flows" / "data" / "broken_catalog"


async def run_cli(
    *args: str, data_dir: Path, stdin: bytes = b"", **env: str
) -> tuple[int, str, str]:
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PTB_TIMEDELTA": "true",
        "JEMBATAN_DATA_DIR": str(data_dir),
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=environ,
        cwd=data_dir,
        stdin=PIPE,
        stdout=PIPE,
        stderr=PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_run_without_a_key_refuses_with_a_clear_message(tmp_path: Path) -> None:
    code, out, err = await run_cli("run", data_dir=tmp_path, TELEGRAM_BOT_TOKEN="1:secret-token")
    assert code == 2
    assert "No encryption key" in err and "python -m bot init" in err
    assert "secret-token" not in out + err


async def test_init_creates_a_private_key_and_keeps_it(tmp_path: Path) -> None:
    code, out, _ = await run_cli("init", data_dir=tmp_path)
    assert code == 0
    key_file = tmp_path / "jembatan.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert (tmp_path / "jembatan.sqlite3").exists()
    key = key_file.read_text()
    assert key.strip() not in out
    code, out, _ = await run_cli("init", data_dir=tmp_path)
    assert code == 0 and "kept as it is" in out
    assert key_file.read_text() == key


async def test_init_creates_its_folders_readable_by_this_user_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "srv" / "jembatan"
    database = tmp_path / "db" / "deep" / "jembatan.sqlite3"
    previous = os.umask(0o022)  # the usual umask: without care a new folder would be 0755
    try:
        code, _, _ = await run_cli(
            "init", data_dir=tmp_path, JEMBATAN_DATA_DIR=str(data_dir), JEMBATAN_DB=str(database)
        )
    finally:
        os.umask(previous)
    assert code == 0
    for folder in (data_dir.parent, data_dir, database.parent.parent, database.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE((data_dir / "jembatan.key").stat().st_mode) == 0o600
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


async def test_a_wrong_key_stops_the_bot_and_touches_nothing(tmp_path: Path) -> None:
    await run_cli("init", data_dir=tmp_path)
    database = tmp_path / "jembatan.sqlite3"
    before = database.read_bytes()
    other = base64.urlsafe_b64encode(os.urandom(32)).decode()
    code, _, err = await run_cli(
        "run", data_dir=tmp_path, TELEGRAM_BOT_TOKEN="1:x", JEMBATAN_KEY=other
    )
    assert code == 2
    assert "does not match this database" in err and "nothing was changed" in err
    assert other not in err
    assert database.read_bytes() == before


async def test_catalog_check_lists_every_error_with_file_and_line(tmp_path: Path) -> None:
    code, out, _ = await run_cli("catalog", "check", str(BROKEN_CATALOG), data_dir=tmp_path)
    assert code == 1
    lines = [line for line in out.splitlines() if line]
    assert len(lines) >= 15
    for line in lines:
        name, number, message = line.split(":", 2)
        assert name.endswith(".yaml") and number.isdigit() and message.strip(), line
    code, out, _ = await run_cli("catalog", "check", data_dir=tmp_path)
    assert code == 0 and "no errors" in out


async def test_without_a_token_run_is_the_offline_demo_and_reads_piped_input(
    tmp_path: Path,
) -> None:
    script = b"/start\n1\nkupng\n1\n:sticker\n:q\n"
    code, out, err = await run_cli("run", data_dir=tmp_path, stdin=script)
    assert code == 0, err
    assert "offline demo" in err
    assert "Halo, Kak! 👋 Ini Jembatan." in out
    assert "[1] Bahasa Indonesia" in out
    assert "Kota Kupang (Nusa Tenggara Timur)" in out
    assert "Mau lihat apa, Kak?" in out
    assert "Saya hanya bisa membaca teks dan tombol." in out
    assert not list(tmp_path.glob("*.sqlite3")), "the demo keeps no data"


async def test_the_demo_shows_the_caseworker_phone_too(tmp_path: Path) -> None:
    script = (
        b"/start\n1\nkupng\n1\n1\n1\n1\n1\n1\n1\nMawar\n1\n1\n"
        b":staff\n1\n3\nHalo Kak, kapan bisa datang?\n:me\n1\n1\nBesok pagi\n:staff\n:q\n"
    )
    code, out, err = await run_cli("demo", data_dir=tmp_path, stdin=script)
    assert code == 0, err
    assert "==== Caseworker's phone ====" in out
    assert "Permintaan baru" in out and "✋ Ambil" in out
    assert "Pesan tentang permintaan" in out and "Halo Kak, kapan bisa datang?" in out
    assert "Balasan tentang" in out and "Besok pagi" in out
