"""Her turn in the core, against a fake channel: no Telegram, no simulator, a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.channel import AfterCommit, Capabilities, NoticeChange
from bot.core.commit import HANDLERS
from bot.core.services import Services, open_services
from bot.core.turn import HerSide, Turn
from flows.core.effects import STORAGE_EFFECTS, CreateReferral, EditScreen, SendScreen
from flows.core.engine import button_data
from flows.core.types import ButtonIn, CommandIn, Input, Screen, TextIn
from tests.auxil.flowdriver import label_of
from tests.auxil.harness import FakeClock, settings_in

KUPANG = "53.71"


@dataclass
class FakeChannel:
    """Keeps the work after each commit instead of sending anything."""

    capabilities: Capabilities = field(default_factory=lambda: Capabilities(edit=False))
    done: list[AfterCommit] = field(default_factory=list)

    async def after_commit(self, work: AfterCommit) -> None:
        """Records the work."""
        self.done.append(work)


@dataclass
class Her:
    """A person played through the core's turn, seeing the screens a channel would show."""

    side: HerSide
    channel: FakeChannel
    person_id: int = 7001
    screen: Screen | None = None
    seq: int = 0
    turns: list[Turn] = field(default_factory=list)
    replies_arrive: bool = True  # False: as if the process died before her replies went out

    async def feed(self, inp: Input) -> Turn:
        """One input through the core, then the after-commit work to the channel."""
        turn = await self.side.take(self.person_id, inp, None)
        for effect in turn.effects:
            if isinstance(effect, SendScreen | EditScreen):
                self.screen = effect.screen
        self.seq = turn.outcome.session.seq
        self.turns.append(turn)
        if self.replies_arrive:
            await self.side.delivered(turn)
        await self.channel.after_commit(turn.after)
        return turn

    async def press(self, label: str) -> Turn:
        """Presses a visible button by its (untranslated) label."""
        assert self.screen is not None
        for row in self.screen.keyboard:
            for b in row:
                if label_of(b.label) == label:
                    return await self.feed(ButtonIn(button_data(self.seq, b.action)))
        labels = [label_of(b.label) for row in self.screen.keyboard for b in row]
        raise AssertionError(f"no button {label!r}; buttons: {labels}")


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    opened = await open_services(settings_in(tmp_path), clock=FakeClock())
    try:
        yield opened
    finally:
        await opened.close()


async def caseworker(services: Services, telegram_id: int = 9001) -> int:
    """An active caseworker of Kota Kupang for every service."""
    caseworker_id, token = await services.caseworkers.invite(
        "Rina", "caseworker", [KUPANG], ["*"], timedelta(days=1)
    )
    async with services.db.transaction() as conn:
        await services.caseworkers.redeem(conn, token, telegram_id)
    return caseworker_id


async def ask_training(her: Her) -> Turn:
    """From /start to a sent training request in Kota Kupang; returns the confirming turn."""
    await to_summary(her)
    return await her.press("✅ Send")


async def to_summary(her: Her) -> None:
    """From /start to the summary of a training request in Kota Kupang."""
    await her.feed(CommandIn("start"))
    await her.press("Bahasa Indonesia")
    await her.feed(TextIn("kupang"))
    await her.press("Kota Kupang (Nusa Tenggara Timur)")
    await her.press("🎓 Training and business support")
    assert her.screen is not None
    first = label_of(her.screen.keyboard[0][0].label)
    await her.press(first)
    for label in (
        "🙋 I want to join",
        "Yes, 18 or older",
        "✅ I agree",
        "💬 In this chat, any time 08.00–20.00 (safest)",
    ):
        await her.press(label)
    await her.feed(TextIn("Mawar"))
    await her.press("Yes, only me")
    while her.turns[-1].outcome.session.state != "intake_summary":
        assert her.screen is not None
        await her.press(label_of(her.screen.keyboard[0][1].label))


def test_every_storage_effect_has_exactly_one_handler() -> None:
    assert set(HANDLERS) == set(STORAGE_EFFECTS)


async def test_a_turn_commits_her_session_before_the_channel_sees_it(services: Services) -> None:
    channel = FakeChannel()
    her = Her(HerSide(services), channel)
    turn = await her.feed(CommandIn("start"))
    assert turn.effects, "the welcome is shown"
    user = await services.users.get_or_create(her.person_id)
    stored = await services.sessions.load(user.id)
    assert stored == turn.outcome.session.to_dict(), "committed before the replies go out"
    assert channel.done == [AfterCommit()], "nothing for anyone else"


