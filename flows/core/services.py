"""Names of services, health needs and referral statuses in plain words."""

from __future__ import annotations

from flows.core import status
from flows.core.node import Context
from flows.core.types import Part, Plain, Text, t

HEALTH_NEEDS: tuple[tuple[str, Text], ...] = (
    ("general", t("🩺 General check-up")),
    ("hiv_ims", t("🔬 HIV and STI test (confidential)")),
    ("prep", t("💊 PrEP (HIV prevention)")),
    ("mental", t("💬 Feeling low, someone to talk to")),
    ("pregnancy_fp", t("🤰 Pregnancy and family planning")),
    ("bpjs", t("🪪 Help with BPJS PBI/KIS")),
)

#: The same needs in plain words, for a sentence ("Where you can go for: an HIV and STI test").
HEALTH_NEED_NAMES: dict[str, Text] = {
    "general": t("a general check-up"),
    "hiv_ims": t("an HIV and STI test"),
    "prep": t("PrEP, to prevent HIV"),
    "mental": t("someone to talk to"),
    "pregnancy_fp": t("pregnancy and family planning"),
    "bpjs": t("help with BPJS PBI/KIS"),
}

STATUS_WORDS: dict[str, Text] = {
    status.ReferralStatus.NEW: t("Sent, waiting for a caseworker"),
    status.ReferralStatus.CLAIMED: t("A caseworker has taken it"),
    status.ReferralStatus.CONTACTED: t("The caseworker has contacted you"),
    status.ReferralStatus.IN_PROGRESS: t("Being worked on"),
    status.ReferralStatus.CLOSED: t("Finished"),
    status.ReferralStatus.CANCELLED: t("Cancelled by you"),
    status.ReferralStatus.WITHDRAWN: t("Withdrawn"),
}
OPEN_STATUSES = status.OPEN_STATUSES


def need_label(need: str) -> Part:
    """The button label of a health need."""
    return dict(HEALTH_NEEDS).get(need, Plain(need))


def need_name(need: str) -> Part:
    """A health need in plain words, without the button's emoji."""
    return HEALTH_NEED_NAMES.get(need) or need_label(need)


def status_words(status: str) -> Text:
    """A referral status in plain words."""
    return STATUS_WORDS.get(status, t("Being worked on"))


def service_title(service: str, item: str, home_region: str, ctx: Context) -> Part:
    """What a referral is about, named by the service, never by the person."""
    if service in {"training", "livelihood"}:
        programme = ctx.catalog.programme(item)
        if programme is not None:
            return programme.title
        return t("Training or business support")
    if service == "health":
        facility = ctx.catalog.facility(item)
        if facility is not None:
            return facility.name
        return t("Health service")
    if service == "going_home":
        region = ctx.regions.region(home_region) if home_region else None
        if region is not None:
            return t("Going home to {region}", region=Plain(region.name))
        return t("Going home")
    if service == "other":
        return t("Other help")
    return t("Contact me soon")
