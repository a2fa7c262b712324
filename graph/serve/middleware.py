"""The HTTP defences of ``cqkg serve`` (docs/security.md B and C), kept apart from the views so
each can be read on its own: the Host allow-list, URL/head/body size caps, the head deadline
(slowloris), security headers (nosniff, CSP, optional CORS), and admission control for queries
and viewer renders (bounded, else 429).

Starlette's ``TrustedHostMiddleware`` does the Host check with :func:`allowed_hosts`; the rest
is ASGI middleware, a uvicorn protocol subclass, and two gates the views call.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import anyio
import h11
import uvicorn
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from graph.serve.config import ServerConfig
from graph.sparql.results import Result
from graph.sparql.workers import WorkerPool

MAX_BODY = 64 * 1024
MAX_URL = 64 * 1024
"""A request target (path + query string) over this gets 413, like a body over ``MAX_BODY``."""
MAX_HEAD = MAX_URL + 16 * 1024
"""Request line + headers buffered before a complete head arrives; beyond it 413 at once."""
MIN_TIMEOUT = 0.1
"""``timeout=`` below this is raised to it: a limit shorter than one pipe round trip would only
kill and respawn a worker on every request (documented in docs/query.md)."""
HEADER_TIMEOUT = 10.0
"""Every request's head must arrive within this, counted from the connection's opening or from
the end of the previous response (so it also holds on kept-alive connections)."""
BODY_TIMEOUT = 10.0
KEEP_ALIVE_TIMEOUT = 5.0
"""Idle time allowed between requests (uvicorn's ``timeout_keep_alive``)."""
LINGER_S = 2.0
"""After refusing an oversized head, read and discard for this long before closing, so the
client reads the 413 instead of a reset."""
VIEW_RENDERS = 1
VIEW_QUEUE = 3
"""Viewer pages render in this process (CPU, GIL): one at a time, a few waiting, else 429."""
VIEW_CACHE = 16
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def allowed_hosts(config: ServerConfig) -> list[str]:
    """Host header values accepted (port stripped by Starlette): loopback names + the bind host."""
    hosts = {"127.0.0.1", "localhost", "[::1]", "::1", *config.extra_hosts}
    if config.host not in ("0.0.0.0", "::"):
        hosts.add(config.host)
    return sorted(hosts)


class BodyLimitMiddleware:
    """Refuse bodies over ``MAX_BODY`` (413) before reading them; refuse chunked bodies (400).

    A declared ``Content-Length`` over the cap is rejected at once; the received bytes are
    counted too, so a lying length cannot smuggle more than the cap into the app.
    """

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        target = len(scope.get("raw_path", b"")) + len(scope.get("query_string", b""))
        if target > MAX_URL:
            await _plain(send, 413, f"request URL exceeds {MAX_URL // 1024} KiB")
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope["headers"]}
        if b"chunked" in headers.get("transfer-encoding", b"").lower():
            await _plain(send, 400, "chunked request bodies are not accepted; send Content-Length")
            return
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                await _plain(send, 400, "invalid Content-Length")
                return
            if int(length) > self.max_body:
                await _plain(send, 413, f"request body exceeds {self.max_body // 1024} KiB")
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _plain(send, 413, f"request body exceeds {self.max_body // 1024} KiB")


class _BodyTooLarge(Exception):
    pass


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    """nosniff on everything, CSP on HTML, and CORS only when ``--cors`` was given."""

    def __init__(self, app: ASGIApp, cors: bool) -> None:
        self.app = app
        self.cors = cors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.append((b"referrer-policy", b"no-referrer"))
                if self.cors:
                    headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, wrapped)


class _H11Connection(h11.Connection):
    """h11's connection that remembers the protocol error it raised (uvicorn only says 400)."""

    last_error: h11.RemoteProtocolError | None = None

    def next_event(self) -> Any:
        try:
            return super().next_event()
        except h11.RemoteProtocolError as exc:
            self.last_error = exc
            raise


