"""Nicknames staff will read: a visible letter or digit, nothing hidden around or inside it."""

from __future__ import annotations

import pytest

from flows.core.effects import CorrectReferrals
from flows.steps.intake.nickname import clean_nickname
from tests.auxil.flowdriver import FlowDriver
from tests.flows.test_privacy import in_kupang

REFUSED = "Please type a nickname with at least one letter or number that can be seen."
INVISIBLE_ONLY = [
    "\u200b",  # zero-width space
    "\u200b\u200c\u200d\u2060\ufeff",  # zero-width (non-)joiners, word joiner, BOM
    "\u202e\u202d\u2066\u2069\u200f",  # bidi overrides, isolates, RLM
    "\u3164\u3164",  # Hangul filler: a "letter" that draws nothing
    "\u2800 \u00ad",  # blank Braille pattern, soft hyphen
    " \u00a0\u3000 ",  # spaces of every width
    "\u0301\u034f",  # a combining mark and the grapheme joiner, on nothing
    "...!",  # punctuation only: no letter or digit
]


def at_nickname_step() -> FlowDriver:
    driver = in_kupang()
    driver.press("🎓 Training and business support")
    driver.press(driver.buttons()[0])
    driver.press("🙋 I want to join")
    driver.press("Yes, 18 or older")
    driver.press("✅ I agree")
    driver.press("💬 In this chat, any time 08.00–20.00 (safest)")
    assert driver.session.state == "intake_nickname"
    return driver


@pytest.mark.parametrize("typed", INVISIBLE_ONLY)
def test_an_invisible_nickname_is_refused_with_a_clear_reply(typed: str) -> None:
    driver = at_nickname_step()
    driver.send(typed)
    assert driver.session.state == "intake_nickname"
    assert driver.session.answer("nickname", "none") == "none"
    assert REFUSED in driver.texts()


def test_invisible_characters_around_a_real_nickname_are_stripped() -> None:
    driver = at_nickname_step()
    driver.send("\u200b\u202e Mawar\u2066\ufeff ")
    assert driver.session.answer("nickname") == "Mawar"
    assert driver.session.state != "intake_nickname"


def test_correcting_the_nickname_follows_the_same_rule() -> None:
    driver = in_kupang(with_request=True)
    driver.command("privasi")
    driver.press("✏️ Correct my data")
    driver.press("🙂 My nickname on my requests")
    effects = driver.send("\u200b\u200d\u202e")
    assert not any(isinstance(e, CorrectReferrals) for e in effects)
    assert driver.session.state == "privacy_nickname"
    assert REFUSED in driver.texts()
    effects = driver.send("\u2067Melati\u2069\u200b")
    assert CorrectReferrals(nickname="Melati") in effects
    assert driver.session.state == "privacy"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Jose\u0301", "Jose\u0301"),  # a combining accent ends the name: kept
        ("सीता", "सीता"),  # a vowel sign ends a Devanagari name: kept
        ("Ma\u202ewar", "Mawar"),  # a bidi override inside would reorder it for staff
        ("Ani\x00\x07", "Ani"),  # control characters
        ("👩\u200d💻 Dewi", "👩\u200d💻 Dewi"),  # a joiner inside an emoji is kept
        ("  Putri \n Ayu  ", "Putri Ayu"),  # one line, single spaces
    ],
)
def test_cleaning_keeps_what_is_seen(typed: str, kept: str) -> None:
    assert clean_nickname(typed) == kept
