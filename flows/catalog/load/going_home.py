"""The going_home section: the support for going home that a kab/kota offers, and how to ask."""

from __future__ import annotations

from yaml.nodes import MappingNode

from flows.catalog import GoingHome
from flows.catalog.load.nodes import Checks, Entry

_GOING_HOME_FIELDS = {"region", "support", "how", "last_verified", "note", "source", "unverified"}


def read_going_home(checker: Checks, file: str, node: MappingNode, what: str) -> GoingHome | None:
    """Reads one going-home entry (one per kab/kota); None when it has errors."""
    entry = Entry(checker, file, node, checker.label(node, what, "region"), _GOING_HOME_FIELDS)
    scopes = checker.scopes(entry)
    for scope in scopes:
        checker.unique(entry, "going_home", scope, entry.fields["region"])
    going_home = GoingHome(
        regions=scopes,
        support=entry.localized("support"),
        how=entry.localized("how"),
        last_verified=checker.verified(entry),
        note=entry.optional_localized("note"),
        source=entry.optional_text("source"),
        unverified=entry.boolean("unverified", required=False),
    )
    return going_home if entry.ok else None
