"""The aiohttp transport through the real path: python-telegram-bot's Bot against the simulator.

Where the transport decides what PTB sees (errors, timeouts), each case also runs through PTB's
own HTTPXRequest and the two must agree: the rate limiter and the outbox rely on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from telegram import Bot, InputFile, Update
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest

from bot.simulator import BotApiSimulator, SimUser
from bot.telegram.request import AiohttpRequest
from tests.auxil.harness import TOKEN, free_port, spec_path

TRANSPORTS: dict[str, Callable[..., BaseRequest]] = {
    "aiohttp": AiohttpRequest,
    "httpx": HTTPXRequest,
}


@pytest.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    async with BotApiSimulator(token=TOKEN, spec_path=spec_path()) as simulator:
        yield simulator
        assert simulator.spec_violations == []


@pytest.fixture
async def bot(sim: BotApiSimulator) -> AsyncIterator[Bot]:
    async with bot_on(sim, "aiohttp", connection_pool_size=8) as tg_bot:
        yield tg_bot


def bot_on(sim: BotApiSimulator, transport: str, **options: object) -> Bot:
    """A Bot for the simulator whose requests go through this transport."""
    request = TRANSPORTS[transport](**options)
    return Bot(TOKEN, base_url=sim.base_url, base_file_url=sim.base_file_url, request=request)


async def polled(bot: Bot, action: Awaitable[object]) -> list[Update]:
    """Runs a person's action while polling like a bot that does nothing; returns the updates."""
    task = asyncio.ensure_future(action)
    received: list[Update] = []
    offset: int | None = None
    while not task.done():
        updates = await bot.get_updates(offset=offset, timeout=2)
        received += updates
        if updates:
            offset = updates[-1].update_id + 1
    await task
    return received


async def failure(bot: Bot, chat_id: int, **timeouts: float) -> TelegramError:
    """The exception a sendMessage call raises."""
    async with bot:
        with pytest.raises(TelegramError) as raised:
            await bot.send_message(chat_id, "halo", **timeouts)  # type: ignore[arg-type]
    return raised.value


