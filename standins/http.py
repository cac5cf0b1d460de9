"""A small HTTP(S) server on loopback for the stand-ins that answer JSON (the OAuth token
endpoints and the Gmail API): one function answers every request, in a thread per connection.

The answer can also be DROP: the connection is closed without a reply after the request was
read, which is how a lost answer looks to a client."""
from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]  # names in lower case
    body: bytes

    def form(self) -> dict[str, str]:
        """An application/x-www-form-urlencoded body, one value per name."""
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[7:].strip() if value[:7].lower() == "bearer " else None


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, **headers: str) -> Reply:
        return cls(status, json.dumps(payload, indent=2).encode(),
                   {"Content-Type": "application/json; charset=UTF-8", **headers})


DROP = Reply(0)
"""Close the connection without answering (the request was read and acted on)."""

Handler = Callable[[Request], Reply]


class JsonServer:
    """Serves `handler` on 127.0.0.1 (port 0: a free one), over TLS when given a context."""

    def __init__(self, handler: Handler, *, port: int = 0,
                 tls: ssl.SSLContext | None = None, name: str = "stand-in") -> None:
        self.handler, self.tls, self.name = handler, tls, name
        bound = type("Bound", (_Handler,), {"answer": staticmethod(handler)})
        self._server = _Server(("127.0.0.1", port), bound)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> JsonServer:
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, name=self.name,
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away (or failed TLS) is not the stand-in's problem


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    answer: Handler

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(self.command, parts.path, parse_qs(parts.query),
                          {k.lower(): v for k, v in self.headers.items()}, body)
        try:
            reply = self.answer(request)
        except Exception as exc:  # a stand-in bug: answer as a server error, visibly
            reply = Reply.json(500, {"error": {"code": 500, "message": f"stand-in: {exc!r}"}})
        if reply is DROP:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass
