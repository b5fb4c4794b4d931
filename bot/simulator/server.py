"""The HTTP side: a tornado server on 127.0.0.1 that decodes Bot API requests and files."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Callable
from types import TracebackType
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.simulator.dispatch import Dispatcher
from bot.simulator.errors import ApiError, bad_request, not_found
from bot.simulator.params import Upload
from bot.simulator.state import StoredFile

log = logging.getLogger(__name__)

FileLookup = Callable[[str, str], StoredFile | None]


def _quiet_access_log(handler: RequestHandler) -> None:
    """Logs nothing: request lines carry the bot token."""


class _JsonHandler(RequestHandler):
    def reply(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Logs a failure without the request line, which carries the token."""
        log.error("simulator request failed: %s", typ.__name__ if typ else "unknown error")


class ApiHandler(_JsonHandler):
    """Serves /bot<token>/<method>."""

    def initialize(self, dispatcher: Dispatcher) -> None:
        """Keeps the dispatcher and prepares the connection-closed signal."""
        self._dispatcher = dispatcher
        self._closed = asyncio.Event()

    def on_connection_close(self) -> None:
        """Notes that the client went away (timeouts, cancelled long polls)."""
        self._closed.set()

    async def get(self, token: str, method: str) -> None:
        """Handles a GET request."""
        await self._serve(token, method)

    async def post(self, token: str, method: str) -> None:
        """Handles a POST request."""
        await self._serve(token, method)

    async def _serve(self, token: str, method: str) -> None:
        try:
            raw, form = self._decode()
        except ApiError as error:
            self.reply(error.code, error.payload())
            return
        status, body = await self._dispatcher.handle(token, method, raw, form, self._closed)
        if not self._closed.is_set():
            self.reply(status, body)

    def _decode(self) -> tuple[dict[str, Any], bool]:
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            try:
                data = json.loads(self.request.body or b"{}")
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if not isinstance(data, dict):
                raise bad_request("can't parse JSON object")
            return data, False
        raw: dict[str, Any] = {}
        try:
            for name, values in self.request.arguments.items():
                raw[name] = values[-1].decode("utf-8")
        except UnicodeDecodeError:
            raise bad_request("strings must be encoded in UTF-8") from None
        for name, files in self.request.files.items():
            part = files[-1]
            raw[name] = Upload(part.filename, part.body, part.content_type)
        return raw, True


class FileHandler(_JsonHandler):
    """Serves /file/bot<token>/<file_path> downloads."""

    def initialize(self, lookup: FileLookup) -> None:
        """Keeps the file lookup."""
        self._lookup = lookup

    async def get(self, token: str, path: str) -> None:
        """Sends the file's bytes."""
        stored = self._lookup(token, path)
        if stored is None:
            error = not_found()
            self.reply(error.code, error.payload())
            return
        self.set_header("Content-Type", stored.mime_type or "application/octet-stream")
        self.finish(stored.content)


class FallbackHandler(_JsonHandler):
    """Answers every other path as Telegram does."""

    async def get(self) -> None:
        """Answers 404."""
        error = not_found()
        self.reply(error.code, error.payload())

    post = get


class ApiServer:
    """Runs the tornado application on an ephemeral loopback port."""

    def __init__(self, dispatcher: Dispatcher, lookup: FileLookup) -> None:
        self._app = Application(
            [
                (r"/bot([^/]*)/([^/]*)/?", ApiHandler, {"dispatcher": dispatcher}),
                (r"/file/bot([^/]*)/(.+)", FileHandler, {"lookup": lookup}),
                (r".*", FallbackHandler),
            ],
            log_function=_quiet_access_log,
            serve_traceback=False,
        )
        self._server: HTTPServer | None = None
        self.port = 0

    async def start(self) -> int:
        """Starts listening and returns the port."""
        sockets = bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(self._app)
        self._server.add_sockets(sockets)
        return self.port

    async def stop(self) -> None:
        """Stops listening and closes every open connection."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()
