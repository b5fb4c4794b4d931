"""Reading and validating the service catalog from YAML, naming file and line in every error.

A catalog is a directory of *.yaml files (or one file). Each file is a mapping whose top-level keys
are catalog metadata (version, sample, notice, region_codes) and/or the sections regions,
programmes, facilities, going_home and hotlines (lists of entries); sections found in several files
are joined. Validation reports every problem it finds, not just the first; today's date is passed in
so that the check never reads the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import yaml
from lokal import parse_phone
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flows.catalog import (
    HEALTH_SERVICES,
    PROGRAMME_KINDS,
    PROGRAMME_TAGS,
    Catalog,
    GoingHome,
    HealthFacility,
    Office,
    Programme,
    RegionEntry,
)
from flows.hotlines import Hotline
from flows.regions import RegionDirectory
from flows.types import Localized

DEFAULT_CATALOG = Path(__file__).with_name("data") / "catalog"

#: The IANA zones used in Indonesia and the local zone each belongs to.
ZONE_OF_TIMEZONE: dict[str, str] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}

LOCALES = ("id", "en")
SECTIONS = ("regions", "programmes", "facilities", "going_home", "hotlines")
META = ("version", "sample", "notice", "region_codes")

_REGION_CODE = re.compile(r"\d{2}\.\d{2}")
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHORT_SERVICE = re.compile(r"\d{3,4}")
_CALL_CENTRE = re.compile(r"1500[- ]?\d{3,4}|0800[- ]?\d{1,4}[- ]?\d{3,4}")
_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"

_REGION_FIELDS = {"code", "name", "timezone", "office", "source"}
_OFFICE_FIELDS = {"key", "name", "phone", "last_verified", "source"}
_PROGRAMME_FIELDS = {
    "key",
    "region",
    "kind",
    "tags",
    "title",
    "provider",
    "starts",
    "ends",
    "place",
    "cost",
    "receives",
    "requirements",
    "without_ktp",
    "quota",
    "last_verified",
    "note",
    "source",
}
_FACILITY_FIELDS = {
    "key",
    "region",
    "name",
    "services",
    "address",
    "hours",
    "cost",
    "confidentiality",
    "phone",
    "last_verified",
    "note",
    "source",
}
_GOING_HOME_FIELDS = {"region", "support", "how", "last_verified", "note", "source"}
_HOTLINE_FIELDS = {
    "key",
    "name",
    "note",
    "phone",
    "whatsapp",
    "regions",
    "last_verified",
    "source",
}


@dataclass(frozen=True, slots=True)
class CatalogError:
    """One problem in the catalog files, shown as ``file:line: message``."""

    file: str
    line: int
    message: str
    #: A programme that is over: `catalog check` reports it; the running bot just hides it.
    ended: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class CatalogInvalid(ValueError):
    """The catalog has errors; ``errors`` lists all of them."""

    def __init__(self, errors: Sequence[CatalogError]) -> None:
        self.errors: tuple[CatalogError, ...] = tuple(errors)
        lines = "\n".join(str(e) for e in self.errors)
        super().__init__(f"the service catalog has {len(self.errors)} error(s):\n{lines}")


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
    checker = _Checker(today, regions)
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


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"{node.value!r}"


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG


class _Entry:
    """One YAML mapping being read: its fields by name, and the errors found while reading it."""

    def __init__(
        self, checker: _Checker, file: str, node: MappingNode, what: str, allowed: Iterable[str]
    ) -> None:
        self.checker = checker
        self.file = file
        self.what = what
        self.line = _line(node)
        self.ok = True
        self.fields: dict[str, Node] = {}
        allowed = set(allowed)
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or _is_null(key_node):
                self.error(
                    key_node, f"wrong type: a field name must be text, not {_describe(key_node)}"
                )
                continue
            name = str(key_node.value)
            if name in self.fields:
                first = _line(self.fields[name])
                self.error(key_node, f"duplicate key {name!r} (first at line {first})")
                continue
            if name not in allowed:
                self.error(key_node, f"unknown field {name!r}")
                continue
            self.fields[name] = value_node

    def error(self, at: Node | int, message: str, *, ended: bool = False) -> None:
        """Records an error of this entry at a node (or a line); ended ones keep the entry."""
        self.ok = self.ok and ended
        line = at if isinstance(at, int) else _line(at)
        prefix = f"{self.what}: " if self.what else ""
        self.checker.errors.append(CatalogError(self.file, line, prefix + message, ended))

    def node(self, name: str, *, required: bool) -> Node | None:
        """Returns a field's node; a missing or empty required field is an error."""
        node = self.fields.get(name)
        empty = node is None or _is_null(node)
        if not empty and isinstance(node, ScalarNode) and not str(node.value).strip():
            empty = True
        if empty:
            if required:
                if name == "last_verified":
                    self.error(
                        self.line,
                        "missing last_verified: every contact needs the date it was last checked",
                    )
                else:
                    self.error(self.line, f"missing required field {name!r}")
            return None
        return node

    def _scalar(self, name: str, node: Node, expected: str) -> str | None:
        if isinstance(node, ScalarNode):
            return str(node.value).strip()
        self.error(node, f"wrong type for {name!r}: expected {expected}, got {_describe(node)}")
        return None

    def text(self, name: str) -> str:
        """Returns a required single-line text field ("" after an error)."""
        node = self.node(name, required=True)
        return (self._scalar(name, node, "text") or "") if node else ""

    def optional_text(self, name: str) -> str | None:
        """Returns an optional text field."""
        node = self.node(name, required=False)
        return self._scalar(name, node, "text") if node else None

    def localized(self, name: str) -> Localized:
        """Returns a required per-language text ({id: ..., en: ...} or a plain Indonesian text)."""
        node = self.node(name, required=True)
        return (self._localized(name, node) or Localized(())) if node else Localized(())

    def optional_localized(self, name: str) -> Localized | None:
        """Returns an optional per-language text."""
        node = self.node(name, required=False)
        return self._localized(name, node) if node else None

    def _localized(self, name: str, node: Node) -> Localized | None:
        if isinstance(node, ScalarNode):
            return Localized((("id", str(node.value).strip()),))
        if not isinstance(node, MappingNode):
            self.error(node, f"wrong type for {name!r}: expected {{id: ..., en: ...}}, got a list")
            return None
        texts = _Entry(self.checker, self.file, node, self.what, LOCALES)
        values: list[tuple[str, str]] = []
        for locale in LOCALES:
            value = texts.node(locale, required=False)
            if value is None:
                continue
            text = texts._scalar(f"{name}.{locale}", value, "text")
            if text:
                values.append((locale, text))
        if "id" not in dict(values) and texts.ok:
            texts.error(node, f"missing required field '{name}.id' (the Indonesian text)")
        if not texts.ok:
            self.ok = False
            return None
        return Localized(tuple(sorted(values)))

    def day(self, name: str) -> date:
        """Returns a required date field (date.min after an error)."""
        node = self.node(name, required=True)
        return (self._date(name, node) or date.min) if node else date.min

    def optional_day(self, name: str) -> date | None:
        """Returns an optional date field."""
        node = self.node(name, required=False)
        return self._date(name, node) if node else None

    def _date(self, name: str, node: Node) -> date | None:
        raw = str(node.value).strip() if isinstance(node, ScalarNode) else ""
        if _DATE.fullmatch(raw):
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        self.error(
            node, f"wrong type for {name!r}: expected a date YYYY-MM-DD, got {_describe(node)}"
        )
        return None

    def optional_int(self, name: str) -> int | None:
        """Returns an optional whole number of 0 or more."""
        node = self.node(name, required=False)
        if node is None:
            return None
        if isinstance(node, ScalarNode) and node.tag == _INT_TAG:
            value = yaml.constructor.SafeConstructor().construct_yaml_int(node)
            if value >= 0:
                return value
        self.error(node, f"wrong type for {name!r}: expected a whole number, got {_describe(node)}")
        return None

    def boolean(self, name: str) -> bool:
        """Returns a required true/false field."""
        node = self.node(name, required=True)
        if node is None:
            return False
        if isinstance(node, ScalarNode) and node.tag == _BOOL_TAG:
            return yaml.constructor.SafeConstructor().construct_yaml_bool(node)
        self.error(node, f"wrong type for {name!r}: expected true or false, got {_describe(node)}")
        return False

    def items(self, name: str, *, required: bool) -> list[tuple[Node, str]]:
        """Returns the texts of a list field with their nodes."""
        node = self.node(name, required=required)
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"wrong type for {name!r}: expected a list, got {_describe(node)}")
            return []
        found = []
        for item in node.value:
            text = self._scalar(f"{name} item", item, "text")
            if text:
                found.append((item, text))
        if required and not found and self.ok:
            self.error(node, f"missing required field {name!r} (the list is empty)")
        return found


