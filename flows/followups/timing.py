"""When a proactive message may go out: her quiet hours and safe time, staff working hours.

Everything is computed in the region's own zone (WIB, WITA or WIT) and returned in UTC.
Working days come from lokal-id (weekends, national holidays and cuti bersama).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lokal import is_working_day

#: Never write to her before 08:00 or from 21:00 on, in her zone.
QUIET_ENDS = 8
QUIET_STARTS = 21
#: Her safe time (intake.WINDOWS) as local hours [start, end).
WINDOW_HOURS: dict[str, tuple[int, int]] = {
    "morning": (8, 12),
    "midday": (12, 16),
    "evening": (16, 20),
    "any": (8, 20),
}
#: Office hours of a Dinas Sosial, local time, on working days.
OFFICE_OPENS = 8
OFFICE_CLOSES = 16
SEARCH_DAYS = 30
SATURDAY = 5


@dataclass(frozen=True)
class FollowUpPolicy:
    """The delays of every follow-up kind (configurable; these are the defaults)."""

    contact_check_days: int = 3
    contact_check_valid_days: int = 4
    checkin_days: int = 14
    checkin_valid_days: int = 7
    arrival_valid_days: int = 5
    claim_reminder_minutes: int = 240  # working minutes: half a working day
    claim_escalation_minutes: int = 480  # one working day
    urgent_reminder_minutes: int = 30
    urgent_escalation_minutes: int = 60
    staff_valid_days: int = 14


def her_hours(window: str | None) -> tuple[int, int]:
    """The local hours [start, end) she may get a message: her safe time inside 08–21."""
    start, end = WINDOW_HOURS.get(window or "any", WINDOW_HOURS["any"])
    return max(start, QUIET_ENDS), min(end, QUIET_STARTS)


def next_allowed(moment: datetime, timezone: str, window: str | None) -> datetime:
    """The earliest time at or after `moment` that lies inside her hours, in UTC."""
    zone = ZoneInfo(timezone)
    start, end = her_hours(window)
    local = moment.astimezone(zone)
    if start <= local.hour < end:
        return moment
    day = local.date() if local.hour < start else local.date() + timedelta(days=1)
    return datetime.combine(day, time(start), zone).astimezone(UTC)


def allowed_now(moment: datetime, timezone: str, window: str | None) -> bool:
    """Tells whether she may be written to at this moment."""
    return next_allowed(moment, timezone, window) == moment


def office_day(day: date) -> bool:
    """A working day: lokal-id's calendar, or Monday–Friday for years it has no data for."""
    try:
        return bool(is_working_day(day))
    except ValueError:  # beyond lokal-id's holiday tables
        return day.weekday() < SATURDAY


def add_office_days(day: date, days: int) -> date:
    """The date `days` working days after `day`."""
    for _ in range(days):
        day += timedelta(days=1)
        while not office_day(day):
            day += timedelta(days=1)
    return day


def next_office_moment(moment: datetime, timezone: str) -> datetime:
    """The earliest time at or after `moment` inside office hours on a working day, in UTC."""
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    day = local.date()
    for _ in range(SEARCH_DAYS):
        if office_day(day):
            opens = datetime.combine(day, time(OFFICE_OPENS), zone)
            closes = datetime.combine(day, time(OFFICE_CLOSES), zone)
            if local < opens:
                return opens.astimezone(UTC)
            if local < closes:
                return local.astimezone(UTC)
        day += timedelta(days=1)
        local = datetime.combine(day, time(0), zone)
    return moment


def add_office_minutes(start: datetime, minutes: int, timezone: str) -> datetime:
    """The moment `minutes` of office time after `start` (nights, weekends, holidays skipped)."""
    zone = ZoneInfo(timezone)
    moment = next_office_moment(start, timezone)
    left = timedelta(minutes=minutes)
    for _ in range(SEARCH_DAYS * 2):
        local = moment.astimezone(zone)
        closes = datetime.combine(local.date(), time(OFFICE_CLOSES), zone)
        room = closes - local
        if left <= room:
            return (local + left).astimezone(UTC)
        left -= room
        moment = next_office_moment(closes.astimezone(UTC) + timedelta(seconds=1), timezone)
        moment = moment.replace(second=0, microsecond=0)
    return moment


def local_morning(day: date, timezone: str, window: str | None) -> datetime:
    """The start of her hours on a given local day, in UTC."""
    start, _ = her_hours(window)
    return datetime.combine(day, time(start), ZoneInfo(timezone)).astimezone(UTC)
