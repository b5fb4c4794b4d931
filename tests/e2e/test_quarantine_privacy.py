"""Updates the bot could not read are hers too: erased with her, re-encrypted, kept for a while."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.admin.rotate import rotate_key
from bot.core.retention import purge
from bot.core.services import Services, open_services
from bot.simulator import SimUser
from storage.crypto import FieldCipher
from storage.erasure import checkpoint
from storage.keyring import read_keyring
from storage.quarantine import KEEP, erase_sender
from tests.auxil.harness import FakeClock, Jembatan, settings_in
from tests.storage.test_erasure import her_data, staff
from tests.test_cli import run_cli

WORDS = "saya dipukul di wisma"


def unreadable_from(telegram_id: int, text: str = WORDS) -> dict[str, Any]:
    """A message python-telegram-bot cannot parse (its date is a word), naming its sender."""
    return {
        "message": {
            "message_id": 99,
            "from": {"id": telegram_id, "is_bot": False, "first_name": "Sari"},
            "chat": {"id": telegram_id, "type": "private"},
            "date": "kemarin",
            "text": text,
        }
    }


async def kept(services: Services) -> list[str]:
    """Every quarantined update, decrypted, as text."""
    rows = await services.db.fetchall("SELECT update_id FROM inbox_quarantine ORDER BY update_id")
    found = []
    for row in rows:
        opened = await services.inbox.quarantined(int(row[0]))
        assert opened is not None
        found.append(str(opened[0]))
    return found


async def quarantine_from(jembatan: Jembatan, person: SimUser, text: str) -> None:
    """Her unreadable update reaches the bot; her next message shows it was handled."""
    jembatan.sim.push_raw(unreadable_from(person.user_id, text))
    await person.send("/menu")


async def test_deleting_everything_in_the_bot_deletes_her_quarantined_updates(
    jembatan: Jembatan,
) -> None:
    her, other = jembatan.user(), jembatan.user("Dewi")
    await her.send("/start")
    await her.press("Bahasa Indonesia")
    await quarantine_from(jembatan, her, WORDS)
    await quarantine_from(jembatan, other, "pesan Dewi")
    assert jembatan.services is not None
    services = jembatan.services
    assert len(await kept(services)) == 2

    await her.send("/privasi")
    await her.press("🗑 Hapus semua data saya")
    await her.press("🗑 Ya, hapus semuanya")
    assert "Semua yang saya simpan tentang Kakak sudah dihapus." in her.last_message

    [left] = await kept(services)
    assert "pesan Dewi" in left and str(other.user_id) in left
    await checkpoint(services.db)
    db_path = jembatan.settings.database
    raw = db_path.read_bytes() + db_path.with_name(db_path.name + "-wal").read_bytes()
    assert str(her.user_id).encode() not in raw


async def test_the_office_erasing_her_deletes_her_quarantined_updates_old_and_new(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    settings = settings_in(data)
    services = await open_services(settings)
    try:
        caseworker_id = await staff(services.db, services.cipher)
        her = await her_data(
            services.db,
            services.cipher,
            caseworker_id,
            telegram_id=8_100_000_001,
            code="K7M4QX",
            nickname="Melati",
            phone="+62 812-1111-2222",
        )
        await services.inbox.accept(
            [],
            [
                (901, {"update_id": 901, **unreadable_from(her.telegram_id)}, "TypeError"),
                (902, {"update_id": 902, **unreadable_from(8_100_000_002, "lain")}, "TypeError"),
            ],
        )
        # One as a version before the sender index left it (stored untagged), from the inbox.
        await services.inbox.accept([(903, {"update_id": 903, **unreadable_from(her.telegram_id)})])
        await services.inbox.quarantine(903, "TypeError")
        async with services.db.transaction() as conn:
            await conn.execute("UPDATE inbox_quarantine SET sender = NULL WHERE update_id = 903")
    finally:
        await services.close()

    code, _, err = await run_cli("erase", her.code, data_dir=data)
    assert code == 0, err

    services = await open_services(settings)
    try:
        [left] = await kept(services)
        assert WORDS not in left and str(her.telegram_id) not in left
        assert await services.inbox.quarantined(902) is not None
    finally:
        await services.close()


async def test_rotating_the_key_re_encrypts_quarantined_updates(tmp_path: Path) -> None:
    settings = settings_in(tmp_path / "data")
    services = await open_services(settings)
    try:
        await services.inbox.accept(
            [], [(901, {"update_id": 901, **unreadable_from(8_100_000_001)}, "TypeError")]
        )
    finally:
        await services.close()

    await rotate_key(settings)

    [new] = read_keyring(settings.key_file)
    services = await open_services(settings)
    try:
        token = await services.db.fetchone("SELECT payload FROM inbox_quarantine")
        assert token is not None
        assert WORDS in FieldCipher.from_key(new).decrypt(token[0], context="inbox.payload")
        opened = await services.inbox.quarantined(901)
        assert opened is not None and opened[0]["message"]["text"] == WORDS
        async with services.db.transaction() as conn:  # the sender index still finds her
            assert await erase_sender(conn, services.cipher, 8_100_000_001) == 1
    finally:
        await services.close()


async def test_quarantined_updates_are_purged_after_a_bounded_time(tmp_path: Path) -> None:
    clock = FakeClock()
    services = await open_services(settings_in(tmp_path / "data"), clock=clock)
    try:
        await services.inbox.accept(
            [], [(901, {"update_id": 901, **unreadable_from(8_100_000_001)}, "TypeError")]
        )
        clock.advance(days=KEEP.days - 1)
        await services.inbox.accept(
            [], [(902, {"update_id": 902, **unreadable_from(8_100_000_002)}, "TypeError")]
        )
        assert (await purge(services, clock())).quarantined == 0
        clock.advance(days=1, seconds=1)
        report = await purge(services, clock())
        assert report.quarantined == 1 and "quarantined=1" in report.detail()
        assert await services.inbox.quarantined(901) is None
        assert await services.inbox.quarantined(902) is not None
        clock.advance(days=800)
        await purge(services, clock())
        assert await services.inbox.counts() == {}
    finally:
        await services.close()
