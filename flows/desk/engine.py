"""The caseworker's desk as a pure flow: (desk session, input, context) -> (session, effects).

Like her engine (flows/core/engine.py) it reads no clock, touches no storage and knows no channel:
the host loads the staff member, her desk session, the referral the input is about and the
queue, then commits the storage effects in one transaction and carries out the chat effects.
Every button, command and typed text goes through `access.may` before anything changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flows import reports
from flows.core.effects import AnswerButton, EditScreen, SendNotice, SendScreen
from flows.core.greeting import neutral
from flows.core.node import Context
from flows.core.status import CaseOutcome, ReferralStatus
from flows.core.types import Bubble, ButtonIn, CommandIn, Input, Screen, TextIn
from flows.desk import access, notices, screens
from flows.desk.effects import (
    AddNote,
    Audit,
    ClaimCase,
    ClearTyping,
    CloseCase,
    DeskEffect,
    EndRelay,
    HandOver,
    RedeemInvite,
    RelayToHer,
    ReopenCase,
    SetStatus,
    SetTravelDate,
    SetTyping,
    TellHer,
)
from flows.desk.model import (
    HANDOVER_REASONS,
    TYPED_MODES,
    CaseCard,
    CaseDetail,
    DeskSession,
    parse,
    parse_day,
)
from flows.steps import relay

INVITE_PREFIX = "inv_"
QUEUE_COMMANDS = frozenset({"antrian", "queue"})
REPORT_COMMANDS = frozenset({"laporan", "report"})
MAX_TYPED = 2000


@dataclass(frozen=True, slots=True)
class ReportData:
    """The counts of this month and last month over the regions she covers."""

    months: tuple[reports.MonthCounts, ...]
    names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeskContext:
    """What the host loaded for one input (inside the transaction that commits it).

    case is the referral the input is about (None: no such code, or erased from storage);
    queue holds the open referrals (the flow keeps only those she may see).
    """

    me: access.Staff | None
    flow: Context
    case: CaseDetail | None = None
    queue: tuple[CaseCard, ...] = ()
    today: date | None = None
    report: ReportData | None = None
    # For a message typed to her, what the delivery policy says: refused, or when it arrives.
    message_refused: bool = False
    arrives_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeskOutcome:
    """What handling one input produced: the next desk session and the effects."""

    session: DeskSession
    effects: tuple[DeskEffect, ...] = ()


def target(session: DeskSession, inp: Input) -> str | None:
    """The code of the referral an input is about, for the host to load (None: none)."""
    if isinstance(inp, ButtonIn):
        parsed = parse(inp.data)
        return parsed[1] if parsed is not None and parsed[0] != "queue" else None
    if isinstance(inp, TextIn) and session.mode:
        return session.code or None
    return None


def wants_report(inp: Input) -> bool:
    """Whether the host should load the report counts for this input."""
    return isinstance(inp, CommandIn) and inp.name in REPORT_COMMANDS


def wants_queue(inp: Input) -> bool:
    """Whether the host should load the open referrals (a button may end on the queue)."""
    return isinstance(inp, ButtonIn) or (isinstance(inp, CommandIn) and inp.name in QUEUE_COMMANDS)


def invite_token(inp: Input) -> str | None:
    """The token of `/start inv_<token>`, if that is what this input is."""
    if isinstance(inp, CommandIn) and inp.name == "start" and inp.args.startswith(INVITE_PREFIX):
        return inp.args.removeprefix(INVITE_PREFIX)
    return None


def send(screen: Screen) -> SendScreen:
    """A desk screen as new messages (desk buttons carry their own data, no screen number)."""
    return SendScreen(screen, None)


def edit(screen: Screen) -> EditScreen:
    """A desk screen in place of the pressed message."""
    return EditScreen(screen, None)


def handle(session: DeskSession, inp: Input, ctx: DeskContext) -> DeskOutcome:
    """Handles one input of a staff member (or an invite redemption) at the desk."""
    if not access.is_staff(ctx.me):
        token = invite_token(inp)
        if token is None:
            return DeskOutcome(session)
        return DeskOutcome(session, (RedeemInvite(token), send(screens.desk_home())))
    if isinstance(inp, ButtonIn):
        return _button(session, inp.data, ctx)
    if isinstance(inp, CommandIn):
        return _command(session, inp, ctx)
    if isinstance(inp, TextIn) and session.mode and not inp.text.startswith("/"):
        return _typed(session, inp.text.strip()[:MAX_TYPED], ctx)
    return DeskOutcome(session, (SendNotice(Bubble((notices.HINT,))),))


# ----------------------------------------------------------------------------- helpers


def _queue(ctx: DeskContext) -> tuple[CaseCard, ...]:
    return access.visible(ctx.me, ctx.queue)


def _actor(ctx: DeskContext) -> str:
    assert ctx.me is not None
    return f"caseworker:{ctx.me.id}"


def _case(ctx: DeskContext, code: str) -> CaseDetail | None:
    return ctx.case if ctx.case is not None and ctx.case.code == code else None


def _view(case: CaseDetail, ctx: DeskContext) -> Screen:
    return screens.case_screen(case, access.offered(ctx.me, case), ctx.flow)


def _her(case: CaseDetail, message: Bubble, thread: bool = False, kind: str = "to_her") -> TellHer:
    rows = relay.thread_keyboard(case.code) if thread else ()
    return TellHer(case.code, Screen("to_her", neutral(*message.parts).bubbles, rows), kind)


def _refuse(session: DeskSession, verb: str, ctx: DeskContext, audit: bool = True) -> DeskOutcome:
    """The answer to anything she may not do: the same as a stale button, then the queue."""
    effects: list[DeskEffect] = [Audit("desk.refused", None, verb)] if audit else []
    effects += [
        AnswerButton(notices.NOT_CURRENT),
        send(screens.queue_screen(_queue(ctx), 0, ctx.flow)),
    ]
    return DeskOutcome(session, tuple(effects))


def _changed(
    session: DeskSession,
    case: CaseDetail,
    verb: str,
    change: DeskEffect,
    after: CaseDetail,
    ctx: DeskContext,
) -> DeskOutcome:
    """A committed change: audited, told to her if it concerns her, the case shown anew."""
    effects: list[DeskEffect] = [change, Audit(f"case.{verb}", case.code)]
    update = notices.her_update(after.status, case.code) if after.status != case.status else None
    if update is not None:
        closing = after.status == ReferralStatus.CLOSED
        effects.append(_her(case, update, kind="closing" if closing else "to_her"))
    shown = _view(after, ctx)
    effects += [send(shown) if verb == "claim" else edit(shown), AnswerButton()]
    return DeskOutcome(session, tuple(effects))


# ----------------------------------------------------------------------------- inputs


def _command(session: DeskSession, inp: CommandIn, ctx: DeskContext) -> DeskOutcome:
    if inp.name in QUEUE_COMMANDS:
        return DeskOutcome(session, (send(screens.queue_screen(_queue(ctx), 0, ctx.flow)),))
    if inp.name == "start":
        return DeskOutcome(session, (send(screens.desk_home()),))
    if inp.name in REPORT_COMMANDS and access.may(ctx.me, "report") and ctx.report is not None:
        assert ctx.me is not None
        months = ctx.report.months
        periods = " ".join(f"{m.month.year:04d}-{m.month.month:02d}" for m in months)
        detail = f"{periods} {','.join(ctx.me.regions)}"
        screen = reports.report_screen(months, ctx.me.regions, ctx.report.names)
        return DeskOutcome(session, (Audit("report.view", None, detail), send(screen)))
    return DeskOutcome(session, (SendNotice(Bubble((notices.HINT,))),))


def _button(session: DeskSession, data: str, ctx: DeskContext) -> DeskOutcome:
    parsed = parse(data)
    if parsed is None:
        return _refuse(session, "?", ctx, audit=False)
    verb, code = parsed
    if verb == "queue":
        page = int(code) if code.isascii() and code.isdigit() else 0
        screen = screens.queue_screen(_queue(ctx), page, ctx.flow)
        return DeskOutcome(session, (edit(screen), AnswerButton()))
    case = _case(ctx, code)
    if verb == "claim" and case is not None and case.claimed and access.may(ctx.me, "open", case):
        toast = None if case.card.mine else notices.CLAIMED_FIRST  # somebody was quicker
        effects = (Audit("case.view", code), AnswerButton(toast), send(_view(case, ctx)))
        return DeskOutcome(session, effects)
    if case is None or not access.may(ctx.me, verb, case):
        return _refuse(session, verb, ctx)
    return _act(session, verb, case, ctx)


def _act(session: DeskSession, verb: str, case: CaseDetail, ctx: DeskContext) -> DeskOutcome:
    now, actor, code = ctx.flow.now, _actor(ctx), case.code
    if verb == "open":
        return DeskOutcome(
            session, (Audit("case.view", code), edit(_view(case, ctx)), AnswerButton())
        )
    if verb.startswith("page:"):
        page = int(verb.removeprefix("page:"))
        shown = screens.case_page(case, access.offered(ctx.me, case), page)
        return DeskOutcome(
            session, (Audit("case.view", code, f"page {page + 1}"), edit(shown), AnswerButton())
        )
    if verb == "claim":
        after = case.with_status(ReferralStatus.CLAIMED, now, actor)
        after = replace(after, card=replace(after.card, mine=True), claimed=True)
        return _changed(session, case, verb, ClaimCase(code), after, ctx)
    if verb.startswith("status:"):
        status = ReferralStatus(verb.removeprefix("status:"))
        return _changed(
            session, case, verb, SetStatus(code, status), case.with_status(status, now, actor), ctx
        )
    if verb.startswith("outcome:"):
        outcome = CaseOutcome(verb.removeprefix("outcome:"))
        after = replace(case.with_status(ReferralStatus.CLOSED, now, actor), outcome=outcome)
        return _changed(session, case, verb, CloseCase(code, outcome), after, ctx)
    if verb == "reopen":
        after = replace(case.with_status(ReferralStatus.IN_PROGRESS, now, actor), outcome="")
        return _changed(session, case, verb, ReopenCase(code), after, ctx)
    if verb == "relay_close":
        return _changed(session, case, verb, EndRelay(code), replace(case, relay_open=False), ctx)
    if verb == "close":
        return DeskOutcome(session, (edit(screens.outcome_screen(code)), AnswerButton()))
    if verb in TYPED_MODES:
        typing = DeskSession(verb, code)
        return DeskOutcome(
            typing, (SetTyping(verb, code), edit(screens.prompt(verb, code)), AnswerButton())
        )
    if verb.startswith("hto:"):
        region = verb.removeprefix("hto:")
        if ctx.flow.catalog.office_for(region) is None:
            return DeskOutcome(session, (AnswerButton(notices.NOT_CURRENT),))
        typing = DeskSession("handover_reason", code, region)
        effects = (
            SetTyping(typing.mode, code, region),
            edit(screens.handover_reasons(code)),
            AnswerButton(),
        )
        return DeskOutcome(typing, effects)
    return _hand_over(session, verb.removeprefix("hwhy:"), case, ctx)


def _hand_over(
    session: DeskSession, reason: str, case: CaseDetail, ctx: DeskContext
) -> DeskOutcome:
    """Moves the case to the chosen region's office and tells her and its caseworkers."""
    office = ctx.flow.catalog.office_for(session.extra) if session.extra else None
    waiting = session.mode == "handover_reason" and session.code == case.code
    if not waiting or office is None or reason not in HANDOVER_REASONS:
        return DeskOutcome(session, (AnswerButton(notices.NOT_CURRENT),))
    region = ctx.flow.regions.region(session.extra)
    name = region.name if region else session.extra
    moved = f"{case.card.region_code}->{session.extra} {reason}"
    effects: tuple[DeskEffect, ...] = (
        HandOver(case.code, session.extra, office.key),
        _her(case, notices.handed_over_to_her(case.code, name)),
        ClearTyping(),
        Audit("case.handover", case.code, moved),
        edit(screens.done_screen(notices.done_notice("handover", case.code))),
        AnswerButton(),
    )
    return DeskOutcome(DeskSession(), effects)