class SlowlorisH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus a deadline for every request's head, and a 413 for heads
    over ``MAX_HEAD``.

    uvicorn has no header timeout: its keep-alive timer is cancelled by every received byte,
    so a client trickling a request's headers (the first one, or the next one on a kept-alive
    connection) would hold the socket forever. Here each request's head must be complete
    within ``HEADER_TIMEOUT`` of the connection opening or of the previous response ending;
    otherwise the socket is closed. Idle kept-alive connections still close after
    ``KEEP_ALIVE_TIMEOUT`` (uvicorn's own timer).

    A head larger than ``MAX_HEAD`` makes h11 give up ("receive buffer too long"), and
    uvicorn would answer 400 and close with unread data, which the client sees as a reset.
    Here it is answered 413 and the rest of the request is read and dropped for ``LINGER_S``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._h11 = _H11Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
        self.conn = self._h11
        self._header_deadline: asyncio.TimerHandle | None = None
        self._discarding = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        cycle = self.cycle  # the request that was current when the wait for a head began
        self._header_deadline = self.loop.call_later(HEADER_TIMEOUT, self._header_timeout, cycle)

    def _header_timeout(self, cycle: object) -> None:
        if self.cycle is cycle and not self.transport.is_closing():
            self.transport.close()  # no new request head arrived in time

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        if self._discarding:
            return
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        error = self._h11.last_error
        if error is None or error.error_status_hint != 431:
            super().send_400_response(msg)
            return
        body = f"request URL exceeds {MAX_URL // 1024} KiB (or headers are too large)".encode()
        self.transport.write(
            b"HTTP/1.1 413 Content Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"connection: close\r\nx-content-type-options: nosniff\r\ncontent-length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        self._discarding = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_S, self.transport.close)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        super().connection_lost(exc)


def uvicorn_config(app: ASGIApp, host: str, port: int, log_level: str = "warning") -> Any:
    """The one uvicorn configuration (``cqkg serve`` and the tests): protocol and timeouts."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=SlowlorisH11Protocol,
        timeout_keep_alive=int(KEEP_ALIVE_TIMEOUT),
        h11_max_incomplete_event_size=MAX_HEAD,
        log_level=log_level,
        server_header=False,
    )


# ---------------------------------------------------------------- admission


class QueryGate:
    """Admission control and deadlines for queries: every query of every route goes through here.

    Admission is bounded (``workers + queue`` in flight, beyond that 429). A query's limit
    counts from the request's arrival (stamped by :class:`ArrivalMiddleware`), so time spent
    queued is not free; a query whose client hangs up is dropped from the queue or its worker
    killed, so abandoned work never delays the clients still waiting.
    """

    def __init__(self, config: ServerConfig, pool: WorkerPool) -> None:
        self.config = config
        self.pool = pool
        self.capacity = config.workers + config.queue
        self._in_flight = 0
        self._lock = threading.Lock()
        self._limiter = anyio.CapacityLimiter(max(1, self.capacity))

    def _admit(self) -> bool:
        with self._lock:
            if self._in_flight >= self.capacity:
                return False
            self._in_flight += 1
            return True

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def limit(self, timeout: float | None) -> float:
        """The effective limit: the server's, lowered (never raised) by the client, and never
        below ``MIN_TIMEOUT``."""
        limit = self.config.timeout if timeout is None else min(timeout, self.config.timeout)
        return max(limit, MIN_TIMEOUT)

    async def run(
        self, query: str, timeout: float | None = None, request: Request | None = None
    ) -> Result:
        """Execute through the pool; raises :class:`QueryError` (with HTTP status) or Busy.

        With ``request``, the deadline is its arrival + the limit, and a disconnect cancels.
        """
        if not self._admit():
            raise Busy
        try:
            limit = self.limit(timeout)
            arrival = time.monotonic()
            if request is not None:
                arrival = request.scope.get("cqkg.arrival", arrival)
            deadline = arrival + limit
            gone = threading.Event()
            outcome: list[Result | BaseException] = []

            def submit() -> None:
                try:
                    outcome.append(
                        self.pool.submit(
                            query,
                            timeout=limit,
                            max_rows=self.config.max_rows,
                            deadline=deadline,
                            cancelled=gone.is_set,
                        )
                    )
                except Exception as exc:  # re-raised below, outside the task group
                    outcome.append(exc)

            async with anyio.create_task_group() as tg:
                if request is not None:
                    tg.start_soon(_watch_disconnect, request, gone)
                try:
                    await anyio.to_thread.run_sync(submit, limiter=self._limiter)
                finally:
                    tg.cancel_scope.cancel()
            if isinstance(outcome[0], BaseException):
                raise outcome[0]
            return outcome[0]
        finally:
            self._release()


async def _watch_disconnect(request: Request, gone: threading.Event) -> None:
    """Set ``gone`` when the client disconnects (the body, if any, was read before)."""
    if request.scope.get("cqkg.gone"):
        gone.set()
        return
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            request.scope["cqkg.gone"] = True
            gone.set()
            return


class ViewGate:
    """Bounded, cached rendering of the viewer pages (``/`` and ``/view``).

    They are rendered in the HTTP process (networkx layout and Jinja2: CPU under the GIL), so
    unbounded they starve the event loop that also answers SPARQL. One render at a time, at
    most ``VIEW_QUEUE`` waiting, beyond that 429 + Retry-After; pages are cached by the build
    version (the resolved version directory is named by its content digest) and parameters.
    """

    def __init__(self) -> None:
        self._limiter = anyio.CapacityLimiter(VIEW_RENDERS)
        self._lock = threading.Lock()
        self._waiting = 0
        self._cache: OrderedDict[tuple[Any, ...], str] = OrderedDict()
        self._pending: dict[tuple[Any, ...], anyio.Event] = {}

    @staticmethod
    def version(build_dir: Path) -> tuple[str, int]:
        real = os.path.realpath(build_dir)
        try:
            mtime = os.stat(os.path.join(real, "cqkg.nt")).st_mtime_ns
        except OSError:
            mtime = 0
        return real, mtime

    async def render(self, key: tuple[Any, ...], fn: Any, *args: Any) -> str:
        """The cached page for ``key``, else ``fn(*args)`` rendered in a bounded thread.

        Requests for a page already being rendered wait for that render (single flight)
        instead of taking a place in the queue; raises ``Busy`` when the queue is full.
        """
        while True:
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
                pending = self._pending.get(key)
                if pending is None:
                    if self._waiting >= VIEW_RENDERS + VIEW_QUEUE:
                        raise Busy
                    self._waiting += 1
                    done = self._pending[key] = anyio.Event()
                    break
            await pending.wait()  # then take the cached page, or (if that render failed)
            # render again in our own right, so each caller gets the real error
        try:
            page: str = await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)
            with self._lock:
                self._cache[key] = page
                while len(self._cache) > VIEW_CACHE:
                    self._cache.popitem(last=False)
            return page
        finally:
            with self._lock:
                self._waiting -= 1
                del self._pending[key]
            done.set()


class ArrivalMiddleware:
    """Stamp each request with its arrival time: query limits count from here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["cqkg.arrival"] = time.monotonic()
        await self.app(scope, receive, send)


class Busy(Exception):
    """No room: the caller answers 429 with Retry-After."""


__all__ = [
    "CSP",
    "ArrivalMiddleware",
    "BodyLimitMiddleware",
    "Busy",
    "QueryGate",
    "SecurityHeadersMiddleware",
    "SlowlorisH11Protocol",
    "ViewGate",
    "allowed_hosts",
    "uvicorn_config",
]
