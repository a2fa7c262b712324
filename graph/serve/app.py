"""``cqkg serve``: a read-only SPARQL 1.1 endpoint, entity pages and a query page.

Starlette for routing, uvicorn for HTTP (no hand-rolled parsing). The process that speaks HTTP
never runs a query: every query goes to a :class:`graph.sparql.workers.WorkerPool` process that
can be killed on timeout. This module only assembles the app: the routes are the views in
:mod:`graph.serve.views`, the defences of ``docs/security.md`` B and C (loopback bind, Host
allow-list, no CORS unless asked, body and query size caps, head deadline, bounded concurrency
with 429) are in :mod:`graph.serve.middleware`, the protocol details in
:mod:`graph.serve.protocol`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from graph.serve import views
from graph.serve.config import ServerConfig
from graph.serve.middleware import (
    ArrivalMiddleware,
    BodyLimitMiddleware,
    QueryGate,
    SecurityHeadersMiddleware,
    ViewGate,
    allowed_hosts,
    uvicorn_config,
)
from graph.serve.pages import STATIC, Pages, yasgui_app
from graph.serve.protocol import negotiate
from graph.sparql import compare
from graph.sparql.workers import WorkerPool


def create_app(config: ServerConfig, pool: WorkerPool | None = None) -> Starlette:
    """The ASGI app; ``pool`` may be injected by tests (else one is started from ``config``)."""
    if pool is None:
        pool = WorkerPool(config.build_dir, size=config.workers, engine=config.engine)
    state = views.ServerState(config, pool, QueryGate(config, pool), ViewGate(), Pages())
    routes = [
        Route("/", views.root),
        Route("/view", views.view_focus),
        Route("/sparql", views.sparql, methods=["GET", "POST"]),
        Route("/.well-known/void", views.service_description),
        Route("/health", views.health),
        Route("/favicon.ico", views.favicon),
        Route("/query", views.query_page),
        Route("/report", views.report_page),
        Route("/id/{path:path}", views.entity),
        # the ledger (graph/sparql/compare.py owns it), through the same admission gate
        Route("/compare", compare.route(state.queries.run)),
        Mount("/static/yasgui", app=yasgui_app()),  # the npm package's bundle, two files only
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
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
    app.state.server = state
    return app


def run(config: ServerConfig) -> None:
    """Start the pool and uvicorn; print the URL; block until interrupted."""
    app = create_app(config)
    host = f"[{config.host}]" if ":" in config.host else config.host
    url = f"http://{host}:{config.port}/"
    print(
        f"cqkg: serving {config.build_dir} at {url} (SPARQL at {url}sparql, query page {url}query)"
    )
    state = app.state.server.pool.status()
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
