"""Key rotation: every value under the new key only, safe to interrupt, refusals touch nothing."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from pathlib import Path

import pytest

from bot.admin.rotate import rotate_key
from bot.core.config import Settings
from bot.core.services import open_services
from bot.simulator import BotApiSimulator
from storage.crypto import DecryptionFailed, FieldCipher, KeyProblem, key_id
from storage.db import Database
from storage.fields import ENCRYPTED_FIELDS
from storage.keyring import KeyringCipher, read_keyring, write_keyring
from storage.referrals import ReferralRepo
from storage.sessions import SessionRepo
from storage.users import UserRepo
from tests.auxil.harness import TOKEN, Jembatan, settings_in, spec_path
from tests.storage.test_erasure import Person, her_data, staff
from tests.test_cli import run_cli

EXTRA_SESSIONS = 40
Values = dict[tuple[str, object], str]


class Crash(Exception):
    """Stands for the process dying."""


async def populate(settings: Settings) -> list[Person]:
    """Two people with everything, a caseworker, and more sessions; the bot's own repositories."""
    services = await open_services(settings)
    try:
        cipher = services.referrals.cipher
        caseworker_id = await staff(services.db, cipher)
        people = [
            await her_data(
                services.db,
                cipher,
                caseworker_id,
                telegram_id=5_000_000 + n,
                code=code,
                nickname=f"Nama-{code}",
                phone=f"+62 812-0000-{n:04d}",
            )
            for n, code in enumerate(("K7M4QX", "A3C4EF"))
        ]
        for n in range(EXTRA_SESSIONS):
            user = await services.users.get_or_create(6_000_000 + n)
            async with services.db.transaction() as conn:
                await services.sessions.save(conn, user.id, {"step": n, "region": "53.71"})
    finally:
        await services.close()
    return people


async def stored(settings: Settings) -> list[tuple[str, object, str, str]]:
    """Every encrypted value: (table, row key, context, token)."""
    db = await Database.open(settings.database)
    try:
        found = []
        for f in ENCRYPTED_FIELDS:
            rows = await db.fetchall(f"SELECT {f.key}, {f.column} FROM {f.table} WHERE {f.rows()}")
            found += [(f.table, row[0], f.context, str(row[1])) for row in rows]
        return found
    finally:
        await db.close()


async def opened(settings: Settings, cipher: FieldCipher) -> Values:
    """Every encrypted value, decrypted with `cipher` (raises if one does not open)."""
    return {
        (table, key): cipher.decrypt(token, context=context)
        for table, key, context, token in await stored(settings)
    }


def key_ids(values: list[tuple[str, object, str, str]]) -> set[str]:
    return {FieldCipher.key_of(token) for *_, token in values}


@pytest.fixture
async def settings(tmp_path: Path) -> Settings:
    settings = settings_in(tmp_path / "data")
    await populate(settings)
    return settings


async def test_after_rotation_every_value_opens_under_the_new_key_only(settings: Settings) -> None:
    [old] = read_keyring(settings.key_file)
    before = await opened(settings, FieldCipher.from_key(old))
    assert len(before) == 1 + 1 + 2 * 7 + EXTRA_SESSIONS  # canary, name, two people, sessions

    result = await rotate_key(settings)

    [new] = read_keyring(settings.key_file)
    assert new != old and result.new_key_id == key_id(new) and result.old_key_ids == (key_id(old),)
    assert (result.values, result.resumed) == (len(before), False)
    assert oct(settings.key_file.stat().st_mode & 0o777) == "0o600"
    assert await opened(settings, FieldCipher.from_key(new)) == before
    for _, _, context, token in await stored(settings):
        with pytest.raises(DecryptionFailed):
            FieldCipher.from_key(old).decrypt(token, context=context)

    services = await open_services(settings)  # the key check passes with the new key alone
    try:
        referral = await services.referrals.by_code("K7M4QX")
        assert referral is not None
        assert (await services.referrals.personal(referral.id))["nickname"] == "Nama-K7M4QX"
        [entry] = [e for e in await services.audit.list() if e.action == "key.rotate"]
        assert entry.detail == f"new={key_id(new)} values={len(before)}"
        row = await services.db.fetchone("SELECT value FROM meta WHERE key = 'key_id'")
        assert row is not None and row[0] == key_id(new)
    finally:
        await services.close()


