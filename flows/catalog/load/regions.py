"""The regions section: each kab/kota with its time zone and its office."""

from __future__ import annotations

from yaml.nodes import MappingNode

from flows.catalog import Office, RegionEntry
from flows.catalog.load.nodes import Checks, Entry, describe, line_of

#: The IANA zones used in Indonesia and the local zone each belongs to.
ZONE_OF_TIMEZONE: dict[str, str] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}

_REGION_FIELDS = {"code", "name", "timezone", "office", "source"}
_OFFICE_FIELDS = {"key", "name", "phone", "last_verified", "source"}


def read_region(checker: Checks, file: str, node: MappingNode, what: str) -> RegionEntry | None:
    """Reads one kab/kota entry with its office; None when it has errors."""
    entry = Entry(checker, file, node, checker.label(node, what, "code"), _REGION_FIELDS)
    code = entry.text("code")
    region = None
    if code:
        code_node = entry.fields["code"]
        if checker.known_region(entry, code_node, code):
            region = checker.directory.region(code)
            if code in checker.declared:
                first_file, first_line = checker.declared[code]
                entry.error(
                    code_node,
                    f"duplicate key: region {code!r} already declared at {first_file}:{first_line}",
                )
            else:
                checker.declared[code] = (file, line_of(code_node))
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
    office = read_office(checker, entry)
    entry.optional_text("source")
    if not entry.ok or office is None:
        return None
    return RegionEntry(code=code, name=name, timezone=timezone, office=office)


def read_office(checker: Checks, parent: Entry) -> Office | None:
    """Reads the office of a kab/kota entry; None when it has errors."""
    node = parent.node("office", required=True)
    if node is None:
        return None
    if not isinstance(node, MappingNode):
        parent.error(node, f"wrong type for 'office': expected a mapping, got {describe(node)}")
        return None
    what = checker.label(node, f"{parent.what} office", "key")
    entry = Entry(checker, parent.file, node, what, _OFFICE_FIELDS)
    key = checker.key(entry, "office")
    name = entry.localized("name")
    phone = checker.phone(entry, "phone", service=False)
    verified = checker.verified(entry)
    entry.optional_text("source")
    if not entry.ok:
        parent.ok = False
        return None
    return Office(key=key, name=name, phone=phone, last_verified=verified)
