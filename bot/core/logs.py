"""Logging that never carries personal data or the bot token."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote

REDACTED = "[redacted]"
# Request-level loggers would print URLs (with the token) and request bodies (with her words).
QUIET_LOGGERS = (
    "httpx",
    "httpcore",
    "aiohttp",
    "apscheduler",
    "tornado.access",
    "tornado.general",  # one line per malformed or timed-out webhook request: a flood
)
# python-telegram-bot logs request parameters at DEBUG; never let that through.
FLOOR_LOGGERS = ("telegram",)
# A bot token is "<bot id>:<secret>"; the secret alone is worth hiding too, the id is public.
SHORTEST_SECRET_PART = 16


class Redactor:
    """Removes secrets from a text: as given, in any letter case, and URL-encoded."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms = {form for secret in secrets if secret for form in _forms(secret)}
        longest_first = sorted(forms, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(map(re.escape, longest_first)), re.IGNORECASE) if forms else None
        )

    def __bool__(self) -> bool:
        """Whether there is anything to remove."""
        return self._pattern is not None

    def __call__(self, text: str) -> str:
        """The text with every form of every secret replaced by REDACTED."""
        return self._pattern.sub(REDACTED, text) if self._pattern is not None else text


def _forms(secret: str) -> set[str]:
    """The ways a secret can show up in a text: itself, URL-encoded, a token's secret part."""
    forms = {secret, quote(secret, safe=""), quote(secret)}
    _, colon, part = secret.partition(":")
    if colon and len(part) >= SHORTEST_SECRET_PART:
        forms |= {part, quote(part, safe="")}
    return forms


class RedactFilter(logging.Filter):
    """Replaces secrets (the bot token) wherever they appear in a formatted record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrites the record's message with every secret removed."""
        if not self.redact:
            return True
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text, record.exc_info = self.redact(formatted), None
        return True


def setup_logging(level: str, secrets: Iterable[str] = (), stream: TextIO | None = None) -> None:
    """Configures the root logger with redaction; silences request-level loggers."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in FLOOR_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
