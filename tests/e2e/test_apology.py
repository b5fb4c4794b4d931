"""The apology after a failed step is in her language and is wiped with the rest of her chat."""

from __future__ import annotations

from bot.simulator import BotApiSimulator
from tests.auxil.harness import Jembatan

SORRY_EN = "Sorry, something went wrong on my side. Please try again."
SORRY_ID = "Maaf, Kak, ada gangguan di sistem kami. Silakan coba lagi."
NEUTRAL_EN = "Hello 👋 Send any message when you want to continue."


async def test_the_apology_is_in_english_when_she_chose_english_and_the_wipe_deletes_it(
    jembatan: Jembatan, sim: BotApiSimulator
) -> None:
    her = jembatan.user(language_code="en")
    await her.send("/start")
    await her.press("English")
    for _ in range(2):
        sim.inject("sendMessage", 500, times=1)
        await her.send("kediri")
        assert her.last_message == SORRY_EN
    assert all(m.text != SORRY_ID for m in her.messages)
    apologies = [m.message_id for m in her.bot_messages if m.text == SORRY_EN]
    assert len(apologies) == 2

    await her.send("/privasi")
    await her.press("🧹 Delete this chat")
    await her.press("🧹 Yes, delete")

    left = [m.message_id for m in her.messages]
    assert not set(apologies) & set(left), "the apologies were deleted with the chat"
    assert [m.text for m in her.messages] == [NEUTRAL_EN], "one neutral message is left"
