"""The HTTP face of the stand-in: a ThreadingHTTPServer on loopback plus the test-facing API.

Per request: route -> log -> scripted fault -> authentication -> quota -> handler. The handler
work itself runs under the App's lock, so concurrent clients see one request at a time.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from . import batch_update, drive, routes, scopes, spreadsheets_api, state, values_api
from .app import App, Call, Reply
from .clock import Clock, ManualClock
from .errors import PAYLOAD_BYTES, PAYLOAD_MESSAGE, ApiError, invalid, unauthenticated
from .faults import DAMAGED, Fault, Faults, fault_error
from .model import Ids
from .quota import Quota
from .requestlog import LogEntry, RequestLog
from .seeding import SeedingApi


class SheetsStandIn(SeedingApi):
    """A local Google Sheets v4 + Drive v3 (files) server for tests and local runs.

    Use as a context manager or call start()/stop(). `url` is the base URL to point clients at;
    `session()` and `gspread_client()` give ready-made clients routed to it.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        state_file: Path | None = None,
        open_access: bool = False,
        seed: int | None = 20240101,
    ) -> None:
        self.clock: Clock = clock or ManualClock()
        self.app = App(self.clock, Ids(seed), open_access)
        for module in (values_api, batch_update, spreadsheets_api, drive):
            self.app.register(module.HANDLERS)
        self.quota = Quota(self.clock)
        self.faults = Faults()
        self.log = RequestLog()
        self.state_file = Path(state_file) if state_file else None
        self._address = (host, port)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        if self.state_file:
            self._load_state()

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> SheetsStandIn:
        handler = type("BoundHandler", (_Handler,), {"standin": self})
        self._server = _Server(self._address, handler)
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="sheets-stand-in", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> SheetsStandIn:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def serve_forever(self) -> None:
        """Block serving requests (the command line's mode); starts the server if needed."""
        if self._thread is None:
            self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    @property
    def port(self) -> int:
        if not self._server:
            raise RuntimeError("the stand-in is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._address[0]}:{self.port}"

    def reset(self) -> None:
        """Forget spreadsheets, log, faults and quota use (keeps settings)."""
        with self.app.lock:
            self.app.spreadsheets.clear()
            self.app.folders.clear()
            self.app.drives.clear()
            self.app.accounts.clear()
        self.log.clear()
        self.faults.clear()
        self.quota.reset()

    # ---- state file ----------------------------------------------------------------------

    def _load_state(self) -> None:
        assert self.state_file is not None
        if self.state_file.exists():
            self.app.spreadsheets.update(state.load_file(self.state_file))
            folders, drives = state.load_drive(json.loads(self.state_file.read_text(encoding="utf-8")))
            self.app.folders.update(folders)
            self.app.drives.update(drives)
            self.app.ids = Ids(None)  # a fixed seed would hand out ids the loaded state already uses
        self.app.on_commit = self.save_state

    def save_state(self, path: Path | None = None) -> None:
        target = Path(path) if path else self.state_file
        if target is None:
            raise ValueError("no state file configured; pass a path")
        with self.app.lock:
            state.save_file(target, self.app.spreadsheets, self.app.folders, self.app.drives)

    # ---- clients -------------------------------------------------------------------------

    def session(self, token: str = "test-token") -> Any:
        """A google-auth AuthorizedSession for `token`, routed here by the endpoint adapter."""
        from google.auth.transport.requests import AuthorizedSession
        from google.oauth2.credentials import Credentials

        from sync.endpoint import mount_endpoint_override

        session = AuthorizedSession(Credentials(token=token))
        mount_endpoint_override(session, self.url)
        return session

    def gspread_client(self, token: str = "test-token", timeout: float | None = None) -> Any:
        """An unmodified gspread.Client whose HTTP goes to this server."""
        import gspread

        session = self.session(token)
        client = gspread.Client(auth=session.credentials, session=session)
        client.set_timeout(timeout)
        return client

    # ---- request pipeline (called by the handler thread) ---------------------------------

    def process(self, method: str, raw_path: str, query: str, headers: Any, raw_body: bytes) -> Reply | None:
        """Answer one HTTP request; None means drop the connection without answering."""
        route = routes.match(method, raw_path)
        token = _bearer(headers) or (parse_qs(query).get("access_token") or [""])[0]
        if route is None:
            reply: Reply = 404, ApiError(404, "NOT_FOUND", f"Method not found: {method} {raw_path}").body()
            self._record("unknown", method, raw_path, token, reply[0], None)
            return reply
        fault = self.faults.take(route.endpoint)
        if fault and fault.kind in DAMAGED:
            reply = damaged(self._answer(route, method, query, token, raw_body), fault.kind)
            self._record(route.endpoint, method, raw_path, token, reply[0], fault.kind)
            return reply
        reply_or_none = self._faulted(fault, route.endpoint) if fault else None
        if fault and fault.kind != "timeout":
            self._record(route.endpoint, method, raw_path, token, reply_or_none[0] if reply_or_none else None, fault.kind)
            return reply_or_none
        reply = self._answer(route, method, query, token, raw_body)
        self._record(route.endpoint, method, raw_path, token, reply[0], fault.kind if fault else None)
        return reply

    def _faulted(self, fault: Fault, endpoint: str) -> Reply | None:
        if fault.kind == "drop":
            return None
        if fault.kind == "timeout":
            self._stopping.wait(fault.delay)
            return None
        error = fault_error(fault.kind, endpoint)
        return error.code, error.body()

    def _answer(self, route: routes.Route, method: str, query: str, token: str, raw_body: bytes) -> Reply:
        try:
            if not token:
                raise unauthenticated()
            scopes.require(self.app.accounts.get(token), route.endpoint)
            self.quota.charge(token, route.endpoint)
            call = Call(
                route.endpoint, method, token, parse_qs(query, keep_blank_values=True), _json_body(raw_body),
                route.spreadsheet_id, route.range_text, route.file_id,
            )  # fmt: skip
        except ApiError as error:
            return error.code, error.body()
        return self.app.handle(call)

    def _record(self, endpoint: str, method: str, path: str, token: str, status: int | None, fault: str | None) -> None:
        self.log.record(LogEntry(endpoint, method, path, token, status, fault, self.clock.now()))


class Truncated(dict[str, Any]):
    """An answer whose JSON the handler cuts off halfway when sending it."""


def damaged(reply: Reply, kind: str) -> Reply:
    """A successful answer spoiled as a `truncated` or `incomplete` fault spoils it; an error
    answer is left alone."""
    status, body = reply
    if status != 200 or not isinstance(body, dict):
        return reply
    if kind == "truncated":
        return status, Truncated(body)
    main = next((k for k in ("valueRanges", "sheets", "replies", "values", "updatedCells")
                 if k in body), next(iter(body), None))
    return status, {k: v for k, v in body.items() if k != main}


def _bearer(headers: Any) -> str:
    value = headers.get("Authorization") or ""
    return value[7:].strip() if value.lower().startswith("bearer ") else ""


def _json_body(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise invalid(f"Invalid JSON payload received. {error}") from None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out or vanish are part of the script, not errors worth a traceback."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    standin: SheetsStandIn

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _serve(self) -> None:
        raw_path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        if length > PAYLOAD_BYTES:  # Google refuses the request whole, before looking at it
            self._send(400, invalid(PAYLOAD_MESSAGE).body())
            return
        reply = self.standin.process(self.command, raw_path, query, self.headers, raw_body)
        if reply is None:
            self._drop()
            return
        self._send(*reply)

    def _send(self, status: int, body: dict[str, Any] | None) -> None:
        payload = b"" if body is None else json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")
        if isinstance(body, Truncated):
            payload = payload[: len(payload) // 2]
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the RequestLog is the record of traffic."""
