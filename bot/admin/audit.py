"""`python -m bot audit`: the append-only audit log for administrators, newest first.

Reading it needs the encryption key like every other command, and the reading is itself audited
("audit.view"), after the listing, so it shows up the next time.
"""

from __future__ import annotations

from datetime import UTC

from bot.core.config import Settings
from bot.core.services import open_services
from storage.audit import AuditEntry

HEADER = f"{'at (UTC)':20s}  {'actor':16s}  {'action':28s}  {'subject':20s}  detail"


def audit_line(entry: AuditEntry) -> str:
    """One entry as a line: at, actor, action, subject, detail."""
    at = entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    return (
        f"{at:20s}  {entry.actor:16s}  {entry.action:28s}  {entry.subject or '-':20s}  "
        f"{entry.detail or ''}"
    ).rstrip()


async def audit_lines(settings: Settings, limit: int) -> list[str]:
    """The newest `limit` entries as lines, under a header."""
    if limit < 1:
        raise ValueError("--limit must be 1 or more")
    opened = await open_services(settings)
    try:
        entries = await opened.audit.list(limit)
        async with opened.db.transaction() as conn:
            await opened.audit.append(conn, "admin:cli", "audit.view", None, f"limit={limit}")
    finally:
        await opened.close()
    return [HEADER, *(audit_line(entry) for entry in entries)]
