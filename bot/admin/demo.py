"""The offline demo: simulator and bot in one process, a person chatting in the terminal."""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import TextIO

from bot.core.config import Settings
from bot.core.services import Services, open_services
from bot.simulator import BotApiSimulator, ChatMessage, SimUser
from bot.telegram import app as telegram_app
from storage.crypto import create_key_file

DEMO_TOKEN = "100000001:offline-demo-token"
SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "telegram" / "bot-api-spec.json"
HELP = """Offline demo: you are a person chatting with Jembatan on a simulated phone.
Type a message and press Enter; type a number to press that button.
Try /start. Other things to send: :sticker :photo :voice :location :contact. Quit with :q.
A caseworker of every region is logged in on a second phone: switch to it with :staff
(and back with :me) to see a request arrive, claim it and answer her.
"""


#: The demo runs at midday in Indonesia (05:00 UTC: 12:00 WIB, 13:00 WITA, 14:00 WIT) whenever it
#: is started, so that messages to her are not held for the morning (bot/core/delivery.py).
DEMO_START = day_time(5, 0)


def demo_clock() -> Callable[[], datetime]:
    """Today's midday in Indonesia, moving on with real time from now."""
    start = datetime.combine(datetime.now(UTC).date(), DEMO_START, UTC)
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


@dataclass
class ChatPrinter:
    """Prints the chat as her phone shows it: new and changed bot messages, buttons numbered."""

    out: TextIO
    seen: dict[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    numbered: list[tuple[str, ChatMessage]] = field(default_factory=list)

    def show(self, user: SimUser) -> None:
        """Prints what changed since the last call."""
        for message in user.bot_messages:
            labels = tuple(b.text for row in message.inline_keyboard for b in row)
            state = (message.text or f"[{message.kind}]", labels)
            if self.seen.get(message.message_id) == state:
                continue
            edited = " (edited)" if message.message_id in self.seen else ""
            self.seen[message.message_id] = state
            self.out.write(f"\n  ┌ Jembatan{edited}\n")
            for line in state[0].splitlines() or [""]:
                self.out.write(f"  │ {line}\n")
            self.out.write("  └\n")
        self.numbered = []
        latest = next((m for m in reversed(user.bot_messages) if m.inline_keyboard), None)
        if latest is not None:
            for row in latest.inline_keyboard:
                cells = []
                for button in row:
                    self.numbered.append((button.text, latest))
                    cells.append(f"[{len(self.numbered)}] {button.text}")
                self.out.write("    " + "   ".join(cells) + "\n")
        self.out.flush()


async def _act(user: SimUser, line: str, printer: ChatPrinter) -> None:
    if line.isdigit() and 1 <= int(line) <= len(printer.numbered):
        label, message = printer.numbered[int(line) - 1]
        await user.press(label, message=message)
    elif line == ":sticker":
        await user.send_sticker()
    elif line == ":photo":
        await user.send_photo()
    elif line == ":voice":
        await user.send_voice()
    elif line == ":location":
        await user.send_location(lat=-10.17, lon=123.6)
    elif line == ":contact":
        await user.send_contact(phone_number="+6281234567890", own=True)
    else:
        await user.send(line)


async def chat(user: SimUser, staff: SimUser, source: TextIO, out: TextIO) -> None:
    """Reads lines (typed or piped) and acts on them until end of input or :q."""
    phones = {":me": (user, ChatPrinter(out)), ":staff": (staff, ChatPrinter(out))}
    current = ":me"
    echo = not source.isatty()
    out.write(HELP)
    while True:
        if not echo:
            out.write(f"{'staff' if current == ':staff' else 'you'}> ")
            out.flush()
        line = await asyncio.to_thread(source.readline)
        if not line:
            break
        line = line.strip()
        if echo and line:
            out.write(f"\n> {line}\n")
        if line in (":q", ":quit"):
            break
        if line in phones:
            current = line
            title = "Caseworker's phone" if line == ":staff" else "Her phone"
            out.write(f"\n==== {title} ====\n")
        elif line:
            person, printer = phones[current]
            await _act(person, line, printer)
        person, printer = phones[current]
        printer.show(person)


async def demo_caseworker(sim: BotApiSimulator, services: Services) -> SimUser:
    """A caseworker of every region and service, logged in on the simulator's second phone."""
    _, token = await services.caseworkers.invite(
        "Demo caseworker", "supervisor", ["*"], ["*"], timedelta(hours=1)
    )
    staff = sim.user(first_name="Petugas", language_code="id")
    await staff.send(f"/start inv_{token}")
    return staff


async def run_demo(
    settings: Settings, source: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> None:
    """Starts the simulator and the bot with a throw-away database, then chats in the terminal."""
    for name in ("", "telegram"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="jembatan-demo-") as tmp:
        data = Path(tmp)
        demo = replace(
            settings,
            data_dir=data,
            database=data / "demo.sqlite3",
            key_file=create_key_file(data / "demo.key"),
            key=None,
        )
        spec = SPEC_PATH if SPEC_PATH.is_file() else None
        async with BotApiSimulator(token=DEMO_TOKEN, spec_path=spec) as sim:
            sim.expect_processed_signal = True
            services = await open_services(demo, clock=demo_clock())
            try:
                application = telegram_app.build_application(
                    services,
                    DEMO_TOKEN,
                    base_url=sim.base_url,
                    base_file_url=sim.base_file_url,
                    on_update_done=sim.on_processed,
                )
                await telegram_app.start(application, services.catalogs)
                try:
                    staff = await demo_caseworker(sim, services)
                    await chat(sim.user(first_name="Kak", language_code="id"), staff, source, out)
                finally:
                    await telegram_app.stop(application)
            finally:
                await services.close()
        out.write("\nDemo ended; its data was thrown away.\n")
