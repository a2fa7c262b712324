"""The handlers of ``cqkg serve``, one module-level function per route.

Each reads what it shares with the others from ``request.app.state.server``, a
:class:`ServerState` built once by :func:`graph.serve.app.create_app`. Queries go through
:class:`~graph.serve.middleware.QueryGate` (admission, deadline, disconnect) to the worker
pool; nothing here runs a query in the HTTP process. Error bodies are JSON or escaped text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from starlette.requests import Request
from starlette.responses import (
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from graph.model import InputError
from graph.serve import report, resource_page
from graph.serve.config import ServerConfig
from graph.serve.middleware import Busy, QueryGate, ViewGate
from graph.serve.page_model import resource_iri
from graph.serve.pages import Pages, view_module, viewer_response
from graph.serve.protocol import (
    ENTITY_FORMATS,
    GRAPH_MEDIA,
    BodyTimeout,
    Gone,
    Unsupported,
    describe_query,
    negotiate,
    query_params,
    service_description_ttl,
)
from graph.sparql import formats
from graph.sparql.errors import QueryError
from graph.sparql.results import Result
from graph.sparql.safety import MAX_QUERY_BYTES
from graph.sparql.workers import QueryCancelled, WorkerPool

_VOID_QUERY = (
    "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) "
    "(COUNT(DISTINCT ?p) AS ?properties) WHERE { ?s ?p ?o }"
)


@dataclass(slots=True)
class ServerState:
    """What the views share: options, the pool, the two gates, the templates, and the VoID
    counts (one query, the first time the service description is asked for)."""

    config: ServerConfig
    pool: WorkerPool
    queries: QueryGate
    views: ViewGate
    pages: Pages
    void: dict[str, int] | None = None

    async def void_counts(self) -> dict[str, int]:
        if self.void is None:
            res = await self.queries.run(_VOID_QUERY)
            row = res.rows[0]
            self.void = {
                v: int(t.value) if t else 0 for v, t in zip(res.variables, row, strict=True)
            }
        return self.void


def state(request: Request) -> ServerState:
    """The app's :class:`ServerState`."""
    return cast(ServerState, request.app.state.server)


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


async def sparql(request: Request) -> Response:
    """``/sparql``: the SPARQL 1.1 Protocol (query only), or the service description."""
    try:
        query, timeout_s, fmt, update = await query_params(request)
    except ValueError as exc:
        return _bad(str(exc))
    except BodyTimeout:
        return _bad("request body not received in time", 408)
    except Gone:
        return Response(status_code=499)
    except Unsupported as exc:
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
    served = formats.offered(served=True)
    if fmt is not None and fmt not in [f.name for f in served]:
        return _bad(f"format must be one of {', '.join(f.name for f in served)}")
    if fmt is None and not formats.acceptable(accept):
        return JSONResponse(
            {
                "error": "not-acceptable",
                "message": "supported: " + ", ".join(f.media_type for f in served),
            },
            status_code=406,
        )
    try:
        result = await state(request).queries.run(query, timeout, request)
    except Busy:
        return _busy()
    except QueryError as exc:
        return _error(exc)
    if fmt is not None:
        named = formats.FORMATS[fmt]
        chosen: tuple[str, str] | None = (
            (fmt, named.media_type) if named.fits(result.kind) else None
        )
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
    body = formats.format_result(result, chosen[0])
    return Response(
        body,
        media_type=f"{chosen[1]}; charset=utf-8",
        headers={"X-Engine-Time-Ms": f"{result.engine_ms:.3f}", "Vary": "Accept"},
    )


async def service_description(request: Request) -> Response:
    """``/.well-known/void`` and a bare ``/sparql``: SPARQL Service Description + VoID."""
    st = state(request)
    try:
        counts = await st.void_counts()
    except Busy:
        return _busy()
    except QueryError as exc:
        return _error(exc)
    base = f"{request.url.scheme}://{request.url.netloc}"
    ttl = service_description_ttl(base, counts, st.pool.status())
    return Response(ttl, media_type="text/turtle; charset=utf-8")


async def health(request: Request) -> Response:
    """Real liveness: 503 when no worker process is alive to answer a query."""
    st = state(request).pool.status()
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
    """Browsers ask for it on every page; an empty answer keeps their consoles clean."""
    return Response(status_code=204)


async def query_page(request: Request) -> Response:
    """``/query``: the query form with the catalogue's examples."""
    return state(request).pages.query()


async def report_page(request: Request) -> Response:
    """``/report``: the report at a glance (graph.serve.report), queries through the gate."""
    st = state(request)

    async def run(query: str) -> Result:
        return await st.queries.run(query, None, request)

    try:
        return await report.served_page(run)
    except Busy:
        return _busy()
    except QueryError as exc:
        return _error(exc)


