"""The catalog as a spreadsheet: one sheet per section, one row per entry, one column per field.

Export reads the YAML files as data; nested fields become dotted columns ("title.id",
"office.name.en"), lists become comma-separated cells. Import turns the sheets back into YAML,
one line per cell, validates it with the same loader as the YAML catalog, and names the sheet,
row and column of every error. The XLSX library is openpyxl.

Every text is written as a text cell (never a formula, even when it starts with "="), so the
round trip is exact. A phone column must hold text: a number cell there has lost its leading 0
to the spreadsheet (8111129129) and is refused. A workbook is inspected before openpyxl parses
it: its unpacked size is capped (a few hundred kB of zip can unpack to gigabytes), and so are
the rows per sheet and the characters per cell.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from flows.catalog.load import META, SECTIONS, CatalogError

META_SHEET = "catalog"
#: Fields that hold a list (a region may be one code or a list of codes).
LIST_FIELDS = frozenset({"tags", "services", "regions"})
#: The YAML file each section is written to on import.
SECTION_FILES = {
    "regions": "regions.yaml",
    "programmes": "programmes.yaml",
    "facilities": "health.yaml",
    "going_home": "going_home.yaml",
    "hotlines": "hotlines.yaml",
}
META_FILE = "catalog.yaml"
#: Columns (their last dotted part) that hold a phone number, to be typed as text.
PHONE_FIELDS = frozenset({"phone", "whatsapp"})
#: Unpacked bytes a workbook may hold; the whole sample catalog unpacks to about 0.1 MB.
MAX_UNPACKED = 20_000_000
MAX_ROWS = 10_000  # per sheet; the national catalog is a few hundred entries
MAX_CELL = 5_000  # characters in one cell; the longest catalog text is a few hundred
#: The comment line write_yaml puts above the generated lines.
HEADER_LINES = 1
_MISSING = re.compile(r"missing (?:required field '([\w.]+)'|(last_verified))")


def read_sections(path: Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The catalog's metadata and its section entries as plain data, in file order."""
    files = (
        sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        if path.is_dir()
        else [path]
    )
    meta: dict[str, Any] = {}
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for name, value in data.items():
            if name in SECTIONS:
                sections[name].extend(value or [])
            else:
                meta[name] = value
    return meta, sections


