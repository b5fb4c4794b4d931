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
from collections.abc import Callable, Iterable
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
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
MAX_CONNECTIONS = 128  # Telegram opens at most 100 at once (setWebhook's max_connections)
ACCEPT_PAUSE = 0.5  # seconds without accepting after the process ran out of open files
LOG_INTERVAL = 60.0  # seconds between two log lines about the same kind of refusal
BACKLOG = 512  # connections the kernel holds while we do not accept
OUT_OF_FILES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
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


class _Acceptor:
    """Accepts connections on a listening socket; can pause, leaving them in the backlog."""

    def __init__(self, sock: socket.socket, server: _GuardedServer) -> None:
        self.sock = sock
        self.server = server
        self.loop = IOLoop.current()
        self.listening = False
        self.removed = False
        self._resume_later: object | None = None
        self.resume()

    def resume(self) -> None:
        """Accepts again (if not removed and not already accepting)."""
        if self._resume_later is not None:
            self.loop.remove_timeout(self._resume_later)
            self._resume_later = None
        if not self.removed and not self.listening:
            self.loop.add_handler(self.sock, self._accept, IOLoop.READ)
            self.listening = True

    def pause(self, seconds: float | None = None) -> None:
        """Stops accepting; for a while, or until resume()."""
        if self.listening:
            self.loop.remove_handler(self.sock)
            self.listening = False
        if seconds is not None and self._resume_later is None:
            self._resume_later = self.loop.call_later(seconds, self._resume_after_pause)

    def _resume_after_pause(self) -> None:
        self._resume_later = None
        self.resume()

    def remove(self) -> None:
        """Stops accepting for good (the server is stopping)."""
        self.removed = True
        self.resume()  # only cancels a pending resume: removed
        self.pause()

    def _accept(self, fd: socket.socket, events: int) -> None:
        while self.listening and not self.server.full():
            try:
                connection, address = self.sock.accept()
            except BlockingIOError:
                return
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                if exc.errno not in OUT_OF_FILES:
                    raise
                self.server.throttled.warn(
                    f"webhook: cannot accept connections ({errno.errorcode[exc.errno]}); they wait"
                )
                self.pause(ACCEPT_PAUSE)
                return
            self.server.take_connection(connection, address)
        if self.server.full():
            self.pause()


class _GuardedServer(HTTPServer):
    """Tornado's HTTP server, accepting through _Acceptor and capping open connections."""

    throttled: Throttled
    acceptors: list[_Acceptor]

    def add_sockets(self, sockets: Iterable[socket.socket]) -> None:
        """Starts accepting on the sockets (instead of tornado's own accept loop)."""
        for sock in sockets:
            acceptor = _Acceptor(sock, self)
            self.acceptors.append(acceptor)
            self._sockets[sock.fileno()] = sock
            self._handlers[sock.fileno()] = acceptor.remove

    def full(self) -> bool:
        """Whether the cap on open connections is reached."""
        return len(self._connections) >= connection_cap()

    def take_connection(self, connection: socket.socket, address: Any) -> None:
        """Serves an accepted connection."""
        self._handle_connection(connection, address)

    def on_close(self, server_conn: object) -> None:
        """A connection closed: accept again if the cap had stopped it."""
        super().on_close(server_conn)
        if not self.full():
            for acceptor in self.acceptors:
                acceptor.resume()


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
        self._server = _GuardedServer(
            web,
            max_body_size=MAX_BODY,
            max_buffer_size=2 * MAX_BODY,
            idle_connection_timeout=HEADER_TIMEOUT,
            body_timeout=BODY_TIMEOUT,
        )
        self._server.throttled = self.throttled = throttled
        self._server.acceptors = []

    async def start(self) -> None:
        """Listens, then tells Telegram where to push."""
        self._server.add_sockets(bind_sockets(self.port, self.listen, backlog=BACKLOG))
        await self.receiver.app.bot.set_webhook(
            self.url, secret_token=self.secret, allowed_updates=Update.ALL_TYPES
        )

    async def stop(self) -> None:
        """Stops accepting pushes; requests being stored are finished first."""
        self._server.stop()
        await self._server.close_all_connections()
        self.throttled.flush()
