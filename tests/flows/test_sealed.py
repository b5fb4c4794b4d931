"""Sealed previews in the pure flow: the preview says nothing, opening reveals in place."""

from __future__ import annotations

from dataclasses import replace

from flows.core import sealed
from flows.core.effects import AnswerButton, OpenSealed, RevealMessage, SealedView
from flows.core.engine import handle
from flows.core.types import ButtonIn, Plain, Session, Text
from tests.auxil.flowdriver import context

CONTENT = SealedView(7, "Halo, Kak 👋\nPermintaan K7 sedang diproses.", ((("↩ Balas", "r:x"),),))


def on_menu(shared: bool = False) -> Session:
    return Session(state="menu", seq=5, region_code="53.71", shared_phone=shared)


def test_the_preview_is_one_neutral_sentence_with_one_button() -> None:
    screen = sealed.preview(7)
    [only] = screen.bubbles
    assert only.parts == (Text("You have a new message."),)
    assert [(b.label, b.action) for row in screen.keyboard for b in row] == [(Text("Open"), "o:7")]


def test_opening_reveals_the_content_in_place_and_keeps_her_screen() -> None:
    session = on_menu()
    outcome = handle(session, ButtonIn("o:7"), replace(context(), opened=CONTENT))
    assert outcome.session == session, "her conversation stays where it was"
    assert OpenSealed(7) in outcome.effects
    [reveal] = [e for e in outcome.effects if isinstance(e, RevealMessage)]
    assert reveal.screen.bubbles[0].parts == (Plain(CONTENT.text),)
    rows = [[(b.label, b.action) for b in row] for row in reveal.screen.keyboard]
    assert rows == [[(Plain("↩ Balas"), "r:x")]], "its own buttons, no quick exit"


def test_on_a_shared_phone_the_revealed_message_carries_the_quick_exit() -> None:
    outcome = handle(on_menu(shared=True), ButtonIn("o:7"), replace(context(), opened=CONTENT))
    [reveal] = [e for e in outcome.effects if isinstance(e, RevealMessage)]
    last = reveal.screen.keyboard[-1]
    assert [(b.label, b.action) for b in last] == [(Text("🧹 Quick exit"), "5:exit")]


def test_content_that_is_gone_or_someone_elses_opens_nothing() -> None:
    for ctx in (context(), replace(context(), opened=replace(CONTENT, id=8))):
        outcome = handle(on_menu(), ButtonIn("o:7"), ctx)
        assert outcome.effects == (AnswerButton(Text("This message is no longer available.")),)
