"""`python -m bot export` and `python -m bot audit`: pseudonymous CSV, audited, nothing personal."""

from __future__ import annotations

import csv
import io
import re
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.admin import export as export_module
from bot.admin.export import pseudonym, pseudonym_key
from bot.core.services import open_services
from storage.crypto import load_key
from storage.referrals import NewReferral
from tests.auxil.harness import FakeClock, settings_in
from tests.test_cli import run_cli

NICKNAME = "Mawar Melati"
PHONE = "+6281298765432"
TELEGRAM_ID = 987_654_321
USER_ID = 424_242
STAFF_NAME = "Ana Stafwati"
CLOSED, OPEN, LATER = "K7M4QX", "H3T9WC", "P6R4FA"
ALLOWED_COLUMNS = (
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


async def make_data(data_dir: Path) -> None:
    """In November: one referral claimed after 2 days and closed after 5, one still new;
    in December: one more (outside the exported range)."""
    clock = FakeClock(datetime(2026, 11, 23, 7, 5, tzinfo=UTC))
    services = await open_services(settings_in(data_dir), clock=clock)
    try:
        worker, _ = await services.caseworkers.invite(
            STAFF_NAME, "caseworker", ["53.71"], ["*"], timedelta(days=7)
        )
        async with services.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, telegram_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
                (USER_ID, TELEGRAM_ID, services.db.now(), services.db.now()),
            )

        async def referral(code: str, contact: str) -> int:
            async with services.db.transaction() as conn:
                consent = await services.consents.record(
                    conn, USER_ID, "referral", "v1", "id", clock()
                )
                return await services.referrals.create(
                    conn,
                    NewReferral(
                        code=code,
                        user_id=USER_ID,
                        service="training",
                        item="menjahit",
                        region_code="53.71",
                        region_system="test",
                        office_key="kupang",
                        answers={
                            "nickname": NICKNAME,
                            "phone": PHONE,
                            "contact": contact,
                            "urgency": "urgent",
                        },
                        consent_id=consent,
                    ),
                    f"user:{USER_ID}",
                )

        closed = await referral(CLOSED, "phone")
        await referral(OPEN, "chat")
        clock.advance(days=2, hours=3)
        async with services.db.transaction() as conn:
            assert await services.referrals.claim(conn, CLOSED, worker)
        clock.advance(days=3)
        async with services.db.transaction() as conn:
            await services.referrals.close(conn, closed, "received_help", f"caseworker:{worker}")
        clock.now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
        await referral(LATER, "chat")
    finally:
        await services.close()


def ref_of(data_dir: Path, code: str) -> str:
    return pseudonym(pseudonym_key(load_key({}, data_dir / "jembatan.key")), code)


async def test_the_export_is_pseudonymous_complete_and_audited(tmp_path: Path) -> None:
    await make_data(tmp_path)
    code, _, err = await run_cli(
        "export",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--out",
        "nov.csv",
        data_dir=tmp_path,
    )
    assert code == 0, err
    assert "Exported 2 referral(s)" in err
    target = tmp_path / "nov.csv"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    raw = target.read_text()
    rows = list(csv.DictReader(io.StringIO(raw)))

    assert tuple(rows[0]) == ALLOWED_COLUMNS, "exactly the allowed columns, nothing else"
    for private in (
        NICKNAME,
        "Mawar",
        PHONE,
        PHONE.removeprefix("+62"),
        str(TELEGRAM_ID),
        str(USER_ID),
        STAFF_NAME,
        "menjahit",
        CLOSED,
        OPEN,
        LATER,
    ):
        assert private not in raw, f"{private!r} leaked into the export"
    by_ref = {row["ref"]: row for row in rows}
    assert set(by_ref) == {ref_of(tmp_path, CLOSED), ref_of(tmp_path, OPEN)}
    assert all(re.fullmatch(r"[0-9a-f]{16}", ref) for ref in by_ref)
    closed = by_ref[ref_of(tmp_path, CLOSED)]
    assert closed == {
        "ref": ref_of(tmp_path, CLOSED),
        "service": "training",
        "region_code": "53.71",
        "status": "closed",
        "outcome": "received_help",
        "urgency": "urgent",
        "contact": "phone",
        "created_date": "2026-11-23",
        "days_to_claim": "2",
        "days_to_close": "5",
    }
    still_new = by_ref[ref_of(tmp_path, OPEN)]
    assert (still_new["status"], still_new["outcome"]) == ("new", "")
    assert (still_new["days_to_claim"], still_new["days_to_close"]) == ("", "")

    code, out, err = await run_cli("audit", "--limit", "5", data_dir=tmp_path)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("at (UTC)")
    newest = lines[1].split()
    assert newest[2:4] == ["admin:cli", "export"], lines[1]
    assert lines[1].endswith("2026-11-01..2026-11-30 rows=2")
    for private in (NICKNAME, PHONE, str(TELEGRAM_ID), STAFF_NAME):
        assert private not in out

    services = await open_services(settings_in(tmp_path))
    try:
        entries = await services.audit.list(3)
    finally:
        await services.close()
    assert [(e.actor, e.action) for e in entries[:2]] == [
        ("admin:cli", "audit.view"),
        ("admin:cli", "export"),
    ]
    assert entries[1].detail == "2026-11-01..2026-11-30 rows=2"


