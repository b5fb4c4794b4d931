"""Wiping the chat: from the privacy menu, and the one-tap quick exit from sensitive screens."""

from __future__ import annotations

import json
from typing import Any

from bot.simulator import SimUser
from tests.auxil.harness import Jembatan

MENU = "Mau lihat apa, Kak?"
NEUTRAL = "Halo 👋 Kirim pesan apa saja kalau mau lanjut."
QUICK_EXIT = "🧹 Keluar cepat"
SUMMARY = "Coba periksa dulu, Kak:"


async def in_kupang(user: SimUser) -> None:
    await user.send("/start")
    await user.press("Bahasa Indonesia")
    await user.send("kupang")
    await user.press("Kota Kupang (Nusa Tenggara Timur)")
    assert MENU in user.last_message


async def to_training_request(user: SimUser) -> None:
    """From the menu to the first question of a training request."""
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    await user.press("🙋 Saya mau ikut")
    await user.press("Ya, 18 tahun ke atas")
    await user.press("✅ Saya setuju")
    await user.press("💬 Lewat chat ini, kapan saja 08.00–20.00 (paling aman)")


async def finish_request(user: SimUser, shared: bool = False) -> None:
    """From the shared-phone question to the confirmation (any later question answered no)."""
    await user.press("Tidak, dipakai bersama" if shared else "Ya, hanya saya")
    for _ in range(3):
        if SUMMARY in user.last_message:
            break
        await user.press(user.last_buttons[1])  # a later yes/no question: "no"
    await user.press("✅ Kirim")
    assert any("Kode Kakak" in (m.text or "") for m in user.bot_messages)


async def make_request(user: SimUser, nickname: str | None = None, shared: bool = False) -> None:
    """A whole training request from the menu, with an optional typed nickname."""
    await to_training_request(user)
    if nickname:
        await user.send(nickname)
    else:
        await user.press("Lewati")
    await finish_request(user, shared)


def deleted_ids(jembatan: Jembatan) -> list[list[int]]:
    """The message ids of every deleteMessages call, per call."""
    found = []
    for call in jembatan.sim.calls:
        if call.method == "deleteMessages":
            ids: Any = call.params.get("message_ids")
            found.append([int(i) for i in (json.loads(ids) if isinstance(ids, str) else ids)])
    return found


async def recorded(jembatan: Jembatan, user: SimUser) -> list[int]:
    assert jembatan.services is not None
    rows = await jembatan.services.db.fetchall(
        "SELECT message_id FROM chat_messages WHERE chat_id = ? ORDER BY message_id",
        (user.chat_id,),
    )
    return [r[0] for r in rows]


async def wipe_from_privacy(user: SimUser) -> None:
    await user.send("/privasi")
    await user.press("🧹 Hapus chat ini")
    assert user.last_message.startswith("Hapus chat ini?")
    await user.press("🧹 Ya, hapus")


