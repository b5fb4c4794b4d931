"""The checker that reads composed YAML documents into a Catalog, and the checks sections share."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml
from lokal import parse_phone
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flows.catalog import NATIONAL, STALE_AFTER_MONTHS, Catalog
from flows.catalog.load.errors import CatalogError
from flows.catalog.load.facilities import read_facility
from flows.catalog.load.going_home import read_going_home
from flows.catalog.load.hotlines import read_hotline
from flows.catalog.load.nodes import Entry, describe, is_null, line_of
from flows.catalog.load.programmes import read_programme
from flows.catalog.load.regions import read_region
from flows.regions import RegionDirectory

SECTIONS = ("regions", "programmes", "facilities", "going_home", "hotlines")
META = ("version", "sample", "notice", "region_codes", "stale_after_months")

_REGION_CODE = re.compile(r"\d{2}\.\d{2}")
_PROVINCE_CODE = re.compile(r"\d{2}")
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_SHORT_SERVICE = re.compile(r"\d{3,4}")
_CALL_CENTRE = re.compile(r"1500[- ]?\d{3,4}|0800[- ]?\d{1,4}[- ]?\d{3,4}")
#: A number as it is dialled in Indonesia: with its leading 0 (area code or 08...) or as +62.
_DIALLED = re.compile(r"(?:\+62|\(?0)[0-9 ()-]*[0-9]")


class Checker:
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
        roots: list[Entry] = []
        for file, document in documents:
            if not isinstance(document, MappingNode):
                self.errors.append(
                    CatalogError(
                        file, line_of(document), "wrong type: a catalog file must be a mapping"
                    )
                )
                continue
            roots.append(Entry(self, file, document, "", (*META, *SECTIONS)))

        version, sample, notice, region_codes = self.meta(roots, default_file)
        stale = self.stale_after_months(roots)
        sections: dict[str, list[tuple[Entry, Node]]] = {name: [] for name in SECTIONS}
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
            r for e in self.entries(sections["regions"], "region") if (r := read_region(self, *e))
        ]
        programmes = [
            p
            for e in self.entries(sections["programmes"], "programme")
            if (p := read_programme(self, *e))
        ]
        facilities = [
            f
            for e in self.entries(sections["facilities"], "facility")
            if (f := read_facility(self, *e))
        ]
        going_home = [
            g
            for e in self.entries(sections["going_home"], "going-home entry")
            if (g := read_going_home(self, *e))
        ]
        hotlines = [
            h
            for e in self.entries(sections["hotlines"], "hotline")
            if (h := read_hotline(self, *e))
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
            stale_after_months=stale,
        )

    def meta(
        self, roots: list[Entry], default_file: str
    ) -> tuple[str, bool, str | None, str | None]:
        """Reads the catalog metadata (version, sample, notice, region_codes) once across files."""
        found: dict[str, Entry] = {}
        for root in roots:
            for name in META:
                if name not in root.fields:
                    continue
                if name in found:
                    first = found[name]
                    line = line_of(first.fields[name])
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

    def stale_after_months(self, roots: list[Entry]) -> int:
        """Reads the optional stale_after_months metadata (at least 1; default 6)."""
        for root in roots:
            if "stale_after_months" in root.fields:
                months = root.optional_int("stale_after_months")
                if months is not None and months < 1:
                    root.error(
                        root.fields["stale_after_months"], "stale_after_months must be 1 or more"
                    )
                return months or STALE_AFTER_MONTHS
        return STALE_AFTER_MONTHS

    def entries(
        self, items: list[tuple[Entry, Node]], what: str
    ) -> list[tuple[str, MappingNode, str]]:
        """Keeps the section items that are mappings, reporting the others."""
        found = []
        for root, node in items:
            if isinstance(node, MappingNode):
                found.append((root.file, node, what))
            else:
                root.error(node, f"wrong type: each {what} must be a mapping, got {describe(node)}")
        return found

    # ------------------------------------------------------------------ shared checks

    # ------------------------------------------------------------------ shared checks

    def label(self, node: MappingNode, what: str, field: str) -> str:
        """Names an entry by one of its fields for error messages (e.g. "programme 'x'")."""
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, ScalarNode)
                and key_node.value == field
                and isinstance(value_node, ScalarNode)
                and not is_null(value_node)
            ):
                return f"{what} {str(value_node.value)!r}"
        return what

    def key(self, entry: Entry, kind: str) -> str:
        """Reads an entry's key, checking its form and that it is unique within its kind."""
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
            self.keys[(kind, key)] = (entry.file, line_of(node))
        return key

    def known_region(self, entry: Entry, node: Node, code: str) -> bool:
        """Tells whether a code is a Kemendagri kab/kota code, recording an error if not."""
        if _REGION_CODE.fullmatch(code) and self.directory.region(code) is not None:
            return True
        entry.error(node, f"unknown region code {code!r}: not a Kemendagri kab/kota code")
        return False

    def region_ref(self, entry: Entry, node: Node, code: str) -> None:
        """Checks that a referred region code is known and declared in regions."""
        if self.known_region(entry, node, code) and code not in self.declared:
            entry.error(node, f"region {code!r} is not declared in regions (regions.yaml)")

    def referred_region(self, entry: Entry) -> str:
        """Reads an entry's required region field and checks the code it refers to."""
        code = entry.text("region")
        if code:
            self.region_ref(entry, entry.fields["region"], code)
        return code

    def scopes(self, entry: Entry) -> tuple[str, ...]:
        """Reads where an entry applies: kab/kota codes, province codes or "national".

        `region` is one code or a list of them; a kab/kota must be declared in regions, a
        province ("35") must exist, and "national" means the whole country.
        """
        node = entry.fields.get("region")
        if isinstance(node, SequenceNode):
            found = entry.items("region", required=True)
        else:
            code = entry.text("region")
            found = [(node, code)] if code and node is not None else []
        scopes: list[str] = []
        for item, code in found:
            if code == NATIONAL or (
                _PROVINCE_CODE.fullmatch(code) and self.directory.province(code)
            ):
                pass
            elif _PROVINCE_CODE.fullmatch(code):
                entry.error(item, f"unknown province code {code!r}: not a Kemendagri province code")
            else:
                self.region_ref(entry, item, code)
            if code not in scopes:
                scopes.append(code)
        return tuple(scopes)

    def verified(self, entry: Entry) -> date:
        """Reads the required last_verified date, which must not be in the future."""
        verified = entry.day("last_verified")
        if verified != date.min and verified > self.today:
            entry.error(
                entry.fields["last_verified"],
                f"last_verified {verified.isoformat()} is in the future (today is"
                f" {self.today.isoformat()})",
            )
        return verified

    def phone(self, entry: Entry, name: str, *, service: bool) -> str | None:
        """Reads an optional phone field, checking the number's form."""
        node = entry.fields.get(name)
        value = entry.optional_text(name)
        if value is None or node is None:
            return value
        if service and (_SHORT_SERVICE.fullmatch(value) or _CALL_CENTRE.fullmatch(value)):
            return value
        if not _DIALLED.fullmatch(value):
            short = ", or a short service number such as 112" if service else ""
            entry.error(
                node,
                f"malformed phone number {value!r} for {name!r}: nobody can dial it as written;"
                f" write it with its leading 0 (0811-...) or as +62...{short}",
            )
            return value
        info = parse_phone(value)
        if not info.valid:
            reasons = "; ".join(issue.message for issue in info.errors)
            entry.error(node, f"malformed phone number {value!r} for {name!r} ({reasons})")
        elif name == "whatsapp" and not info.whatsapp:
            entry.error(node, f"malformed phone number {value!r}: WhatsApp needs a mobile number")
        return value

    def unique(self, entry: Entry, kind: str, key: str, node: Node) -> None:
        """Records that an entry of a kind exists for a key, reporting a duplicate."""
        if (kind, key) in self.keys:
            file, line = self.keys[(kind, key)]
            entry.error(node, f"duplicate key: {key!r} already has an entry at {file}:{line}")
        else:
            self.keys[(kind, key)] = (entry.file, line_of(node))
