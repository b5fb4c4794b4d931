"""Builders for pure desk tests: staff personas, a referral in any state, the desk context."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

from flows.core.types import Bubble, Localized, Part, Plain, Screen, Text
from flows.desk.engine import DeskContext, ReportData
from flows.desk.model import CaseCard, CaseDetail
from storage.caseworkers import Caseworker
from tests.auxil.flowdriver import NOW, context

CODE = "K7M4QX"
KUPANG, KEDIRI = "53.71", "35.71"
NICKNAME = "Mawar"
STATES = (
    "new",
    "claimed",
    "contacted",
    "in_progress",
    "closed",
    "cancelled",
    "withdrawn",
    "erased",
    "missing",
)


def staff(
    id: int,
    role: str = "caseworker",
    regions: tuple[str, ...] = (KUPANG,),
    services: tuple[str, ...] = ("*",),
    active: bool = True,
) -> Caseworker:
    """A staff account (not stored)."""
    return Caseworker(id, f"staff{id}", role, regions, services, 1000 + id, active)


CLAIMER = staff(1)
PERSONAS: dict[str, Caseworker | None] = {
    "stranger": None,
    "beneficiary": None,  # she is not staff: the desk never knows her as anybody
    "deactivated": staff(9, active=False),
    "other_region": staff(4, regions=(KEDIRI,)),
    "other_service": staff(5, services=("health",)),
    "claimer": CLAIMER,
    "colleague": staff(2, services=("going_home",)),
    "supervisor": staff(3, role="supervisor"),
}


def case(state: str, *, mine_of: Caseworker | None = None) -> CaseDetail | None:
    """A going-home referral of Kupang in a state ("erased": withdrawn, her data gone)."""
    if state == "missing":
        return None
    status = "withdrawn" if state == "erased" else state
    claimed = state != "new"
    card = CaseCard(
        code=CODE,
        service="going_home",
        item="",
        region_code=KUPANG,
        home_region=KEDIRI,
        urgency="normal",
        status=status,
        created_at=NOW - timedelta(hours=3),
        mine=claimed and mine_of is not None and mine_of.id == CLAIMER.id,
    )
    history = ((NOW - timedelta(hours=3), "user:1", "new"),)
    return CaseDetail(
        card=card,
        contact="chat",
        window="08.00–20.00",
        phone_alone=True,
        nickname="" if state == "erased" else NICKNAME,
        phone="",
        outcome="received_help" if state == "closed" else "",
        history=history,
        thread=((NOW - timedelta(hours=2), "from_her", "halo"),),
        relay_open=True,
        claimed=claimed,
        erased=state == "erased",
    )


def desk_context(me: Caseworker | None, state: str, **extra: object) -> DeskContext:
    """The context the host would load for this persona and referral state."""
    detail = case(state, mine_of=me)
    queue = (detail.card,) if detail is not None and state in {"new", "claimed"} else ()
    ctx = DeskContext(
        me=me,
        flow=context(),
        case=detail,
        queue=queue,
        today=NOW.date(),
        report=ReportData(()),
    )
    return replace(ctx, **extra)  # type: ignore[arg-type]


def _words(part: object) -> Iterator[str]:
    if isinstance(part, Text):
        yield part.msgid
        for _, value in part.params:
            yield from _words(value)
    elif isinstance(part, Plain):
        yield part.value
    elif isinstance(part, Localized):
        yield part.get("id")
    elif isinstance(part, str):
        yield part


def words(effects: tuple[object, ...]) -> str:
    """Every msgid and data value the effects would show (screens, notices, toasts)."""
    found: list[str] = []
    for effect in effects:
        screen = getattr(effect, "screen", None)
        bubbles: tuple[Bubble, ...] = ()
        if isinstance(screen, Screen):
            bubbles = screen.bubbles
            found += [w for row in screen.keyboard for b in row for w in _words(b.label)]
        note = getattr(effect, "bubble", None)
        if isinstance(note, Bubble):
            bubbles = (note,)
        for bubble in bubbles:
            parts: tuple[Part, ...] = bubble.parts
            for part in parts:
                found += list(_words(part))
        text = getattr(effect, "text", None)
        if isinstance(text, Text):
            found += list(_words(text))
    return "\n".join(found)
