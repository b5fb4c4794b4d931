"""The privacy menu, the wipe, the quick exit and the shared-phone mode, without Telegram."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.core.effects import (
    AnswerButton,
    CorrectReferrals,
    DeleteMessages,
    EditScreen,
    ReferralView,
    SendMyDataCopy,
    SendScreen,
    ShowMyData,
)
from flows.core.engine import button_data, current_screen, handle
from flows.core.node import QUICK_EXIT
from flows.core.states import NODES
from flows.core.types import ButtonIn, Session, TextIn
from tests.auxil.flowdriver import FlowDriver, context

REMINDER = (
    "Others use this phone: when you are done, tap 🧹 to delete this chat. "
    "Your requests stay saved."
)


def in_kupang(*, shared: bool = False, with_request: bool = False) -> FlowDriver:
    ctx = context()
    if with_request:
        referral = ReferralView("K7M4QX", "training", "x", "53.71", "x", "", "new", ctx.now)
        ctx = replace(ctx, referrals=(referral,))
    driver = FlowDriver(ctx=ctx)
    driver.command("start")
    driver.press("Bahasa Indonesia")
    driver.send("kupang")
    driver.press("Kota Kupang (Nusa Tenggara Timur)")
    driver.session = replace(driver.session, shared_phone=shared)
    return driver


def test_privacy_menu_lists_her_rights_and_keeps_the_explanation() -> None:
    driver = in_kupang(with_request=True)
    driver.command("privasi")
    assert driver.buttons()[-1] == "🆘 Emergency", "every screen with buttons carries 🆘"
    assert driver.buttons()[:-1] == [
        "👁 My data",
        "📄 Send me a copy",
        "✏️ Correct my data",
        "🧹 Delete this chat",
        "📱 Shared phone: no",
        "🔔 Check-ins",
        "✋ Withdraw consent",
        "🗑 Delete all my data",
        "☰ Menu",
    ]
    joined = " ".join(driver.texts())
    assert "Satpol PP" in joined and "Clear history" in joined


def test_withdraw_and_reminders_only_appear_with_a_request() -> None:
    driver = in_kupang()
    driver.command("privasi")
    assert "✋ Withdraw consent" not in driver.buttons()
    assert "🗑 Delete all my data" in driver.buttons()


@pytest.mark.parametrize(
    ("label", "state"),
    [
        ("🔔 Check-ins", "privacy_followups"),
        ("✋ Withdraw consent", "privacy_withdraw"),
        ("🗑 Delete all my data", "privacy_delete"),
    ],
)
def test_the_later_entries_lead_to_their_states(label: str, state: str) -> None:
    driver = in_kupang(with_request=True)
    driver.command("privasi")
    driver.press(label)
    assert driver.session.state == state


def test_see_and_copy_ask_the_host_then_show_what_next() -> None:
    driver = in_kupang()
    driver.command("privasi")
    effects = driver.press("👁 My data")
    assert isinstance(effects[0], ShowMyData)
    assert driver.session.state == "privacy_data"
    effects = driver.press("📄 Send me a copy")
    assert isinstance(effects[0], SendMyDataCopy)
    assert driver.session.state == "privacy_copy"


def test_shared_phone_switch_flips_and_survives_a_restart() -> None:
    driver = in_kupang()
    driver.command("privasi")
    driver.press("📱 Shared phone: no")
    assert driver.session.shared_phone
    assert "📱 Shared phone: yes" in driver.buttons()
    assert Session.from_dict(driver.session.to_dict()).shared_phone
    driver.press("📱 Shared phone: yes")
    assert not driver.session.shared_phone


def test_wipe_is_confirmed_then_leaves_one_neutral_message() -> None:
    driver = in_kupang()
    driver.command("privasi")
    driver.press("🧹 Delete this chat")
    assert driver.session.state == "privacy_wipe"
    effects = driver.press("🧹 Yes, delete")
    kinds = [type(e) for e in effects]
    assert kinds.index(DeleteMessages) < kinds.index(SendScreen)
    assert DeleteMessages() in effects
    assert EditScreen not in kinds
    assert driver.screen is not None and driver.screen.name == "cleared"
    assert len(driver.screen.bubbles) == 1 and driver.buttons() == []


def start_request(driver: FlowDriver) -> None:
    driver.press("🎓 Training and business support")
    driver.press(driver.buttons()[0])
    driver.press("🙋 I want to join")
    driver.press("Yes, 18 or older")
    driver.press("✅ I agree")
    driver.press("💬 In this chat, any time 08.00–20.00 (safest)")
    driver.send("Mawar")


def test_quick_exit_drops_the_draft_even_from_an_old_screen() -> None:
    driver = in_kupang()
    start_request(driver)
    assert driver.session.answer("nickname") == "Mawar"
    assert "🧹 Quick exit" in driver.buttons()
    stale = button_data(driver.session.seq - 3, QUICK_EXIT)
    effects = driver.feed(ButtonIn(stale))
    assert driver.session.state == "cleared" and driver.session.draft == ()
    assert driver.session.region_code == "53.71", "her settings stay"
    assert isinstance(effects[0], DeleteMessages)
    assert any(isinstance(e, AnswerButton) for e in effects)
    assert driver.screen is not None and driver.screen.remove_contact_button
    assert len(driver.screen.bubbles) == 1, "nothing but the neutral message"


def test_any_message_after_a_wipe_brings_the_menu() -> None:
    driver = in_kupang()
    driver.feed(ButtonIn(button_data(driver.session.seq, QUICK_EXIT)))
    driver.send("halo")
    assert driver.session.state == "menu"


SENSITIVE = [
    s
    for s in NODES
    if s.startswith("intake_")
    or s
    in {
        "my_referrals",
        "referral",
        "relay_compose",
        "emergency",
        "facilities",
        "facility",
        "going_home_plan",
    }
]


@pytest.mark.parametrize("state", SENSITIVE)
def test_sensitive_screens_carry_the_quick_exit(state: str) -> None:
    ctx = context()
    facility = ctx.catalog.facilities_in("53.71", "hiv_ims")[0]
    draft = {"service": "training", "item": "x", "home_region": "35.71", "adult": "yes"}
    params = {"need": "hiv_ims", "key": facility.key, "code": "K7M4QX"}
    session = Session(
        seq=1,
        region_code="53.71",
        state=state,
        params=tuple(params.items()),
        draft=tuple(draft.items()),
    )
    assert QUICK_EXIT in current_screen(session, ctx).actions()


@pytest.mark.parametrize("state", ["menu", "training", "health", "privacy", "language"])
def test_information_screens_do_not(state: str) -> None:
    session = Session(seq=1, region_code="53.71", state=state)
    assert QUICK_EXIT not in current_screen(session, context()).actions()


def test_shared_phone_answer_turns_the_mode_on_and_the_confirmation_reminds() -> None:
    driver = in_kupang()
    start_request(driver)
    driver.press("No, others use it too")
    assert driver.session.shared_phone
    while driver.session.state != "intake_summary":
        driver.press(driver.buttons()[1])
    driver.press("✅ Send")
    assert REMINDER in driver.texts()
    assert "🧹 Delete this chat" in driver.buttons()
    assert driver.action_of("🧹 Delete this chat") == QUICK_EXIT


def test_own_phone_confirmation_has_no_reminder() -> None:
    driver = in_kupang()
    start_request(driver)
    driver.press("Yes, only me")
    assert not driver.session.shared_phone
    while driver.session.state != "intake_summary":
        driver.press(driver.buttons()[1])
    driver.press("✅ Send")
    assert REMINDER not in driver.texts()


@pytest.mark.parametrize("shared", [True, False])
def test_leaving_my_requests_reminds_only_on_a_shared_phone(shared: bool) -> None:
    driver = in_kupang(shared=shared, with_request=True)
    driver.command("permintaan")
    driver.press("☰ Menu")
    assert driver.session.state == "menu"
    assert (REMINDER in driver.texts()) is shared
    assert ("🧹 Delete this chat" in driver.buttons()) is shared


def test_correcting_the_nickname_of_open_requests() -> None:
    driver = in_kupang(with_request=True)
    driver.command("privasi")
    driver.press("✏️ Correct my data")
    driver.press("🙂 My nickname on my requests")
    driver.send("x" * 41)
    assert driver.session.state == "privacy_nickname"
    effects = driver.send("  Melati  ")
    assert CorrectReferrals(nickname="Melati") in effects
    assert driver.session.state == "privacy"


def test_correcting_contact_and_removing_the_nickname() -> None:
    driver = in_kupang(with_request=True)
    driver.command("privasi")
    driver.press("✏️ Correct my data")
    driver.press("💬 How and when to contact me")
    effects = driver.press("🚶 No need, I will come myself")
    assert CorrectReferrals(contact="visit", window="") in effects
    driver.press("✏️ Correct my data")
    driver.press("🙂 My nickname on my requests")
    assert CorrectReferrals(nickname="") in driver.press("Remove the nickname")


def test_without_open_requests_only_the_region_can_be_corrected() -> None:
    driver = in_kupang()
    driver.command("privasi")
    driver.press("✏️ Correct my data")
    assert driver.buttons() == ["📍 My region", "‹ Back", "☰ Menu", "🆘 Emergency"]
    driver.press("📍 My region")
    assert driver.session.state == "region_province"


def test_typed_text_in_the_nickname_step_is_not_a_command() -> None:
    driver = in_kupang(with_request=True)
    driver.command("privasi")
    driver.press("✏️ Correct my data")
    driver.press("🙂 My nickname on my requests")
    outcome = handle(driver.session, TextIn("Bunga"), driver.ctx)
    assert CorrectReferrals(nickname="Bunga") in outcome.effects


def test_leaving_the_phone_step_by_a_button_still_takes_the_number_key_away() -> None:
    driver = in_kupang()
    driver.press("🎓 Training and business support")
    driver.press(driver.buttons()[0])
    driver.press("🙋 I want to join")
    driver.press("Yes, 18 or older")
    driver.press("✅ I agree")
    driver.press("📞 By phone")
    assert driver.screen is not None and driver.screen.contact_button is not None
    driver.press("💬 Use this chat instead")
    assert driver.screen is not None and driver.screen.remove_contact_button
    assert len(driver.screen.bubbles) >= 2, "the key goes with a message without inline buttons"
