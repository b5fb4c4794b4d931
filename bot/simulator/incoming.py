"""What people send: texts with commands, media, contacts and locations, shaped as Telegram does."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from bot.simulator.formatting import utf16_len
from bot.simulator.state import Person, World

COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")
MAX_CHUNK = 4096


def split_long_text(text: str) -> list[str]:
    """Splits text as Telegram apps do before sending: at most 4096 characters a message."""
    return [text[i : i + MAX_CHUNK] for i in range(0, len(text), MAX_CHUNK)] or [text]


def command_entities(text: str) -> list[dict[str, Any]]:
    """Returns the bot_command entities Telegram marks in a text."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in COMMAND.finditer(text)
    ]


def _file_ids(world: World, seed: str) -> dict[str, str]:
    digest = hashlib.sha256(f"{seed}{len(world.files)}".encode()).hexdigest()
    return {"file_id": f"AgACAgIAAx{digest[:24]}", "file_unique_id": f"AQAD{digest[24:32]}"}


def sticker(world: World, emoji: str) -> dict[str, Any]:
    """Returns the media fields of a sticker message."""
    body = {
        **_file_ids(world, "sticker"),
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
    }
    return {"sticker": body}


def photo(world: World) -> dict[str, Any]:
    """Returns the media fields of a photo message (two sizes)."""
    sizes = [(90, 67, 1_200), (1280, 960, 98_000)]
    return {
        "photo": [
            {**_file_ids(world, f"photo{w}"), "width": w, "height": h, "file_size": size}
            for w, h, size in sizes
        ]
    }


def voice(world: World, duration: int) -> dict[str, Any]:
    """Returns the media fields of a voice note."""
    body = {**_file_ids(world, "voice"), "duration": duration, "mime_type": "audio/ogg"}
    return {"voice": {**body, "file_size": 1_600 * duration}}


def contact(person: Person, phone_number: str, own: bool, first_name: str | None) -> dict[str, Any]:
    """Returns the media fields of a shared contact; her own carries her user id."""
    body: dict[str, Any] = {
        "phone_number": phone_number,
        "first_name": first_name or (person.first_name if own else "Kontak"),
    }
    if own:
        body["user_id"] = person.user_id
    return {"contact": body}


def location(lat: float, lon: float) -> dict[str, Any]:
    """Returns the media fields of a shared location."""
    return {"location": {"latitude": lat, "longitude": lon}}
