"""Entries whose last_verified date is older than a number of months (`catalog check` warns)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flows.catalog import months_between
from flows.catalog.load.errors import CatalogError
from flows.catalog.load.nodes import line_of

_LABELS = ("key", "code", "region")


def stale_entries(path: Path, *, today: date, months: int) -> list[CatalogError]:
    """Every last_verified older than `months` months, as warnings naming file and line."""
    files = (
        sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        if path.is_dir()
        else [path]
    )
    found: list[CatalogError] = []
    for file in files:
        try:
            root = yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            continue  # `catalog check` reports these as errors
        if root is not None:
            found += _walk(file.name, root, today, months)
    return sorted(found, key=lambda e: (e.file, e.line))


def _walk(file: str, node: Node, today: date, months: int) -> list[CatalogError]:
    found: list[CatalogError] = []
    if isinstance(node, SequenceNode):
        for item in node.value:
            found += _walk(file, item, today, months)
    elif isinstance(node, MappingNode):
        label = next(
            (
                f"{k.value} {v.value!r}"
                for k, v in node.value
                if isinstance(k, ScalarNode) and k.value in _LABELS and isinstance(v, ScalarNode)
            ),
            "entry",
        )
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == "last_verified":
                verified = _day(value)
                if verified is not None and months_between(verified, today) >= months:
                    age = months_between(verified, today)
                    found.append(
                        CatalogError(
                            file,
                            line_of(value),
                            f"warning: {label} last verified {verified.isoformat()}, {age} months"
                            f" ago (the limit is {months}): check it again with the office",
                        )
                    )
            else:
                found += _walk(file, value, today, months)
    return found


def _day(node: Node) -> date | None:
    if not isinstance(node, ScalarNode):
        return None
    try:
        return date.fromisoformat(str(node.value).strip())
    except ValueError:
        return None
