"""Outbox rows hold channel-neutral data: text, buttons as (label, data) rows, the protect flag."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core import notices
from bot.core.services import Services, open_services
from flows.core.greeting import neutral
from flows.core.types import Plain, Screen
from flows.regions import REGION_CODE_SYSTEM
from flows.steps import relay
from storage.outbox import CONTEXT
from storage.referrals import NewReferral
from tests.auxil.harness import FakeClock, settings_in

KUPANG = "53.71"
TELEGRAM_KEYS = {"inline_keyboard", "callback_data", "reply_markup", "markup"}


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    opened = await open_services(settings_in(tmp_path), clock=FakeClock())  # 15:05 WITA
    yield opened
    await opened.close()


async def her_referral(services: Services, telegram_id: int) -> tuple[int, str]:
    """She exists (on a shared phone) and has one new training request in Kupang."""
    user = await services.users.get_or_create(telegram_id)
    async with services.db.transaction() as conn:
        await services.users.save_profile(conn, user.id, "id", KUPANG, True)
        consent = await services.consents.record(conn, user.id, "referral", "v", "id")
        await services.referrals.create(
            conn,
            NewReferral(
                code="K0001",
                user_id=user.id,
                service="training",
                item="",
                region_code=KUPANG,
                region_system=REGION_CODE_SYSTEM,
                office_key="test",
                answers={"contact": "chat", "window": "any"},
                consent_id=consent,
            ),
            "test",
        )
    return user.id, "K0001"


async def stored_payload(services: Services, row_id: int) -> dict[str, Any]:
    """The decrypted payload of an outbox row, as the repository stores it."""
    row = await services.db.fetchone("SELECT payload FROM outbox WHERE id = ?", (row_id,))
    assert row is not None
    data: dict[str, Any] = json.loads(services.outbox.cipher.decrypt(row[0], context=CONTEXT))
    return data


def keys_in(value: object) -> set[str]:
    """Every dictionary key anywhere inside a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


async def test_a_message_to_her_with_thread_buttons_is_stored_as_neutral_data(
    services: Services,
) -> None:
    user_id, code = await her_referral(services, 7001)
    screen = Screen(
        "to_her", neutral(Plain("Pesan dari petugas")).bubbles, relay.thread_keyboard(code)
    )
    async with services.db.transaction() as conn:
        ids = await notices.to_her(services, conn, user_id, screen, kind="to_her")
    assert len(ids) == 1

    data = await stored_payload(services, ids[0])
    assert set(data) == {"text", "buttons", "protect"}
    assert not keys_in(data) & TELEGRAM_KEYS
    assert data["text"] == "Ada pesan baru untuk Kakak.", "the row carries only the preview"
    [[[label, opens]]] = data["buttons"]
    assert label == "Buka" and opens.startswith("o:")
    assert data["protect"] is True, "she shares her phone"

    queued = await services.outbox.claim(ids[0])
    assert queued is not None
    assert queued.message.buttons == ((("Buka", opens),),)
    async with services.db.transaction() as conn:
        await services.outbox.sent(conn, ids[0], 1, queued.message.chat_id)
    sealed = await services.sealed.get(int(opens.removeprefix("o:")), user_id)
    assert sealed is not None, "the content waits, sealed, until she opens it"
    assert sealed.text == "Halo, Kak 👋\nPesan dari petugas"
    assert sealed.buttons == (
        (("↩ Balas", f"r:reply:{code}"),),
        (("✖ Tutup percakapan", f"r:close:{code}"),),
    )


async def test_a_staff_notification_with_its_claim_button_is_stored_as_neutral_data(
    services: Services,
) -> None:
    _, code = await her_referral(services, 7002)
    _, token = await services.caseworkers.invite(
        "Ana", "caseworker", [KUPANG], ["*"], timedelta(days=1)
    )
    async with services.db.transaction() as conn:
        await services.caseworkers.redeem(conn, token, 8001)
    async with services.db.transaction() as conn:
        ids = await notices.announce(services, conn, code)
    assert len(ids) == 1

    data = await stored_payload(services, ids[0])
    assert set(data) == {"text", "buttons", "protect"}
    assert not keys_in(data) & TELEGRAM_KEYS
    assert code in data["text"]
    assert data["buttons"] == [[["✋ Ambil", f"d:claim:{code}"]]]
    assert data["protect"] is False


async def test_only_the_last_message_of_a_screen_carries_the_buttons(services: Services) -> None:
    user_id, code = await her_referral(services, 7003)
    screen = Screen(
        "to_her",
        neutral(Plain("satu")).bubbles + neutral(Plain("dua")).bubbles,
        relay.thread_keyboard(code),
    )
    _, token = await services.caseworkers.invite(
        "Ana", "caseworker", [KUPANG], ["*"], timedelta(days=1)
    )
    async with services.db.transaction() as conn:
        worker_id = await services.caseworkers.redeem(conn, token, 8003)
    assert worker_id is not None
    worker = await services.caseworkers.get(worker_id)
    referral = await services.referrals.by_code(code)
    assert referral is not None and worker is not None
    async with services.db.transaction() as conn:
        ids = await notices.to_staff(services, conn, [worker], screen, kind="t", referral=referral)
    first, last = [await stored_payload(services, i) for i in ids]
    assert first["buttons"] == []
    assert len(last["buttons"]) == 2

    async with services.db.transaction() as conn:  # to her: one sealed preview holds it all
        [preview] = await notices.to_her(services, conn, user_id, screen, kind="to_her")
        chat = await services.db.fetchone("SELECT chat_id FROM outbox WHERE id = ?", (preview,))
        assert chat is not None
        await services.outbox.sent(conn, preview, 1, chat[0])
    row = await services.db.fetchone(
        "SELECT id FROM sealed_messages WHERE outbox_id = ?", (preview,)
    )
    assert row is not None
    sealed = await services.sealed.get(int(row["id"]), user_id)
    assert sealed is not None and "satu" in sealed.text and "dua" in sealed.text
    assert len(sealed.buttons) == 2