async def test_a_sent_request_is_stored_with_its_consent_and_its_notification_queued(
    services: Services,
) -> None:
    caseworker_id = await caseworker(services)
    channel = FakeChannel()
    her = Her(HerSide(services), channel)
    turn = await ask_training(her)
    [created] = [e for e in turn.effects if isinstance(e, CreateReferral)]
    referral = await services.referrals.by_code(created.code)
    assert referral is not None and referral.status == "new"
    assert (await services.consents.active(referral.user_id, "referral")) is not None
    [work] = channel.done[-1:]
    assert work.outbox_ids, "the caseworker's notification waits for the channel"
    queued = await services.outbox.claim(work.outbox_ids[0])
    assert queued is not None and queued.message.caseworker_id == caseworker_id
    assert created.code in queued.message.text


async def test_a_duplicate_code_is_retried_inside_the_turn_and_nothing_half_written_stays(
    services: Services,
) -> None:
    services.code_source = lambda: "AAAAAA"
    first = Her(HerSide(services), FakeChannel(), person_id=7001)
    await ask_training(first)  # takes AAAAAA
    second = Her(HerSide(services), FakeChannel(), person_id=7002)
    await to_summary(second)
    codes = iter(["AAAAAA", "CCCCCC"])  # taken, then a free one (and it stays that)
    services.code_source = lambda: next(codes, "CCCCCC")
    turn = await second.press("✅ Send")
    [created] = [e for e in turn.effects if isinstance(e, CreateReferral)]
    assert created.code == "CCCCCC"
    rows = await services.db.fetchall("SELECT code FROM referrals ORDER BY id")
    assert [r[0] for r in rows] == ["AAAAAA", "CCCCCC"]
    consents = await services.db.fetchall(
        "SELECT COUNT(*) FROM consents WHERE purpose = 'referral'"
    )
    assert consents[0][0] == 2, "the failed attempt left no consent behind"


async def test_cancelling_asks_the_channel_to_edit_the_staff_notifications(
    services: Services,
) -> None:
    await caseworker(services)
    channel = FakeChannel()
    her = Her(HerSide(services), channel)
    sent = await ask_training(her)
    [created] = [e for e in sent.effects if isinstance(e, CreateReferral)]
    await her.feed(TextIn("menu"))
    await her.press("📋 My requests")
    assert her.screen is not None
    await her.press(label_of(her.screen.keyboard[0][0].label))
    await her.press("✖ Cancel this request")
    await her.press("Yes, cancel it")
    edits = [e for work in channel.done for e in work.notice_edits]
    assert [(e.code, e.change) for e in edits] == [(created.code, NoticeChange.CANCELLED)]
    referral = await services.referrals.by_code(created.code)
    assert referral is not None and referral.status == "cancelled"


async def test_withdrawing_consent_edits_the_notifications_of_every_open_request(
    services: Services,
) -> None:
    await caseworker(services)
    channel = FakeChannel()
    her = Her(HerSide(services), channel)
    sent = await ask_training(her)
    [created] = [e for e in sent.effects if isinstance(e, CreateReferral)]
    await her.feed(CommandIn("privasi"))
    await her.press("✋ Withdraw consent")
    await her.press("✋ Yes, withdraw")
    edits = [e for work in channel.done for e in work.notice_edits]
    assert [(e.code, e.change) for e in edits] == [(created.code, NoticeChange.WITHDRAWN)]
    assert (await services.consents.active(1, "referral")) is None


async def test_a_confirmation_that_never_reached_her_is_shown_at_her_next_input(
    services: Services,
) -> None:
    her = Her(HerSide(services), FakeChannel())
    await to_summary(her)
    her.replies_arrive = False
    sent = await her.press("✅ Send")
    [created] = [e for e in sent.effects if isinstance(e, CreateReferral)]
    her.replies_arrive = True
    again = await her.feed(TextIn("halo"))
    screens = [e.screen for e in again.effects if isinstance(e, SendScreen)]
    assert [s.name for s in screens] == ["referral_done"]
    assert any(created.code in repr(b) for b in screens[0].bubbles), "her code is on it"
    after = await her.feed(TextIn("halo"))
    assert all(
        e.screen.name != "referral_done" for e in after.effects if isinstance(e, SendScreen)
    ), "only once"


async def test_each_of_her_turns_is_one_database_job(services: Services) -> None:
    await caseworker(services)
    side = HerSide(services)
    her = Her(side, FakeChannel(), replies_arrive=False)
    db = services.db

    def count() -> tuple[int, int]:
        return db.jobs, db.hops

    before = count()
    await her.feed(CommandIn("start"))
    assert count() == (before[0] + 1, before[1]), "first contact creates her in the same job"
    await to_summary(her)
    before = count()
    turn = await her.press("✅ Send")
    assert turn.created
    assert count() == (before[0] + 1, before[1]), "reads, flow, commit of a request: one job"
    before = count()
    await side.delivered(turn)
    assert count() == (before[0] + 1, before[1]), "the confirmation: one job"
