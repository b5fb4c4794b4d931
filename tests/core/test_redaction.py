"""The log never carries the bot token, whatever its letter case or encoding."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bot.core.logs import REDACTED, setup_logging
from tests.auxil.harness import TOKEN

SECRET = TOKEN.split(":")[1]


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    setup_logging("DEBUG", secrets=[TOKEN], stream=stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


@pytest.mark.parametrize(
    "form",
    [
        TOKEN,
        TOKEN.upper(),
        TOKEN.lower(),
        quote(TOKEN, safe=""),
        quote(TOKEN, safe="").lower(),
        SECRET.lower(),
    ],
    ids=["as is", "upper case", "lower case", "url-encoded", "url-encoded lower", "secret part"],
)
def test_every_form_of_the_token_is_redacted_in_messages_and_tracebacks(
    log_output: io.StringIO, form: str
) -> None:
    log = logging.getLogger("telegram.ext.Updater")
    log.warning("Cannot reach https://api.telegram.org/bot%s/getUpdates", form)
    try:
        raise ConnectionError(f"GET http://proxy.example/bot{form}/sendMessage failed")
    except ConnectionError:
        log.exception("Network loop stopped")
    written = log_output.getvalue()
    assert written.count(REDACTED) == 2
    assert "Network loop stopped" in written and "getUpdates" in written
    for secret in (TOKEN, SECRET):
        assert secret.lower() not in written.lower()
        assert quote(secret, safe="").lower() not in written.lower()