def _typed(session: DeskSession, text: str, ctx: DeskContext) -> DeskOutcome:
    """Her typed text as a note, a message to her, a travel day or a hand-over search."""
    kind = "handover" if session.mode == "handover_reason" else session.mode
    case = _case(ctx, session.code)
    if kind not in TYPED_MODES or case is None or not access.may(ctx.me, kind, case):
        refused = (
            ClearTyping(),
            Audit("desk.refused", session.code or None, f"typed:{kind}"),
            SendNotice(notices.typed_refused(kind, session.code)),
        )
        return DeskOutcome(DeskSession(), refused)
    code, now = case.code, ctx.flow.now
    if kind == "handover":
        found = tuple(
            (r.code, f"{r.name} ({r.province_name})")
            for r in ctx.flow.regions.search(text, limit=6)
            if r.code != case.card.region_code and ctx.flow.catalog.office_for(r.code)
        )
        typing = DeskSession("handover", code)
        return DeskOutcome(
            typing, (SetTyping("handover", code), send(screens.handover_choices(code, found)))
        )
    effects: list[DeskEffect] = []
    after = case
    if kind == "travel":
        day = parse_day(text, ctx.today) if ctx.today is not None else None
        if day is None or ctx.today is None or day < ctx.today:
            return DeskOutcome(session, (send(screens.prompt("travel", code)),))
        effects.append(SetTravelDate(code, day))
    elif kind == "note":
        effects.append(AddNote(code, text))
        after = replace(case, notes=(*case.notes, (now, text)))
    else:
        if ctx.message_refused:  # the delivery policy says no (she left, or is gone)
            refusal = send(screens.done_screen(notices.typed_refused("relay", code)))
            return DeskOutcome(
                DeskSession(), (ClearTyping(), Audit("desk.refused", code, "relay"), refusal)
            )
        effects += [RelayToHer(code, text), _her(case, notices.to_her(code, text), thread=True)]
        after = replace(case, thread=(*case.thread, (now, "to_her", text)))
    held = kind == "relay" and ctx.arrives_at is not None and ctx.arrives_at > now
    done = notices.held_notice(code, ctx.arrives_at) if held and ctx.arrives_at else None
    effects += [
        ClearTyping(),
        Audit(f"case.{kind}", code),
        send(screens.done_screen(done or notices.done_notice(kind, code))),
        Audit("case.view", code),
        send(_view(after, ctx)),
    ]
    return DeskOutcome(DeskSession(), tuple(effects))
