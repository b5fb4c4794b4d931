"""Settings from the environment (and a .env file): one typed object, read once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from flows.followups.timing import FollowUpPolicy

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"


@dataclass(frozen=True)
class Settings:
    """Everything the bot can be configured with; see the README's configuration table."""

    token: str | None
    data_dir: Path
    database: Path
    key_file: Path
    key: str | None
    api_base_url: str
    api_file_url: str
    webhook_url: str | None
    webhook_secret: str | None
    webhook_listen: str
    webhook_port: int
    log_level: str
    overall_rate: float
    catalog: Path | None
    retention_days: int
    bot_username: str | None
    shared_retention_days: int = 30
    inactive_days: int = 365
    followups: FollowUpPolicy = field(default_factory=FollowUpPolicy)
    sweep_seconds: float = 60.0
    clean_staff_on_close: bool = False

    @property
    def env(self) -> dict[str, str]:
        """The key material as load_key expects it (only JEMBATAN_KEY)."""
        return {"JEMBATAN_KEY": self.key} if self.key else {}


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Reads settings: process environment first, then a .env file, then defaults."""
    values: dict[str, str] = {}
    if dotenv is not None and dotenv.is_file():
        values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return values.get(name, "").strip() or default

    data_dir = Path(get("JEMBATAN_DATA_DIR", "data"))
    catalog = get("JEMBATAN_CATALOG")
    return Settings(
        token=get("TELEGRAM_BOT_TOKEN") or None,
        data_dir=data_dir,
        database=Path(get("JEMBATAN_DB", str(data_dir / "jembatan.sqlite3"))),
        key_file=Path(get("JEMBATAN_KEY_FILE", str(data_dir / "jembatan.key"))),
        key=get("JEMBATAN_KEY") or None,
        api_base_url=get("JEMBATAN_API_BASE_URL", TELEGRAM_API),
        api_file_url=get("JEMBATAN_API_FILE_URL", TELEGRAM_FILES),
        webhook_url=get("JEMBATAN_WEBHOOK_URL") or None,
        webhook_secret=get("JEMBATAN_WEBHOOK_SECRET") or None,
        webhook_listen=get("JEMBATAN_WEBHOOK_LISTEN", "127.0.0.1"),
        webhook_port=int(get("JEMBATAN_WEBHOOK_PORT", "8443")),
        log_level=get("JEMBATAN_LOG_LEVEL", "INFO").upper(),
        overall_rate=float(get("JEMBATAN_OVERALL_RATE", "30")),
        catalog=Path(catalog) if catalog else None,
        retention_days=int(get("JEMBATAN_RETENTION_DAYS", "180")),
        bot_username=get("JEMBATAN_BOT_USERNAME") or None,
        shared_retention_days=int(get("JEMBATAN_SHARED_RETENTION_DAYS", "30")),
        inactive_days=int(get("JEMBATAN_INACTIVE_DAYS", "365")),
        followups=FollowUpPolicy(
            contact_check_days=int(get("JEMBATAN_CONTACT_CHECK_DAYS", "3")),
            checkin_days=int(get("JEMBATAN_CHECKIN_DAYS", "14")),
            claim_reminder_minutes=int(get("JEMBATAN_CLAIM_REMINDER_MINUTES", "240")),
            claim_escalation_minutes=int(get("JEMBATAN_CLAIM_ESCALATION_MINUTES", "480")),
            urgent_reminder_minutes=int(get("JEMBATAN_URGENT_REMINDER_MINUTES", "30")),
            urgent_escalation_minutes=int(get("JEMBATAN_URGENT_ESCALATION_MINUTES", "60")),
        ),
        sweep_seconds=float(get("JEMBATAN_SWEEP_SECONDS", "60")),
        clean_staff_on_close=get("JEMBATAN_CLEAN_STAFF_ON_CLOSE", "0").lower()
        in ("1", "true", "yes", "on"),
    )
