"""An aiohttp transport for python-telegram-bot: its `BaseRequest`, without httpcore's pool.

httpcore's connection pool re-scans every connection and every waiting request on each request
and response, so with a couple of hundred requests in flight its bookkeeping takes most of the
event loop's CPU (encode/httpcore#1035, encode/httpx#3215). aiohttp's TCPConnector hands out
connections from a queue. This class behaves as PTB's HTTPXRequest does towards PTB: the same
form or multipart body, the same timeouts (a write timeout bounds the whole request together with
the others, as aiohttp has none of its own), and the same exceptions, TimedOut for every timeout
and NetworkError for everything else that fails on the way, so PTB's retries, the rate limiter
and the outbox see no difference.

It talks to one Bot API server and nothing else: a redirect (Telegram never sends one) is an
error, not followed, so her message is never re-sent to another host. A reply larger than
MAX_RESPONSE_BYTES is refused without being read whole (see there why 32 MiB). A network
error's or a timeout's text keeps the server but never a URL's path, which holds the bot token;
the aiohttp exception it came from is not chained, as its text holds the whole URL.

A proxy set in the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY, as httpx reads
them) is looked up once per server, not per request: aiohttp's `trust_env` would look it up, and
the netrc file, in a worker thread on every request, two thread hops per Bot API call.
"""

from __future__ import annotations

import re
import urllib.request
from urllib.parse import urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# The largest reply read. getUpdates returns at most 100 updates, each at most a few tens of KB
# (a 4096-character text with its entities, a quoted message, a keyboard), so a few MB; a file
# download through the Bot API is at most 20 MB. 32 MiB leaves room for both; anything larger
# comes from a server that is not the Bot API and would only cost memory.
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


class AiohttpRequest(BaseRequest):
    """PTB's `BaseRequest` on one aiohttp ClientSession with a bounded connection pool."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxies",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}  # by scheme://host:port

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds, used when a call passes none."""
        return self._read_timeout

    @property
    def is_closed(self) -> bool:
        """Whether the session is shut down (or was never opened)."""
        return self._session is None or self._session.closed

    async def initialize(self) -> None:
        """Opens the session and its connection pool (again, after a shutdown)."""
        if self.is_closed:
            self._session = self._open()

    async def shutdown(self) -> None:
        """Closes the session and every pooled connection."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Sends one request; returns the status code and the body."""
        if self._session is None:  # as HTTPXRequest, usable before initialize()
            self._session = self._open()
        if self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        default_write = self._media_write_timeout if files else self._write_timeout
        timeout = _timeout(
            _given(read_timeout, self._read_timeout),
            _given(write_timeout, default_write),
            _given(connect_timeout, self._connect_timeout),
            _given(pool_timeout, self._pool_timeout),
        )
        body: aiohttp.FormData | dict[str, str] | None = fields
        if files:
            form = aiohttp.FormData(fields or {}, quote_fields=False)  # names as httpx sends them
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            body = form
        try:
            async with self._session.request(
                method,
                url,
                data=body,
                headers={"User-Agent": self.USER_AGENT},
                timeout=timeout,
                proxy=self.proxy_for(url),
                allow_redirects=False,
            ) as response:
                return response.status, await _body(response)
        except TimeoutError as err:  # aiohttp's own; "Connection timeout to host <URL>" among them
            raise TimedOut(without_urls(str(err)) or None) from None
        except aiohttp.ClientError as err:  # its text may hold the URL, and so the token
            raise NetworkError(
                f"aiohttp.{err.__class__.__name__}: {without_urls(str(err))}"
            ) from None

    def proxy_for(self, url: str) -> str | None:
        """The environment's proxy for this URL's server, if any (looked up once per server)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._proxies:
            self._proxies[origin] = _env_proxy(parts.scheme, parts.hostname or "")
        return self._proxies[origin]

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0)
        return aiohttp.ClientSession(connector=connector, trust_env=False)


async def _body(response: aiohttp.ClientResponse) -> bytes:
    """The reply's body; a redirect or a body over MAX_RESPONSE_BYTES is a NetworkError."""
    if 300 <= response.status < 400:
        response.close()
        raise NetworkError(
            f"The Bot API server answered {response.status} (a redirect); redirects are not "
            "followed, the request was not sent anywhere else"
        )
    declared = response.content_length
    if declared is not None and declared <= MAX_RESPONSE_BYTES:
        return await response.read()
    body = bytearray()
    if declared is None:  # no length given: read up to the cap, and stop there
        async for chunk in response.content.iter_any():
            body += chunk
            if len(body) > MAX_RESPONSE_BYTES:
                break
        else:
            return bytes(body)
    response.close()
    raise NetworkError(
        f"The Bot API server's reply is larger than {MAX_RESPONSE_BYTES // 2**20} MiB; "
        "refused, not read whole"
    )


def without_urls(text: str) -> str:
    """The text with every URL cut to its server: a Bot API URL's path holds the bot token."""
    return _URL.sub(_server_only, text)


def _server_only(match: re.Match[str]) -> str:
    """One URL as scheme://host:port/... (no credentials, no path, no query)."""
    try:
        parts = urlsplit(match.group())
    except ValueError:  # e.g. a broken IPv6 address: nothing of it is kept
        return "[URL]"
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/..."


def _env_proxy(scheme: str, host: str) -> str | None:
    """The proxy the environment names for a scheme and host, unless NO_PROXY exempts it."""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or (host and urllib.request.proxy_bypass(host)):
        return None
    return proxy


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """The timeout a call passed, or the default when it passed none."""
    return default if isinstance(value, DefaultValue) else value


def _timeout(
    read: float | None, write: float | None, connect: float | None, pool: float | None
) -> aiohttp.ClientTimeout:
    """Maps PTB's four timeouts onto aiohttp's.

    aiohttp's `connect` covers waiting for a pooled connection and opening one; `sock_read`
    bounds each wait for response bytes. It has no write timeout, so when all four are finite
    their sum bounds the whole request.
    """
    parts = (read, write, connect, pool)
    total = None if any(p is None for p in parts) else sum(p for p in parts if p is not None)
    acquire = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(total=total, connect=acquire, sock_connect=connect, sock_read=read)
