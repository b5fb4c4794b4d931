"""What the fuzzer found, each as its smallest reproducer, kept as regression tests (all fixed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ContextTypes

from bot.simulator import SimUser
from bot.simulator.incoming import command_entities
from tests.auxil.harness import Jembatan
from tests.auxil.updates import UpdateFactory


class Fed:
    """Feeds updates straight to the running Application and keeps what reached its error
    handlers."""

    def __init__(self, jembatan: Jembatan) -> None:
        assert jembatan.app is not None
        self.app = jembatan.app
        self.factory = UpdateFactory(jembatan.sim)
        self.errors: list[BaseException] = []
        self.app.add_error_handler(self._collect)

    async def _collect(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        self.errors.append(context.error)

    async def feed(self, payload: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(payload, self.app.bot))

    async def text(self, who: int, text: str) -> None:
        chat = self.factory.world.chats[who]
        payload, _ = self.factory.text_message(chat, who, text, command_entities(text))
        await self.feed(payload)


async def test_a_guest_message_from_a_group_the_bot_is_not_in(jembatan: Jembatan) -> None:
    fed = Fed(jembatan)
    her = jembatan.user("Sari")
    await fed.feed(
        fed.factory.guest_message(-1_000_042, her.user_id, "@jembatan_bot halo", "group")
    )
    assert fed.errors == []


async def test_a_button_whose_query_expired_still_shows_the_next_screen(
    jembatan: Jembatan,
) -> None:
    fed = Fed(jembatan)
    her = jembatan.user("Sari")
    await fed.text(her.user_id, "/start")
    assert her.last_buttons[0] == "Bahasa Indonesia"
    chat = fed.factory.world.chats[her.user_id]
    keyboard = next(m for m in reversed(chat.visible()) if m.from_bot and m.reply_markup)
    data = keyboard.reply_markup["inline_keyboard"][0][0]["callback_data"]  # type: ignore[index]
    await fed.feed(fed.factory.callback_query(chat, her.user_id, data, keyboard, registered=False))
    assert fed.errors == []
    assert "Aceh" in her.last_buttons, "the province list follows the language"


async def caseworker(jembatan: Jembatan, fed: Fed) -> SimUser:
    assert jembatan.services is not None
    _, token = await jembatan.services.caseworkers.invite(
        "Rina", "caseworker", ["53.71"], ["*"], timedelta(days=7)
    )
    staff = jembatan.user("Rina")
    await fed.text(staff.user_id, f"/start inv_{token}")
    assert staff.last_message.startswith("Meja kerja Jembatan")
    return staff


@pytest.mark.parametrize("text", ["\u3000", "\u00a0", "\u2028", "\x85", "\x1c"])
async def test_a_caseworker_text_of_unicode_spaces(jembatan: Jembatan, text: str) -> None:
    fed = Fed(jembatan)
    staff = await caseworker(jembatan, fed)
    await fed.text(staff.user_id, text)
    assert fed.errors == []
    assert staff.last_message.startswith("Silakan pakai tombol"), staff.last_message


@pytest.mark.parametrize("data", ["exit", "d:open:NOPE00", "d:queue:0:x"])
async def test_a_caseworker_button_whose_query_expired(jembatan: Jembatan, data: str) -> None:
    fed = Fed(jembatan)
    staff = await caseworker(jembatan, fed)
    chat = fed.factory.world.chats[staff.user_id]
    home = next(m for m in reversed(chat.visible()) if m.from_bot and m.reply_markup)
    await fed.feed(fed.factory.callback_query(chat, staff.user_id, data, home, registered=False))
    assert fed.errors == []


async def to_summary(user: SimUser) -> None:
    await user.send("/start")
    await user.press("Bahasa Indonesia")
    await user.send("kupang")
    await user.press("Kota Kupang (Nusa Tenggara Timur)")
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    await user.press("🙋 Saya mau ikut")
    await user.press("Ya, 18 tahun ke atas")
    await user.press("✅ Saya setuju")
    await user.press("💬 Lewat chat ini, kapan saja 08.00–20.00 (paling aman)")
    await user.press("Lewati")
    await user.press("Ya, hanya saya")
    assert "✅ Kirim" in user.last_buttons


async def test_a_request_can_be_sent_at_the_end_of_2027(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await to_summary(user)
    jembatan.clock.now = datetime(2027, 12, 30, 3, 0, tzinfo=UTC)  # Thursday, 10:00 in Kupang
    await user.press("✅ Kirim")
    sent = [m.text or "" for m in user.bot_messages[-5:]]
    assert any(text.startswith("✅ Terkirim. Kode Kakak:") for text in sent), sent
