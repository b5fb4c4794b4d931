"""Logging that never carries personal data or the bot token."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TextIO

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


class RedactFilter(logging.Filter):
    """Replaces secrets (the bot token) wherever they appear in a formatted record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrites the record's message with every secret removed."""
        if not self.secrets:
            return True
        message = record.getMessage()
        for secret in self.secrets:
            message = message.replace(secret, REDACTED)
        record.msg, record.args = message, None
        if record.exc_info:
            formatted = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                formatted = formatted.replace(secret, REDACTED)
            record.exc_text, record.exc_info = formatted, None
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
