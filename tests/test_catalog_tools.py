"""`catalog check` warns about old entries, `catalog coverage` reports tiers and routing, and the
XLSX round trip is lossless, refuses a bad sheet with sheet, row and column, and changes nothing."""

from __future__ import annotations

import errno
import os
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.admin import catalog as tools
from bot.core.routing import staffing_warning
from flows.catalog.load import DEFAULT_CATALOG, load_catalog
from flows.regions import RegionDirectory, default_directory
from flows.routing import StaffCover
from tests.test_cli import run_cli

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def regions() -> RegionDirectory:
    return default_directory()


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(DEFAULT_CATALOG, target)
    return target


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


async def test_catalog_check_warns_about_an_entry_verified_in_2020(tmp_path: Path) -> None:
    catalog = _copy(tmp_path)
    hotlines = catalog / "hotlines.yaml"
    lines = hotlines.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("    last_verified:"))
    lines[number] = lines[number].replace("2026-11-23", "2020-03-01")
    hotlines.write_text("\n".join(lines) + "\n", encoding="utf-8")

    code, out, _ = await run_cli("catalog", "check", str(catalog), data_dir=tmp_path)
    assert code == 0, out
    warning = f"hotlines.yaml:{number + 1}: warning: key 'sapa129' last verified 2020-03-01"
    assert warning in out, out
    assert "1 not verified for 6 months or more" in out
    code, out, _ = await run_cli(
        "catalog", "check", str(catalog), "--months", "100", data_dir=tmp_path
    )
    assert code == 0 and "warning" not in out


def test_catalog_coverage_shows_tiers_and_regions_nobody_covers(regions: RegionDirectory) -> None:
    catalog = load_catalog(DEFAULT_CATALOG, today=TODAY, regions=regions)
    staff = (StaffCover("caseworker", ("35",), ("*",)),)
    lines = tools.coverage_lines(catalog, regions, staff)
    surabaya = next(line for line in lines if line.startswith("  35.78 "))
    assert "training=province" in surabaya and "livelihood=none" in surabaya
    assert "health:hiv_ims=national" in surabaya and "going_home=national" in surabaya
    assert surabaya.endswith("| routed")
    kediri = next(line for line in lines if line.startswith("  35.71 "))
    assert "livelihood=local" in kediri and "going_home=local" in kediri
    kupang = next(line for line in lines if line.startswith("  53.71 "))
    assert "NO CASEWORKER TO ROUTE TO" in kupang
    assert "Jawa Timur (35)" in lines
    assert lines[-1].startswith("kab/kota with no caseworker to route to: ")
    assert len(lines) > 514


def test_xlsx_export_then_import_is_lossless(tmp_path: Path, regions: RegionDirectory) -> None:
    workbook = tmp_path / "catalog.xlsx"
    tools.export(DEFAULT_CATALOG, workbook)
    target = _copy(tmp_path)
    seen: list[str] = []
    code = tools.import_workbook(
        workbook, target, today=TODAY, regions=regions, confirm=lambda d: True, out=seen.append
    )
    assert code == 0 and seen == ["The workbook matches the catalog: nothing to change."]
    # Written out anyway, the imported YAML gives the same catalog, entry by entry.
    book = load_workbook(workbook)
    book["catalog"]["B2"] = "2026.11-sample.2"
    book.save(workbook)
    assert (
        tools.import_workbook(
            workbook, target, today=TODAY, regions=regions, confirm=lambda d: True, out=seen.append
        )
        == 0
    )
    assert "~ catalog version: '2026.11-sample.1' -> '2026.11-sample.2'" in seen
    before = load_catalog(DEFAULT_CATALOG, today=TODAY, regions=regions)
    after = load_catalog(target, today=TODAY, regions=regions)
    assert after.version == "2026.11-sample.2"
    for section in ("regions", "programmes", "facilities", "going_home", "hotlines"):
        old, new = getattr(before, section), getattr(after, section)
        assert len(old) == len(new), section
        for mine, theirs in zip(old, new, strict=True):
            assert mine == theirs, section
    assert (before.sample, before.notice, before.region_codes, before.stale_after_months) == (
        after.sample,
        after.notice,
        after.region_codes,
        after.stale_after_months,
    )


