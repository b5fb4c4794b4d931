"""`catalog check` warns about old entries, `catalog coverage` reports tiers and routing, and the
XLSX round trip is lossless, refuses a bad sheet with sheet, row and column, and changes nothing."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.admin import catalog as tools
from bot.core.routing import staffing_warning
from flows.catalog_load import DEFAULT_CATALOG, load_catalog
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
