"""The table of follow-up kinds: every kind is complete, and its schedule reads the policy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from flows.followups import kinds, message
from flows.followups.timing import FollowUpPolicy

MONDAY = datetime(2026, 11, 23, 7, 5, tzinfo=UTC)  # 14:05 WIB


def occasion(**changes: object) -> kinds.Occasion:
    base: dict[str, object] = {
        "at": MONDAY,
        "policy": FollowUpPolicy(),
        "zone": "Asia/Jakarta",
        "window": "any",
        "service": "training",
        "contact": "chat",
        "urgent": False,
    }
    base.update(changes)
    return kinds.Occasion(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(kinds.KINDS))
def test_every_kind_says_something_and_can_be_answered_or_acted_on(name: str) -> None:
    kind = kinds.KINDS[name]
    if kind.audience is kinds.Audience.HER:
        assert kind.question is not None and kind.answers
        screen = message(7, name, "K1")
        assert [b.action for b in screen.keyboard[0]] == [f"f:7:{a.key}" for a in kind.answers]
    else:
        assert kind.notice is not None and not kind.answers


def test_the_audiences_split_the_table() -> None:
    assert set(kinds.KINDS) == kinds.HER_KINDS | kinds.STAFF_KINDS
    assert not kinds.HER_KINDS & kinds.STAFF_KINDS


def test_each_event_schedules_its_kinds() -> None:
    created = {k.name for k in kinds.scheduled_by(kinds.Event.CREATED)}
    assert created == {"contact_check", "training_reminder"}
    assert {k.name for k in kinds.scheduled_by(kinds.Event.ROUTED)} == kinds.STAFF_KINDS


def test_the_contact_check_follows_the_policy_and_skips_visits() -> None:
    kind = kinds.KINDS["contact_check"]
    due = kind.due(occasion(policy=FollowUpPolicy(contact_check_days=5)))
    assert due is not None and due.at == MONDAY + timedelta(days=5)
    assert kind.due(occasion(contact="visit")) is None


def test_a_training_reminder_only_for_a_programme_that_starts_later() -> None:
    kind = kinds.KINDS["training_reminder"]
    due = kind.due(occasion(programme_starts=date(2027, 1, 18)))
    assert due is not None and due.at == datetime(2027, 1, 17, 1, 0, tzinfo=UTC)  # 08:00 WIB
    assert kind.due(occasion()) is None
    assert kind.due(occasion(programme_starts=date(2026, 11, 23))) is None


def test_urgent_requests_remind_sooner() -> None:
    kind = kinds.KINDS["claim_reminder"]
    normal, urgent = kind.due(occasion()), kind.due(occasion(urgent=True))
    assert normal is not None and urgent is not None
    assert urgent.at == MONDAY + timedelta(minutes=30) < normal.at


def test_relevance_is_by_status_when_sent() -> None:
    assert kinds.KINDS["contact_check"].relevant("claimed")
    assert not kinds.KINDS["contact_check"].relevant("contacted")
    assert kinds.KINDS["arrival_check"].relevant("closed")
    assert not kinds.KINDS["arrival_check"].relevant("withdrawn")
    assert not kinds.KINDS["claim_reminder"].relevant("claimed")
