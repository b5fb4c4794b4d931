"""The supervisor's monthly report, pure: month boundaries and the report screen built from counts.

A month is a calendar month in one zone (the host uses Asia/Jakarta, WIB, for everyone, so two
supervisors in different zones see the same numbers). A referral counts in the month it was
created, with its status and outcome as they are now. Small counts are suppressed: any count
from 1 to 4 is shown as "<5" (0 stays 0), so a forwarded screenshot does not single anybody out;
where the total and the other counts would still give one away, more are hidden ("*") or the
section is not broken down (flows/reports/suppression.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flows.core.status import ReferralStatus
from flows.core.types import Bubble, Part, Plain, Screen, Text, bubble, t
from flows.desk.model import OUTCOMES, SERVICE_KINDS, STAFF_STATUS
from flows.reports.suppression import (
    SMALL_COUNT,
    Section,
    Shown,
    feasible,
    implied_sum,
    is_small,
    margin_of,
    suppress,
)

REPORT_ZONE = "Asia/Jakarta"
HIDDEN_MARK = "*"
TOO_FEW = t("• Too few to break down without singling anyone out")
Range = tuple[int, int]
MAX_REGIONS = 12
REPORT_STATUSES: tuple[str, ...] = tuple(ReferralStatus)
MONTHS: tuple[Text, ...] = (
    t("January"),
    t("February"),
    t("March"),
    t("April"),
    t("May"),
    t("June"),
    t("July"),
    t("August"),
    t("September"),
    t("October"),
    t("November"),
    t("December"),
)


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month in the report zone, with its UTC bounds [start, end)."""

    year: int
    month: int
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class MonthCounts:
    """The counts of one month, over the regions the reader covers."""

    month: Month
    total: int = 0
    by_service: Mapping[str, int] = field(default_factory=dict)
    by_status: Mapping[str, int] = field(default_factory=dict)
    by_outcome: Mapping[str, int] = field(default_factory=dict)
    by_region: Mapping[str, int] = field(default_factory=dict)


def _month(year: int, month: int, zone: ZoneInfo) -> Month:
    start = datetime(year, month, 1, tzinfo=zone)
    after = (start + timedelta(days=32)).replace(day=1)
    return Month(year, month, start.astimezone(ZoneInfo("UTC")), after.astimezone(ZoneInfo("UTC")))


def this_and_last_month(now: datetime, zone: ZoneInfo) -> tuple[Month, Month]:
    """Returns this month and the one before, as calendar months in the zone."""
    local = now.astimezone(zone)
    this = _month(local.year, local.month, zone)
    before = local.replace(day=1) - timedelta(days=1)
    return this, _month(before.year, before.month, zone)


def shown(count: int) -> Plain:
    """A count as the report shows it: 0, "<5" for 1 to 4, else the number."""
    if is_small(count):
        return Plain(f"<{SMALL_COUNT}")
    return Plain(str(count))


def _shown_as(count: int, how: Shown) -> Plain:
    return Plain(HIDDEN_MARK) if how is Shown.HIDDEN else shown(count)


def _section(heading: Text, lines: list[Text]) -> list[Part]:
    return [Plain(""), heading, *lines]


Cells = list[tuple[Part, int]]


def _lines(cells: Cells, section: Section) -> list[Text]:
    """The lines of a section, or one line saying it is not broken down."""
    if not section.broken_down:
        return [TOO_FEW]
    return [
        t("• {label}: {count}", label=label, count=_shown_as(count, how))
        for (label, count), how in zip(cells, section.shown, strict=True)
    ]


def _ordered(known: Mapping[str, Text], counts: Mapping[str, int]) -> Cells:
    """Every known category (0 included) in its usual order, then any unknown ones."""
    cells: Cells = [(label, counts.get(key, 0)) for key, label in known.items()]
    cells += [(Plain(key), counts[key]) for key in sorted(set(counts) - set(known))]
    return cells


def _regions(counts: MonthCounts, covered: tuple[str, ...], names: Mapping[str, str]) -> Cells:
    """Her regions (0 included), or every region with a request when she covers all of them."""
    found = dict(counts.by_region)
    if "*" not in covered:
        found = {code: found.get(code, 0) for code in covered} | found
    ranked = sorted(found.items(), key=lambda item: (-item[1], names.get(item[0], item[0])))
    cells: Cells = [(Plain(names.get(code, code)), n) for code, n in ranked[:MAX_REGIONS]]
    if len(ranked) > MAX_REGIONS:
        cells.append((t("Other regions"), sum(n for _, n in ranked[MAX_REGIONS:])))
    return cells


def _outcomes(counts: MonthCounts, statuses: Cells, status: Section, total: Range) -> list[Text]:
    """The outcomes, whose sum is the closed count: broken down only when that stays safe.

    A reader knows the closed count as the status lines let her; the outcome lines must leave
    every small count two values within that, and must not narrow it down in turn.
    """
    cells = _ordered(OUTCOMES, counts.by_outcome)
    if not status.broken_down:
        return [TOO_FEW]
    closed = [label for label, _ in statuses].index(STAFF_STATUS[ReferralStatus.CLOSED])
    values = [n for _, n in statuses]
    known = feasible(values, status.shown, total)[closed]
    section = suppress([n for _, n in cells], known)
    lowest, highest = implied_sum([n for _, n in cells], section.shown)
    if section.broken_down and not (lowest <= known[0] and known[1] <= highest):
        section = replace(section, broken_down=False)
    return _lines(cells, section)


def _suppressed(cells: Cells, total: Range) -> tuple[list[Text], Section]:
    section = suppress([n for _, n in cells], total)
    return _lines(cells, section), section


def month_bubble(counts: MonthCounts, covered: tuple[str, ...], names: Mapping[str, str]) -> Bubble:
    """One month: how many requests came in, by service, status, outcome and region."""
    month = counts.month
    parts: list[Part] = [
        t("📊 Report for {month} {year}", month=MONTHS[month.month - 1], year=month.year),
        t("Requests received: {count}", count=shown(counts.total)),
    ]
    if counts.total:
        total = margin_of(counts.total)
        statuses = _ordered({key: STAFF_STATUS[key] for key in REPORT_STATUSES}, counts.by_status)
        status_lines, status = _suppressed(statuses, total)
        parts += _section(
            t("By service:"), _suppressed(_ordered(SERVICE_KINDS, counts.by_service), total)[0]
        )
        parts += _section(t("By status now:"), status_lines)
        parts += _section(t("By outcome (closed):"), _outcomes(counts, statuses, status, total))
        parts += _section(t("By region:"), _suppressed(_regions(counts, covered, names), total)[0])
    return bubble(*parts)


def report_screen(
    months: tuple[MonthCounts, ...], covered: tuple[str, ...], names: Mapping[str, str]
) -> Screen:
    """The report: one message per month (this month first), then what the numbers mean."""
    if "*" in covered:
        scope = t("Regions: all")
    else:
        listed = ", ".join(names.get(code, code) for code in covered)
        scope = t("Regions: {regions}", regions=Plain(listed))
    note = t(
        "A request counts in the month it came in (WIB), with its status today. "
        "Counts from 1 to 4 are shown as <5."
    )
    hidden = t(
        "A * hides a count of 5 or more, so that a count under 5 cannot be worked out from the "
        "total and the other counts."
    )
    bubbles = tuple(month_bubble(counts, covered, names) for counts in months)
    return Screen("report", (*bubbles, bubble(scope, hidden, note)))
