"""The webhook under abuse: strangers on its port cannot keep Telegram out or flood the logs.

The bot runs as a real process (`python -m bot run`) with a low open-files limit, as a small
server would have; the abusers are raw sockets on loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import resource
import signal
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.simulator import BotApiSimulator
from bot.telegram import app as telegram_app
from tests.auxil.harness import Jembatan, free_port, settings_in
from tests.auxil.process import eventually, run_bot

SECRET = "limits-test-Secret_1"
HELD = re.compile(r"(?:(?P<flush>: )|\(and )(?P<n>\d+) more like it since the last such line")
FILES = 128  # the bot's open-files limit in these tests
UPDATE = {
    "update_id": 77001,
    "message": {"message_id": 1, "date": 1, "chat": {"id": 77, "type": "private"}, "text": "hi"},
}


@dataclass
class Output:
    """Every line the bot process prints (kept up to a bound), read as it comes."""

    lines: list[str] = field(default_factory=list)
    total: int = 0

    async def read(self, stream: asyncio.StreamReader | None) -> None:
        """Reads the stream to its end."""
        assert stream is not None
        async for line in stream:
            self.total += 1
            if len(self.lines) < 2000:
                self.lines.append(line.decode(errors="replace").rstrip())


@contextlib.asynccontextmanager
async def bot_process(
    sim: BotApiSimulator, tmp_path: Path, port: int
) -> AsyncIterator[tuple[asyncio.subprocess.Process, Output]]:
    """The bot in webhook mode, limited to FILES open files, stopped with SIGTERM afterwards."""
    sim.expect_processed_signal = False
    settings_in(tmp_path)
    bot = await run_bot(
        tmp_path,
        sim,
        capture=True,
        JEMBATAN_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
        JEMBATAN_WEBHOOK_SECRET=SECRET,
        JEMBATAN_WEBHOOK_PORT=str(port),
    )
    resource.prlimit(bot.pid, resource.RLIMIT_NOFILE, (FILES, FILES))
    output = Output()
    readers = [asyncio.create_task(output.read(s)) for s in (bot.stdout, bot.stderr)]
    try:
        await eventually(lambda: any(c.method == "setWebhook" for c in sim.calls), within=120)
        yield bot, output
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(bot.wait(), 60)
        except TimeoutError:
            bot.kill()
            await bot.wait()
        await asyncio.wait_for(asyncio.gather(*readers), 30)


async def open_request(port: int, secret: str | None, length: int, body: bytes = b"") -> Client:
    """A client that sent a request's headers (and the start of its body), and waits."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = [
        "POST /telegram HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: application/json",
        f"Content-Length: {length}",
    ]
    if secret is not None:
        head.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    return Client(reader, writer)


@dataclass
class Client:
    """One raw connection to the webhook."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    async def status(self, within: float = 30.0) -> int | None:
        """The answer's status code, or None when the connection closed without one."""
        line = await asyncio.wait_for(self.reader.readline(), within)
        return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else None

    def close(self) -> None:
        """Closes the connection."""
        self.writer.close()


async def many(port: int, count: int, secret: str | None, length: int) -> list[Client]:
    """`count` clients that sent their headers; those that could not connect are left out."""
    opened = await asyncio.gather(
        *(
            asyncio.wait_for(open_request(port, secret, length, b'{"update_id": '), 30)
            for _ in range(count)
        ),
        return_exceptions=True,
    )
    return [c for c in opened if isinstance(c, Client)]


