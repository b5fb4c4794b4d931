"""Typing a place name as she would: one match is taken directly, several are offered."""

from __future__ import annotations

from bot.simulator import SimUser


async def type_region(user: SimUser, typed: str, label: str) -> None:
    """Types a place name, then presses its match when the bot offers a choice."""
    await user.send(typed)
    if label in user.last_buttons:
        await user.press(label)
