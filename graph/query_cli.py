"""``cqkg query``, ``cqkg serve`` and ``cqkg push``.

Imports are lazy: ``cqkg query`` must start in well under a second, and importing rdflib,
starlette or httpx at CLI start would cost most of that budget for commands that never use them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer

BUILD_DIR_HELP = "Build output directory holding cqkg.nt and ontology.ttl."


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"cqkg: {message}", err=True)
    raise typer.Exit(code)


def _source(spec: str) -> str:
    """How error messages name the query: its shipped name or path, else 'the inline query'."""
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", spec) or (
        spec.endswith((".rq", ".sparql")) and "\n" not in spec
    ):
        return spec
    return "the inline query"


def _list_queries() -> None:
    """One line per shipped query, then one indented line per parameter with its default."""
    from graph.sparql.engines import list_queries

    queries = list_queries()
    width = max(len(q.name) for q in queries)
    for q in queries:
        typer.echo(f"{q.name.ljust(width)}  {q.summary}")
        for p in q.params:
            typer.echo(
                f"{'':{width}}    --bind {p.name}=VALUE  {p.description} (default: {p.default})"
            )


def query(
    query: str = typer.Argument(
        None,
        help="Inline SPARQL, a path to a .rq file, or the name of a shipped query (see --list).",
    ),
    list_: bool = typer.Option(
        False, "--list", help="List the shipped queries with their parameters and exit."
    ),
    bind: list[str] = typer.Option(
        [],
        "--bind",
        "-b",
        metavar="NAME=VALUE",
        help="Set a declared parameter (repeatable; a repeated NAME gives several values). "
        "The value is passed as a string literal with the default's language tag.",
    ),
    fmt: str = typer.Option(
        "table",
        "--format",
        "-f",
        help="table, csv, tsv, json, xml, md (SELECT/ASK); turtle, nt, jsonld (graph results).",
    ),
    engine: str = typer.Option("oxigraph", "--engine", help="oxigraph (default) or rdflib."),
    build_dir: Path = typer.Option(Path("build"), "--build-dir", help=BUILD_DIR_HELP),
    max_rows: int = typer.Option(10_000, "--max-rows", help="Refuse results with more rows."),
) -> None:
    """Run a SPARQL query against the built graph (prefixes cqo:, cqr:, rdfs:, ... predeclared)."""
    from graph.model import InputError
    from graph.sparql.engines import (
        GRAPH_FORMATS,
        RESULT_FORMATS,
        QueryError,
        bind_args,
        format_result,
        load_query,
        open_engine,
        run_query,
    )

    if list_:
        _list_queries()
        return
    if not query:
        _fail("give a query, a .rq file or a shipped query name (cqkg query --list)")
    if fmt not in RESULT_FORMATS + GRAPH_FORMATS:
        _fail(f"--format {fmt}: unknown (use {', '.join(RESULT_FORMATS + GRAPH_FORMATS)})")
    from graph.sparql import sandbox

    try:
        sandbox.isolate_cli("query")  # before any engine exists: no query reaches a socket
    except RuntimeError as exc:
        _fail(str(exc), 2)
    try:
        text = bind_args(load_query(query), bind, _source(query))
        eng = open_engine(engine, build_dir)
        result = run_query(eng, text, max_rows=max_rows)
        out = format_result(result, fmt)
    except InputError as exc:
        _fail(str(exc), exc.exit_code)
    except QueryError as exc:
        _fail(str(exc), 2)
    except ValueError as exc:
        _fail(str(exc), 2)
    sys.stdout.write(out)


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Interface to bind (loopback by default)."
    ),
    port: int = typer.Option(8000, "--port"),
    build_dir: Path = typer.Option(Path("build"), "--build-dir", help=BUILD_DIR_HELP),
    timeout: float = typer.Option(10.0, "--timeout", help="Per-query time limit in s (max 30)."),
    max_rows: int = typer.Option(10_000, "--max-rows", help="Refuse results with more rows."),
    workers: int = typer.Option(2, "--workers", help="Query worker processes."),
    cors: bool = typer.Option(False, "--cors", help="Send Access-Control-Allow-Origin: *."),
    engine: str = typer.Option("oxigraph", "--engine", help="oxigraph (default) or rdflib."),
    allow_host: list[str] = typer.Option(
        [], "--allow-host", help="Extra Host header value to accept (DNS-rebinding guard)."
    ),
) -> None:
    """Serve a read-only SPARQL 1.1 endpoint, entity pages and a query page."""
    from graph.model import InputError
    from graph.serve.app import ServerConfig, run

    if not 0 < timeout <= 30:
        _fail(f"--timeout {timeout:g}: must be > 0 and at most 30 s")
    config = ServerConfig(
        build_dir=build_dir,
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        cors=cors,
        engine=engine,
        extra_hosts=tuple(allow_host),
    )
    try:
        run(config)
    except InputError as exc:
        _fail(str(exc), exc.exit_code)


def push(
    endpoint: str = typer.Option(
        ..., "--endpoint", help="Graph Store Protocol URL, e.g. http://localhost:7878/store"
    ),
    graph: str = typer.Option(
        None, "--graph", help="Put everything into this one named graph (no per-source split)."
    ),
    default_graph: bool = typer.Option(
        False, "--default-graph", help="Put everything into the store's default graph."
    ),
    build_dir: Path = typer.Option(Path("build"), "--build-dir", help=BUILD_DIR_HELP),
    include_ontology: bool = typer.Option(
        True, "--ontology/--no-ontology", help="Also upload ontology.ttl."
    ),
    bulk: bool = typer.Option(
        False, "--bulk", help="Oxigraph's bulk loader (no_transaction): faster, not atomic."
    ),
    chunk_mib: float = typer.Option(
        8.0, "--chunk-mib", help="Send graphs in requests of about this many MiB."
    ),
    user: str = typer.Option(
        None, "--user", help="User for HTTP auth; the password is read from $CQKG_PUSH_PASSWORD."
    ),
    auth_scheme: str = typer.Option(
        "digest",
        "--auth",
        help="digest or basic (with --user), or bearer (token from $CQKG_PUSH_TOKEN).",
    ),
    force: bool = typer.Option(
        False, "--force", help="Re-send every graph, even those the store has (by digest)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines on stderr."),
) -> None:
    """Upload the build to a triple store (SPARQL 1.1 Graph Store HTTP Protocol).

    By default one named graph per source (from build/cqkg.nq) plus a shared one; unchanged
    graphs are skipped, so an interrupted push resumes where it stopped.
    """
    import os

    import httpx

    from graph.model import InputError
    from graph.sparql.push import PushError, bearer_auth
    from graph.sparql.push import push as do_push

    if graph and default_graph:
        _fail("--graph and --default-graph exclude each other")
    if not chunk_mib > 0:
        _fail(f"--chunk-mib {chunk_mib:g}: must be > 0")
    auth: httpx.Auth | None = None
    if auth_scheme == "bearer":
        token = os.environ.get("CQKG_PUSH_TOKEN")
        if not token:
            _fail("--auth bearer needs the token in $CQKG_PUSH_TOKEN")
        auth = bearer_auth(token or "")
    elif user:
        password = os.environ.get("CQKG_PUSH_PASSWORD")
        if password is None:
            _fail("--user needs the password in $CQKG_PUSH_PASSWORD")
        if auth_scheme not in {"digest", "basic"}:
            _fail(f"--auth {auth_scheme}: must be digest or basic")
        scheme = httpx.DigestAuth if auth_scheme == "digest" else httpx.BasicAuth
        auth = scheme(user, password or "")
    try:
        report = do_push(
            endpoint,
            build_dir,
            graph=graph,
            per_source=not default_graph,
            include_ontology=include_ontology,
            bulk=bulk,
            chunk_bytes=int(chunk_mib * (1 << 20)),
            auth=auth,
            progress=None if quiet else (lambda msg: typer.echo(msg, err=True)),
            force=force,
        )
    except (InputError, PushError) as exc:
        _fail(str(exc), getattr(exc, "exit_code", 1))
    typer.echo(report.summary())


def register(app: typer.Typer) -> None:
    """Attach ``query``, ``serve`` and ``push`` to the main app."""
    app.command("query")(query)
    app.command("serve")(serve)
    app.command("push")(push)
