"""The webhook endpoint: Telegram pushes updates here; strangers cannot stall it or fill the logs.

Anyone can reach the port, so a request is judged before its body is read: a missing or wrong
secret token is answered 403 and an announced body over MAX_BODY 413, and the connection is
closed at once. Headers must arrive within HEADER_TIMEOUT and a body within BODY_TIMEOUT; open
connections are capped (below half the open-files limit, so the bot can still reach Telegram
and its database), and past the cap, or when the process runs out of files, connections wait
in the listen backlog instead of being accepted. Refused requests and accept failures are
logged at most once per LOG_INTERVAL, with a count of the lines held back.
"""

from __future__ import annotations

import errno
import hmac
import json
import logging
import resource
import socket
import time
from collections.abc import Callable
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.iostream import IOStream
from tornado.netutil import bind_sockets
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler, stream_request_body

from bot.telegram.receiving import Receiver, update_id_of

log = logging.getLogger(__name__)

# Telegram's updates are small: a 4096-character message with its entities, a poll or a
# caption is a few tens of kB. 1 MB leaves ample room while no client can make us hold more.
MAX_BODY = 1_000_000
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEADER_TIMEOUT = 10.0  # seconds to send a request's headers; also how long an idle connection lives
BODY_TIMEOUT = 10.0  # seconds to send a body (Telegram sends its few kB at once)
MAX_BUFFER = 2 * MAX_BODY  # bytes a connection's stream may hold (headers and body)
MAX_CONNECTIONS = 128  # Telegram opens at most 100 at once (setWebhook's max_connections)
ACCEPT_PAUSE = 0.5  # seconds without accepting after the process ran out of open files
LOG_INTERVAL = 60.0  # seconds between two log lines about the same kind of refusal
BACKLOG = 512  # connections the kernel holds while we do not accept
REFUSALS = {400: "not an update", 403: "no or wrong secret token", 413: "body too large"}


class Throttled:
    """One log line per interval for each kind of repeated event, with how many were held back."""

    def __init__(self, interval: float = LOG_INTERVAL) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warn(self, what: str) -> None:
        """Logs `what` unless it was logged within the interval; then only counts it."""
        now = time.monotonic()
        if now < self._next.get(what, 0.0):
            self._held[what] = self._held.get(what, 0) + 1
            return
        held = self._held.pop(what, 0)
        self._next[what] = now + self.interval
        if held:
            log.warning("%s (and %d more like it since the last such line)", what, held)
        else:
            log.warning("%s", what)

    def flush(self) -> None:
        """Logs how many lines were held back since each kind's last line (at a stop)."""
        for what, held in sorted(self._held.items()):
            log.warning("%s: %d more like it since the last such line", what, held)
        self._held.clear()


def connection_cap() -> int:
    """How many webhook connections may be open: MAX_CONNECTIONS, at most half the files limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(4, min(MAX_CONNECTIONS, soft // 2))


@stream_request_body
class _Hook(RequestHandler):
    """POST /telegram: check the secret and size before the body, store, then answer 200."""

    def initialize(self, receiver: Receiver, secret: str) -> None:
        self.receiver = receiver
        self.secret = secret
        self.chunks: list[bytes] = []

    def prepare(self) -> None:
        """Refuses a request by its headers alone; the connection is closed unread."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            self.finish()
            return
        length = self.request.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            self.set_status(413)
            self.finish()

    def data_received(self, chunk: bytes) -> None:
        """Keeps the body (the server's max_body_size already stopped anything larger)."""
        self.chunks.append(chunk)

    async def post(self) -> None:
        """Stores the update, then answers 200 (400 when it is not a valid update)."""
        try:
            payload = json.loads(b"".join(self.chunks))
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's limit
            self.set_status(400)
            return
        if update_id_of(payload) is None:
            self.set_status(400)
            return
        await self.receiver.take([payload])
        self.set_status(200)


class _Health(RequestHandler):
    """GET /health: is the bot up, and how many updates wait."""

    def initialize(self, receiver: Receiver) -> None:
        self.receiver = receiver

    async def get(self) -> None:
        """Answers the health as JSON."""
        counts = await self.receiver.inbox.counts()
        health: dict[str, Any] = {"ok": True, "pending_updates": counts.get("pending", 0)}
        if counts.get("quarantined"):
            health["quarantined_updates"] = counts["quarantined"]
        self.write(health)


class _Server(HTTPServer):
    """Tornado's HTTP server, telling `closed` each time one of its connections ends."""

    closed: Callable[[], None]

    def on_close(self, server_conn: object) -> None:
        """A connection ended (tornado's public delegate callback)."""
        super().on_close(server_conn)
        self.closed()