class _Checker:
    """Reads the composed YAML documents into a Catalog, collecting every error."""

    def __init__(self, today: date, regions: RegionDirectory) -> None:
        self.today = today
        self.directory = regions
        self.errors: list[CatalogError] = []
        self.declared: dict[str, tuple[str, int]] = {}
        self.keys: dict[tuple[str, str], tuple[str, int]] = {}

    def compose(self, path: Path) -> Node | None:
        """Parses one file into YAML nodes, keeping line numbers; None when it cannot."""
        try:
            text = path.read_text(encoding="utf-8")
            return yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = int(mark.line) + 1 if mark is not None else 1
            problem = exc.problem or str(exc)
            self.errors.append(CatalogError(path.name, line, f"invalid YAML: {problem}"))
        except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
            self.errors.append(CatalogError(path.name, 1, f"cannot read: {exc}"))
        return None

    # ------------------------------------------------------------------ whole catalog

    def build(self, documents: list[tuple[str, Node]], default_file: str) -> Catalog | None:
        """Reads the metadata and every section of the documents."""
        roots: list[_Entry] = []
        for file, document in documents:
            if not isinstance(document, MappingNode):
                self.errors.append(
                    CatalogError(
                        file, _line(document), "wrong type: a catalog file must be a mapping"
                    )
                )
                continue
            roots.append(_Entry(self, file, document, "", (*META, *SECTIONS)))

        version, sample, notice, region_codes = self._meta(roots, default_file)
        sections: dict[str, list[tuple[_Entry, Node]]] = {name: [] for name in SECTIONS}
        for root in roots:
            for name in SECTIONS:
                node = root.node(name, required=False)
                if node is None:
                    continue
                if not isinstance(node, SequenceNode):
                    root.error(node, f"wrong type for {name!r}: expected a list of entries")
                    continue
                sections[name].extend((root, item) for item in node.value)
        for name in ("regions", "hotlines"):
            if not sections[name]:
                self.errors.append(
                    CatalogError(default_file, 1, f"missing required field {name!r} (no entries)")
                )

        region_entries = [
            r for e in self._entries(sections["regions"], "region") if (r := self._region(*e))
        ]
        programmes = [
            p
            for e in self._entries(sections["programmes"], "programme")
            if (p := self._programme(*e))
        ]
        facilities = [
            f
            for e in self._entries(sections["facilities"], "facility")
            if (f := self._facility(*e))
        ]
        going_home = [
            g
            for e in self._entries(sections["going_home"], "going-home entry")
            if (g := self._going_home(*e))
        ]
        hotlines = [
            h for e in self._entries(sections["hotlines"], "hotline") if (h := self._hotline(*e))
        ]
        if any(not e.ended for e in self.errors):
            return None
        return Catalog(
            version=version,
            sample=sample,
            regions=tuple(region_entries),
            programmes=tuple(programmes),
            facilities=tuple(facilities),
            going_home=tuple(going_home),
            hotlines=tuple(hotlines),
            notice=notice,
            region_codes=region_codes,
        )

    def _meta(
        self, roots: list[_Entry], default_file: str
    ) -> tuple[str, bool, str | None, str | None]:
        found: dict[str, _Entry] = {}
        for root in roots:
            for name in META:
                if name not in root.fields:
                    continue
                if name in found:
                    first = found[name]
                    line = _line(first.fields[name])
                    root.error(
                        root.fields[name], f"duplicate key {name!r} (first at {first.file}:{line})"
                    )
                else:
                    found[name] = root
        for name in ("version", "sample"):
            if name not in found:
                self.errors.append(
                    CatalogError(default_file, 1, f"missing required field {name!r}")
                )
        version = found["version"].text("version") if "version" in found else ""
        sample = found["sample"].boolean("sample") if "sample" in found else False
        notice = found["notice"].optional_text("notice") if "notice" in found else None
        codes = (
            found["region_codes"].optional_text("region_codes") if "region_codes" in found else None
        )
        return version, sample, notice, codes

    def _entries(
        self, items: list[tuple[_Entry, Node]], what: str
    ) -> list[tuple[str, MappingNode, str]]:
        found = []
        for root, node in items:
            if isinstance(node, MappingNode):
                found.append((root.file, node, what))
            else:
                root.error(
                    node, f"wrong type: each {what} must be a mapping, got {_describe(node)}"
                )
        return found

    # ------------------------------------------------------------------ shared checks

    def _label(self, node: MappingNode, what: str, field: str) -> str:
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, ScalarNode)
                and key_node.value == field
                and isinstance(value_node, ScalarNode)
                and not _is_null(value_node)
            ):
                return f"{what} {str(value_node.value)!r}"
        return what

    def _key(self, entry: _Entry, kind: str) -> str:
        key = entry.text("key")
        if not key:
            return key
        node = entry.fields["key"]
        if not _KEY.fullmatch(key):
            entry.error(
                node, f"malformed key {key!r} (use up to 40 lowercase letters, digits, - or _)"
            )
        elif (kind, key) in self.keys:
            file, line = self.keys[(kind, key)]
            entry.error(node, f"duplicate key {key!r} (first at {file}:{line})")
        else:
            self.keys[(kind, key)] = (entry.file, _line(node))
        return key

    def _known_region(self, entry: _Entry, node: Node, code: str) -> bool:
        if _REGION_CODE.fullmatch(code) and self.directory.region(code) is not None:
            return True
        entry.error(node, f"unknown region code {code!r}: not a Kemendagri kab/kota code")
        return False

    def _region_ref(self, entry: _Entry, node: Node, code: str) -> None:
        if self._known_region(entry, node, code) and code not in self.declared:
            entry.error(node, f"region {code!r} is not declared in regions (regions.yaml)")

    def _referred_region(self, entry: _Entry) -> str:
        code = entry.text("region")
        if code:
            self._region_ref(entry, entry.fields["region"], code)
        return code

    def _verified(self, entry: _Entry) -> date:
        verified = entry.day("last_verified")
        if verified != date.min and verified > self.today:
            entry.error(
                entry.fields["last_verified"],
                f"last_verified {verified.isoformat()} is in the future (today is"
                f" {self.today.isoformat()})",
            )
        return verified

    def _phone(self, entry: _Entry, name: str, *, service: bool) -> str | None:
        node = entry.fields.get(name)
        value = entry.optional_text(name)
        if value is None or node is None:
            return value
        if service and (_SHORT_SERVICE.fullmatch(value) or _CALL_CENTRE.fullmatch(value)):
            return value
        info = parse_phone(value)
        if not info.valid:
            reasons = "; ".join(issue.message for issue in info.errors)
            entry.error(node, f"malformed phone number {value!r} for {name!r} ({reasons})")
        elif name == "whatsapp" and not info.whatsapp:
            entry.error(node, f"malformed phone number {value!r}: WhatsApp needs a mobile number")
        return value

    # ------------------------------------------------------------------ sections

    def _region(self, file: str, node: MappingNode, what: str) -> RegionEntry | None:
        entry = _Entry(self, file, node, self._label(node, what, "code"), _REGION_FIELDS)
        code = entry.text("code")
        region = None
        if code:
            code_node = entry.fields["code"]
            if self._known_region(entry, code_node, code):
                region = self.directory.region(code)
                if code in self.declared:
                    first_file, first_line = self.declared[code]
                    entry.error(
                        code_node,
                        f"duplicate key: region {code!r} already declared at"
                        f" {first_file}:{first_line}",
                    )
                else:
                    self.declared[code] = (file, _line(code_node))
        name = entry.text("name")
        timezone = entry.text("timezone")
        if timezone:
            tz_node = entry.fields["timezone"]
            zone = ZONE_OF_TIMEZONE.get(timezone)
            if zone is None:
                zones = ", ".join(ZONE_OF_TIMEZONE)
                entry.error(tz_node, f"unknown time zone {timezone!r} (use one of {zones})")
            elif region is not None and zone != region.zone:
                entry.error(
                    tz_node,
                    f"time zone {timezone!r} ({zone}) does not match {region.province_name}"
                    f" ({region.zone}, {region.timezone})",
                )
        office = self._office(entry)
        entry.optional_text("source")
        if not entry.ok or office is None:
            return None
        return RegionEntry(code=code, name=name, timezone=timezone, office=office)

    def _office(self, parent: _Entry) -> Office | None:
        node = parent.node("office", required=True)
        if node is None:
            return None
        if not isinstance(node, MappingNode):
            parent.error(
                node, f"wrong type for 'office': expected a mapping, got {_describe(node)}"
            )
            return None
        what = self._label(node, f"{parent.what} office", "key")
        entry = _Entry(self, parent.file, node, what, _OFFICE_FIELDS)
        key = self._key(entry, "office")
        name = entry.localized("name")
        phone = self._phone(entry, "phone", service=False)
        verified = self._verified(entry)
        entry.optional_text("source")
        if not entry.ok:
            parent.ok = False
            return None
        return Office(key=key, name=name, phone=phone, last_verified=verified)

    def _programme(self, file: str, node: MappingNode, what: str) -> Programme | None:
        entry = _Entry(self, file, node, self._label(node, what, "key"), _PROGRAMME_FIELDS)
        key = self._key(entry, "programme")
        region = self._referred_region(entry)
        kind = entry.text("kind")
        if kind and kind not in PROGRAMME_KINDS:
            kinds = ", ".join(sorted(PROGRAMME_KINDS))
            entry.error(entry.fields["kind"], f"unknown programme kind {kind!r} (use {kinds})")
        tags = []
        for tag_node, tag in entry.items("tags", required=False):
            if tag not in PROGRAMME_TAGS:
                entry.error(tag_node, f"unknown programme tag {tag!r}")
            elif tag not in tags:
                tags.append(tag)
        starts = entry.day("starts")
        ends = entry.optional_day("ends")
        # A running programme (started, not yet ended) is fine; one that is over is not.
        name, day = ("ends", ends) if ends not in (None, date.min) else ("starts", starts)
        if day is not None and day != date.min and day < self.today:
            entry.error(
                entry.fields[name],
                f"{name} {day.isoformat()} is in the past (today is {self.today.isoformat()})",
                ended=True,
            )
        if ends is not None and starts != date.min and ends < starts:
            entry.error(entry.fields["ends"], f"ends {ends.isoformat()} is before starts")
        programme = Programme(
            key=key,
            region=region,
            kind=kind,
            tags=tuple(tags),
            title=entry.localized("title"),
            provider=entry.localized("provider"),
            starts=starts,
            ends=ends,
            place=entry.localized("place"),
            cost=entry.localized("cost"),
            receives=entry.localized("receives"),
            requirements=entry.localized("requirements"),
            without_ktp=entry.localized("without_ktp"),
            quota=entry.optional_int("quota"),
            last_verified=self._verified(entry),
            note=entry.optional_localized("note"),
            source=entry.optional_text("source"),
        )
        return programme if entry.ok else None

    def _facility(self, file: str, node: MappingNode, what: str) -> HealthFacility | None:
        entry = _Entry(self, file, node, self._label(node, what, "key"), _FACILITY_FIELDS)
        key = self._key(entry, "facility")
        region = self._referred_region(entry)
        services = []
        for service_node, service in entry.items("services", required=True):
            if service not in HEALTH_SERVICES:
                known = ", ".join(sorted(HEALTH_SERVICES))
                entry.error(service_node, f"unknown health service {service!r} (use {known})")
            elif service not in services:
                services.append(service)
        facility = HealthFacility(
            key=key,
            region=region,
            name=entry.localized("name"),
            services=tuple(services),
            address=entry.localized("address"),
            hours=entry.localized("hours"),
            cost=entry.localized("cost"),
            confidentiality=entry.localized("confidentiality"),
            phone=self._phone(entry, "phone", service=False),
            last_verified=self._verified(entry),
            note=entry.optional_localized("note"),
            source=entry.optional_text("source"),
        )
        return facility if entry.ok else None

    def _going_home(self, file: str, node: MappingNode, what: str) -> GoingHome | None:
        entry = _Entry(self, file, node, self._label(node, what, "region"), _GOING_HOME_FIELDS)
        region = self._referred_region(entry)
        if region:
            self._unique(entry, "going_home", region, entry.fields["region"])
        going_home = GoingHome(
            region=region,
            support=entry.localized("support"),
            how=entry.localized("how"),
            last_verified=self._verified(entry),
            note=entry.optional_localized("note"),
            source=entry.optional_text("source"),
        )
        return going_home if entry.ok else None

    def _unique(self, entry: _Entry, kind: str, key: str, node: Node) -> None:
        if (kind, key) in self.keys:
            file, line = self.keys[(kind, key)]
            entry.error(node, f"duplicate key: {key!r} already has an entry at {file}:{line}")
        else:
            self.keys[(kind, key)] = (entry.file, _line(node))

    def _hotline(self, file: str, node: MappingNode, what: str) -> Hotline | None:
        entry = _Entry(self, file, node, self._label(node, what, "key"), _HOTLINE_FIELDS)
        key = self._key(entry, "hotline")
        name = entry.localized("name")
        note = entry.localized("note")
        phone = entry.text("phone") and self._phone(entry, "phone", service=True)
        whatsapp = self._phone(entry, "whatsapp", service=False)
        codes = []
        for code_node, code in entry.items("regions", required=False):
            self._region_ref(entry, code_node, code)
            codes.append(code)
        verified = self._verified(entry)
        entry.optional_text("source")
        if not entry.ok or not phone:
            return None
        return Hotline(
            key=key,
            name=name,
            note=note,
            phone=phone,
            whatsapp=whatsapp,
            last_verified=verified,
            regions=tuple(codes),
        )
