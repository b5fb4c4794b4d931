"""The conversation engine, driven without Telegram: scripted inputs, expected screens."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from flows.core.effects import AnswerButton, EditScreen, ReferralView, SendScreen
from flows.core.engine import button_data, current_screen, handle
from flows.core.states import NODES
from flows.core.types import ButtonIn, ContactIn, MediaIn, Session
from tests.auxil.flowdriver import FlowDriver, context

STALE = "This menu is no longer current. Here is the current one."


def started(locale_label: str = "Bahasa Indonesia") -> FlowDriver:
    driver = FlowDriver()
    driver.command("start")
    driver.press(locale_label)
    return driver


def test_start_greets_neutrally_and_offers_languages() -> None:
    driver = FlowDriver()
    effects = driver.command("start")
    assert isinstance(effects[0], SendScreen)
    assert driver.screen is not None and driver.screen.name == "welcome"
    assert len(driver.screen.bubbles) <= 2, "at most two messages before her first choice"
    assert driver.buttons() == ["Bahasa Indonesia", "English", "🆘 Emergency"]
    joined = " ".join(driver.texts()).lower()
    for word in ("wts", "psk", "pelacur", "sex", "prostitut", "lokalisasi"):
        assert word not in joined


def test_any_first_message_gets_the_welcome() -> None:
    driver = FlowDriver()
    driver.send("halo")
    assert driver.screen is not None and driver.screen.name == "welcome"


def test_language_choice_edits_into_the_province_step() -> None:
    driver = FlowDriver()
    driver.command("start")
    effects = driver.press("English")
    assert driver.session.locale == "en"
    assert any(isinstance(e, EditScreen) for e in effects)
    assert driver.screen is not None and driver.screen.name == "region_province"


def test_region_by_buttons_sets_region_and_time_zone_notice() -> None:
    driver = started()
    while "Jawa Timur" not in driver.buttons():
        driver.press("More ›")
    driver.press("Jawa Timur")
    assert driver.screen is not None and driver.screen.name == "region_regency"
    while "Kota Kediri" not in driver.buttons():
        driver.press("More ›")
    driver.press("Kota Kediri")
    assert driver.session.region_code == "35.71"
    assert driver.screen is not None and driver.screen.name == "menu"
    assert driver.texts()[0].startswith("OK, you are in {region}")


def test_typed_region_with_a_typo_offers_the_match() -> None:
    driver = started()
    driver.send("kupng")
    assert driver.screen is not None and driver.screen.name == "region_choose"
    assert driver.buttons()[0] == "Kota Kupang (Nusa Tenggara Timur)"
    driver.press("Kota Kupang (Nusa Tenggara Timur)")
    assert driver.session.region_code == "53.71"


def test_typed_province_name_opens_its_list() -> None:
    driver = started()
    driver.send("kalimantan tengah")
    assert driver.screen is not None
    assert driver.screen.name in {"region_regency", "region_choose"}


def test_unknown_place_keeps_the_step_and_says_so() -> None:
    driver = started()
    driver.send("qwxzqwxz")
    assert driver.screen is not None and driver.screen.name == "region_province"
    assert driver.texts()[0].startswith("I could not find that place")


def test_old_button_gets_the_current_screen_not_an_action() -> None:
    driver = started()
    old_seq = driver.session.seq
    prov_action = driver.action_of("Jawa Timur") if "Jawa Timur" in driver.buttons() else None
    driver.press(driver.buttons()[0])
    state_after = driver.session.state
    action = prov_action or "prov:35"
    effects = driver.feed(ButtonIn(button_data(old_seq, action)))
    assert isinstance(effects[0], AnswerButton) and effects[0].text is not None
    assert effects[0].text.msgid == STALE
    assert isinstance(effects[1], SendScreen)
    assert driver.session.state == state_after


@pytest.mark.parametrize("data", ["", "garbage", "9999:prov:35", "1:", ":menu", "x" * 64])
def test_forged_button_data_is_refused_calmly(data: str) -> None:
    driver = started()
    before = driver.session
    effects = driver.feed(ButtonIn(data))
    assert isinstance(effects[0], AnswerButton) and effects[0].text is not None
    assert effects[0].text.msgid == STALE
    assert driver.session.state == before.state
    assert driver.session.region_code == before.region_code


def test_forged_action_with_the_current_number_is_refused() -> None:
    driver = started()
    effects = driver.feed(ButtonIn(button_data(driver.session.seq, "reg:53.71")))
    assert isinstance(effects[0], AnswerButton)
    assert driver.session.region_code is None


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "document", "location", "edited"])
def test_media_gets_a_calm_reply_and_the_same_step(kind: str) -> None:
    driver = started()
    state = driver.session.state
    driver.feed(MediaIn(kind))
    assert driver.session.state == state
    assert driver.screen is not None and driver.screen.name == state
    assert len(driver.screen.bubbles) == 2


def test_contact_is_not_kept() -> None:
    driver = started()
    driver.feed(ContactIn("+6281234567890", own=True))
    assert "+6281234567890" not in repr(driver.session.to_dict())
    assert driver.texts()[0].startswith("There is no need to send a phone number")


def test_very_long_text_gets_a_calm_reply() -> None:
    driver = started()
    driver.send("a" * 5000)
    assert driver.texts()[0].startswith("That message is too long")
    assert driver.session.state == "region_province"


def test_cancel_and_unknown_commands() -> None:
    driver = started()
    driver.command("batal")
    assert driver.texts()[0].startswith("Nothing is in progress to cancel")
    assert driver.session.state == "region_province", "nothing to cancel: she stays where she is"
    driver.command("nonsense")
    assert driver.texts()[0].startswith("I don't know that command")
    assert driver.session.state == "region_province"


def test_emergency_lists_hotlines_with_one_checked_date() -> None:
    driver = started()
    driver.command("darurat")
    assert driver.screen is not None and driver.screen.name == "emergency"
    assert len(driver.screen.bubbles) == 1, "from a button: the numbers only, in one bubble"
    texts = driver.texts()
    assert texts[0].startswith("If you are in danger now, do not wait: call {police} (police)")
    flat = repr(driver.screen.bubbles)
    assert "'110'" in flat and "'112'" in flat, "110 and 112 open the numbers"
    for number in ("Telepon 129", "0811-1129-129", "119 lalu tekan 8"):
        assert number in flat
    assert texts.count("(Numbers checked {date}.)") == 1


def test_every_button_on_every_screen_does_something() -> None:
    """No dead buttons: each button of each reachable screen moves her somewhere."""
    ctx = context()
    programme = ctx.catalog.programmes_in("53.71")[0]
    facility = ctx.catalog.facilities_in("53.71", "hiv_ims")[0]
    ctx = replace(
        ctx,
        referrals=(
            ReferralView("K7M4QX", "training", programme.key, "53.71", "x", "", "new", ctx.now),
        ),
    )
    draft = {
        "service": "training",
        "item": programme.key,
        "consent_at": ctx.now.isoformat(),
        "adult": "yes",
        "contact": "phone",
        "window": "any",
        "phone": "+6281234567890",
        "nickname_asked": "1",
        "phone_alone": "yes",
        "home_region": "35.71",
    }
    base = Session(seq=1, region_code="53.71", draft=tuple(sorted(draft.items())))
    for state in NODES:
        params = {
            "province": "53",
            "codes": "53.71,53.01",
            "page": "0",
            "key": programme.key,
            "code": "K7M4QX",
            "need": "hiv_ims",
            "contact": "chat",
            "due": "",
        }
        if state == "facility":
            params["key"] = facility.key
        session = replace(base, state=state, params=tuple(sorted(params.items())))
        screen = current_screen(session, ctx)
        for action in screen.actions():
            outcome = handle(session, ButtonIn(button_data(session.seq, action)), ctx)
            after = replace(outcome.session, seq=session.seq)
            answer = next(e for e in outcome.effects if isinstance(e, AnswerButton))
            assert answer.text is None, (state, action)
            assert after != session, f"button {action!r} on {state!r} does nothing"


def test_session_survives_serialisation() -> None:
    driver = started()
    driver.send("kupng")
    restored = Session.from_dict(driver.session.to_dict())
    assert restored == driver.session
    assert Session.from_dict(None) == Session()
    assert Session.from_dict({"state": 5, "params": "bad", "seq": "x"}).seq == 0


FORBIDDEN_IMPORTS = {"telegram", "sqlite3", "aiosqlite", "storage", "bot", "time", "httpx"}


def test_flows_are_pure() -> None:
    """flows/ imports no Telegram, SQL or clock, and never reads the current time."""
    for path in Path("flows").rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                names = []
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN_IMPORTS, f"{path} imports {name}"
            if isinstance(node, ast.Attribute) and node.attr in {"now", "utcnow", "today"}:
                assert not (
                    isinstance(node.value, ast.Name) and node.value.id in {"datetime", "date"}
                ), f"{path} reads the clock"
