"""``cqkg serve``: a read-only SPARQL 1.1 endpoint, entity pages and a query page.

Starlette for routing, uvicorn for HTTP (no hand-rolled parsing). The process that speaks HTTP
never runs a query: every query goes to a :class:`graph.sparql.engines.WorkerPool` process that can
be
killed on timeout. The defences follow ``docs/security.md`` B and C: loopback bind, Host allow-list,
no CORS unless asked, lexical pre-checks, body and query size caps, bounded concurrency (429),
per-query timeout (503), row cap (400), and error bodies that are JSON or escaped text.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import h11
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from graph.model import InputError
from graph.namespaces import PREFIXES
from graph.serve import resource_page
from graph.sparql import compare
from graph.sparql.engines import (
    MAX_QUERY_BYTES,
    QueryCancelled,
    QueryError,
    Result,
    WorkerPool,
    format_result,
    list_queries,
)

MAX_BODY = 64 * 1024
MAX_URL = 64 * 1024
"""A request target (path + query string) over this gets 413, like a body over ``MAX_BODY``."""
MAX_HEAD = MAX_URL + 16 * 1024
"""Request line + headers buffered before a complete head arrives; beyond it 413 at once."""
MAX_TIMEOUT = 30.0
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
CQR = PREFIXES["cqr"]
PACKAGE = Path(__file__).parent

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
}
FORMAT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
ENTITY_FORMATS = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "html": "text/html",
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """Options of ``cqkg serve`` (defaults are the safe ones from docs/security.md section 6)."""

    build_dir: Path = Path("build")
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    queue: int = 8
    cors: bool = False
    engine: str = "oxigraph"
    extra_hosts: tuple[str, ...] = ()


def allowed_hosts(config: ServerConfig) -> list[str]:
    """Host header values accepted (port stripped by Starlette): loopback names + the bind host."""
    hosts = {"127.0.0.1", "localhost", "[::1]", "::1", *config.extra_hosts}
    if config.host not in ("0.0.0.0", "::"):
        hosts.add(config.host)
    return sorted(hosts)


# ---------------------------------------------------------------- middleware


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


# ---------------------------------------------------------------- the app


class Endpoint:
    """State shared by the routes: the worker pool, the admission counter, cached metadata.

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
        self._void: dict[str, int] | None = None
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
        """Execute through the pool; raises :class:`QueryError` (with HTTP status) or _Busy.

        With ``request``, the deadline is its arrival + the limit, and a disconnect cancels.
        """
        if not self._admit():
            raise _Busy
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

    async def void_counts(self) -> dict[str, int]:
        if self._void is None:
            q = (
                "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) "
                "(COUNT(DISTINCT ?p) AS ?properties) WHERE { ?s ?p ?o }"
            )
            res = await self.run(q)
            row = res.rows[0]
            self._void = {
                v: int(t.value) if t else 0 for v, t in zip(res.variables, row, strict=True)
            }
        return self._void


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
        instead of taking a place in the queue; raises ``_Busy`` when the queue is full.
        """
        while True:
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
                pending = self._pending.get(key)
                if pending is None:
                    if self._waiting >= VIEW_RENDERS + VIEW_QUEUE:
                        raise _Busy
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


class _Busy(Exception):
    pass


def _error(exc: QueryError) -> Response:
    if isinstance(exc, QueryCancelled):  # nobody is listening; say nothing more
        return Response(status_code=exc.status)
    headers = {"Retry-After": "1"} if exc.status == 503 else None
    return JSONResponse(exc.to_json(), status_code=exc.status, headers=headers)


def _busy(what: str = "all query workers are busy") -> JSONResponse:
    return JSONResponse(
        {"error": "busy", "message": f"{what}; retry shortly"},
        status_code=429,
        headers={"Retry-After": "1"},
    )


def _bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": "bad-request", "message": message}, status_code=status)


def _accepted(accept: str) -> list[str]:
    """Media types from an Accept header, best first (q-values honoured, q=0 dropped)."""
    items = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            items.append((-q, i, media))
    return [m for _, _, m in sorted(items)]


def negotiate(accept: str | None, kind: str) -> tuple[str, str] | None:
    """(format, media type) for a result kind (``select``/``ask``/``graph``), or None -> 406."""
    table = GRAPH_TYPES if kind == "graph" else RESULT_TYPES
    default = "text/turtle" if kind == "graph" else "application/sparql-results+json"
    if not accept:
        return table[default], default
    for media in _accepted(accept):
        if media in table:
            return table[media], media
        if media in ("*/*", "application/*", "text/*") or (
            media == "text/html" and kind != "graph"
        ):
            if media == "text/*" and kind != "graph":
                return "csv", "text/csv"
            return table[default], default
    return None


def _all_supported(accept: str | None) -> bool:
    if not accept:
        return True
    return any(
        m in RESULT_TYPES
        or m in GRAPH_TYPES
        or m in ("*/*", "application/*", "text/*", "text/html")
        for m in _accepted(accept)
    )


async def _read_body(request: Request) -> bytes:
    try:
        return await asyncio.wait_for(request.body(), BODY_TIMEOUT)
    except TimeoutError:
        raise _BodyTimeout from None
    except ClientDisconnect:  # the client left mid-body: not an application error
        request.scope["cqkg.gone"] = True
        raise _Gone from None


class _BodyTimeout(Exception):
    pass


class _Gone(Exception):
    pass


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ValueError(f"parameter '{name}' must be given at most once")
    return values[0] if values else None


async def _query_params(request: Request) -> tuple[str | None, str | None, str | None, str | None]:
    """(query, timeout, format, update) from GET params, a POST form or a sparql-query body."""
    params = request.query_params
    query = _single(params.getlist("query"), "query")
    timeout = _single(params.getlist("timeout"), "timeout")
    fmt = _single(params.getlist("format"), "format")
    update = _single(params.getlist("update"), "update")
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _read_body(request)
        if ctype == "application/sparql-update":
            update = body.decode("utf-8", "replace") or "(empty)"
        elif ctype == "application/sparql-query":
            if query is not None:
                raise ValueError("parameter 'query' must be given at most once")
            try:
                query = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"query body is not UTF-8 at byte {exc.start}") from None
        elif ctype == "application/x-www-form-urlencoded":
            from urllib.parse import parse_qs

            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError as exc:
                raise ValueError(f"form body is not UTF-8 at byte {exc.start}") from None
            for name in ("query", "timeout", "format", "update"):
                values = form.get(name, [])
                if values:
                    current = {"query": query, "timeout": timeout, "format": fmt, "update": update}[
                        name
                    ]
                    if current is not None or len(values) > 1:
                        raise ValueError(f"parameter '{name}' must be given at most once")
                    value = values[0]
                    if name == "query":
                        query = value
                    elif name == "timeout":
                        timeout = value
                    elif name == "format":
                        fmt = value
                    else:
                        update = value
        elif body:
            raise _Unsupported(ctype or "(none)")
    return query, timeout, fmt, update


class _Unsupported(Exception):
    pass


def create_app(config: ServerConfig, pool: WorkerPool | None = None) -> Starlette:
    """The ASGI app; ``pool`` may be injected by tests (else one is started from ``config``)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    if pool is None:
        pool = WorkerPool(config.build_dir, size=config.workers, engine=config.engine)
    ep = Endpoint(config, pool)
    views = ViewGate()
    env = Environment(
        loader=FileSystemLoader(PACKAGE / "templates"),
        autoescape=select_autoescape(["html"]),
    )

    async def sparql(request: Request) -> Response:
        try:
            query, timeout_s, fmt, update = await _query_params(request)
        except ValueError as exc:
            return _bad(str(exc))
        except _BodyTimeout:
            return _bad("request body not received in time", 408)
        except _Gone:
            return Response(status_code=499)
        except _Unsupported as exc:
            return _bad(f"unsupported Content-Type {exc}", 415)
        if update is not None:
            return JSONResponse(
                {"error": "read-only", "message": "read-only endpoint: SPARQL Update is disabled"},
                status_code=400,
            )
        if query is None:
            return await service_description(request)
        if len(query.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
            return JSONResponse(
                {"error": "too-large", "message": f"query exceeds {MAX_QUERY_BYTES // 1024} KiB"},
                status_code=413,
            )
        timeout: float | None = None
        if timeout_s is not None:
            try:
                timeout = float(timeout_s)
            except ValueError:
                return _bad("timeout must be a number of seconds")
            if not timeout > 0:
                return _bad("timeout must be > 0")
        accept = request.headers.get("accept")
        if fmt is not None and fmt not in FORMAT_TYPES:
            return _bad(f"format must be one of {', '.join(FORMAT_TYPES)}")
        if fmt is None and not _all_supported(accept):
            return JSONResponse(
                {
                    "error": "not-acceptable",
                    "message": "supported: " + ", ".join(FORMAT_TYPES.values()),
                },
                status_code=406,
            )
        try:
            result = await ep.run(query, timeout, request)
        except _Busy:
            return _busy()
        except QueryError as exc:
            return _error(exc)
        if fmt is not None:
            chosen: tuple[str, str] | None = (fmt, FORMAT_TYPES[fmt])
            if (result.kind == "graph") != (fmt in ("turtle", "nt", "jsonld")):
                chosen = None
        else:
            chosen = negotiate(accept, result.kind)
        if chosen is None:
            return JSONResponse(
                {
                    "error": "not-acceptable",
                    "message": f"no acceptable format for a {result.kind} result",
                },
                status_code=406,
            )
        body = format_result(result, chosen[0])
        return Response(
            body,
            media_type=f"{chosen[1]}; charset=utf-8",
            headers={"X-Engine-Time-Ms": f"{result.engine_ms:.3f}", "Vary": "Accept"},
        )

    async def service_description(request: Request) -> Response:
        try:
            counts = await ep.void_counts()
        except _Busy:
            return _busy()
        except QueryError as exc:
            return _error(exc)
        base = f"{request.url.scheme}://{request.url.netloc}"
        ttl = _service_description_ttl(base, counts, pool.status())
        return Response(ttl, media_type="text/turtle; charset=utf-8")

    async def void(request: Request) -> Response:
        return await service_description(request)

    async def health(request: Request) -> Response:
        """Real liveness: 503 when no worker process is alive to answer a query."""
        st = pool.status()
        body = {
            "status": "ok" if st.alive else "unavailable",
            "workers": st.alive,
            "size": st.size,
            "spawning": st.spawning,
            "last_spawn_error": st.last_spawn_error,
            "network_isolated": st.network_isolated,
            "isolation": st.isolation,
            "builds": [Path(b).name for b in st.builds],  # version(s) the live workers loaded
        }
        return JSONResponse(body, status_code=200 if st.alive else 503)

    async def favicon(request: Request) -> Response:
        # browsers ask for it on every page; an empty answer keeps their consoles clean
        return Response(status_code=204)

    async def query_page(request: Request) -> Response:
        examples = [
            {
                "name": q.name,
                "summary": q.summary,
                "text": q.text,
                "params": [
                    {"name": p.name, "description": p.description, "default": p.default}
                    for p in q.params
                ],
            }
            for q in list_queries()
        ]
        page = env.get_template("query.html").render(examples=examples, prefixes=PREFIXES)
        return HTMLResponse(page)

    page_csp = _page_csp(PACKAGE / "templates" / "entity.html")

    def entity_html(path: str, page: Any, status: int = 200) -> HTMLResponse:
        html = env.get_template("entity.html").render(
            page=page,
            path=path,
            # frame-ancestors is only honoured in the header; browsers log an error for it in a meta
            csp=page_csp.replace("; frame-ancestors 'none'", ""),
            max_rows=resource_page.MAX_ROWS,
        )
        headers = {"Vary": "Accept", "Content-Security-Policy": page_csp}
        return HTMLResponse(html, status_code=status, headers=headers)

    async def entity(request: Request) -> Response:
        """``/id/{path}``: HTML page, or Turtle / N-Triples / JSON-LD by ``format=`` or Accept."""
        path = request.path_params["path"]
        iri = resource_page.resource_iri(path)
        # Starlette's route regex ends in `$`, which also matches before a trailing newline
        if iri is None or request.scope["path"] != "/id/" + path:
            return entity_html(path, None, 404)
        fmt = request.query_params.get("format")
        if fmt is not None and fmt not in ENTITY_FORMATS:
            return _bad(f"format must be one of {', '.join(ENTITY_FORMATS)}")
        if fmt is not None:
            wanted = ENTITY_FORMATS[fmt]
        else:
            accept = request.headers.get("accept", "")
            wanted = next(
                (m for m in _accepted(accept) if m in GRAPH_TYPES or m in ("text/html", "*/*")),
                "text/html",
            )

        async def run(query: str) -> Result:
            return await ep.run(query, None, request)

        try:
            if wanted in GRAPH_TYPES:
                res = await run(_describe_query(iri))
                if not res.triples:
                    return PlainTextResponse("not found", status_code=404)
                return Response(
                    format_result(res, GRAPH_TYPES[wanted]),
                    media_type=f"{wanted}; charset=utf-8",
                    headers={"Vary": "Accept"},
                )
            page = await resource_page.gather_page(run, iri)
        except _Busy:
            return _busy()
        except QueryError as exc:
            return _error(exc)
        if page is None:
            return entity_html(path, None, 404)
        return entity_html(path, page)

    async def root(request: Request) -> Response:
        view = _view_module()
        if view is None or not hasattr(view, "render_full_html"):
            return RedirectResponse("/query", status_code=307)
        key = ("full", ViewGate.version(config.build_dir), view.render_full_html)
        try:
            page = await views.render(key, view.render_full_html, config.build_dir)
        except _Busy:
            return _busy("the viewer is busy")
        return _viewer_response(view, page)

    async def view_focus(request: Request) -> Response:
        view = _view_module()
        if view is None or not hasattr(view, "render_focus_html"):
            return RedirectResponse("/query", status_code=307)
        focus = request.query_params.get("focus", "")
        try:
            hops = max(0, min(int(request.query_params.get("hops", "1")), 3))
        except ValueError:
            return _bad("hops must be an integer")
        fn = view.render_focus_html
        key = ("focus", ViewGate.version(config.build_dir), fn, focus, hops)
        try:
            page = await views.render(key, fn, config.build_dir, focus, hops)
        except _Busy:
            return _busy("the viewer is busy")
        except (InputError, KeyError, ValueError) as exc:
            return PlainTextResponse(f"cannot focus: {exc}", status_code=404)
        return _viewer_response(view, page)

    routes = [
        Route("/", root),
        Route("/view", view_focus),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/.well-known/void", void),
        Route("/health", health),
        Route("/favicon.ico", favicon),
        Route("/query", query_page),
        Route("/id/{path:path}", entity),
        Route("/compare", compare.route(ep.run)),  # the ledger (graph/sparql/compare.py owns it)
        Mount("/static", app=StaticFiles(directory=PACKAGE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeadersMiddleware, cors=config.cors),
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(config)),
        Middleware(BodyLimitMiddleware),
        Middleware(ArrivalMiddleware),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        pool.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    app.state.endpoint = ep
    app.state.views = views
    return app


def _view_module() -> Any:
    try:
        import graph.view.render as view
    except ImportError:
        return None
    return view


def _viewer_response(view: Any, page: str) -> Response:
    """The viewer is one self-contained page: all its script and style are inline, so it
    carries its own CSP (the same one as its meta tag: inline only, nothing fetched) instead
    of the endpoint's default ``script-src 'self'``, which would block it from drawing."""
    return HTMLResponse(page, headers={"Content-Security-Policy": view.CSP})


def _page_csp(template: Path) -> str:
    """CSP for resource pages: no script at all, and only the template's own inline style.

    The style block is static text in the template, so its sha256 is fixed at startup; a
    style injected by data (impossible under autoescape anyway) would not match it.
    """
    import base64
    import hashlib

    styles = re.findall(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in styles
    )
    style = hashes or "'none'"
    return (
        f"default-src 'none'; style-src {style}; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def _describe_query(iri: str) -> str:
    return f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}"


def _service_description_ttl(base: str, counts: dict[str, int], status: Any = None) -> str:
    """SPARQL 1.1 Service Description with a VoID dataset description (counts from the store),
    and a note of the workers' network isolation (``status``: the pool's :class:`PoolStatus`).
    """
    isolation = "unknown"
    if status is not None:
        isolation = status.isolation if status.network_isolated else f"NONE ({status.isolation})"
    note = (
        "Read-only SPARQL 1.1 endpoint; SERVICE, LOAD and updates are refused; "
        f"query workers' network isolation: {isolation}"
    )
    formats = "\n".join(
        f"    sd:resultFormat <http://www.w3.org/ns/formats/{f}> ;"
        for f in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
        )
    )
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{base}/sparql> a sd:Service ;
    sd:endpoint <{base}/sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    dcterms:description "{note}" ;
{formats}
    sd:defaultDataset <{base}/.well-known/void#dataset> .

<{base}/.well-known/void#dataset> a sd:Dataset, void:Dataset ;
    dcterms:title "cqkg: Chongqing Internet Development Report 2023 knowledge graph"@en ;
    void:sparqlEndpoint <{base}/sparql> ;
    void:uriSpace "{CQR}" ;
    void:triples {counts.get("triples", 0)} ;
    void:distinctSubjects {counts.get("subjects", 0)} ;
    void:properties {counts.get("properties", 0)} .
"""


def run(config: ServerConfig) -> None:
    """Start the pool and uvicorn; print the URL; block until interrupted."""
    app = create_app(config)
    host = f"[{config.host}]" if ":" in config.host else config.host
    url = f"http://{host}:{config.port}/"
    print(
        f"cqkg: serving {config.build_dir} at {url} (SPARQL at {url}sparql, query page {url}query)"
    )
    state = app.state.pool.status()
    if state.network_isolated:
        print(f"cqkg: query workers are network-isolated ({state.isolation})")
    else:
        print(
            f"cqkg: WARNING: query workers are NOT network-isolated ({state.isolation})",
            file=sys.stderr,
        )
    uv = uvicorn_config(app, config.host, config.port)
    uvicorn.Server(uv).run()


__all__ = ["ServerConfig", "allowed_hosts", "create_app", "negotiate", "run", "uvicorn_config"]
