"""A tiny threaded HTTP(S) server on 127.0.0.1 that records what it receives.

Tests give it a route: a function from the recorded request to an
:class:`Answer`. It serves the hostile behaviours no real registry has, and
the token service in front of the real registry.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from tempfile import TemporaryDirectory
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.pki import KeyPair


@dataclass(frozen=True)
class Recorded:
    """One request as it arrived: method, path with query, headers, body."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    all_headers: tuple[tuple[str, str], ...] = ()

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


@dataclass
class Answer:
    """What to send back; ``chunks`` streams a body without a length."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunks: Iterable[bytes] | None = None
    wait_seconds: float = 0.0


Route = Callable[[Recorded], Answer]


class LoopbackServer:
    """Serves ``route`` on 127.0.0.1 (TLS when ``tls`` is given) in a thread."""

    def __init__(self, route: Route, *, tls: KeyPair | None = None) -> None:
        self.route = route
        self.requests: list[Recorded] = []
        self.released = threading.Event()
        self._context = _server_context(tls) if tls else None
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        scheme = "https" if self._context else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def wrap(self, sock: socket.socket) -> socket.socket:
        if self._context is None:
            return sock
        return self._context.wrap_socket(sock, server_side=True)


def _server_context(pair: KeyPair) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with TemporaryDirectory() as scratch:
        cert, key = pair.write(Path(scratch), "server")
        context.load_cert_chain(cert, key)
    return context


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, owner: LoopbackServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """TLS handshakes happen in the request's thread, never the acceptor's."""
        try:
            request = self.owner.wrap(request)
        except (OSError, ssl.SSLError):
            return
        super().finish_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        recorded = Recorded(
            self.command,
            self.path,
            {key.lower(): value for key, value in self.headers.items()},
            body,
            tuple((key.lower(), value) for key, value in self.headers.items()),
        )
        owner = self.server.owner
        owner.requests.append(recorded)
        answer = owner.route(recorded)
        if answer.wait_seconds:
            owner.released.wait(answer.wait_seconds)
        try:
            self._send(answer)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for key, value in answer.headers:
            self.send_header(key, value)
        if answer.chunks is None:
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)
            return
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for chunk in _iterate(answer.chunks):
            self.wfile.write(chunk)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


def _iterate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    yield from chunks