class _Gate:
    """Accepts connections on the listening sockets and hands them to the HTTP server.

    Tornado's own accept loop (`netutil.add_accept_handler`, used by `HTTPServer.listen`) lets
    EMFILE escape: the loop logs a traceback and calls it again at once, a busy loop that fills
    the logs. So the sockets are bound with `bind_sockets` and accepted here, through public
    API only (`IOLoop.add_handler`, `IOStream`, `HTTPServer.handle_stream` and `on_close`):
    past the cap, or for ACCEPT_PAUSE after an accept failed, nothing is accepted and new
    connections wait in the listen backlog.
    """

    def __init__(self, server: _Server, throttled: Throttled) -> None:
        self.server = server
        self.throttled = throttled
        self.loop = IOLoop.current()
        self.sockets: list[socket.socket] = []
        self.open = 0  # connections handed to the server and not yet closed
        self.accepting = False
        self.stopped = False
        self._resume_later: object | None = None
        server.closed = self._closed

    def listen(self, sockets: list[socket.socket]) -> None:
        """Starts accepting on the sockets."""
        self.sockets.extend(sockets)
        self.resume()

    def full(self) -> bool:
        """Whether the cap on open connections is reached."""
        return self.open >= connection_cap()

    def resume(self) -> None:
        """Accepts again (unless stopped, or already accepting)."""
        if self._resume_later is not None:
            self.loop.remove_timeout(self._resume_later)
            self._resume_later = None
        if not self.stopped and not self.accepting:
            for sock in self.sockets:
                self.loop.add_handler(sock, self._accept, IOLoop.READ)
            self.accepting = True

    def pause(self, seconds: float | None = None) -> None:
        """Stops accepting; for a while, or until resume()."""
        if self.accepting:
            for sock in self.sockets:
                self.loop.remove_handler(sock)
            self.accepting = False
        if seconds is not None and self._resume_later is None and not self.stopped:
            self._resume_later = self.loop.call_later(seconds, self._resume_after_pause)

    def stop(self) -> None:
        """Stops accepting for good and closes the listening sockets."""
        self.stopped = True
        self.pause()
        if self._resume_later is not None:
            self.loop.remove_timeout(self._resume_later)
            self._resume_later = None
        for sock in self.sockets:
            sock.close()
        self.sockets.clear()

    def _resume_after_pause(self) -> None:
        self._resume_later = None
        self.resume()

    def _accept(self, sock: socket.socket, events: int) -> None:
        while self.accepting and not self.full():
            try:
                connection, address = sock.accept()
            except BlockingIOError:
                return
            except ConnectionAbortedError:
                continue
            except OSError as exc:  # out of files, or anything else: never a busy loop
                name = errno.errorcode.get(exc.errno or 0, "error")
                self.throttled.warn(f"webhook: cannot accept connections ({name}); they wait")
                self.pause(ACCEPT_PAUSE)
                return
            self.open += 1
            stream = IOStream(connection, max_buffer_size=MAX_BUFFER)
            self.server.handle_stream(stream, address)
        if self.full():
            self.pause()

    def _closed(self) -> None:
        self.open -= 1
        if not self.full():
            self.resume()


def _log_request(throttled: Throttled) -> Callable[[RequestHandler], None]:
    """Tornado's access log: nothing for answered requests, refusals throttled."""

    def log_request(handler: RequestHandler) -> None:
        status = handler.get_status()
        if status >= 400:
            reason = REFUSALS.get(status, "refused")
            throttled.warn(f"webhook: a request refused with {status} ({reason})")

    return log_request


class WebhookServer:
    """The webhook endpoint (path /telegram) and a health check (path /health)."""

    def __init__(self, receiver: Receiver, url: str, secret: str, listen: str, port: int) -> None:
        self.receiver = receiver
        self.url = url
        self.secret = secret
        self.listen = listen
        self.port = port
        throttled = Throttled()
        routes: list[tuple[str, type[RequestHandler], dict[str, Any]]] = [
            (r"/telegram", _Hook, {"receiver": receiver, "secret": secret}),
            (r"/health", _Health, {"receiver": receiver}),
        ]
        web = WebApplication(routes, log_function=_log_request(throttled))
        self._server = _Server(
            web,
            max_body_size=MAX_BODY,
            max_buffer_size=MAX_BUFFER,
            idle_connection_timeout=HEADER_TIMEOUT,
            body_timeout=BODY_TIMEOUT,
        )
        self.throttled = throttled
        self._gate = _Gate(self._server, throttled)

    async def start(self) -> None:
        """Listens, then tells Telegram where to push."""
        self._gate.listen(bind_sockets(self.port, self.listen, backlog=BACKLOG))
        await self.receiver.app.bot.set_webhook(
            self.url, secret_token=self.secret, allowed_updates=Update.ALL_TYPES
        )

    async def stop(self) -> None:
        """Stops accepting pushes; requests being stored are finished first."""
        self._gate.stop()
        await self._server.close_all_connections()
        self.throttled.flush()
