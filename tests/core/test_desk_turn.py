"""The core desk turn against a real SQLite file and a fake channel (no Telegram, no simulator)."""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.channel import TELEGRAM, AfterCommit, Capabilities, NoticeChange
from bot.core.desk import DeskTurn, desk_turn
from bot.core.desk_store import HANDLERS
from bot.core.services import Services, open_services
from flows.core.effects import SendNotice, SendScreen
from flows.core.types import ButtonIn, CommandIn, TextIn
from flows.desk.effects import StorageEffect
from flows.desk.model import button
from flows.regions import REGION_CODE_SYSTEM
from storage.referrals import NewReferral
from tests.auxil.harness import FakeClock, settings_in

HER_TELEGRAM = 777


@dataclass
class FakeChannel:
    """Records the work after each commit instead of sending anything."""

    capabilities: Capabilities = TELEGRAM
    done: list[AfterCommit] = field(default_factory=list)

    async def after_commit(self, work: AfterCommit) -> None:
        """Keeps the work."""
        self.done.append(work)


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    opened = await open_services(settings_in(tmp_path), clock=FakeClock())
    yield opened
    await opened.close()


async def referral(services: Services, code: str = "K7M4QX", service: str = "training") -> int:
    user = await services.users.get_or_create(HER_TELEGRAM)
    async with services.db.transaction() as conn:
        await services.users.save_profile(conn, user.id, "id", "53.71", False)
        consent = await services.consents.record(conn, user.id, "referral", "v1", "id")
        return await services.referrals.create(
            conn,
            NewReferral(
                code=code,
                user_id=user.id,
                service=service,
                item="",
                region_code="53.71",
                region_system=REGION_CODE_SYSTEM,
                office_key="test",
                answers={"nickname": "Mawar", "contact": "chat"},
                consent_id=consent,
            ),
            f"user:{user.id}",
        )


async def bound(
    services: Services, telegram_id: int, role: str = "caseworker", kinds: list[str] | None = None
) -> None:
    _, token = await services.caseworkers.invite(
        f"staff{telegram_id}", role, ["53.71"], kinds or ["*"], timedelta(days=1)
    )
    turn = await desk_turn(services, telegram_id, CommandIn("start", f"inv_{token}"))
    assert turn is not None and isinstance(turn.replies[0], SendScreen)
    assert turn.replies[0].screen.name == "desk_home"


async def run(services: Services, channel: FakeChannel, telegram_id: int, inp: object) -> DeskTurn:
    turn = await desk_turn(services, telegram_id, inp)  # type: ignore[arg-type]
    assert turn is not None
    await channel.after_commit(turn.work)
    return turn


async def outbox_to_her(services: Services) -> int:
    row = await services.db.fetchone(
        "SELECT COUNT(*) FROM outbox WHERE chat_id = ?", (HER_TELEGRAM,)
    )
    assert row is not None
    return int(row[0])


def test_every_storage_effect_has_its_handler() -> None:
    assert set(HANDLERS) == set(typing.get_args(StorageEffect))


async def test_an_invite_binds_once_and_a_bad_one_leaves_no_trace(services: Services) -> None:
    await bound(services, 501)
    assert await services.caseworkers.by_telegram(501) is not None
    assert await desk_turn(services, 502, CommandIn("start", "inv_forged")) is None
    assert await services.caseworkers.by_telegram(502) is None
    assert await desk_turn(services, 502, CommandIn("start")) is None, "not the desk's"


async def test_a_claim_commits_tells_her_and_edits_the_notifications(services: Services) -> None:
    referral_id = await referral(services)
    await bound(services, 501)
    channel = FakeChannel()
    turn = await run(services, channel, 501, ButtonIn(button("claim", "K7M4QX")))
    stored = await services.referrals.by_id(referral_id)
    assert stored is not None and stored.status == "claimed" and stored.claimed_by == 1
    (edit,) = channel.done[-1].notice_edits
    assert edit.change is NoticeChange.TAKEN and edit.claimed_by == 1
    assert channel.done[-1].outbox_ids and await outbox_to_her(services) == 1
    assert turn.region_code == "53.71"
    audit = [(e.action, e.subject) for e in await services.audit.list()]
    assert ("case.claim", "referral:K7M4QX") in audit


@pytest.mark.parametrize("ending", ["withdrawn", "cancelled", "closed", "erased"])
async def test_a_relay_typed_after_the_case_ended_is_refused_and_reaches_nobody(
    services: Services, ending: str
) -> None:
    referral_id = await referral(services)
    await bound(services, 501)
    channel = FakeChannel()
    await run(services, channel, 501, ButtonIn(button("claim", "K7M4QX")))
    await run(services, channel, 501, ButtonIn(button("relay", "K7M4QX")))
    sent_before = await outbox_to_her(services)
    async with services.db.transaction() as conn:
        status = "withdrawn" if ending == "erased" else ending
        await services.referrals.set_status(conn, referral_id, status, "user:1")
        if ending == "erased":
            await conn.execute("UPDATE referrals SET user_id = NULL WHERE id = ?", (referral_id,))
    turn = await run(services, channel, 501, TextIn("Halo Kak, kapan bisa datang?"))
    assert [type(e) for e in turn.replies] == [SendNotice]
    assert await outbox_to_her(services) == sent_before
    assert turn.work.outbox_ids == []
    assert await services.casework.relay_thread(referral_id) == []
    assert await services.casework.mode(1) is None


async def test_another_service_cannot_open_the_case(services: Services) -> None:
    await referral(services)
    await bound(services, 503, kinds=["health"])
    channel = FakeChannel()
    turn = await run(services, channel, 503, ButtonIn(button("open", "K7M4QX")))
    assert all("Mawar" not in str(e) for e in turn.replies), "no nickname for another service"
    audit = [e.action for e in await services.audit.list()]
    assert "desk.refused" in audit and "case.view" not in audit
