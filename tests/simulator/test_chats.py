"""Groups, documents both ways, every kind of message she can send, and the transcript."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.simulator import BotApiSimulator
from tests.simulator.conftest import polled
from tests.simulator.echo import EchoBot


async def test_group_messages_reach_the_bot_and_its_replies_show(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    alice, bob = sim.user("Alice"), sim.user("Bob")
    group = sim.group(title="Arisan RT 05", members=[alice, bob])
    await group.send(alice, "/start@jembatan_bot")
    message = echo.updates[-1].message
    assert message is not None
    assert message.chat.type == "group" and message.chat.id < 0
    assert message.chat.title == "Arisan RT 05"
    assert message.from_user is not None and message.from_user.id == alice.user_id
    assert group.last_message == "Group group"
    await group.send(bob, "@jembatan_bot halo")
    assert group.last_message == "Echo: @jembatan_bot halo"
    assert [m.from_bot for m in group.messages] == [False, True, False, True]
    assert alice.messages == [] and bob.messages == [], "private chats are separate"


async def test_privacy_mode_hides_group_chatter_from_the_bot(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    alice = sim.user("Alice")
    group = sim.group(title="Arisan RT 05", members=[alice])
    before = len(echo.updates)
    await group.send(alice, "halo semua")
    assert len(echo.updates) == before
    assert [m.text for m in group.messages] == ["halo semua"]


async def test_only_members_write_in_a_group(sim: BotApiSimulator) -> None:
    alice, stranger = sim.user("Alice"), sim.user("Eve")
    group = sim.group(title="Arisan", members=[alice])
    with pytest.raises(AssertionError, match=r"not a member"):
        await group.send(stranger, "halo")


async def test_send_document_keeps_name_and_bytes(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    content = bytes(range(256)) * 4
    sent = await bot.send_document(user.user_id, content, filename="rujukan.pdf", caption="Surat")
    assert sent.document is not None and sent.document.file_name == "rujukan.pdf"
    assert sent.caption == "Surat"
    message = user.bot_messages[-1]
    assert message.kind == "document"
    assert message.document_name == "rujukan.pdf"
    assert message.document_bytes == content
    assert message.text == "Surat"
    again = await bot.send_document(user.user_id, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id


async def test_the_bot_downloads_a_document_she_sent(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    [update] = await polled(bot, user.send_document(file_name="ktp.jpg", content=b"JPEGDATA"))
    assert update.message is not None and update.message.document is not None
    assert update.message.document.file_name == "ktp.jpg"
    file = await bot.get_file(update.message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"JPEGDATA"


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("send_sticker", "Got Sticker"),
        ("send_photo", "Got PhotoSize"),
        ("send_voice", "Got Voice"),
        ("send_document", "Got Document"),
        ("send_location", "Got Location"),
    ],
)
async def test_every_kind_she_sends_is_a_real_update(
    sim: BotApiSimulator, echo: EchoBot, action: str, expected: str
) -> None:
    user = sim.user()
    if action == "send_location":
        sent = await user.send_location(lat=-10.17, lon=123.6)
    else:
        sent = await getattr(user, action)()
    assert sent.kind == action.removeprefix("send_")
    assert user.last_message == expected


async def test_texts_over_4096_characters_arrive_split_like_telegram_apps_do(
    sim: BotApiSimulator, echo: EchoBot
) -> None:
    user = sim.user()
    await user.send("x" * 5000)
    texts = [u.message.text for u in echo.updates if u.message and u.message.text]
    assert [len(t) for t in texts] == [4096, 904]


async def test_transcript_numbers_buttons(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user("Sari")
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Ya", callback_data="y"),
                InlineKeyboardButton("Tidak", callback_data="n"),
            ]
        ]
    )
    await bot.send_message(user.user_id, "Lanjut?\nPilih satu.", reply_markup=markup)
    assert user.transcript() == "Jembatan: Lanjut?\n    Pilih satu.\n    [1] Ya  [2] Tidak"
