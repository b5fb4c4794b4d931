"""Follow-ups: scheduled as rows when a referral changes, sent by a sweeper the job queue wakes.

The sweeper reads due rows from storage (never from memory), checks that the follow-up is still
wanted (her consent, her choice, the referral's status), waits for an hour she may be written
to (her safe time inside 08–21 in her zone; office hours on working days for staff), and queues
the message in the outbox in the same transaction that marks the follow-up sent. A follow-up
whose validity ended before it could go out is marked expired and audited; none is dropped
silently, including those that fell due while the bot was down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import aiosqlite

from bot.core import notices
from bot.core.services import Services
from flows import desk, followups
from flows.services import OPEN_STATUSES
from flows.timing import (
    add_office_minutes,
    local_morning,
    next_allowed,
    next_office_moment,
)
from flows.types import Part, Screen
from storage.followups import STAFF_KINDS, FollowUp
from storage.referrals import Referral

log = logging.getLogger(__name__)

SWEEP_JOB = "followup-sweeper"
PAUSED_RECHECK = timedelta(hours=1)
DEFAULT_ZONE = "Asia/Jakarta"
BATCH = 500
MAX_BATCHES = 1000


def zone_of(services: Services, region_code: str | None) -> str:
    """The IANA zone of a kab/kota (WIB when unknown)."""
    region = services.regions.region(region_code) if region_code else None
    return region.timezone if region else DEFAULT_ZONE


# ----------------------------------------------------------------------------- scheduling


async def schedule_claim_reminders(
    services: Services, conn: aiosqlite.Connection, referral: Referral, since: datetime
) -> None:
    """Reminds caseworkers, then a supervisor, if nobody claims the referral in office time."""
    policy = services.policy
    zone = zone_of(services, referral.region_code)
    urgent = referral.urgency == "urgent"
    remind_after = policy.urgent_reminder_minutes if urgent else policy.claim_reminder_minutes
    escalate_after = policy.urgent_escalation_minutes if urgent else policy.claim_escalation_minutes
    remind = add_office_minutes(since, remind_after, zone)
    escalate = add_office_minutes(since, escalate_after, zone)
    valid = escalate + timedelta(days=policy.staff_valid_days)
    repo = services.followups
    await repo.schedule(conn, "claim_reminder", referral.id, None, remind, valid)
    await repo.schedule(conn, "claim_escalation", referral.id, None, escalate, valid)


async def on_created(services: Services, conn: aiosqlite.Connection, referral: Referral) -> None:
    """Schedules the follow-ups of a new referral (hers only matter if she agreed)."""
    policy = services.policy
    await schedule_claim_reminders(services, conn, referral, referral.created_at)
    repo = services.followups
    if referral.contact != "visit":
        due = referral.created_at + timedelta(days=policy.contact_check_days)
        valid = due + timedelta(days=policy.contact_check_valid_days)
        await repo.schedule(conn, "contact_check", referral.id, referral.user_id, due, valid)
    programme = (
        services.catalog.programme(referral.item)
        if referral.service in {"training", "livelihood"}
        else None
    )
    if programme is not None and programme.starts is not None:
        zone = zone_of(services, referral.region_code)
        due = local_morning(programme.starts - timedelta(days=1), zone, referral.time_window)
        valid = datetime.combine(programme.starts, time(0), ZoneInfo(zone))
        if due > referral.created_at:
            await repo.schedule(
                conn, "training_reminder", referral.id, referral.user_id, due, valid
            )


async def on_closed(services: Services, conn: aiosqlite.Connection, referral: Referral) -> None:
    """Schedules the check-in after closure."""
    policy = services.policy
    due = services.clock() + timedelta(days=policy.checkin_days)
    valid = due + timedelta(days=policy.checkin_valid_days)
    await services.followups.schedule(
        conn, "closure_checkin", referral.id, referral.user_id, due, valid
    )


async def on_travel_date(
    services: Services, conn: aiosqlite.Connection, referral: Referral, day: date
) -> None:
    """Schedules "did you arrive safely?" for the morning after her travel date."""
    zone = zone_of(services, referral.region_code)
    due = local_morning(day + timedelta(days=1), zone, referral.time_window)
    valid = due + timedelta(days=services.policy.arrival_valid_days)
    await services.followups.schedule(
        conn, "arrival_check", referral.id, referral.user_id, due, valid
    )


# ----------------------------------------------------------------------------- sweeping


@dataclass
class SweepReport:
    """What one sweep did."""

    queued: int = 0
    postponed: int = 0
    expired: int = 0
    cancelled: int = 0
    outbox_ids: list[int] = field(default_factory=list)


def _relevant(kind: str, referral: Referral) -> bool:
    if kind == "contact_check":
        return referral.status in {"new", "claimed"}
    if kind == "closure_checkin":
        return referral.status == "closed"
    if kind == "training_reminder":
        return referral.status in OPEN_STATUSES
    if kind == "arrival_check":
        return referral.status not in {"cancelled", "withdrawn"}
    return referral.status == "new"  # staff kinds: only while nobody has claimed it


class Sweeper:
    """Turns due follow-ups into outbox messages; `wake` starts the outbox worker."""

    def __init__(self, services: Services, wake: Callable[[], None] = lambda: None) -> None:
        self.services = services
        self.wake = wake
        self._running = asyncio.Lock()

    async def sweep(self) -> SweepReport:
        """Handles every follow-up that is due now (one sweep at a time)."""
        report = SweepReport()
        async with self._running:
            for _ in range(MAX_BATCHES):  # a full batch means more may be due: go on at once
                now = self.services.clock()
                batch = await self.services.followups.due(now, BATCH)
                for item in batch:
                    await self._one(item, now, report)
                if len(batch) < BATCH:
                    break
                self.wake()
        if report.expired:
            log.warning("%d follow-up(s) expired before they could be sent", report.expired)
        if report.outbox_ids:
            self.wake()
        return report

    async def _one(self, item: FollowUp, now: datetime, report: SweepReport) -> None:
        services = self.services
        referral = await services.referrals.by_id(item.referral_id)
        async with services.db.transaction() as conn:
            current = await services.followups.get(item.id)
            if current is None or current.state != "pending" or current.due_at != item.due_at:
                return  # another process handled it meanwhile
            if referral is None or not _relevant(item.kind, referral):
                await services.followups.set_state(conn, item.id, "cancelled")
                report.cancelled += 1
                return
            if now > item.valid_until:
                await self._expire(conn, item, referral, report)
                return
            if item.kind in STAFF_KINDS:
                moment = next_office_moment(now, zone_of(services, referral.region_code))
                if await self._wait(conn, item, referral, moment, now, report):
                    return
                ids = await self._to_staff(conn, item, referral, now)
            else:
                user = await services.users.by_id(item.user_id) if item.user_id else None
                if user is None or user.followups == "off" or user.unreachable:
                    await services.followups.set_state(conn, item.id, "cancelled")
                    report.cancelled += 1
                    return
                if user.followups == "paused":
                    await services.followups.postpone(conn, item.id, now + PAUSED_RECHECK)
                    report.postponed += 1
                    return
                zone = zone_of(services, user.region_code or referral.region_code)
                moment = next_allowed(now, zone, referral.time_window)
                if await self._wait(conn, item, referral, moment, now, report):
                    return
                screen = self._her_message(item, referral)
                ids = await notices.to_her(
                    services,
                    conn,
                    user.id,
                    screen,
                    kind="followup",
                    referral_id=referral.id,
                    followup_id=item.id,
                )
            await services.followups.set_state(conn, item.id, "sent")
            report.queued += 1
            report.outbox_ids += ids

    async def _wait(
        self,
        conn: aiosqlite.Connection,
        item: FollowUp,
        referral: Referral,
        moment: datetime,
        now: datetime,
        report: SweepReport,
    ) -> bool:
        """Postpones to the next allowed moment (or expires); False when it may go now."""
        if moment <= now:
            return False
        if moment > item.valid_until:
            await self._expire(conn, item, referral, report)
        else:
            await self.services.followups.postpone(conn, item.id, moment)
            report.postponed += 1
        return True

    async def _expire(
        self, conn: aiosqlite.Connection, item: FollowUp, referral: Referral, report: SweepReport
    ) -> None:
        await self.services.followups.set_state(conn, item.id, "expired")
        await self.services.audit.append(
            conn, "system", "followup.expired", f"referral:{referral.code}", item.kind
        )
        report.expired += 1

    def _her_message(self, item: FollowUp, referral: Referral) -> Screen:
        programme: Part | None = None
        starts: date | None = None
        if item.kind == "training_reminder":
            found = self.services.catalog.programme(referral.item)
            if found is not None:
                programme, starts = found.title, found.starts
        return followups.message(item.id, item.kind, referral.code, programme, starts)

    async def _to_staff(
        self, conn: aiosqlite.Connection, item: FollowUp, referral: Referral, now: datetime
    ) -> list[int]:
        services = self.services
        ctx = services.flow_context()
        card = notices.card(referral)
        if item.kind == "claim_reminder":
            people = await services.caseworkers.recipients(referral.region_code, referral.service)
            text = desk.claim_reminder(card, ctx)
            keys = desk.notification_keyboard(referral.code)
        else:
            people = await services.caseworkers.supervisors(referral.region_code)
            text = desk.claim_escalation(card, ctx)
            keys = desk.open_keyboard(referral.code)
        if not people:
            await services.audit.append(
                conn, "system", "followup.unrouted", f"referral:{referral.code}", item.kind
            )
        screen = Screen(item.kind, (text,), keys)
        return await notices.to_staff(
            services, conn, people, screen, kind=item.kind, referral=referral
        )
