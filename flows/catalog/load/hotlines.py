"""The hotlines section: emergency numbers, national or limited to some kab/kota."""

from __future__ import annotations

from yaml.nodes import MappingNode

from flows.catalog.hotlines import Hotline
from flows.catalog.load.nodes import Checks, Entry

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


def read_hotline(checker: Checks, file: str, node: MappingNode, what: str) -> Hotline | None:
    """Reads one hotline entry; None when it has errors."""
    entry = Entry(checker, file, node, checker.label(node, what, "key"), _HOTLINE_FIELDS)
    key = checker.key(entry, "hotline")
    name = entry.localized("name")
    note = entry.localized("note")
    phone = entry.text("phone") and checker.phone(entry, "phone", service=True)
    whatsapp = checker.phone(entry, "whatsapp", service=False)
    codes = []
    for code_node, code in entry.items("regions", required=False):
        checker.region_ref(entry, code_node, code)
        codes.append(code)
    verified = checker.verified(entry)
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