async def test_slow_clients_with_a_wrong_secret_do_not_keep_telegram_out(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    port = free_port()
    her = sim.user("Sari")
    async with bot_process(sim, tmp_path, port):
        # 150 clients announce a large body, send its first bytes and then nothing more:
        # more connections than the bot may open files.
        slow = await many(port, 150, "wrong-secret", 900_000)
        try:
            sending = asyncio.create_task(her.send("/start"))
            await eventually(lambda: any(c.method == "sendMessage" for c in sim.calls), 90)
            refused = await asyncio.gather(*(c.status() for c in slow[:10]))
            assert refused == [403] * 10, "refused by the headers, before the body came"
        finally:
            for client in slow:
                client.close()
        with contextlib.suppress(AssertionError):
            await sending
    texts = [c.params.get("text") for c in sim.calls if c.method == "sendMessage"]
    assert texts and str(texts[0]).startswith("Halo"), "her /start was handled"


async def test_a_flood_of_refused_requests_writes_a_bounded_number_of_log_lines(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    port = free_port()
    async with bot_process(sim, tmp_path, port) as (_, output):
        # 100 connections that send nothing: more than the bot may open files
        idle = await asyncio.gather(
            *(asyncio.open_connection("127.0.0.1", port) for _ in range(100))
        )
        wrong = [asyncio.create_task(refused_once(port)) for _ in range(300)]
        await asyncio.sleep(0.5)  # the idle ones are mostly accepted first (either order holds)
        for _, writer in idle:
            writer.close()
        answers = await asyncio.gather(*wrong)
        assert answers == [403] * 300, "every wrong secret was answered"
    webhook_lines = [line for line in output.lines if "webhook:" in line]
    assert 1 <= len(webhook_lines) <= 3, webhook_lines
    assert refused_count([line for line in webhook_lines if "403" in line]) == 300, (
        "the lines count every refusal"
    )
    assert output.total < 40, output.lines[:60]


def refused_count(lines: list[str]) -> int:
    """The refusals that throttled log lines stand for.

    A line logged when its interval is over stands for itself and the lines held back before
    it ("... (and N more like it ...)"); the line at the stop only for those held back
    ("...: N more like it ...").
    """
    count = 0
    for line in lines:
        held = HELD.search(line)
        count += int(held["n"]) if held else 0
        count += 0 if held and held["flush"] else 1
    return count


async def refused_once(port: int) -> int | None:
    """One complete request with a wrong secret; its status (None if the connection failed)."""
    try:
        client = await asyncio.wait_for(
            open_request(port, "wrong", len(json.dumps(UPDATE)), json.dumps(UPDATE).encode()), 30
        )
        try:
            return await client.status(60)
        finally:
            client.close()
    except (OSError, TimeoutError):
        return None


async def test_an_oversized_body_is_refused_before_it_is_read_and_not_stored(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    port = free_port()
    harness = Jembatan(sim, settings_in(tmp_path))
    harness.webhook = telegram_app.Webhook(
        url=f"http://127.0.0.1:{port}/telegram", secret=SECRET, listen="127.0.0.1", port=port
    )
    await harness.start()
    try:
        start = json.dumps(UPDATE).encode()[:-1] + b', "padding": "'
        client = await open_request(port, SECRET, 2_000_000, start)
        try:
            assert await client.status() == 413, "answered without waiting for 2 MB"
        finally:
            client.close()
        assert harness.services is not None
        assert await harness.services.inbox.counts() == {}, "nothing stored"
    finally:
        await harness.stop()


async def test_running_out_of_open_files_pauses_accepting_and_logs_it_once(
    sim: BotApiSimulator, tmp_path: Path
) -> None:
    port = free_port()
    async with bot_process(sim, tmp_path, port) as (bot, output):
        # a limit just above what the bot holds: it runs out of files long before its cap
        in_use = len(os.listdir(f"/proc/{bot.pid}/fd"))
        resource.prlimit(bot.pid, resource.RLIMIT_NOFILE, (in_use + 8, FILES))
        idle = await asyncio.gather(
            *(asyncio.open_connection("127.0.0.1", port) for _ in range(40))
        )
        files = f"/proc/{bot.pid}/fd"
        await eventually(lambda: len(os.listdir(files)) >= in_use + 8, 60)  # none left
        await asyncio.sleep(2)  # connections keep knocking while it has no file to take them
        resource.prlimit(bot.pid, resource.RLIMIT_NOFILE, (FILES, FILES))
        for _, writer in idle:
            writer.close()
        assert await refused_once(port) == 403, "it accepts again once files are free"
    assert output.total < 40, output.lines[:60]
    assert "Traceback" not in "\n".join(output.lines)
    out_of_files = "webhook: cannot accept connections (EMFILE); they wait"
    lines = [line for line in output.lines if out_of_files in line]
    assert 1 <= len(lines) <= 3, lines