async def test_a_crash_midway_leaves_every_value_readable_and_a_second_run_finishes(
    settings: Settings,
) -> None:
    [old] = read_keyring(settings.key_file)
    before = await opened(settings, FieldCipher.from_key(old))
    reports: list[tuple[int, int]] = []

    def crash_after_the_first_batches(done: int, total: int) -> None:
        reports.append((done, total))
        if done >= 15:
            raise Crash

    with pytest.raises(Crash):
        await rotate_key(settings, crash_after_the_first_batches, batch=10)

    assert reports[0] == (0, len(before))
    ring = read_keyring(settings.key_file)
    assert ring[1:] == [old] and len(ring) == 2
    halfway = await stored(settings)
    assert key_ids(halfway) == {key_id(ring[0]), key_id(old)}  # really stopped in the middle
    assert await opened(settings, KeyringCipher(settings.key_file)) == before
    # What a restarted bot reads with the key file as it is now:
    users = UserRepo(await Database.open(settings.database))
    try:
        cipher = KeyringCipher(settings.key_file)
        her = await users.get(5_000_000)
        assert her is not None
        assert await SessionRepo(users.db, cipher).load(her.id) is not None
        referral = await ReferralRepo(users.db, cipher).by_code("K7M4QX")
        assert referral is not None
        assert (await ReferralRepo(users.db, cipher).personal(referral.id))["phone"].endswith(
            "0000"
        )
    finally:
        await users.db.close()

    result = await rotate_key(settings)

    assert result.resumed and result.new_key_id == key_id(ring[0])
    assert result.values == len([v for v in halfway if FieldCipher.key_of(v[3]) == key_id(old)])
    assert read_keyring(settings.key_file) == ring[:1]
    assert key_ids(await stored(settings)) == {key_id(ring[0])}
    assert await opened(settings, FieldCipher.from_key(ring[0])) == before


async def test_values_written_under_the_old_key_meanwhile_are_caught_by_another_sweep(
    settings: Settings,
) -> None:
    [old] = read_keyring(settings.key_file)
    follower = KeyringCipher(settings.key_file)  # a running bot's cipher, loaded before
    stale = FieldCipher.from_key(old)  # a process that wrote before it looked at the key file
    written: dict[int, str] = {}

    def the_bot_writes_meanwhile(done: int, total: int) -> None:
        if done >= 1 + 2 + EXTRA_SESSIONS and not written:  # every session swept once already
            with sqlite3.connect(settings.database) as conn:
                for user_id, cipher in ((1, stale), (2, follower)):
                    text = json.dumps({"late": user_id})
                    written[user_id] = cipher.encrypt(text, context="flow_sessions.data")
                    conn.execute(
                        "UPDATE flow_sessions SET data = ? WHERE user_id = ?",
                        (written[user_id], user_id),
                    )

    result = await rotate_key(settings, the_bot_writes_meanwhile, batch=10)

    assert FieldCipher.key_of(written[1]) == key_id(old)
    assert FieldCipher.key_of(written[2]) == result.new_key_id  # it switched to the new key
    [new] = read_keyring(settings.key_file)
    values = await opened(settings, FieldCipher.from_key(new))
    assert values[("flow_sessions", 1)] == '{"late": 1}'
    assert values[("flow_sessions", 2)] == '{"late": 2}'
    assert await opened(settings, follower) == values
    follower.encrypt("", context="flow_sessions.data")
    assert follower.key_ids == (key_id(new),)  # the old key is gone from the running bot too