async def test_send_message_arrives(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    sent = await bot.send_message(user.user_id, "halo, Kak")
    assert sent.text == "halo, Kak" and sent.chat.id == user.user_id
    assert user.last_message == "halo, Kak"
    assert sim.calls[-1].method == "sendMessage"


async def test_many_at_once_share_a_small_pool(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    texts = [f"pesan {i}" for i in range(40)]
    await asyncio.gather(*(bot.send_message(user.user_id, text) for text in texts))
    assert sorted(m.text for m in user.bot_messages) == sorted(texts)


async def test_parameters_are_sent_as_the_api_expects(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    await bot.send_message(user.user_id, "<b>tebal</b> & 'kutip'", parse_mode="HTML")
    assert user.last_message == "tebal & 'kutip'"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_429_gives_retry_after(sim: BotApiSimulator, transport: str) -> None:
    user = sim.user()
    sim.inject("sendMessage", 429, retry_after=7)
    raised = await failure(bot_on(sim, transport), user.user_id)
    assert isinstance(raised, RetryAfter)
    assert raised.retry_after == timedelta(seconds=7)


@pytest.mark.parametrize("code", [500, 502, 503])
async def test_server_errors_give_what_httpx_gives(sim: BotApiSimulator, code: int) -> None:
    user = sim.user()
    seen = []
    for transport in TRANSPORTS:
        sim.inject("sendMessage", code)
        seen.append(await failure(bot_on(sim, transport), user.user_id))
    ours, httpx = seen
    assert isinstance(ours, NetworkError)
    assert (type(ours), ours.message) == (type(httpx), httpx.message)
    assert user.messages == []


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_server_that_does_not_answer_gives_timed_out(
    sim: BotApiSimulator, transport: str
) -> None:
    user = sim.user()
    sim.inject("sendMessage", "timeout")
    raised = await failure(bot_on(sim, transport), user.user_id, read_timeout=0.5)
    assert type(raised) is TimedOut
    assert user.messages == []
    await sim.wait_idle()


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_no_server_gives_network_error_not_timed_out(transport: str) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    request = TRANSPORTS[transport]()
    bot = Bot(TOKEN, base_url=f"{nowhere}/bot", base_file_url=f"{nowhere}/file", request=request)
    with pytest.raises(NetworkError) as raised:
        await bot.get_me()
    assert type(raised.value) is NetworkError
    await request.shutdown()


async def test_a_full_pool_gives_timed_out(sim: BotApiSimulator) -> None:
    user = sim.user()
    fault = sim.inject("sendMessage", "timeout")
    bot = bot_on(sim, "aiohttp", connection_pool_size=1)
    async with bot:
        held = asyncio.ensure_future(bot.send_message(user.user_id, "satu", read_timeout=3))
        while fault.hits == 0:  # noqa: ASYNC110 (a simulator counter): the connection is taken
            await asyncio.sleep(0.01)
        with pytest.raises(TimedOut):
            await bot.send_message(user.user_id, "dua", pool_timeout=0.2, connect_timeout=0.2)
        with pytest.raises(TimedOut):
            await held
    await sim.wait_idle()


async def test_long_poll_waits_past_the_default_read_timeout(sim: BotApiSimulator) -> None:
    """getUpdates holds the request for its timeout: PTB adds it to the read timeout."""
    user = sim.user()

    async def later() -> None:
        await asyncio.sleep(0.6)  # past the 0.3 s default read timeout: the poll is still open
        await user.send("halo")

    async with bot_on(sim, "aiohttp", read_timeout=0.3) as bot:
        [update] = await polled(bot, later())
    assert update.message is not None and update.message.text == "halo"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_document_upload_keeps_name_and_bytes(
    sim: BotApiSimulator, transport: str, tmp_path: Path
) -> None:
    user = sim.user()
    async with bot_on(sim, transport) as bot:
        await upload_two(bot, user, tmp_path)


async def upload_two(bot: Bot, user: SimUser, tmp_path: Path) -> None:
    """Sends a document from bytes with a caption, then one from a path."""
    content = bytes(range(256)) * 64
    sent = await bot.send_document(
        user.user_id, InputFile(content, filename="data saya – Sari.csv"), caption="Salinan"
    )
    assert sent.document is not None and sent.document.file_name == "data saya – Sari.csv"
    message = user.bot_messages[-1]
    assert message.kind == "document" and message.document_bytes == content
    assert message.text == "Salinan"
    path = tmp_path / "rujukan.pdf"
    path.write_bytes(b"%PDF-1.4 rujukan")
    await bot.send_document(user.user_id, path)
    last = user.bot_messages[-1]
    assert last.document_name == "rujukan.pdf" and last.document_bytes == b"%PDF-1.4 rujukan"


async def test_a_file_download(sim: BotApiSimulator, bot: Bot) -> None:
    user = sim.user()
    [update] = await polled(bot, user.send_document(file_name="ktp.jpg", content=b"JPEGDATA"))
    assert update.message is not None and update.message.document is not None
    file = await bot.get_file(update.message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"JPEGDATA"


async def test_shutdown_closes_and_initialize_reopens(sim: BotApiSimulator) -> None:
    user = sim.user()
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=sim.base_url, base_file_url=sim.base_file_url, request=request)
    async with bot:
        await bot.send_message(user.user_id, "satu")
    assert request.is_closed
    with pytest.raises(NetworkError, match="not initialized"):  # PTB wraps the RuntimeError
        await request.post(f"{sim.base_url}{TOKEN}/getMe")
    async with bot:
        await bot.send_message(user.user_id, "dua")
    assert [m.text for m in user.bot_messages] == ["satu", "dua"]
    assert request.read_timeout == 5.0


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_proxy_named_in_the_environment_is_used(
    sim: BotApiSimulator, transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # nobody listens there
    user = sim.user()
    request = TRANSPORTS[transport](connect_timeout=2.0)
    through_proxy = Bot(TOKEN, base_url=sim.base_url, request=request)
    with pytest.raises(NetworkError):  # the request went to the proxy, which is not there
        await through_proxy.send_message(user.user_id, "halo")
    await request.shutdown()
    assert user.messages == []

    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # the server is exempt: straight to it
    async with bot_on(sim, transport) as tg_bot:
        await tg_bot.send_message(user.user_id, "halo")
    assert user.last_message == "halo"
