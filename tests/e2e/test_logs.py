"""A full run's logs carry no token, no message text and no Telegram id of a person."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.core.logs import setup_logging
from tests.auxil.harness import TOKEN, Jembatan


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    setup_logging("DEBUG", secrets=[TOKEN], stream=stream)
    yield stream
    root.handlers[:], _ = saved[0], None
    root.setLevel(saved[1])


async def test_logs_hold_no_token_text_or_person(
    jembatan: Jembatan, log_output: io.StringIO
) -> None:
    user = jembatan.user()
    await user.send("/start")
    await user.press("Bahasa Indonesia")
    await user.send("kupng")
    await user.press("Kota Kupang (Nusa Tenggara Timur)")
    await user.send("rahasia saya")
    await user.send_contact(phone_number="+6281299998888", own=True)
    jembatan.sim.inject("sendMessage", 500, times=1)
    await user.send("/menu")
    await jembatan.restart()
    logs = log_output.getvalue()
    assert logs, "the run did log something"
    assert TOKEN not in logs
    assert TOKEN.split(":")[1] not in logs
    for secret in ("rahasia", "kupng", "6281299998888", "Kakak", "Halo, Kak", str(user.user_id)):
        assert secret not in logs, secret


async def test_a_full_run_with_follow_ups_floods_blocks_and_erasure_logs_nothing_personal(
    jembatan: Jembatan, log_output: io.StringIO
) -> None:
    from datetime import UTC, datetime

    from tests.auxil.asking import KUPANG, Request, ask
    from tests.e2e.test_desk import staff

    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    request = Request(region=KUPANG, phone="0812-7777-6666", nickname="Cempaka")
    her, _ = await ask(jembatan, request)
    await ana.press("✋ Ambil")
    await ana.press("✉️ Tulis ke pemohon")
    await ana.send("Pesan pribadi untuk Cempaka")
    jembatan.sim.flood(1.5, "sendMessage")
    jembatan.clock.now = datetime(2026, 11, 27, 0, 30, tzinfo=UTC)  # 08:30 WITA
    await jembatan.run_due()
    await jembatan.open_sealed()
    await her.press("⏳ Belum")
    her.block()
    jembatan.clock.now = datetime(2027, 1, 17, 0, 0, tzinfo=UTC)
    await jembatan.run_due()
    her.unblock()
    await her.send("/privasi")
    await her.press("🗑 Hapus semua data saya")
    await her.press("🗑 Ya, hapus semuanya")
    await jembatan.restart()

    logs = log_output.getvalue()
    assert "slow down" in logs and "refused a message (403)" in logs, "the run logged its events"
    assert TOKEN.split(":")[1] not in logs
    for secret in ("Cempaka", "7777", "6666", "Pesan pribadi", "Halo, Kak", str(her.user_id)):
        assert secret not in logs, secret