async def test_a_wrong_key_stops_it_and_touches_nothing(settings: Settings) -> None:
    database_before = settings.database.read_bytes()
    write_keyring(settings.key_file, [os.urandom(32)])
    key_before = settings.key_file.read_bytes()

    with pytest.raises(KeyProblem, match=r"does not match this database.*nothing was changed"):
        await rotate_key(settings)

    assert settings.key_file.read_bytes() == key_before
    assert settings.database.read_bytes() == database_before


async def test_a_missing_key_stops_it_and_touches_nothing(settings: Settings) -> None:
    database_before = settings.database.read_bytes()
    settings.key_file.unlink()
    with pytest.raises(KeyProblem, match="No encryption key"):
        await rotate_key(settings)
    assert not settings.key_file.exists()
    assert settings.database.read_bytes() == database_before


async def test_a_key_file_lacking_a_key_that_values_need_stops_it(settings: Settings) -> None:
    """After an interrupted rotation, the old key is still needed: dropping it is refused."""
    with pytest.raises(Crash):
        await rotate_key(settings, lambda done, total: _crash_if(done > 0), batch=10)
    new = read_keyring(settings.key_file)[0]
    write_keyring(settings.key_file, [new])
    database_before = settings.database.read_bytes()

    with pytest.raises(KeyProblem, match="which the key file does not hold"):
        await rotate_key(settings)

    assert read_keyring(settings.key_file) == [new]
    assert settings.database.read_bytes() == database_before


def _crash_if(condition: bool) -> None:
    if condition:
        raise Crash


async def test_with_the_key_in_the_environment_it_refuses_and_explains(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    assert (await run_cli("init", data_dir=data, JEMBATAN_KEY=key))[0] == 0
    database_before = (data / "jembatan.sqlite3").read_bytes()

    code, out, err = await run_cli("rotate-key", data_dir=data, JEMBATAN_KEY=key)

    assert code == 2
    assert "JEMBATAN_KEY is set" in err and "key file" in err and "Nothing was changed" in err
    assert key not in out + err
    assert (data / "jembatan.sqlite3").read_bytes() == database_before
    assert not (data / "jembatan.key").exists()


async def test_the_command_rotates_and_reminds_to_back_up_the_new_key(settings: Settings) -> None:
    [old] = read_keyring(settings.key_file)
    code, out, err = await run_cli("rotate-key", data_dir=settings.data_dir)
    assert code == 0, err
    [new] = read_keyring(settings.key_file)
    assert f"every value is now under key id {key_id(new)}" in out
    assert f"Back up {settings.key_file} now" in out
    assert key_id(old) in out
    for key in (old, new):
        assert base64.urlsafe_b64encode(key).decode().rstrip("=") not in out + err


async def test_a_bot_started_before_the_rotation_keeps_reading_and_writing(tmp_path: Path) -> None:
    async with BotApiSimulator(token=TOKEN, spec_path=spec_path()) as sim:
        sim.expect_processed_signal = True
        bot = Jembatan(sim, settings_in(tmp_path / "data"))
        await bot.start()
        try:
            assert bot.services is not None
            if not isinstance(bot.services.sessions.cipher, KeyringCipher):
                pytest.skip(
                    "bot/services.open_services does not follow the key file yet; the hook is "
                    "one line: cipher = open_cipher(settings.env, settings.key_file)"
                )
            user = bot.user()
            await user.send("/start")
            await user.press("Bahasa Indonesia")
            assert user.last_message.startswith("Kakak sekarang ada di kota atau kabupaten mana?")
            [old] = read_keyring(bot.settings.key_file)

            result = await rotate_key(bot.settings)

            # Her session was re-encrypted under a key the running bot had never seen.
            await user.send("kupng")
            await user.press("Kota Kupang (Nusa Tenggara Timur)")
            assert "Mau lihat apa, Kak?" in user.last_message
            tokens = await stored(bot.settings)
            assert key_ids(tokens) == {result.new_key_id} != {key_id(old)}
        finally:
            await bot.stop()
        assert sim.spec_violations == []