async def entity(request: Request) -> Response:
    """``/id/{path}``: HTML page, or Turtle / N-Triples / JSON-LD by ``format=`` or Accept."""
    st = state(request)
    path = request.path_params["path"]
    iri = resource_iri(path)
    # Starlette's route regex ends in `$`, which also matches before a trailing newline
    if iri is None or request.scope["path"] != "/id/" + path:
        return st.pages.entity(path, None, 404)
    fmt = request.query_params.get("format")
    if fmt is not None and fmt not in ENTITY_FORMATS:
        return _bad(f"format must be one of {', '.join(ENTITY_FORMATS)}")
    if fmt is not None:
        wanted = ENTITY_FORMATS[fmt]
    else:
        wanted = next(
            (
                m
                for m in formats.accepted(request.headers.get("accept", ""))
                if m in GRAPH_MEDIA or m in ("text/html", "*/*")
            ),
            "text/html",
        )

    async def run(query: str) -> Result:
        return await st.queries.run(query, None, request)

    try:
        graph_format = next(
            (f for f in formats.offered("graph", served=True) if wanted in f.media_types), None
        )
        if graph_format is not None:
            res = await run(describe_query(iri))
            if not res.triples:
                return PlainTextResponse("not found", status_code=404)
            return Response(
                graph_format.write(res),
                media_type=f"{wanted}; charset=utf-8",
                headers={"Vary": "Accept"},
            )
        page = await resource_page.gather_page(run, iri)
    except Busy:
        return _busy()
    except QueryError as exc:
        return _error(exc)
    if page is None:
        return st.pages.entity(path, None, 404)
    return st.pages.entity(path, page)


async def root(request: Request) -> Response:
    """``/``: the whole graph in the viewer (or the query page when there is no viewer)."""
    st = state(request)
    render = view_module()
    if render is None or not hasattr(render, "render_full_html"):
        return RedirectResponse("/query", status_code=307)
    fn = render.render_full_html
    key = ("full", ViewGate.version(st.config.build_dir), fn)
    try:
        page = await st.views.render(key, fn, st.config.build_dir)
    except Busy:
        return _busy("the viewer is busy")
    return viewer_response(render, page)


async def view_focus(request: Request) -> Response:
    """``/view?focus=…&hops=…``: the neighbourhood of one node in the viewer;
    ``/view?query=…``: a CONSTRUCT/DESCRIBE result drawn as a network (:func:`view_query`)."""
    if "query" in request.query_params:
        return await view_query(request)
    st = state(request)
    render = view_module()
    if render is None or not hasattr(render, "render_focus_html"):
        return RedirectResponse("/query", status_code=307)
    focus = request.query_params.get("focus", "")
    try:
        hops = max(0, min(int(request.query_params.get("hops", "1")), 3))
    except ValueError:
        return _bad("hops must be an integer")
    fn = render.render_focus_html
    key = ("focus", ViewGate.version(st.config.build_dir), fn, focus, hops)
    try:
        page = await st.views.render(key, fn, st.config.build_dir, focus, hops)
    except Busy:
        return _busy("the viewer is busy")
    except (InputError, KeyError, ValueError) as exc:
        return PlainTextResponse(f"cannot focus: {exc}", status_code=404)
    return viewer_response(render, page)


async def view_query(request: Request) -> Response:
    """``/view?query=CONSTRUCT…`` (or DESCRIBE): the result as a network in the viewer.

    The query takes the path every ``/sparql`` query takes: :class:`QueryGate` (admission,
    deadline, disconnect) to a worker process, which runs the parse-based safety check before
    its engine sees the text; nothing is run in this process. What comes back is drawn by the
    viewer's own builder and renderer (``graph.view.render.render_result_html``: the node budget
    of the full view, every string of the page in its escaped JSON block) under the viewer's
    CSP, and rendered through :class:`ViewGate` (bounded, cached by build and query text).
    A SELECT or ASK is refused (400): it has no triples to draw.
    """
    st = state(request)
    render = view_module()
    if render is None or not hasattr(render, "render_result_html"):
        return RedirectResponse("/query", status_code=307)
    queries = request.query_params.getlist("query")
    if len(queries) != 1 or not queries[0].strip():
        return _bad("give exactly one non-empty query= (a CONSTRUCT or DESCRIBE query)")
    if "focus" in request.query_params:
        return _bad("give either focus= or query=, not both")
    query = queries[0]
    if len(query.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
        return JSONResponse(
            {"error": "too-large", "message": f"query exceeds {MAX_QUERY_BYTES // 1024} KiB"},
            status_code=413,
        )
    try:
        result = await st.queries.run(query, None, request)
    except Busy:
        return _busy()
    except QueryError as exc:
        return _error(exc)
    if result.kind != "graph":
        form = result.kind.upper()
        return _bad(
            f"/view draws CONSTRUCT or DESCRIBE results; this query is {form}, whose result "
            "has no triples to draw (run it on /query or /sparql)"
        )
    fn = render.render_result_html
    key = ("query", ViewGate.version(st.config.build_dir), fn, query)
    try:
        page = await st.views.render(key, fn, st.config.build_dir, result)
    except Busy:
        return _busy("the viewer is busy")
    return viewer_response(render, page)


__all__ = [
    "ServerState",
    "entity",
    "favicon",
    "health",
    "query_page",
    "report_page",
    "root",
    "service_description",
    "sparql",
    "state",
    "view_focus",
    "view_query",
]
