"""The facilities section: health facilities and the services each offers."""

from __future__ import annotations

from yaml.nodes import MappingNode

from flows.catalog import HEALTH_SERVICES, HealthFacility
from flows.catalog.load.nodes import Checks, Entry

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
    "unverified",
}


def read_facility(
    checker: Checks, file: str, node: MappingNode, what: str
) -> HealthFacility | None:
    """Reads one health facility entry; None when it has errors."""
    entry = Entry(checker, file, node, checker.label(node, what, "key"), _FACILITY_FIELDS)
    key = checker.key(entry, "facility")
    scopes = checker.scopes(entry)
    services = []
    for service_node, service in entry.items("services", required=True):
        if service not in HEALTH_SERVICES:
            known = ", ".join(sorted(HEALTH_SERVICES))
            entry.error(service_node, f"unknown health service {service!r} (use {known})")
        elif service not in services:
            services.append(service)
    facility = HealthFacility(
        key=key,
        regions=scopes,
        name=entry.localized("name"),
        services=tuple(services),
        address=entry.localized("address"),
        hours=entry.localized("hours"),
        cost=entry.localized("cost"),
        confidentiality=entry.localized("confidentiality"),
        phone=checker.phone(entry, "phone", service=False),
        last_verified=checker.verified(entry),
        note=entry.optional_localized("note"),
        source=entry.optional_text("source"),
        unverified=entry.boolean("unverified", required=False),
    )
    return facility if entry.ok else None