def flatten(entry: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One entry as {dotted column: cell value}."""
    cells: dict[str, Any] = {}
    for name, value in entry.items():
        column = f"{prefix}{name}"
        if isinstance(value, dict):
            cells.update(flatten(value, f"{column}."))
        elif isinstance(value, list):
            cells[column] = ", ".join(str(v) for v in value)
        elif isinstance(value, date):
            cells[column] = value.isoformat()
        else:
            cells[column] = value
    return cells


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    return columns


def export_xlsx(catalog: Path, out: Path) -> dict[str, int]:
    """Writes the catalog as a workbook; returns the number of entries per sheet."""
    meta, sections = read_sections(catalog)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = META_SHEET
    sheet.append(["field", "value"])
    for name in META:
        if name in meta:
            sheet.append([name, meta[name]])
    _as_text(sheet)
    counts: dict[str, int] = {}
    for name in SECTIONS:
        rows = [flatten(e) for e in sections[name]]
        columns = _columns(rows)
        sheet = book.create_sheet(name)
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(c) for c in columns])
        _as_text(sheet)
        counts[name] = len(rows)
    book.save(out)
    return counts


def _as_text(sheet: Worksheet) -> None:
    """Makes every text cell a text cell: openpyxl writes "=..." as a live formula otherwise."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type != "s":
                cell.data_type = "s"
                cell.quotePrefix = True  # and the spreadsheet keeps it text when edited


@dataclass
class Generated:
    """YAML made from a workbook, and where each line came from (sheet, row, column)."""

    files: dict[str, list[str]] = field(default_factory=dict)
    origin: dict[tuple[str, int], tuple[str, int, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, file: str, text: str, sheet: str, row: int, column: str) -> None:
        """Adds one line to a file, remembering the cell it came from."""
        lines = self.files.setdefault(file, [])
        lines.append(text)
        self.origin[(file, len(lines))] = (sheet, row, column)

    def where(self, error: CatalogError) -> str:
        """Names the sheet, row and column of a validation error."""
        line = error.line - HEADER_LINES
        sheet, row, column = self.origin.get((error.file, line), (error.file, 0, ""))
        missing = _MISSING.search(error.message)
        if missing:
            column = missing.group(1) or missing.group(2)
        return f"sheet {sheet!r}, row {row}, column {column!r}"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return json.dumps(value.date().isoformat())
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    return json.dumps(str(value).strip(), ensure_ascii=False)


def _cell_yaml(name: str, value: Any) -> str:
    if name in LIST_FIELDS or (name == "region" and isinstance(value, str) and "," in value):
        items = [v.strip() for v in str(value).split(",") if v.strip()]
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in items) + "]"
    return _scalar(value)


def _rows(book: Any, name: str, out: Generated) -> Iterator[tuple[int, dict[str, Any]]]:
    sheet = book[name]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            out.problems.append(f"sheet {name!r} has more than {MAX_ROWS} rows; not read further")
            return
        cells = {h: v for h, v in zip(header, values, strict=False) if h and v not in (None, "")}
        for column, value in list(cells.items()):
            if isinstance(value, str) and len(value) > MAX_CELL:
                out.problems.append(
                    f"sheet {name!r}, row {number}, column {column!r}: {len(value)} characters;"
                    f" a cell holds at most {MAX_CELL}"
                )
                del cells[column]
        if cells:
            yield number, cells


def _emit(out: Generated, file: str, sheet: str, row: int, cells: dict[str, Any]) -> None:
    """Writes one entry, nesting dotted columns, one cell per line."""
    tree: dict[str, Any] = {}
    for column, value in cells.items():
        node = tree
        *parents, leaf = column.split(".")
        if leaf in PHONE_FIELDS and not isinstance(value, str):
            out.problems.append(
                f"sheet {sheet!r}, row {row}, column {column!r}: {_scalar(value)} is a number"
                " cell, so the spreadsheet may have dropped its leading 0; format the column as"
                " Text and type the number as it is dialled (0811-..., +62..., 112)"
            )
            continue
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                out.problems.append(
                    f"sheet {sheet!r}, row {row}, column {column!r}: both {part!r} and"
                    f" {column!r} are filled in; keep one"
                )
                return
            node = child
        node[leaf] = (column, value)
    first = True

    def write(node: dict[str, Any], depth: int) -> None:
        nonlocal first
        for name, value in node.items():
            lead = "  - " if first else "    " + "  " * depth
            first = False
            if isinstance(value, dict):
                column = next(iter(_leaves(value)))
                out.add(file, f"{lead}{name}:", sheet, row, column)
                write(value, depth + 1)
            else:
                column, cell = value
                out.add(file, f"{lead}{name}: {_cell_yaml(name, cell)}", sheet, row, column)

    write(tree, 0)


def _leaves(node: dict[str, Any]) -> Iterable[str]:
    for value in node.values():
        if isinstance(value, dict):
            yield from _leaves(value)
        else:
            yield value[0]


def unpacking_problem(path: Path) -> str | None:
    """Why a workbook is not read at all (not a workbook, or too large unpacked), or None."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        return f"{path.name} cannot be read as an XLSX workbook ({exc})"
    if unpacked > MAX_UNPACKED:
        return (
            f"{path.name} would unpack to {unpacked / 1e6:.0f} MB; a catalog workbook unpacks"
            f" to far less than the {MAX_UNPACKED / 1e6:.0f} MB allowed, so it is not read"
        )
    return None


def workbook_to_yaml(path: Path) -> Generated:
    """Turns a workbook into YAML catalog files (validated separately)."""
    out = Generated()
    problem = unpacking_problem(path)
    if problem is not None:
        out.problems.append(problem)
        return out
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        missing = [n for n in (META_SHEET, *SECTIONS) if n not in book.sheetnames]
        for name in missing:
            out.problems.append(f"sheet {name!r} is missing")
        if META_SHEET in book.sheetnames:
            out.files[META_FILE] = []
            for row, cells in _rows(book, META_SHEET, out):
                name, value = str(cells.get("field", "")).strip(), cells.get("value")
                if name and value is not None:
                    out.add(META_FILE, f"{name}: {_scalar(value)}", META_SHEET, row, "value")
        for name in SECTIONS:
            if name not in book.sheetnames:
                continue
            file = SECTION_FILES[name]
            out.add(file, f"{name}:", name, 1, "")
            for row, cells in _rows(book, name, out):
                _emit(out, file, name, row, cells)
            if len(out.files[file]) == 1:
                out.files[file][0] = f"{name}: []"
    finally:
        book.close()
    return out


def write_yaml(generated: Generated, directory: Path, header: str) -> list[Path]:
    """Writes the generated files into a directory; returns their paths."""
    written = []
    for name, lines in generated.files.items():
        target = directory / name
        target.write_text(f"# {header}\n" + "\n".join(lines) + "\n", encoding="utf-8")
        written.append(target)
    return written


def _key(section: str, entry: dict[str, Any]) -> str:
    for name in ("key", "code", "region"):
        if name in entry:
            return str(entry[name])
    return json.dumps(entry, sort_keys=True, default=str)[:40]


def changes(old: Path, new: Path) -> list[str]:
    """What importing `new` over `old` changes, entry by entry."""
    old_meta, old_sections = read_sections(old)
    new_meta, new_sections = read_sections(new)
    lines = [
        f"~ catalog {name}: {old_meta.get(name)!r} -> {new_meta.get(name)!r}"
        for name in META
        if old_meta.get(name) != new_meta.get(name)
    ]
    for section in SECTIONS:
        before = {_key(section, e): flatten(e) for e in old_sections[section]}
        after = {_key(section, e): flatten(e) for e in new_sections[section]}
        for key in after.keys() - before.keys():
            lines.append(f"+ {section} {key}")
        for key in before.keys() - after.keys():
            lines.append(f"- {section} {key}")
        for key in sorted(before.keys() & after.keys()):
            a, b = before[key], after[key]
            changed = sorted(c for c in a.keys() | b.keys() if _same(a.get(c)) != _same(b.get(c)))
            if changed:
                lines.append(f"~ {section} {key}: {', '.join(changed)}")
    return sorted(lines, key=lambda line: (line[2:], line[0]))


def _same(value: Any) -> Any:
    return None if value in (None, "") else value