def test_a_sheet_with_a_bad_region_code_is_refused_and_nothing_changes(
    tmp_path: Path, regions: RegionDirectory
) -> None:
    workbook = tmp_path / "catalog.xlsx"
    tools.export(DEFAULT_CATALOG, workbook)
    book = load_workbook(workbook)
    sheet = book["facilities"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("region") + 1
    sheet.cell(row=4, column=column, value="99.99")
    book.save(workbook)
    target = _copy(tmp_path)
    before = _snapshot(target)
    seen: list[str] = []
    asked: list[list[str]] = []
    code = tools.import_workbook(
        workbook,
        target,
        today=TODAY,
        regions=regions,
        confirm=lambda diff: asked.append(diff) or True,
        out=seen.append,
    )
    assert code == 1
    assert any(
        line.startswith("sheet 'facilities', row 4, column 'region': ")
        and "unknown region code '99.99'" in line
        for line in seen
    ), seen
    assert seen[-1].endswith("Nothing was changed.")
    assert not asked, "nothing is offered for applying"
    assert _snapshot(target) == before


def test_import_shows_the_changes_and_applies_nothing_when_refused(
    tmp_path: Path, regions: RegionDirectory
) -> None:
    workbook = tmp_path / "catalog.xlsx"
    tools.export(DEFAULT_CATALOG, workbook)
    book = load_workbook(workbook)
    sheet = book["hotlines"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=header.index("note.en") + 1, value="Free, day and night.")
    book.save(workbook)
    target = _copy(tmp_path)
    before = _snapshot(target)
    seen: list[str] = []
    code = tools.import_workbook(
        workbook, target, today=TODAY, regions=regions, confirm=lambda d: False, out=seen.append
    )
    assert code == 1 and "~ hotlines police: note.en" in seen
    assert _snapshot(target) == before


def test_staffing_warning_is_loud_when_requests_would_reach_nobody(
    regions: RegionDirectory,
) -> None:
    nobody = staffing_warning((), regions)
    assert nobody is not None and nobody.startswith("NO STAFF ACCOUNT CAN RECEIVE REQUESTS")
    province_only = staffing_warning((StaffCover("caseworker", ("35",), ("*",)),), regions)
    assert province_only is not None and "KAB/KOTA WOULD REACH NOBODY" in province_only
    assert staffing_warning((StaffCover("supervisor", ("*",), ()),), regions) is None


async def test_caseworker_list_says_so_when_nobody_can_receive_requests(tmp_path: Path) -> None:
    code, _, err = await run_cli("init", data_dir=tmp_path)
    assert code == 0, err
    code, out, err = await run_cli("caseworker", "list", data_dir=tmp_path)
    assert code == 0, err
    assert "WARNING: NO STAFF ACCOUNT CAN RECEIVE REQUESTS" in out


def _cell(sheet: Any, key: str, column: str) -> Any:
    """The cell of an entry's column, found by the entry's key."""
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("key")].value == key)
    return row[header.index(column)]


def test_a_phone_number_typed_as_a_number_is_refused_with_its_cell(
    tmp_path: Path, regions: RegionDirectory
) -> None:
    workbook = tmp_path / "catalog.xlsx"
    tools.export(DEFAULT_CATALOG, workbook)
    book = load_workbook(workbook)
    cell = _cell(book["hotlines"], "sapa129", "whatsapp")
    cell.value = 8111129129  # typed into Excel: a number, its leading 0 gone
    book.save(workbook)
    target = _copy(tmp_path)
    before = _snapshot(target)
    seen: list[str] = []
    code = tools.import_workbook(
        workbook, target, today=TODAY, regions=regions, confirm=lambda d: True, out=seen.append
    )
    assert code == 1
    assert seen[0] == (
        f"sheet 'hotlines', row {cell.row}, column 'whatsapp': 8111129129 is a number cell, so"
        " the spreadsheet may have dropped its leading 0; format the column as Text and type the"
        " number as it is dialled (0811-..., +62..., 112)"
    ), seen
    assert seen[-1] == "Nothing was changed."
    assert _snapshot(target) == before


