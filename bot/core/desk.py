"""The caseworker's turn: load, run the pure desk flow, commit in one transaction, hand back.

Everything the flow is told (the caseworker, her desk session, the referral, the queue) is read
inside the transaction that commits what it decides, so a message typed after she withdrew,
cancelled or was erased, or after the case was closed, is checked against the referral as it is
then, and refused. Messages to her and to staff are only queued (bot/core/notices.py); the
channel sends them after the commit, with the notifications whose text changed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.core import delivery, notices
from bot.core.channel import AfterCommit
from bot.core.desk_store import HANDLERS, DeskTx, TurnVoid
from bot.core.services import Services
from flows.core.types import Input
from flows.desk import engine
from flows.desk.effects import CHAT_EFFECTS, ChatEffect
from flows.desk.engine import DeskContext, ReportData
from flows.desk.model import CaseCard, CaseDetail, DeskSession
from flows.reports import REPORT_ZONE, MonthCounts, this_and_last_month
from storage.caseworkers import Caseworker
from storage.referrals import Referral
from storage.reports import ReportRepo

WINDOWS = {
    "morning": "08.00–12.00",
    "midday": "12.00–16.00",
    "evening": "16.00–20.00",
    "any": "08.00–20.00",
}
EVERY_REGION = ("*",)
#: The most notes, and messages, the case view pages through (the newest of them).
THREAD_LOADED = 1000


@dataclass
class DeskTurn:
    """A committed desk turn: the replies to her chat and the work after the commit."""

    replies: tuple[ChatEffect, ...]
    work: AfterCommit = field(default_factory=AfterCommit)
    region_code: str | None = None
    referral_id: int | None = None  # what the replies show (recorded, cleaned on erasure)
    caseworker_id: int | None = None


def card(referral: Referral, me: Caseworker | None) -> CaseCard:
    """The desk's view of a referral ("mine" when she claimed it)."""
    mine = me is not None and referral.claimed_by == me.id
    return dataclasses.replace(notices.card(referral), mine=mine)


async def detail(services: Services, referral: Referral, me: Caseworker | None) -> CaseDetail:
    """The consented details of a referral, for the case view and the access check."""
    personal = await services.referrals.personal(referral.id)
    shown = card(referral, me)
    if personal.get("item"):
        shown = dataclasses.replace(shown, item=personal["item"])
    return CaseDetail(
        card=shown,
        contact=referral.contact,
        window=WINDOWS.get(referral.time_window or "", ""),
        phone_alone=referral.phone_alone,
        nickname=personal.get("nickname", ""),
        phone=personal.get("phone", ""),
        outcome=referral.outcome or "",
        history=tuple(await services.referrals.history(referral.id)),
        notes=tuple(await services.casework.notes(referral.id, THREAD_LOADED)),
        thread=tuple(await services.casework.relay_entries(referral.id, THREAD_LOADED)),
        relay_open=referral.relay_open,
        claimed=referral.claimed_by is not None,
        erased=referral.user_id is None,
    )


async def report_data(services: Services, me: Caseworker) -> ReportData:
    """Counts of this month and last month over the regions she covers."""
    repo = ReportRepo(services.db)
    months: list[MonthCounts] = []
    for month in this_and_last_month(services.clock(), ZoneInfo(REPORT_ZONE)):
        counts = await repo.counts(month.start, month.end, me.regions)
        months.append(
            MonthCounts(
                month=month,
                total=counts.total,
                by_service=counts.by_service,
                by_status=counts.by_status,
                by_outcome=counts.by_outcome,
                by_region=counts.by_region,
            )
        )
    codes = set(me.regions) | {code for m in months for code in m.by_region}
    names = {}
    for code in codes - {"*"}:
        region = services.regions.region(code)
        names[code] = region.name if region else code
    return ReportData(tuple(months), names)


async def load(
    services: Services, me: Caseworker | None, session: DeskSession, inp: Input
) -> tuple[DeskContext, Referral | None]:
    """What the flow needs for this input (the caller holds the transaction)."""
    flow = services.flow_context()
    if me is None:
        return DeskContext(me=None, flow=flow), None
    code = engine.target(session, inp)
    referral = await services.referrals.by_code(code) if code else None
    case = await detail(services, referral, me) if referral is not None else None
    today = None
    if referral is not None:
        zone = ZoneInfo(services.zone_of(referral.region_code))
        today = services.clock().astimezone(zone).date()
    queue: tuple[CaseCard, ...] = ()
    if engine.wants_queue(inp):  # every open referral: the flow keeps those she may see
        queue = tuple(card(r, me) for r in await services.referrals.open_in(EVERY_REGION))
    report = await report_data(services, me) if engine.wants_report(inp) else None
    verdict = None
    if referral is not None and session.mode == "relay":
        verdict = await delivery.delivery(services, referral)
    ctx = DeskContext(
        me=me,
        flow=flow,
        case=case,
        queue=queue,
        today=today,
        report=report,
        message_refused=verdict is not None and not verdict.allowed,
        arrives_at=verdict.at if verdict is not None else None,
    )
    return ctx, referral


async def desk_turn(services: Services, telegram_id: int, inp: Input) -> DeskTurn | None:
    """Handles one input of a staff account (or an invite); None when it is not the desk's.

    The inbox row is marked done by the processor once the replies are out (not here), so an
    update whose replies a crash cut off is handled again after a restart. Its reads, the flow
    and the commit run as one database job.
    """
    return await services.db.run(_desk_turn, services, telegram_id, inp)


async def _desk_turn(services: Services, telegram_id: int, inp: Input) -> DeskTurn | None:
    """desk_turn() as one database job."""
    try:
        async with services.db.transaction() as conn:
            me = await services.caseworkers.by_telegram(telegram_id)
            mode = await services.casework.mode(me.id) if me is not None else None
            session = DeskSession(mode.mode, mode.code, mode.extra) if mode else DeskSession()
            ctx, referral = await load(services, me, session, inp)
            outcome = engine.handle(session, inp, ctx)
            if not outcome.effects:
                return None
            tx = DeskTx(services, conn, telegram_id, me, referral)
            replies: list[ChatEffect] = []
            for effect in outcome.effects:
                if isinstance(effect, CHAT_EFFECTS):
                    replies.append(effect)
                else:
                    await HANDLERS[type(effect)](tx, effect)
    except TurnVoid:
        return None
    region = referral.region_code if referral is not None else None
    shown = referral.id if referral is not None else None
    return DeskTurn(tuple(replies), tx.work, region, shown, me.id if me is not None else None)