async def test_wipe_leaves_only_one_neutral_message(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await user.send("pelatihan")
    await user.press("☰ Menu")
    await make_request(user, nickname="Mawar")
    assert len(user.messages) >= 10
    theirs = [m.message_id for m in user.messages if not m.from_bot]
    assert theirs, "she typed messages"

    await wipe_from_privacy(user)

    assert [(m.from_bot, m.text) for m in user.messages] == [(True, NEUTRAL)]
    assert user.last_buttons == []
    assert all(len(chunk) <= 100 for chunk in deleted_ids(jembatan))
    assert await recorded(jembatan, user) == [user.messages[0].message_id]
    assert jembatan.services is not None
    person = await jembatan.services.users.get_or_create(user.user_id)
    referrals = await jembatan.services.referrals.for_user(person.id)
    assert len(referrals) == 1, "her request is not touched by wiping the chat"

    await user.send("halo")
    assert MENU in user.last_message, "any message brings the menu back"


async def test_wipe_deletes_in_chunks_of_at_most_100(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    for _ in range(60):
        await user.send("/menu")
    assert len(user.messages) > 120
    await wipe_from_privacy(user)
    chunks = deleted_ids(jembatan)
    assert len(chunks) >= 2 and all(1 <= len(c) <= 100 for c in chunks)
    assert [m.text for m in user.messages] == [NEUTRAL]


async def test_messages_older_than_48_hours_are_not_attempted(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    old = [m.message_id for m in user.messages]
    jembatan.clock.advance(hours=49)
    jembatan.sim.advance(49 * 3600)
    await user.send("/menu")
    await wipe_from_privacy(user)

    attempted = {i for chunk in deleted_ids(jembatan) for i in chunk}
    assert not attempted & set(old), "ids older than 48 hours are not sent to Telegram"
    assert [m.message_id for m in user.messages][: len(old)] == old, "Telegram keeps those"
    assert user.messages[-1].text == NEUTRAL
    assert len(user.messages) == len(old) + 1
    assert await recorded(jembatan, user) == [user.messages[-1].message_id]


async def test_a_failing_delete_is_handled_calmly(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    jembatan.sim.inject("deleteMessages", 400)
    await wipe_from_privacy(user)
    assert user.last_message == NEUTRAL, "the neutral message still comes"
    assert "Maaf" not in "\n".join(m.text or "" for m in user.bot_messages[-2:])


async def test_quick_exit_in_the_middle_of_a_request_keeps_nothing(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await to_training_request(user)
    await user.send("Mawar")
    assert QUICK_EXIT in user.last_buttons

    await user.press(QUICK_EXIT)

    assert [(m.from_bot, m.text) for m in user.messages] == [(True, NEUTRAL)]
    assert jembatan.services is not None
    person = await jembatan.services.users.get_or_create(user.user_id)
    session = await jembatan.services.sessions.load(person.id)
    assert session is not None
    assert session["state"] == "cleared" and session["draft"] == {}
    assert await jembatan.services.referrals.for_user(person.id) == []
    assert "Mawar" not in json.dumps(session)


async def test_quick_exit_at_the_phone_step_removes_the_number_key(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await user.press("🎓 Pelatihan dan bantuan usaha")
    await user.press(user.last_buttons[0])
    await user.press("🙋 Saya mau ikut")
    await user.press("Ya, 18 tahun ke atas")
    await user.press("✅ Saya setuju")
    await user.press("📞 Lewat telepon")
    assert user.reply_keyboard, "the share-my-number key is shown"
    await user.press(QUICK_EXIT)
    assert [m.text for m in user.messages] == [NEUTRAL]
    assert user.reply_keyboard is None


async def test_quick_exit_works_from_an_older_screen(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await user.send("tolong")
    emergency = user.bot_messages[-1]
    assert QUICK_EXIT in emergency.buttons
    await user.send("/menu")
    assert MENU in user.last_message
    await user.press(QUICK_EXIT, emergency)
    assert [m.text for m in user.messages] == [NEUTRAL]


async def test_health_facility_and_my_requests_offer_quick_exit(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await user.press("🩺 Layanan kesehatan")
    assert QUICK_EXIT not in user.last_buttons, "the list of needs reveals nothing"
    await user.press(user.last_buttons[0])
    assert QUICK_EXIT in user.last_buttons
    await user.send("/menu")
    await make_request(user)
    await user.send("/permintaan")
    assert QUICK_EXIT in user.last_buttons


def single_deletes(jembatan: Jembatan) -> list[int]:
    """The message ids of every deleteMessage call (one message each)."""
    return [
        int(call.params["message_id"])
        for call in jembatan.sim.calls
        if call.method == "deleteMessage"
    ]


async def test_a_refused_delete_messages_falls_back_to_one_by_one(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    await user.send("/menu")
    before = [m.message_id for m in user.messages]
    jembatan.sim.inject("deleteMessages", 400, times=None)  # refused, as by any error
    await wipe_from_privacy(user)
    assert set(before) <= set(single_deletes(jembatan)), "each message deleted on its own"
    assert [(m.from_bot, m.text) for m in user.messages] == [(True, NEUTRAL)]
    assert await recorded(jembatan, user) == [user.messages[0].message_id]


async def test_a_server_without_delete_messages_still_wipes(jembatan: Jembatan) -> None:
    user = jembatan.user()
    await in_kupang(user)
    jembatan.sim.inject("deleteMessages", 404, times=None)  # older than Bot API 7.0
    await wipe_from_privacy(user)
    assert single_deletes(jembatan)
    assert [m.text for m in user.messages] == [NEUTRAL]


async def test_when_deleting_is_refused_she_is_told_how_many_messages_remain(
    jembatan: Jembatan,
) -> None:
    user = jembatan.user()
    await in_kupang(user)
    jembatan.sim.inject("deleteMessages", 400, times=None)
    jembatan.sim.inject("deleteMessage", 400, times=None)
    await user.send("/privasi")
    await user.press("🧹 Hapus chat ini")
    await user.press("🧹 Ya, hapus")
    before = user.messages[:-2]
    told, neutral = user.messages[-2:]
    assert neutral.text == NEUTRAL
    assert told.text is not None
    assert told.text.startswith(f"Ada {len(before)} pesan yang tidak bisa saya hapus"), told.text
    assert "Bersihkan riwayat" in told.text, "how to delete them herself"
    kept = await recorded(jembatan, user)
    assert {m.message_id for m in before} <= set(kept), "the ids are kept for a later try"

    jembatan.sim.clear_faults()
    await wipe_from_privacy(user)
    assert [m.text for m in user.messages] == [NEUTRAL], "a later wipe deletes them"
