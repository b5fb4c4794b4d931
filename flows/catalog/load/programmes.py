"""The programmes section: training and livelihood programmes of a kab/kota."""

from __future__ import annotations

from datetime import date

from yaml.nodes import MappingNode

from flows.catalog import PROGRAMME_KINDS, PROGRAMME_TAGS, Programme
from flows.catalog.load.nodes import Checks, Entry

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
    "unverified",
}


def read_programme(checker: Checks, file: str, node: MappingNode, what: str) -> Programme | None:
    """Reads one programme entry; None when it has errors but an ended date."""
    entry = Entry(checker, file, node, checker.label(node, what, "key"), _PROGRAMME_FIELDS)
    key = checker.key(entry, "programme")
    scopes = checker.scopes(entry)
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
    # Without starts, the programme is ongoing (national and provincial services often are).
    starts = entry.optional_day("starts")
    ends = entry.optional_day("ends")
    # A running programme (started, not yet ended) is fine; one that is over is not.
    name, day = ("ends", ends) if ends not in (None, date.min) else ("starts", starts)
    if day is not None and day != date.min and day < checker.today:
        entry.error(
            entry.fields[name],
            f"{name} {day.isoformat()} is in the past (today is {checker.today.isoformat()})",
            ended=True,
        )
    if ends is not None and starts is not None and ends < starts:
        entry.error(entry.fields["ends"], f"ends {ends.isoformat()} is before starts")
    programme = Programme(
        key=key,
        regions=scopes,
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
        last_verified=checker.verified(entry),
        note=entry.optional_localized("note"),
        source=entry.optional_text("source"),
        unverified=entry.boolean("unverified", required=False),
    )
    return programme if entry.ok else None
