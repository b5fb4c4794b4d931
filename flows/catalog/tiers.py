"""What her screens say about a catalog entry: where it applies, how sure and how recent."""

from __future__ import annotations

from datetime import date

from flows.catalog import COUNTRY, LOCAL, NATIONAL, PROVINCE, province_of, tier_of
from flows.core.node import Context
from flows.core.types import Localized, Part, Plain, Text, t


def where_it_applies(scopes: tuple[str, ...], code: str | None, ctx: Context) -> Text:
    """Says where an entry applies, as seen from her kab/kota: hers, her province, the country."""
    tier = tier_of(scopes, code)
    if tier == LOCAL and code:
        region = ctx.regions.region(code)
        return t("📌 For {region}", region=Plain(region.name if region else code))
    if tier == PROVINCE and code:
        province = ctx.regions.province(province_of(code))
        return t("📌 For all of {province}", province=Plain(province.name if province else code))
    if tier == COUNTRY or NATIONAL in scopes:
        return t("📌 For all of Indonesia")
    names = [r.name for c in scopes if (r := ctx.regions.region(c)) is not None]
    return t("📌 For {region}", region=Plain(", ".join(names) or "-"))


def verified_note(last_verified: date, ctx: Context) -> Text:
    """The date an entry was last checked, said plainly when it is old."""
    if ctx.catalog.is_old(last_verified, ctx.now.date()):
        return t(
            "⚠ Last verified {date}, more than {months} months ago: it may have changed. "
            "Please ask before you go.",
            date=last_verified,
            months=ctx.catalog.stale_after_months,
        )
    return t("(last verified {date})", date=last_verified)


def trust_notes(
    last_verified: date, unverified: bool, ctx: Context, note: Localized | None = None
) -> tuple[Part, ...]:
    """The catalog's note on an entry (if any), not yet confirmed (if so), then the date."""
    notes: list[Part] = []
    if note is not None and note.get("id").strip():
        notes.append(t("ℹ {note}", note=note))
    if unverified:
        notes.append(t("⚠ Not yet confirmed: please ask before you rely on it."))
    notes.append(verified_note(last_verified, ctx))
    return tuple(notes)


def tiers_intro(code: str | None, ctx: Context) -> Text:
    """Explains the order of a list: her kab/kota first, then her province, then national."""
    region = ctx.regions.region(code) if code else None
    if region is None:
        return t("Listed for all of Indonesia.")
    return t(
        "In this order: those just for {region} first, then those for all of {province}, "
        "then those for all of Indonesia.",
        region=Plain(region.name),
        province=Plain(region.province_name),
    )
