"""Outbox rows written before the neutral format (Telegram keyboard JSON) are still sent."""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from storage.outbox import CONTEXT
from tests.auxil.harness import Jembatan
from tests.e2e.test_desk import staff
from tests.e2e.test_followups import KUPANG, ask_training


async def test_a_legacy_row_with_telegram_markup_is_delivered_with_its_buttons(
    jembatan: Jembatan,
) -> None:
    ana = await staff(jembatan, "Ana", ["53.71"], ["*"])
    _, code = await ask_training(jembatan, KUPANG)
    assert jembatan.services is not None
    services = jembatan.services
    worker = await services.caseworkers.by_telegram(ana.user_id)
    referral = await services.referrals.by_code(code)
    assert worker is not None and referral is not None
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton("✋ Ambil (lama)", callback_data=f"d:claim:{code}")]]
    )
    payload = json.dumps(
        {"text": f"Permintaan lama {code}", "markup": markup.to_dict(), "protect": False}
    )
    now = services.db.now()
    async with services.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO outbox (kind, chat_id, caseworker_id, referral_id, payload, state,"
            " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
            (
                "notification",
                ana.user_id,
                worker.id,
                referral.id,
                services.outbox.cipher.encrypt(payload, context=CONTEXT),
                now,
                now,
            ),
        )
    jembatan.outbox.wake()
    await jembatan.outbox_idle()

    legacy = ana.bot_messages[-1]
    assert legacy.text == f"Permintaan lama {code}"
    assert legacy.buttons == ["✋ Ambil (lama)"]
    await ana.press("✋ Ambil (lama)", message=legacy)
    claimed = await services.referrals.by_code(code)
    assert claimed is not None and claimed.status == "claimed"
