"""A full run's logs carry no token, no message text and no Telegram id of a person."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import setup_logging
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
