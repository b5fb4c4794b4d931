"""The transport's limits, against small loopback servers that misbehave as no Bot API server does.

A redirect is not followed (her message never goes to another host), a reply larger than
MAX_RESPONSE_BYTES is refused without being read whole, and a network error's text never
carries the bot token that the request URL holds, nor does a timeout's.
"""

from __future__ import annotations

import asyncio
import contextlib
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TelegramError, TimedOut

from bot.telegram.request import MAX_RESPONSE_BYTES, AiohttpRequest
from tests.auxil.harness import TOKEN
from tests.auxil.process import eventually
from tests.telegram.test_request import TRANSPORTS

MiB = 2**20
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Seen:
    """What a loopback server was asked and served."""

    paths: list[str] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    served: int = 0
    done: bool = False


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[str]:
    """A loopback HTTP server answering every request with `handler`; yields its origin."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


def recording(seen: Seen) -> Handler:
    """A handler that records the request and answers like the Bot API."""

    async def handle(request: web.Request) -> web.StreamResponse:
        seen.paths.append(request.path)
        seen.bodies.append(await request.read())
        return web.json_response({"ok": True, "result": True})

    return handle


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_redirect_to_another_host_is_not_followed(transport: str) -> None:
    elsewhere, redirector = Seen(), Seen()
    async with serving(recording(elsewhere)) as other:

        async def redirect(request: web.Request) -> web.StreamResponse:
            redirector.paths.append(request.path)
            raise web.HTTPTemporaryRedirect(f"{other}{request.path_qs}")

        async with serving(redirect) as origin:
            request = TRANSPORTS[transport]()
            bot = Bot(TOKEN, base_url=f"{origin}/bot", request=request)
            with pytest.raises(NetworkError) as raised:
                await bot.send_message(4242, "rahasia saya")
            await request.shutdown()
    assert len(redirector.paths) == 1, "the request reached the Bot API server's address"
    assert elsewhere.paths == [] and elsewhere.bodies == [], "nothing reached the other host"
    assert TOKEN not in str(raised.value)


def huge(seen: Seen, total: int, *, declared: bool) -> Handler:
    """A handler whose reply is `total` bytes long, written 1 MiB at a time while taken."""

    async def handle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        if declared:
            response.content_length = total
        await response.prepare(request)
        chunk = b" " * MiB
        try:
            while seen.served < total:
                await response.write(chunk)
                seen.served += len(chunk)
        except ConnectionError:  # the client hung up
            pass
        finally:
            seen.done = True
        return response

    return handle


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_reply_larger_than_the_cap_is_refused_without_reading_it_whole(
    declared: bool,
) -> None:
    seen = Seen()
    total = 2 * MAX_RESPONSE_BYTES + 8 * MiB
    async with serving(huge(seen, total, declared=declared)) as origin:
        request = AiohttpRequest(read_timeout=60.0)
        bot = Bot(TOKEN, base_url=f"{origin}/bot", request=request, get_updates_request=request)
        with pytest.raises(TelegramError) as raised:
            await bot.get_updates(timeout=0)  # the largest replies the bot asks for
        await request.shutdown()
        await eventually(lambda: seen.done)
    assert type(raised.value) is NetworkError
    assert f"larger than {MAX_RESPONSE_BYTES // MiB} MiB" in raised.value.message
    # What the server could write is what was read plus what the sockets' buffers held.
    assert seen.served < (MAX_RESPONSE_BYTES if declared else MAX_RESPONSE_BYTES + 24 * MiB)


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:99999/bot", "ftp://127.0.0.1/bot"],
    ids=["port out of range", "not http"],
)
async def test_a_network_error_names_the_server_but_not_the_url_with_the_token(
    base_url: str,
) -> None:
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=base_url, request=request)
    with pytest.raises(NetworkError) as raised:
        await bot.get_me()
    await request.shutdown()
    told = "".join(traceback.format_exception(raised.value))
    assert base_url.removesuffix("/bot") + "/..." in told
    secret = TOKEN.split(":")[1]
    assert secret not in told and secret.lower() not in told.lower()


async def test_a_timeout_names_the_server_but_not_the_url_with_the_token() -> None:
    # aiohttp's connect timeout (here: waiting for the one pooled connection, held by a request
    # the server does not answer yet) says "Connection timeout to host <the whole URL>".
    arrived, release = asyncio.Event(), asyncio.Event()

    async def held(request: web.Request) -> web.StreamResponse:
        arrived.set()
        await release.wait()
        return web.json_response({"ok": True, "result": True})

    async with serving(held) as origin:
        request = AiohttpRequest(connection_pool_size=1, connect_timeout=0.2, pool_timeout=0.2)
        bot = Bot(TOKEN, base_url=f"{origin}/bot", request=request)
        first = asyncio.create_task(bot.delete_webhook())
        try:
            await asyncio.wait_for(arrived.wait(), 30)  # the one connection is taken
            with pytest.raises(TimedOut) as raised:
                await bot.send_message(4242, "rahasia saya")
        finally:
            release.set()
            with contextlib.suppress(TelegramError):
                await first
            await request.shutdown()
    told = "".join(traceback.format_exception(raised.value))
    secret = TOKEN.split(":")[1]
    assert secret not in told and secret.lower() not in told.lower()
    assert f"{origin}/..." in told, "the timeout still says which server"
