"""Reading one YAML mapping of the catalog field by field, with typed getters that record errors."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Protocol

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flows.catalog.load.errors import CatalogError
from flows.core.types import Localized
from flows.regions import RegionDirectory

LOCALES = ("id", "en")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"


def line_of(node: Node) -> int:
    """The 1-based line where a node starts."""
    return int(node.start_mark.line) + 1


def describe(node: Node) -> str:
    """Names what a node holds, for error messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"{node.value!r}"


def is_null(node: Node) -> bool:
    """Tells whether a node is YAML null (~, null or empty)."""
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG


class Checks(Protocol):
    """What a section reader asks of the whole-catalog checker (flows/catalog/load/checker.py).

    The readers depend on this, not on the checker, so the checker can import them.
    """

    today: date
    directory: RegionDirectory
    errors: list[CatalogError]
    declared: dict[str, tuple[str, int]]

    def label(self, node: MappingNode, what: str, field: str) -> str:
        """Names an entry by one of its fields for error messages."""

    def key(self, entry: Entry, kind: str) -> str:
        """Reads an entry's key, checking its form and that it is unique within its kind."""

    def known_region(self, entry: Entry, node: Node, code: str) -> bool:
        """Tells whether a code is a Kemendagri kab/kota code, recording an error if not."""

    def region_ref(self, entry: Entry, node: Node, code: str) -> None:
        """Checks that a referred region code is known and declared in regions."""

    def scopes(self, entry: Entry) -> tuple[str, ...]:
        """Reads where an entry applies: kab/kota codes, province codes or "national"."""

    def verified(self, entry: Entry) -> date:
        """Reads the required last_verified date, which must not be in the future."""

    def phone(self, entry: Entry, name: str, *, service: bool) -> str | None:
        """Reads an optional phone field, checking the number's form."""

    def unique(self, entry: Entry, kind: str, key: str, node: Node) -> None:
        """Records that an entry of a kind exists for a key, reporting a duplicate."""


class Entry:
    """One YAML mapping being read: its fields by name, and the errors found while reading it."""

    def __init__(
        self, checker: Checks, file: str, node: MappingNode, what: str, allowed: Iterable[str]
    ) -> None:
        self.checker = checker
        self.file = file
        self.what = what
        self.line = line_of(node)
        self.ok = True
        self.fields: dict[str, Node] = {}
        allowed = set(allowed)
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or is_null(key_node):
                self.error(
                    key_node, f"wrong type: a field name must be text, not {describe(key_node)}"
                )
                continue
            name = str(key_node.value)
            if name in self.fields:
                first = line_of(self.fields[name])
                self.error(key_node, f"duplicate key {name!r} (first at line {first})")
                continue
            if name not in allowed:
                self.error(key_node, f"unknown field {name!r}")
                continue
            self.fields[name] = value_node

    def error(self, at: Node | int, message: str, *, ended: bool = False) -> None:
        """Records an error of this entry at a node (or a line); ended ones keep the entry."""
        self.ok = self.ok and ended
        line = at if isinstance(at, int) else line_of(at)
        prefix = f"{self.what}: " if self.what else ""
        self.checker.errors.append(CatalogError(self.file, line, prefix + message, ended))

    def node(self, name: str, *, required: bool) -> Node | None:
        """Returns a field's node; a missing or empty required field is an error."""
        node = self.fields.get(name)
        empty = node is None or is_null(node)
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
        self.error(node, f"wrong type for {name!r}: expected {expected}, got {describe(node)}")
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
        texts = Entry(self.checker, self.file, node, self.what, LOCALES)
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
            node, f"wrong type for {name!r}: expected a date YYYY-MM-DD, got {describe(node)}"
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
        self.error(node, f"wrong type for {name!r}: expected a whole number, got {describe(node)}")
        return None

    def boolean(self, name: str, *, required: bool = True) -> bool:
        """Returns a true/false field (an optional one that is absent is false)."""
        node = self.node(name, required=required)
        if node is None:
            return False
        if isinstance(node, ScalarNode) and node.tag == _BOOL_TAG:
            return yaml.constructor.SafeConstructor().construct_yaml_bool(node)
        self.error(node, f"wrong type for {name!r}: expected true or false, got {describe(node)}")
        return False

    def items(self, name: str, *, required: bool) -> list[tuple[Node, str]]:
        """Returns the texts of a list field with their nodes."""
        node = self.node(name, required=required)
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.error(node, f"wrong type for {name!r}: expected a list, got {describe(node)}")
            return []
        found = []
        for item in node.value:
            text = self._scalar(f"{name} item", item, "text")
            if text:
                found.append((item, text))
        if required and not found and self.ok:
            self.error(node, f"missing required field {name!r} (the list is empty)")
        return found
