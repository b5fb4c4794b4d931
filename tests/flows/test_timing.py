"""When proactive messages may go out: her hours in WIB, WITA and WIT; office time and holidays."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.followups.timing import add_office_minutes, allowed_now, next_allowed, next_office_moment

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_the_same_instant_is_quiet_in_one_zone_and_allowed_in_the_next() -> None:
    instant = utc(2026, 11, 26, 23, 30)  # 06:30 WIB, 07:30 WITA, 08:30 WIT
    assert not allowed_now(instant, WIB, "any")
    assert not allowed_now(instant, WITA, "any")
    assert allowed_now(instant, WIT, "any")
    assert next_allowed(instant, WIB, "any") == utc(2026, 11, 27, 1, 0)  # 08:00 WIB
    assert next_allowed(instant, WITA, "any") == utc(2026, 11, 27, 0, 0)  # 08:00 WITA


def test_never_at_night_and_only_inside_her_window() -> None:
    evening = utc(2026, 11, 26, 13, 30)  # 20:30 WIB: after her latest window ends
    assert next_allowed(evening, WIB, "any") == utc(2026, 11, 27, 1, 0)
    assert next_allowed(utc(2026, 11, 26, 3, 0), WIB, "evening") == utc(2026, 11, 26, 9, 0)
    assert next_allowed(utc(2026, 11, 26, 3, 0), WIB, "morning") == utc(2026, 11, 26, 3, 0)
    assert next_allowed(utc(2026, 11, 26, 5, 0), WIB, "morning") == utc(2026, 11, 27, 1, 0)


def test_office_time_skips_nights_weekends_and_public_holidays() -> None:
    friday = utc(2026, 11, 27, 8, 0)  # Friday 15:00 WIB
    assert add_office_minutes(friday, 120, WIB) == utc(2026, 11, 30, 2, 0)  # Monday 09:00
    christmas_eve = utc(2026, 12, 23, 8, 30)  # Wednesday 15:30 WIB; 24 and 25 Dec are off
    assert add_office_minutes(christmas_eve, 60, WIB) == utc(2026, 12, 28, 1, 30)
    assert next_office_moment(utc(2026, 12, 31, 10, 0), WIB) == utc(2027, 1, 4, 1, 0)


def test_urgent_minutes_count_in_office_time_too() -> None:
    monday = utc(2026, 11, 23, 7, 5)  # 14:05 WIB
    assert add_office_minutes(monday, 30, WIB) == utc(2026, 11, 23, 7, 35)
    # 15:05 WITA: 55 minutes until closing, the last 5 on Tuesday from 08:00 WITA.
    assert add_office_minutes(monday, 60, WITA) == utc(2026, 11, 24, 0, 5)
