"""Follow-ups: scheduled as rows when a referral changes, sent by a sweeper the job queue wakes.

Both read the table of kinds (flows/followups/kinds.py): which event schedules a kind and when it
falls due, whether it still matters, who gets it and what it says.

The sweeper reads due rows from storage (never from memory), checks that the follow-up is still
wanted (her consent, her choice, the referral's status), waits for an hour she may be written
to (the delivery policy of bot/core/delivery.py: her safe time inside 08–21 in her zone; office
hours on working days for staff), and queues
the message in the outbox in the same transaction that marks the follow-up sent. A follow-up
whose validity ended before it could go out is marked expired and audited; none is dropped
silently, including those that fell due while the bot was down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.core import delivery, notices
from bot.core.services import Services
from flows import followups
from flows.core.types import Part, Screen
from flows.followups import kinds
from flows.followups.timing import next_office_moment
from storage.connection import Connection
from storage.followups import FollowUp
from storage.referrals import Referral

log = logging.getLogger(__name__)

SWEEP_JOB = "followup-sweeper"
PAUSED_RECHECK = timedelta(hours=1)
BATCH = 500
MAX_BATCHES = 1000


# ----------------------------------------------------------------------------- scheduling


def _occasion(
    services: Services, referral: Referral, at: datetime, travel_day: date | None = None
) -> kinds.Occasion:
    programme = services.catalog.programme(referral.item)
    return kinds.Occasion(
        at=at,
        policy=services.policy,
        zone=services.zone_of(referral.region_code),
        window=referral.time_window,
        service=referral.service,
        contact=referral.contact,
        urgent=referral.urgency == "urgent",
        programme_starts=programme.starts if programme is not None else None,
        travel_day=travel_day,
    )


async def _schedule(
    services: Services,
    conn: Connection,
    referral: Referral,
    event: kinds.Event,
    occasion: kinds.Occasion,
) -> None:
    """Schedules every kind this event schedules (those that apply to this referral)."""
    for kind in kinds.scheduled_by(event):
        due = kind.due(occasion)
        if due is None:
            continue
        user_id = referral.user_id if kind.audience is kinds.Audience.HER else None
        await services.followups.schedule(
            conn, kind.name, referral.id, user_id, due.at, due.valid_until
        )


async def schedule_claim_reminders(
    services: Services, conn: Connection, referral: Referral, since: datetime
) -> None:
    """Reminds caseworkers, then a supervisor, if nobody claims the referral in office time."""
    occasion = _occasion(services, referral, since)
    await _schedule(services, conn, referral, kinds.Event.ROUTED, occasion)


async def on_created(services: Services, conn: Connection, referral: Referral) -> None:
    """Schedules the follow-ups of a new referral (hers only matter if she agreed)."""
    await schedule_claim_reminders(services, conn, referral, referral.created_at)
    occasion = _occasion(services, referral, referral.created_at)
    await _schedule(services, conn, referral, kinds.Event.CREATED, occasion)


async def on_closed(services: Services, conn: Connection, referral: Referral) -> None:
    """Schedules the check-in after closure."""
    occasion = _occasion(services, referral, services.clock())
    await _schedule(services, conn, referral, kinds.Event.CLOSED, occasion)


async def on_travel_date(
    services: Services, conn: Connection, referral: Referral, day: date
) -> None:
    """Schedules "did you arrive safely?" for the morning after her travel date."""
    occasion = _occasion(services, referral, services.clock(), travel_day=day)
    await _schedule(services, conn, referral, kinds.Event.TRAVEL_DATE, occasion)


# ----------------------------------------------------------------------------- sweeping


@dataclass
class SweepReport:
    """What one sweep did."""

    queued: int = 0
    postponed: int = 0
    expired: int = 0
    cancelled: int = 0
    outbox_ids: list[int] = field(default_factory=list)


class Sweeper:
    """Turns due follow-ups into outbox messages; `wake` starts the outbox worker."""

    def __init__(
        self,
        services: Services,
        wake: Callable[[], None] = lambda: None,
        tidy: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.services = services
        self.wake = wake
        self.tidy = tidy  # the channel's cleaning of staff chats, after each sweep
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
        if self.tidy is not None:
            try:
                await self.tidy()
            except Exception as exc:  # cleaning is tried again at the next sweep
                log.error("cleaning staff chats failed: %s", type(exc).__name__)
        return report

    async def _one(self, item: FollowUp, now: datetime, report: SweepReport) -> None:
        services = self.services
        referral = await services.referrals.by_id(item.referral_id)
        async with services.db.transaction() as conn:
            current = await services.followups.get(item.id)
            if current is None or current.state != "pending" or current.due_at != item.due_at:
                return  # another process handled it meanwhile
            kind = kinds.kind_of(item.kind)
            if referral is None or kind is None or not kind.relevant(referral.status):
                await services.followups.set_state(conn, item.id, "cancelled")
                report.cancelled += 1
                return
            if now > item.valid_until:
                await self._expire(conn, item, referral, report)
                return
            if kind.audience is kinds.Audience.STAFF:
                moment = next_office_moment(now, services.zone_of(referral.region_code))
                if await self._wait(conn, item, referral, moment, now, report):
                    return
                ids = await self._to_staff(conn, kind, referral)
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
                verdict = await delivery.decide(
                    services, user, referral, delivery.FOLLOWUP, followup_id=item.id, now=now
                )
                if not verdict.allowed or verdict.at is None:
                    await services.followups.set_state(conn, item.id, "cancelled")
                    report.cancelled += 1
                    return
                if await self._wait(conn, item, referral, verdict.at, now, report):
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
        conn: Connection,
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
        self, conn: Connection, item: FollowUp, referral: Referral, report: SweepReport
    ) -> None:
        await self.services.followups.set_state(conn, item.id, "expired")
        await self.services.audit.append(
            conn, "system", "followup.expired", f"referral:{referral.code}", item.kind
        )
        report.expired += 1

    def _her_message(self, item: FollowUp, referral: Referral) -> Screen:
        found = self.services.catalog.programme(referral.item)
        programme: Part | None = found.title if found is not None else None
        starts: date | None = found.starts if found is not None else None
        return followups.message(item.id, item.kind, referral.code, programme, starts)

    async def _to_staff(self, conn: Connection, kind: kinds.Kind, referral: Referral) -> list[int]:
        services = self.services
        assert kind.notice is not None, f"staff follow-up {kind.name} has no notice"
        if kind.recipients is kinds.Recipients.SUPERVISORS:
            people = await services.caseworkers.supervisors(referral.region_code)
        else:
            people = await services.caseworkers.recipients(referral.region_code, referral.service)
        if not people:
            await services.audit.append(
                conn, "system", "followup.unrouted", f"referral:{referral.code}", kind.name
            )
        screen = kind.notice(notices.card(referral), services.flow_context())
        return await notices.to_staff(
            services, conn, people, screen, kind=kind.name, referral=referral
        )
