"""`catalog check | coverage | export | import`: the tools that keep the catalog true."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from bot.admin.catalog_xlsx import changes, export_xlsx, workbook_to_yaml, write_yaml
from bot.core.config import Settings
from bot.core.routing import REQUEST_SERVICES, covers_of, unrouted
from bot.core.services import open_services
from flows.catalog import (
    COUNTRY,
    HEALTH_SERVICES,
    LOCAL,
    PROGRAMME_KINDS,
    PROVINCE,
    STALE_AFTER_MONTHS,
    Catalog,
    tier_of,
)
from flows.catalog.load import CatalogInvalid, check_catalog, load_catalog
from flows.catalog.load.staleness import stale_entries
from flows.regions import RegionDirectory
from flows.routing import StaffCover

TIER_WORDS = {LOCAL: "local", PROVINCE: "province", COUNTRY: "national"}
#: The services `catalog coverage` reports, in menu order.
COVERAGE_SERVICES = (
    *sorted(PROGRAMME_KINDS),
    *(f"health:{s}" for s in sorted(HEALTH_SERVICES)),
    "going_home",
)


def check(
    path: Path,
    *,
    today: date,
    regions: RegionDirectory,
    months: int | None,
    out: Callable[[str], None],
) -> int:
    """Prints every error, then every entry not verified for `months` months; 1 on errors."""
    errors = check_catalog(path, today=today, regions=regions)
    for error in errors:
        out(str(error))
    if months is None:
        try:
            months = load_catalog(path, today=today, regions=regions).stale_after_months
        except CatalogInvalid:
            months = STALE_AFTER_MONTHS
    warnings = stale_entries(path, today=today, months=months)
    for warning in warnings:
        out(str(warning))
    if errors:
        print(f"{len(errors)} error(s) in {path}", file=sys.stderr)
        return 1
    if warnings:
        out(f"{path}: no errors; {len(warnings)} not verified for {months} months or more")
    else:
        out(f"{path}: no errors")
    return 0


def _best_tier(catalog: Catalog, code: str, service: str) -> int | None:
    tiers: list[int | None]
    if service in PROGRAMME_KINDS:
        tiers = [tier_of(p.regions, code) for p in catalog.programmes if p.kind == service]
    elif service.startswith("health:"):
        need = service.removeprefix("health:")
        tiers = [tier_of(f.regions, code) for f in catalog.facilities if need in f.services]
    else:
        tiers = [tier_of(g.regions, code) for g in catalog.going_home]
    found = [t for t in tiers if t is not None]
    return min(found) if found else None


def coverage_lines(
    catalog: Catalog, regions: RegionDirectory, staff: Sequence[StaffCover] | None
) -> list[str]:
    """Per province and kab/kota: each service's most local tier, and whether anyone is reached."""
    gaps = unrouted(staff, regions, REQUEST_SERVICES) if staff is not None else {}
    lines: list[str] = []
    totals = {"local": 0, "province": 0, "national": 0, "none": 0}
    for province in regions.provinces():
        lines.append(f"{province.name} ({province.code})")
        for region in regions.regencies(province.code):
            parts = []
            for service in COVERAGE_SERVICES:
                tier = _best_tier(catalog, region.code, service)
                word = TIER_WORDS[tier] if tier is not None else "none"
                totals[word] += 1
                parts.append(f"{service}={word}")
            if staff is None:
                routing = "routing not checked"
            elif region.code in gaps:
                routing = f"NO CASEWORKER TO ROUTE TO ({', '.join(gaps[region.code])})"
            else:
                routing = "routed"
            lines.append(f"  {region.code} {region.name}: {' '.join(parts)} | {routing}")
    count = len(regions.all_regions())
    lines.append(
        f"{count} kab/kota, {len(COVERAGE_SERVICES)} services each: "
        + ", ".join(f"{n} {w}" for w, n in totals.items())
    )
    if staff is not None:
        lines.append(f"kab/kota with no caseworker to route to: {len(gaps)} of {count}")
    return lines


async def staff_covers(settings: Settings) -> tuple[StaffCover, ...] | None:
    """The reachable staff accounts, or None when the database cannot be opened."""
    try:
        opened = await open_services(settings)
    except Exception as problem:
        print(f"routing not checked: {problem}", file=sys.stderr)
        return None
    try:
        return covers_of(await opened.caseworkers.all())
    finally:
        await opened.close()


def export(path: Path, out: Path) -> str:
    """Writes the catalog to an XLSX workbook; returns a summary line."""
    counts = export_xlsx(path, out)
    return f"{out}: " + ", ".join(f"{n} {name}" for name, n in counts.items())


def import_workbook(
    workbook: Path,
    target: Path,
    *,
    today: date,
    regions: RegionDirectory,
    confirm: Callable[[list[str]], bool],
    out: Callable[[str], None],
) -> int:
    """Validates a workbook as a catalog, shows what changes, and only then replaces the YAML."""
    generated = workbook_to_yaml(workbook)
    for problem in generated.problems:
        out(problem)
    if generated.problems:
        out("Nothing was changed.")
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch)
        write_yaml(generated, staged, f"Imported from {workbook.name}; edit it or import again.")
        errors = check_catalog(staged, today=today, regions=regions)
        fatal = [e for e in errors if not e.ended]
        for error in errors:
            out(f"{generated.where(error)}: {error.message}")
        if fatal:
            out(f"{len(fatal)} error(s) in {workbook.name}. Nothing was changed.")
            return 1
        diff = changes(target, staged)
        if not diff:
            out("The workbook matches the catalog: nothing to change.")
            return 0
        for line in diff:
            out(line)
        if not confirm(diff):
            out("Nothing was changed.")
            return 1
        try:
            replace_all(staged, target)
        except OSError as exc:
            out(f"The catalog could not be written ({exc.strerror or exc}). Nothing was changed.")
            return 1
    out(f"{len(diff)} change(s) written to {target}.")
    return 0


def replace_all(staged: Path, target: Path) -> None:
    """Replaces the catalog's YAML files with the staged ones, all or nothing.

    Every new file is first copied next to its place under a temporary name (what needs disk
    space); only when all are written are they renamed into place and the old files that have
    no successor removed. When a copy fails, the temporary files are removed and the catalog is
    as it was.
    """
    temporary: dict[Path, Path] = {}
    try:
        for new in sorted(staged.iterdir()):
            place = target / new.name
            temporary[place] = target / f".{new.name}.importing"
            shutil.copy2(new, temporary[place])
            with temporary[place].open("rb") as written:
                os.fsync(written.fileno())
    except OSError:
        for partial in temporary.values():
            partial.unlink(missing_ok=True)
        raise
    for place, partial in temporary.items():
        os.replace(partial, place)
    for old in target.iterdir():
        if old.suffix in (".yaml", ".yml") and old not in temporary:
            old.unlink()
