"""Webhook mode: Telegram pushes updates with the secret token; the bot answers the same way."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.simulator import BotApiSimulator
from bot.telegram import app as telegram_app
from tests.auxil.harness import Jembatan, free_port, settings_in


async def webhook_bot(sim: BotApiSimulator, tmp_path: Path, secret: str) -> tuple[Jembatan, str]:
    port = free_port()
    harness = Jembatan(sim, settings_in(tmp_path))
    url = f"http://127.0.0.1:{port}/telegram"
    harness.webhook = telegram_app.Webhook(url=url, secret=secret, listen="127.0.0.1", port=port)
    await harness.start()
    return harness, url


async def test_the_bot_works_by_webhook_with_a_secret_token(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    harness, _ = await webhook_bot(sim, tmp_path, "s3cret-Token_for-webhook")
    try:
        calls = [c for c in sim.calls if c.method == "setWebhook"]
        assert calls and calls[-1].params["secret_token"] == "s3cret-Token_for-webhook"
        user = harness.user()
        await user.send("/start")
        await user.press("Bahasa Indonesia")
        assert user.last_message.startswith("Kakak sekarang ada di kota atau kabupaten mana?")
        assert not [c for c in sim.calls if c.method == "getUpdates"], "no polling in webhook mode"
    finally:
        await harness.stop()


async def test_a_push_without_the_secret_is_refused(sim: BotApiSimulator, tmp_path: Path) -> None:
    harness, url = await webhook_bot(sim, tmp_path, "right-secret")
    try:
        chat = {"id": 5, "type": "private"}
        update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": chat}}
        async with httpx.AsyncClient() as client:
            wrong = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
        assert wrong.status_code == 403
        assert harness.services is not None
        assert await harness.services.db.fetchall("SELECT * FROM users") == []
    finally:
        await harness.stop()