async def test_the_pseudonym_is_stable_and_needs_the_key(tmp_path: Path) -> None:
    await make_data(tmp_path)
    for name in ("a.csv", "b.csv"):
        code, _, err = await run_cli(
            "export", "--from", "2026-11-23", "--to", "2026-12-31", "--out", name, data_dir=tmp_path
        )
        assert code == 0, err
    first = (tmp_path / "a.csv").read_text()
    assert first == (tmp_path / "b.csv").read_text(), "same referrals, same rows"
    assert ref_of(tmp_path, LATER) in first, "both days of the range are included"
    other_key = pseudonym_key(bytes(32))
    assert pseudonym(other_key, CLOSED) not in first
    assert pseudonym(other_key, CLOSED) != ref_of(tmp_path, CLOSED)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-13-01", "2026-11-30", "--from must be a day written YYYY-MM-DD"),
        ("2026-11-01", "30/11/2026", "--to must be a day written YYYY-MM-DD"),
        ("2026-11-30", "2026-11-01", "is before --from"),
    ],
)
async def test_bad_dates_are_refused_clearly_and_nothing_is_written(
    tmp_path: Path, first: str, last: str, message: str
) -> None:
    await make_data(tmp_path)
    code, out, err = await run_cli(
        "export", "--from", first, "--to", last, "--out", "x.csv", data_dir=tmp_path
    )
    assert code == 2
    assert message in err and err.startswith("Not done:"), err
    assert not (tmp_path / "x.csv").exists() and not out
    code, out, _ = await run_cli("audit", data_dir=tmp_path)
    assert code == 0 and " export " not in out


async def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    await make_data(tmp_path)
    (tmp_path / "keep.csv").write_text("precious\n")
    code, _, err = await run_cli(
        "export",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--out",
        "keep.csv",
        data_dir=tmp_path,
    )
    assert code == 2 and "already exists" in err
    assert (tmp_path / "keep.csv").read_text() == "precious\n"


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


async def test_a_large_export_shows_a_progress_bar_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_data(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(export_module, "LARGE_EXPORT", 2)
    settings = settings_in(tmp_path)
    november = (date(2026, 11, 1), date(2026, 11, 30))
    terminal, pipe = Terminal(), io.StringIO()
    result = await export_module.export(settings, *november, tmp_path / "t.csv", terminal)
    assert result.rows == 2
    assert "export:" in terminal.getvalue() and "/2 " in terminal.getvalue()
    await export_module.export(settings, *november, tmp_path / "p.csv", pipe)
    assert pipe.getvalue() == "", "no bar when stderr is not a terminal"
    small = Terminal()
    await export_module.export(settings, date(2026, 12, 1), date(2026, 12, 31), None, small)
    assert small.getvalue() == "", "no bar for a small export"
    assert (tmp_path / "jembatan-export-2026-12-01-2026-12-31.csv").exists()
