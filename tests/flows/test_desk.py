"""The caseworker desk driven without Telegram or storage: inputs in, effects out."""

from __future__ import annotations

from dataclasses import replace

from flows.core.effects import AnswerButton, SendNotice, SendScreen
from flows.core.types import ButtonIn, CommandIn, TextIn
from flows.desk import engine
from flows.desk.effects import (
    AddNote,
    Audit,
    ClaimCase,
    ClearTyping,
    HandOver,
    RedeemInvite,
    RelayToHer,
    SetTravelDate,
    SetTyping,
    TellHer,
)
from flows.desk.model import DeskSession, button
from flows.desk.notices import CLAIMED_FIRST, NOT_CURRENT
from tests.auxil.desk import CLAIMER, CODE, KEDIRI, NICKNAME, PERSONAS, desk_context, words


def test_a_claim_tells_her_and_shows_the_case_with_the_work_buttons() -> None:
    outcome = engine.handle(
        DeskSession(), ButtonIn(button("claim", CODE)), desk_context(CLAIMER, "new")
    )
    kinds = [type(e) for e in outcome.effects]
    assert kinds[:3] == [ClaimCase, Audit, TellHer]
    her = next(e for e in outcome.effects if isinstance(e, TellHer))
    assert "Your request {code} has been taken by a caseworker." in words((her,))
    shown = next(e for e in outcome.effects if isinstance(e, SendScreen))
    assert shown.screen.name == "desk_case" and NICKNAME in words((shown,))
    assert "📝 Add a note" in words((shown,)) and "✋ Claim" not in words((shown,))


def test_a_claim_somebody_else_won_says_so() -> None:
    colleague = PERSONAS["colleague"]
    outcome = engine.handle(
        DeskSession(), ButtonIn(button("claim", CODE)), desk_context(colleague, "claimed")
    )
    assert AnswerButton(CLAIMED_FIRST) in outcome.effects
    assert not any(isinstance(e, ClaimCase) for e in outcome.effects)


def test_a_note_is_saved_and_shown_on_the_case() -> None:
    session = DeskSession("note", CODE)
    outcome = engine.handle(
        session, TextIn("  Janji temu Kamis "), desk_context(CLAIMER, "claimed")
    )
    assert AddNote(CODE, "Janji temu Kamis") in outcome.effects
    assert ClearTyping() in outcome.effects and outcome.session == DeskSession()
    assert "Janji temu Kamis" in words(outcome.effects)


def test_a_relay_reaches_her_with_reply_buttons() -> None:
    session = DeskSession("relay", CODE)
    outcome = engine.handle(
        session, TextIn("Kapan bisa datang?"), desk_context(CLAIMER, "in_progress")
    )
    assert RelayToHer(CODE, "Kapan bisa datang?") in outcome.effects
    her = next(e for e in outcome.effects if isinstance(e, TellHer))
    assert her.screen.keyboard, "she can answer or close the thread"
    assert "Kapan bisa datang?" in words((her,))


def test_text_typed_after_she_withdrew_cancelled_or_was_erased_reaches_nobody() -> None:
    for state in ("withdrawn", "cancelled", "closed", "erased", "missing"):
        for mode in ("relay", "note"):
            outcome = engine.handle(
                DeskSession(mode, CODE), TextIn("Halo Kak"), desk_context(CLAIMER, state)
            )
            assert not any(isinstance(e, TellHer | RelayToHer | AddNote) for e in outcome.effects)
            notice = next(e for e in outcome.effects if isinstance(e, SendNotice))
            assert CODE in words((notice,))
            assert outcome.session == DeskSession() and ClearTyping() in outcome.effects


def test_another_service_in_the_same_region_cannot_open_a_case() -> None:
    other = PERSONAS["other_service"]
    outcome = engine.handle(
        DeskSession(), ButtonIn(button("open", CODE)), desk_context(other, "claimed")
    )
    assert NICKNAME not in words(outcome.effects)
    assert AnswerButton(NOT_CURRENT) in outcome.effects
    assert Audit("desk.refused", None, "open") in outcome.effects


def test_hand_over_asks_the_region_then_the_reason() -> None:
    ctx = desk_context(CLAIMER, "claimed")
    first = engine.handle(DeskSession("handover", CODE), TextIn("kota kediri"), ctx)
    assert f"hto:{KEDIRI}" in str(first.effects)
    second = engine.handle(first.session, ButtonIn(button(f"hto:{KEDIRI}", CODE)), ctx)
    assert second.session == DeskSession("handover_reason", CODE, KEDIRI)
    third = engine.handle(second.session, ButtonIn(button("hwhy:went_home", CODE)), ctx)
    moved = next(e for e in third.effects if isinstance(e, HandOver))
    assert moved.region_code == KEDIRI and moved.office_key
    assert Audit("case.handover", CODE, f"53.71->{KEDIRI} went_home") in third.effects


def test_text_typed_while_choosing_a_reason_is_a_new_search_not_a_message() -> None:
    session = DeskSession("handover_reason", CODE, KEDIRI)
    outcome = engine.handle(session, TextIn("kota kediri"), desk_context(CLAIMER, "claimed"))
    assert not any(isinstance(e, TellHer | RelayToHer) for e in outcome.effects)
    assert SetTyping("handover", CODE) in outcome.effects


def test_a_reason_without_a_chosen_region_is_stale() -> None:
    outcome = engine.handle(
        DeskSession(), ButtonIn(button("hwhy:went_home", CODE)), desk_context(CLAIMER, "claimed")
    )
    assert outcome.effects == (AnswerButton(NOT_CURRENT),)


def test_a_travel_day_in_the_past_is_asked_again() -> None:
    session = DeskSession("travel", CODE)
    ctx = desk_context(CLAIMER, "claimed")
    past = engine.handle(session, TextIn("01-01-2020"), ctx)
    assert not any(isinstance(e, SetTravelDate) for e in past.effects)
    assert past.session == session
    later = engine.handle(session, TextIn("05-12-2026"), ctx)
    assert any(isinstance(e, SetTravelDate) for e in later.effects)


def test_an_invite_is_the_only_thing_the_desk_does_for_who_is_not_staff() -> None:
    ctx = desk_context(None, "new")
    invite = engine.handle(DeskSession(), CommandIn("start", "inv_abc"), ctx)
    assert invite.effects[0] == RedeemInvite("abc")
    assert engine.handle(DeskSession(), CommandIn("start"), ctx).effects == ()
    assert engine.handle(DeskSession(), ButtonIn(button("claim", CODE)), ctx).effects == ()


def test_unknown_commands_and_stray_text_get_the_hint() -> None:
    ctx = desk_context(PERSONAS["colleague"], "new")
    for inp in (CommandIn("laporan"), CommandIn("lain"), TextIn("halo"), TextIn("/x")):
        outcome = engine.handle(DeskSession(), inp, ctx)
        assert [type(e) for e in outcome.effects] == [SendNotice], inp


def test_the_case_view_offers_only_what_access_allows() -> None:
    supervisor = PERSONAS["supervisor"]
    ctx = desk_context(supervisor, "closed")
    outcome = engine.handle(DeskSession(), ButtonIn(button("open", CODE)), ctx)
    assert "↩ Reopen" in words(outcome.effects)
    ctx = replace(ctx, me=CLAIMER)
    outcome = engine.handle(DeskSession(), ButtonIn(button("open", CODE)), ctx)
    assert "↩ Reopen" not in words(outcome.effects)
