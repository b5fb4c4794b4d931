"""Opening sealed previews: what she does to read a message the bot sent her on its own."""

from __future__ import annotations

from bot.simulator import SimUser

OPEN = "Buka"
PREVIEW = "Ada pesan baru untuk Kakak."


async def open_all(user: SimUser) -> int:
    """Presses "Buka" on every sealed preview in her chat, oldest first; returns how many."""
    opened = 0
    for message in user.bot_messages:
        if OPEN in message.buttons:
            await user.press(OPEN, message=message)
            opened += 1
    return opened
