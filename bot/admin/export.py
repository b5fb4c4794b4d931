"""`python -m bot export`: a pseudonymous CSV of the referrals created in a range of days (audited).

One row per referral, with only these columns (see COLUMNS): a pseudonym, the kind of service, the
kab/kota code, status, outcome, urgency, contact method, the day it came in (WIB) and whole days to
the first claim and to closing. Never a name, nickname, phone number, Telegram or user id, the
reference code, or any free text (notes, relayed messages): those columns are not even read.

The reference code is replaced by `ref`, HMAC-SHA256 of the code under a key derived (HKDF) from the
encryption key, cut to 16 hex digits (64 bits). The code itself is shown to her and to caseworkers,
travels in messages and the audit log, so it would link a row to a person. A plain hash would not
hide it either: there are only 22**6 codes, all hashed in seconds. The keyed pseudonym is stable
(the same referral has the same ref in every export, so exports can be joined), but only someone
holding the encryption key can recompute it. A new encryption key gives new pseudonyms.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from tqdm import tqdm

from bot.core.config import Settings
from bot.core.services import open_services
from flows.reports import REPORT_ZONE
from storage.crypto import load_key
from storage.reports import ExportRow, ReportRepo

COLUMNS = (
    "ref",
    "service",
    "region_code",
    "status",
    "outcome",
    "urgency",
    "contact",
    "created_date",
    "days_to_claim",
    "days_to_close",
)
PSEUDONYM_INFO = b"jembatan/export/pseudonym/v1"
REF_HEX_DIGITS = 16
LARGE_EXPORT = 1000


class ExportProblem(Exception):
    """The export cannot be made as asked; the message says what to change."""


@dataclass(frozen=True)
class ExportResult:
    """Where the export went and how many rows it has."""

    rows: int
    target: str


def parse_day(value: str, option: str) -> date:
    """Reads a YYYY-MM-DD day, or says clearly what is wrong."""
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ExportProblem(
            f"{option} must be a day written YYYY-MM-DD, for example 2026-11-01 (got {value!r})."
        ) from None


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants [first 00:00, the day after last 00:00) in the zone; both days included."""
    if last < first:
        raise ExportProblem(f"--to ({last}) is before --from ({first}).")
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    after = last + timedelta(days=1)
    return start, datetime(after.year, after.month, after.day, tzinfo=zone)


def pseudonym_key(key: bytes) -> bytes:
    """The export's own key, derived from the encryption key (never the key itself)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PSEUDONYM_INFO).derive(key)


def pseudonym(ref_key: bytes, code: str) -> str:
    """A stable pseudonym of a reference code: HMAC-SHA256, first 16 hex digits."""
    digest = hmac.new(ref_key, code.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:REF_HEX_DIGITS]


def whole_days(since: datetime, until: datetime | None) -> str:
    """Whole days between two instants (rounded down); empty when it has not happened."""
    if until is None:
        return ""
    return str(max(0, (until - since) // timedelta(days=1)))


def csv_row(row: ExportRow, ref_key: bytes, zone: ZoneInfo) -> dict[str, str]:
    """One referral as an export row: nothing personal, times only as days."""
    return {
        "ref": pseudonym(ref_key, row.code),
        "service": row.service,
        "region_code": row.region_code,
        "status": row.status,
        "outcome": row.outcome or "",
        "urgency": row.urgency,
        "contact": row.contact,
        "created_date": row.created_at.astimezone(zone).date().isoformat(),
        "days_to_claim": whole_days(row.created_at, row.claimed_at),
        "days_to_close": whole_days(row.created_at, row.closed_at),
    }


def _open_target(out: Path | None, first: date, last: date) -> tuple[TextIO, str]:
    if out is not None and str(out) == "-":
        return sys.stdout, "standard output"
    path = out or Path(f"jembatan-export-{first.isoformat()}-{last.isoformat()}.csv")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ExportProblem(f"{path} already exists; choose another --out or move it.") from None
    except OSError as exc:
        raise ExportProblem(f"cannot write {path}: {exc.strerror}.") from None
    return os.fdopen(fd, "w", newline="", encoding="utf-8"), str(path)


async def export(
    settings: Settings,
    first: date,
    last: date,
    out: Path | None,
    progress: TextIO | None = None,
) -> ExportResult:
    """Writes the CSV of referrals created from `first` to `last` (WIB days) and audits it.

    The progress bar (tqdm, on stderr) appears only for large exports and only on a terminal.
    """
    zone = ZoneInfo(REPORT_ZONE)
    start, end = day_bounds(first, last, zone)
    services = await open_services(settings)
    try:
        ref_key = pseudonym_key(load_key(settings.env, settings.key_file))
        target, name = _open_target(out, first, last)
        try:
            count = await _write(ReportRepo(services.db), start, end, ref_key, target, progress)
            async with services.db.transaction() as conn:
                await services.audit.append(
                    conn,
                    "admin:cli",
                    "export",
                    None,
                    f"{first.isoformat()}..{last.isoformat()} rows={count}",
                )
        except BaseException:
            if target is not sys.stdout:
                target.close()
                os.unlink(name)
            raise
        if target is not sys.stdout:
            target.close()
    finally:
        await services.close()
    return ExportResult(count, name)


async def _write(
    repo: ReportRepo,
    start: datetime,
    end: datetime,
    ref_key: bytes,
    target: TextIO,
    progress: TextIO | None,
) -> int:
    """Reads the rows (with a progress bar when there are many) and writes them sorted."""
    zone = ZoneInfo(REPORT_ZONE)
    total = await repo.export_count(start, end)
    rows: list[dict[str, str]] = []
    with tqdm(
        total=total,
        desc="export",
        unit=" rows",
        file=progress or sys.stderr,
        disable=None if total >= LARGE_EXPORT else True,
        leave=False,
    ) as bar:
        async for row in repo.export_rows(start, end):
            rows.append(csv_row(row, ref_key, zone))
            bar.update(1)
    # Sorted by day, then pseudonym: the order tells nothing finer than the day it came in.
    rows.sort(key=lambda r: (r["created_date"], r["ref"]))
    writer = csv.DictWriter(target, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target.flush()
    return len(rows)
