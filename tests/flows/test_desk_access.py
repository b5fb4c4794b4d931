"""Every staff action x every kind of person x every referral state: allowed or refused.

The expected table is written out by hand; the desk engine (flows/desk) must agree with it for
buttons, commands and typed text alike. Refused means: nothing changes, nobody is told, no case
details are shown, and the refusal is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from flows.core.effects import EditScreen, SendScreen
from flows.core.types import ButtonIn, CommandIn, Input, TextIn
from flows.desk import engine
from flows.desk.effects import (
    AddNote,
    Audit,
    ClaimCase,
    ClearTyping,
    CloseCase,
    EndRelay,
    HandOver,
    RelayToHer,
    ReopenCase,
    SetStatus,
    SetTravelDate,
    SetTyping,
    TellHer,
)
from flows.desk.engine import DeskOutcome
from flows.desk.model import OUTCOMES, DeskSession, button
from tests.auxil.desk import CODE, KEDIRI, NICKNAME, PERSONAS, STATES, desk_context, words

WORKED = {"claimed", "contacted", "in_progress"}
SEEN = set(STATES) - {"missing"}
LEADS_AND_CLAIMER = ("claimer", "supervisor")


@dataclass(frozen=True)
class Action:
    """One staff action: its input, the desk session it needs, and what shows it was done."""

    inp: Input
    done: Callable[[DeskOutcome], bool]
    session: DeskSession = DeskSession()  # noqa: RUF009 (frozen, immutable)


def _has(kind: type) -> Callable[[DeskOutcome], bool]:
    return lambda out: any(isinstance(e, kind) for e in out.effects)


def _screen(name: str) -> Callable[[DeskOutcome], bool]:
    return lambda out: any(
        isinstance(e, SendScreen | EditScreen) and e.screen.name == name for e in out.effects
    )


def _typing(mode: str) -> Callable[[DeskOutcome], bool]:
    return lambda out: any(isinstance(e, SetTyping) and e.mode == mode for e in out.effects)


def _press(verb: str) -> ButtonIn:
    return ButtonIn(button(verb, CODE))


ACTIONS: dict[str, Action] = {
    "claim": Action(_press("claim"), _has(ClaimCase)),
    "open": Action(_press("open"), _screen("desk_case")),
    "page": Action(_press("page:0"), _screen("desk_case")),
    "status:contacted": Action(_press("status:contacted"), _has(SetStatus)),
    "status:in_progress": Action(_press("status:in_progress"), _has(SetStatus)),
    "close": Action(_press("close"), _screen("desk_outcome")),
    **{f"outcome:{key}": Action(_press(f"outcome:{key}"), _has(CloseCase)) for key in OUTCOMES},
    "reopen": Action(_press("reopen"), _has(ReopenCase)),
    "note": Action(_press("note"), _typing("note")),
    "note typed": Action(TextIn("Janji temu Kamis"), _has(AddNote), DeskSession("note", CODE)),
    "relay": Action(_press("relay"), _typing("relay")),
    "relay typed": Action(
        TextIn("Kapan bisa datang?"), _has(RelayToHer), DeskSession("relay", CODE)
    ),
    "relay_close": Action(_press("relay_close"), _has(EndRelay)),
    "travel": Action(_press("travel"), _typing("travel")),
    "travel typed": Action(TextIn("05-12-2026"), _has(SetTravelDate), DeskSession("travel", CODE)),
    "handover": Action(_press("handover"), _typing("handover")),
    "handover typed": Action(
        TextIn("kota kediri"), _screen("desk_handover"), DeskSession("handover", CODE)
    ),
    "handover region": Action(
        _press(f"hto:{KEDIRI}"), _typing("handover_reason"), DeskSession("handover", CODE)
    ),
    "handover reason": Action(
        _press("hwhy:went_home"), _has(HandOver), DeskSession("handover_reason", CODE, KEDIRI)
    ),
}
WORK_ACTIONS = [
    "close",
    *(f"outcome:{key}" for key in OUTCOMES),
    "note",
    "note typed",
    "relay",
    "relay typed",
    "relay_close",
    "travel",
    "travel typed",
    "handover",
    "handover typed",
    "handover region",
    "handover reason",
]
# Who may do what, in which states (everybody else: nothing, in no state).
EXPECTED: dict[str, dict[str, set[str]]] = {
    "claim": {"claimer": {"new"}, "colleague": {"new"}, "supervisor": {"new"}},
    "open": {"claimer": SEEN, "colleague": SEEN, "supervisor": SEEN},
    "page": {"claimer": SEEN, "colleague": SEEN, "supervisor": SEEN},
    "status:contacted": {p: {"claimed"} for p in LEADS_AND_CLAIMER},
    "status:in_progress": {p: {"contacted"} for p in LEADS_AND_CLAIMER},
    "reopen": {"supervisor": {"closed"}},
    **{name: {p: WORKED for p in LEADS_AND_CLAIMER} for name in WORK_ACTIONS},
}
CHANGES = (
    ClaimCase,
    SetStatus,
    CloseCase,
    ReopenCase,
    AddNote,
    RelayToHer,
    TellHer,
    EndRelay,
    SetTravelDate,
    HandOver,
    SetTyping,
)
CASES = [(action, persona, state) for action in ACTIONS for persona in PERSONAS for state in STATES]


def test_the_table_covers_every_action() -> None:
    assert set(EXPECTED) == set(ACTIONS)


@pytest.mark.parametrize(("action", "persona", "state"), CASES)
def test_staff_action(action: str, persona: str, state: str) -> None:
    me = PERSONAS[persona]
    spec = ACTIONS[action]
    outcome = engine.handle(spec.session, spec.inp, desk_context(me, state))
    allowed = state in EXPECTED[action].get(persona, set())
    assert spec.done(outcome) is allowed, (action, persona, state, outcome.effects)
    if allowed:
        return
    assert not any(isinstance(e, CHANGES) for e in outcome.effects), outcome.effects
    if action == "claim" and persona in EXPECTED["open"] and state in SEEN - {"new"}:
        assert _screen("desk_case")(outcome), "a claim somebody else won shows the case"
        return
    assert NICKNAME not in words(outcome.effects), "no case details for whoever may not"
    assert not _screen("desk_case")(outcome)
    if me is not None and me.active:
        audits = [e for e in outcome.effects if isinstance(e, Audit)]
        assert any(a.action == "desk.refused" for a in audits), "a refusal is audited"
    else:
        assert outcome.effects == (), "the desk does not answer who is not staff"
    if isinstance(spec.inp, TextIn) and me is not None and me.active:
        assert any(isinstance(e, ClearTyping) for e in outcome.effects)
        assert "Not sent" in words(outcome.effects) or "Not saved" in words(outcome.effects)


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize("state", STATES)
def test_queue_lists_a_case_only_to_whoever_may_open_it(persona: str, state: str) -> None:
    me = PERSONAS[persona]
    for inp in (CommandIn("antrian"), ButtonIn(button("queue", "0"))):
        outcome = engine.handle(DeskSession(), inp, desk_context(me, state))
        listed = CODE in words(outcome.effects)
        queued = state in {"new", "claimed"}  # what the host loaded as open in this table
        assert listed is (queued and persona in EXPECTED["open"]), (persona, state)
        if me is None or not me.active:
            assert outcome.effects == ()


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_only_supervisors_see_the_report(persona: str) -> None:
    outcome = engine.handle(
        DeskSession(), CommandIn("laporan"), desk_context(PERSONAS[persona], "new")
    )
    reported = any(isinstance(e, Audit) and e.action == "report.view" for e in outcome.effects)
    assert reported is (persona == "supervisor")
