"""The monthly report never lets a reader work out a count below 5 from the total and the rest.

The reader here is an attacker who sees the rendered report and knows how it is made: every
section (service, status now, region) adds up to the total ("<5" meaning 1 to 4), the outcomes
add up to the closed count, a "<5" is 1 to 4, and a "*" is 5 or more and at most the smallest
count shown beside it (the smallest are the ones hidden). She tries every assignment of the hidden
counts that fits all of that at once; a count below 5 is recovered when only one value fits.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.i18n import Catalogs
from flows.reports import Month, MonthCounts, month_bubble

TR = Catalogs.load().translator("en")
MONTH = Month(
    2026, 11, datetime(2026, 10, 31, 17, tzinfo=UTC), datetime(2026, 11, 30, 17, tzinfo=UTC)
)
SERVICES = ("training", "livelihood", "health", "going_home")
STATUSES = ("new", "claimed", "closed", "cancelled")
OUTCOMES = ("received_help", "not_eligible", "could_not_contact")
REGIONS = ("53.71", "53.01", "35.71")
HEADINGS = {
    "By service:": "service",
    "By status now:": "status",
    "By outcome (closed):": "outcome",
    "By region:": "region",
}
Cells = list[tuple[str, str]]  # (label, shown value)


def counts_of(referrals: list[tuple[str, str, str, str]]) -> MonthCounts:
    """The month's counts of some referrals (service, status, outcome if closed, region)."""
    return MonthCounts(
        MONTH,
        total=len(referrals),
        by_service=Counter(r[0] for r in referrals),
        by_status=Counter(r[1] for r in referrals),
        by_outcome=Counter(r[2] for r in referrals if r[1] == "closed"),
        by_region=Counter(r[3] for r in referrals),
    )


def rendered(counts: MonthCounts) -> tuple[str, dict[str, Cells]]:
    """What the reader sees: the total as shown, and each section's lines (absent: not shown)."""
    lines = "\n".join(TR.render(p) for p in month_bubble(counts, ("*",), {}).parts).splitlines()
    total = lines[1].removeprefix("Requests received: ")
    sections: dict[str, Cells] = {}
    current = ""
    for line in lines[2:]:
        if line in HEADINGS:
            current = HEADINGS[line]
            sections[current] = []
        elif line.startswith("• Too few"):
            del sections[current]
        elif line.startswith("• "):
            label, value = line[2:].rsplit(": ", 1)
            sections[current].append((label, value))
    return total, sections


def values(shown: str, beside: Cells, most: int) -> range:
    """What a shown value may stand for."""
    if shown == "<5":
        return range(1, 5)
    if shown == "*":
        exact = [int(v) for _, v in beside if v.isdigit() and int(v) > 0]
        return range(5, min([most, *exact]) + 1)
    return range(int(shown), int(shown) + 1)


def fits(cells: Cells, total: int) -> Iterator[tuple[int, ...]]:
    """Every assignment of a section's cells that adds up to `total`."""
    options = [values(v, cells, total) for _, v in cells]
    for choice in itertools.product(*options):
        if sum(choice) == total:
            yield choice


def recovered(total_shown: str, sections: dict[str, Cells]) -> list[tuple[str, str, int]]:
    """The small counts the reader can pin down: (section, label, value)."""
    totals = range(1, 5) if total_shown == "<5" else range(int(total_shown), int(total_shown) + 1)
    seen: dict[tuple[str, int], set[int]] = {}
    for total in totals:
        per_section = {}
        for name in ("service", "region"):
            if name in sections:
                per_section[name] = list(fits(sections[name], total))
        joint: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        if "status" in sections:
            closed = [label for label, _ in sections["status"]].index("Closed")
            for status in fits(sections["status"], total):
                if "outcome" not in sections:
                    joint.append((status, ()))
                    continue
                joint += [(status, o) for o in fits(sections["outcome"], status[closed])]
        if any(not found for found in per_section.values()) or ("status" in sections and not joint):
            continue  # this total does not fit what is shown
        per_section["status"] = [s for s, _ in joint]
        per_section["outcome"] = [o for _, o in joint if o]
        for name, choices in per_section.items():
            for choice in choices:
                for index, value in enumerate(choice):
                    seen.setdefault((name, index), set()).add(value)
    found = []
    for name, cells in sections.items():
        for index, (label, shown) in enumerate(cells):
            if shown == "<5" and len(seen.get((name, index), set())) < 2:
                found.append((name, label, min(seen.get((name, index), {0}))))
    return found


referral = st.tuples(
    st.sampled_from(SERVICES),
    st.sampled_from(STATUSES),
    st.sampled_from(OUTCOMES),
    st.sampled_from(REGIONS),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(referral, min_size=1, max_size=16))
def test_no_count_below_five_can_be_worked_out(referrals: list[tuple[str, str, str, str]]) -> None:
    total, sections = rendered(counts_of(referrals))
    assert recovered(total, sections) == []


@settings(max_examples=100, deadline=None)
@given(st.integers(5, 40), st.integers(1, 4))
def test_a_large_count_beside_one_small_one_is_hidden_as_well(big: int, small: int) -> None:
    referrals = [("livelihood", "new", "", "53.71")] * big + [
        ("health", "new", "", "53.71")
    ] * small
    total, sections = rendered(counts_of(referrals))
    assert recovered(total, sections) == []
    if "service" in sections:  # else "too few to break down"
        assert dict(sections["service"])["Business support"] == "*"
        assert dict(sections["service"])["Health"] == "<5"


def test_six_with_business_support_five_does_not_give_health_away() -> None:
    """The finding: total 6, "Business support 5" and 0 elsewhere made "Health <5" exactly 1.

    Hiding the 5 as well is not enough here (5 or more and 1 or more make 6: 5 and 1), so the
    services of that month are not broken down; the other sections, without small counts, are.
    """
    referrals = [("livelihood", "new", "", "53.71")] * 5 + [("health", "new", "", "53.71")]
    total, sections = rendered(counts_of(referrals))
    assert total == "6"
    assert "service" not in sections
    assert dict(sections["status"])["New"] == "6" and dict(sections["region"]) == {"53.71": "6"}
    assert recovered(total, sections) == []


def test_seven_with_business_support_five_shows_it_hidden() -> None:
    """With 7 (5 and 2), hiding the 5 is enough: it may be 5 or 6, and Health 2 or 1."""
    referrals = [("livelihood", "new", "", "53.71")] * 5 + [("health", "new", "", "53.71")] * 2
    total, sections = rendered(counts_of(referrals))
    assert dict(sections["service"])["Business support"] == "*"
    assert dict(sections["service"])["Health"] == "<5"
    assert recovered(total, sections) == []


def test_the_attacker_does_recover_what_suppression_alone_would_show() -> None:
    """The control: with the old rule (each cell alone) the same reader pins Health at 1."""
    sections = {"service": [("Business support", "5"), ("Health", "<5"), ("Training", "0")]}
    assert recovered("6", sections) == [("service", "Health", 1)]
