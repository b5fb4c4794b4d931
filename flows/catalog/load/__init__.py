"""Reading and validating the service catalog from YAML, naming file and line in every error.

A catalog is a directory of *.yaml files (or one file). Each file is a mapping whose top-level keys
are catalog metadata (version, sample, notice, region_codes) and/or the sections regions,
programmes, facilities, going_home and hotlines (lists of entries); sections found in several files
are joined. Validation reports every problem it finds, not just the first; today's date is passed in
so that the check never reads the clock.

Layout: errors (what validation reports), nodes (reading one YAML mapping), checker (the whole
catalog and the checks sections share), and one module per section: regions, programmes,
facilities, going_home, hotlines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from flows.catalog import Catalog
from flows.catalog.load.checker import META, SECTIONS, Checker
from flows.catalog.load.errors import CatalogError, CatalogInvalid
from flows.catalog.load.nodes import LOCALES
from flows.catalog.load.regions import ZONE_OF_TIMEZONE
from flows.regions import RegionDirectory

__all__ = [
    "DEFAULT_CATALOG",
    "LOCALES",
    "META",
    "SECTIONS",
    "ZONE_OF_TIMEZONE",
    "CatalogError",
    "CatalogInvalid",
    "check_catalog",
    "load_catalog",
]

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "data" / "catalog"


def load_catalog(path: Path, *, today: date, regions: RegionDirectory) -> Catalog:
    """Reads and validates a catalog, raising CatalogInvalid on any error but ended programmes.

    Programmes that are already over are left out (`catalog check` still reports them), so a
    catalog nobody has updated keeps the bot, and its emergency numbers, running.
    """
    catalog, errors = _read(path, today=today, regions=regions)
    fatal = [e for e in errors if not e.ended]
    if fatal or catalog is None:
        raise CatalogInvalid(fatal or errors)
    current = tuple(p for p in catalog.programmes if p.open_on(today))
    return replace(catalog, programmes=current)


def check_catalog(path: Path, *, today: date, regions: RegionDirectory) -> list[CatalogError]:
    """Validates a catalog directory or file and returns every error found (empty when valid)."""
    return _read(path, today=today, regions=regions)[1]


# ----------------------------------------------------------------------------- reading


def _read(
    path: Path, *, today: date, regions: RegionDirectory
) -> tuple[Catalog | None, list[CatalogError]]:
    checker = Checker(today, regions)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            checker.errors.append(CatalogError(path.name, 0, "no *.yaml files in the catalog"))
    elif path.is_file():
        files = [path]
    else:
        files = []
        checker.errors.append(CatalogError(path.name, 0, "catalog not found"))
    documents = [(p.name, root) for p in files if (root := checker.compose(p)) is not None]
    if not documents:
        if not checker.errors:
            checker.errors.append(CatalogError(path.name, 0, "the catalog is empty"))
        return None, sorted(checker.errors, key=lambda e: (e.file, e.line, e.message))
    catalog = checker.build(documents, default_file=_default_file(files))
    errors = sorted(checker.errors, key=lambda e: (e.file, e.line, e.message))
    return (None if any(not e.ended for e in errors) else catalog), errors


def _default_file(files: Sequence[Path]) -> str:
    names = [p.name for p in files]
    for name in ("catalog.yaml", "catalog.yml"):
        if name in names:
            return name
    return names[0] if names else "catalog.yaml"