def test_a_text_starting_with_equals_survives_export_and_import(
    tmp_path: Path, regions: RegionDirectory
) -> None:
    target = _copy(tmp_path)
    hotlines = target / "hotlines.yaml"
    text = hotlines.read_text(encoding="utf-8")
    formula_like = '"=129 (free), 021-129 by landline"'
    sapa_note = 'en: "violence, being forced, or being sold. Call 129 (or 021-129)."'
    assert text.count(sapa_note) == 1, "the test edits SAPA's English note"
    hotlines.write_text(text.replace(sapa_note, f"en: {formula_like}"))
    workbook = tmp_path / "catalog.xlsx"
    tools.export(target, workbook)
    cell = _cell(load_workbook(workbook)["hotlines"], "sapa129", "note.en")
    assert (cell.value, cell.data_type) == ("=129 (free), 021-129 by landline", "s")
    seen: list[str] = []
    code = tools.import_workbook(
        workbook, target, today=TODAY, regions=regions, confirm=lambda d: True, out=seen.append
    )
    assert code == 0 and seen == ["The workbook matches the catalog: nothing to change."], seen


def _rezip(workbook: Path, member: str, extra: bytes) -> None:
    """Rewrites the workbook with `extra` bytes of whitespace inside one of its XML parts."""
    with zipfile.ZipFile(workbook) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[member] = parts[member].replace(b"</worksheet>", extra + b"</worksheet>")
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def test_a_workbook_too_large_unpacked_or_in_a_cell_is_refused_before_reading(
    tmp_path: Path, regions: RegionDirectory
) -> None:
    target = _copy(tmp_path)
    before = _snapshot(target)
    bomb = tmp_path / "bomb.xlsx"
    tools.export(DEFAULT_CATALOG, bomb)
    _rezip(bomb, "xl/worksheets/sheet6.xml", b" " * 30_000_000)
    assert bomb.stat().st_size < 1_000_000
    seen: list[str] = []
    code = tools.import_workbook(
        bomb, target, today=TODAY, regions=regions, confirm=lambda d: True, out=seen.append
    )
    assert code == 1
    assert seen == [
        "bomb.xlsx would unpack to 30 MB; a catalog workbook unpacks to far less than the 20 MB"
        " allowed, so it is not read",
        "Nothing was changed.",
    ]
    long = tmp_path / "long.xlsx"
    tools.export(DEFAULT_CATALOG, long)
    book = load_workbook(long)
    cell = _cell(book["hotlines"], "police", "note.en")
    cell.value = "Free. " * 1000
    book.save(long)
    seen.clear()
    code = tools.import_workbook(
        long, target, today=TODAY, regions=regions, confirm=lambda d: True, out=seen.append
    )
    assert code == 1
    assert seen == [
        f"sheet 'hotlines', row {cell.row}, column 'note.en': 6000 characters; a cell holds at"
        " most 5000",
        "Nothing was changed.",
    ]
    assert _snapshot(target) == before


def test_a_full_disk_during_import_leaves_the_catalog_as_it_was(
    tmp_path: Path, regions: RegionDirectory, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook = tmp_path / "catalog.xlsx"
    tools.export(DEFAULT_CATALOG, workbook)
    book = load_workbook(workbook)
    _cell(book["hotlines"], "police", "note.en").value = "Free, day and night."
    book.save(workbook)
    target = _copy(tmp_path)
    before = _snapshot(target)
    copies: list[Path] = []
    real_copy = shutil.copy2

    def copy_until_the_disk_is_full(source: Path, destination: Path) -> object:
        copies.append(Path(destination))
        if len(copies) == 2:  # the second file of the catalog finds the disk full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_copy(source, destination)

    monkeypatch.setattr(shutil, "copy2", copy_until_the_disk_is_full)
    seen: list[str] = []
    code = tools.import_workbook(
        workbook, target, today=TODAY, regions=regions, confirm=lambda d: True, out=seen.append
    )
    assert code == 1
    assert seen[-1] == (
        "The catalog could not be written (No space left on device). Nothing was changed."
    )
    assert len(copies) == 2
    assert _snapshot(target) == before, "every file as it was, no file left half-written"
    assert load_catalog(target, today=TODAY, regions=regions).version == "2026.11-sample.1"
