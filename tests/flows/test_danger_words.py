"""What her words open: strong danger and suicide the emergency screen, ordinary requests what
she asked for (weak words like "tolong" only add a neutral line and the 🆘 button)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.core.effects import ReferralView
from flows.core.engine import current_screen
from flows.core.states import NODES
from flows.core.types import Session
from tests.auxil.flowdriver import FlowDriver, context

THANKS = "Thank you for telling me, Kak. Your safety comes first."
NOT_ALONE = "You are not alone, Kak."
NEUTRAL = "If you are not safe right now, you can call these numbers now."
CAUTION = "If you are not safe right now, tap 🆘 Emergency for numbers to call."

# (what she types, the screen it opens, how that screen opens)
DANGER: list[tuple[str, str]] = [
    ("tolong saya dipukul suami", THANKS),
    ("saya dipukuli pacar tadi malam", THANKS),
    ("aku diancam mau dibunuh", THANKS),
    ("saya disekap di rumah mami", THANKS),
    ("tlg aku dikurung gak boleh keluar", THANKS),
    ("saya diperkosa", THANKS),
    ("dia mengancam saya terus", THANKS),
    ("saya mau kabur dari sini tapi dijaga", THANKS),
    ("pengen kabur tapi takut", THANKS),
    ("saya korban perdagangan orang", THANKS),
    ("ada kekerasan di rumah", THANKS),
    ("suami kdrt terus", THANKS),
    ("saya dipaksa kerja lagi di wisma", THANKS),
    ("saya ditampar mami", THANKS),
    ("dilecehkan bos", THANKS),
    ("pelecehan di tempat kerja", THANKS),
    ("saya terjebak gak bisa pulang", THANKS),
    ("dikejar preman", THANKS),
    ("disiksa tiap hari", THANKS),
    ("saya mau bunuh diri", NOT_ALONE),
    ("pengen mati aja", NOT_ALONE),
    ("gak mau hidup lagi", NOT_ALONE),
    ("tolong", NEUTRAL),
    ("TOLONG!!!", NEUTRAL),
    ("help me", NEUTRAL),
]

# (what she types, the screen it opens, whether the neutral line and 🆘 are added)
ORDINARY: list[tuple[str, str, bool]] = [
    ("tolong info pelatihan jahit", "training", True),
    ("help saya mau kerja", "training", True),
    ("mata saya kabur mau periksa", "health", False),
    ("bahaya gak kalau minum obat kb", "facilities", True),
    ("saya takut ketahuan keluarga kalau tes hiv", "facilities", True),
    ("tolong bantu cari kerja", "training", True),
    ("tolong ya kak, ada lowongan kerja?", "training", True),
    ("kontrasepsi darurat", "facilities", True),
    ("takut disuntik, ada obat lain?", "health", True),
    ("saya takut sama jarum suntik", "health", True),
    ("mau kursus salon", "training", False),
    ("modal usaha jualan kue", "training", False),
    ("mau tes hiv", "facilities", False),
    ("kb suntik di mana", "facilities", False),
    ("bpjs saya mati", "facilities", False),
    ("mau pulang kampung", "going_home", False),
    ("pulang ke kampung", "going_home", False),
    ("pukul 3 bisa ke puskesmas?", "health", False),
    ("saya hamil", "facilities", False),
    ("saya stres", "facilities", False),
    ("status permintaan saya", "my_referrals", False),
    ("hapus data saya", "privacy", False),
    ("halo", "menu", False),
]


def in_kupang() -> FlowDriver:
    return FlowDriver(session=Session(region_code="53.71", state="menu", seq=1))


def test_the_table_is_half_danger_half_ordinary() -> None:
    assert len(DANGER) + len(ORDINARY) >= 40
    assert abs(len(DANGER) - len(ORDINARY)) <= 2


@pytest.mark.parametrize(("text", "opening"), DANGER, ids=[d[0] for d in DANGER])
def test_danger_opens_the_emergency_screen_with_its_own_opening(text: str, opening: str) -> None:
    driver = in_kupang()
    driver.send(text)
    assert driver.screen is not None and driver.screen.name == "emergency"
    assert driver.texts()[0].startswith(opening)


@pytest.mark.parametrize(("text", "screen", "caution"), ORDINARY, ids=[o[0] for o in ORDINARY])
def test_an_ordinary_request_gets_what_she_asked_for(text: str, screen: str, caution: bool) -> None:
    driver = in_kupang()
    driver.send(text)
    assert driver.screen is not None and driver.screen.name == screen
    texts = driver.texts()
    assert THANKS not in texts and NOT_ALONE not in " ".join(texts)
    assert (CAUTION in texts) is caution
    if caution:
        assert "🆘 Emergency" in driver.buttons()
        driver.press("🆘 Emergency")
        assert driver.session.state == "emergency", "the added 🆘 works"


def test_the_urgent_call_back_is_three_taps_from_every_screen_with_buttons() -> None:
    """🆘 (or the menu's own 🆘 button), the call-back, one consent with her age: sent."""
    ctx = context()
    programme = ctx.catalog.programmes_in("53.71")[0]
    ctx = replace(
        ctx,
        referrals=(
            ReferralView("K7M4QX", "training", programme.key, "53.71", "x", "", "new", ctx.now),
        ),
    )
    params = (("code", "K7M4QX"), ("key", programme.key), ("need", "hiv_ims"))
    checked = 0
    for state in NODES:
        draft = (("service", "training"), ("item", programme.key))
        session = Session(
            region_code="53.71",
            state=state,
            params=params,
            seq=1,
            draft=draft if state.startswith("intake_") else (),
        )
        screen = current_screen(session, ctx)
        if not screen.keyboard or state == "emergency":
            continue
        driver = FlowDriver(ctx=ctx, session=session, screen=screen)
        sos = "🆘 Emergency help" if state == "menu" else "🆘 Emergency"
        driver.press(sos)
        driver.press("📞 Ask a caseworker to contact me (office hours)")
        driver.press("✅ I agree (I am 18 or older)")
        assert driver.session.state == "referral_done", state
        checked += 1
    assert checked >= 30


def test_on_a_shared_phone_the_numbers_say_to_delete_the_call_from_the_call_history() -> None:
    hint = "After calling, delete the call from the call history if needed."
    alone = in_kupang()
    alone.send("dipukul")
    assert hint not in alone.texts()
    shared = FlowDriver(
        session=Session(region_code="53.71", state="menu", seq=1, shared_phone=True)
    )
    shared.send("dipukul")
    assert hint in shared.texts()
