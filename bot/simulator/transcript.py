"""A chat rendered as readable text, for the terminal demo and for failing tests."""

from __future__ import annotations

from bot.simulator.chat import view
from bot.simulator.core import SimCore
from bot.simulator.state import Chat


def render_transcript(core: SimCore, chat: Chat) -> str:
    """Renders a chat as text, one speaker per message, buttons numbered per message."""
    world = core.world
    lines: list[str] = []
    for stored in chat.visible():
        message = view(stored)
        who = world.bot_name if message.from_bot else world.people[message.sender_id].first_name
        if message.kind == "text":
            body = message.text or ""
        else:
            detail = message.document_name or ""
            body = " ".join(p for p in (f"[{message.kind}]", detail, message.text or "") if p)
        edited = " (edited)" if message.edited else ""
        first, *rest = body.splitlines() or [""]
        lines.append(f"{who}{edited}: {first}")
        lines.extend(f"    {line}" for line in rest)
        number = 0
        for row in message.inline_keyboard:
            cells = []
            for button in row:
                number += 1
                cells.append(f"[{number}] {button.text}")
            lines.append("    " + "  ".join(cells))
    if chat.reply_keyboard:
        labels = [str(b.get("text", "")) for row in chat.reply_keyboard for b in row]
        lines.append("Keyboard: " + "  ".join(f"[{label}]" for label in labels))
    return "\n".join(lines)
