"""``cqkg query``, ``serve``, ``push``, ``compare``, ``view`` and ``analyze``: the commands that
use a finished build.

Each reads the build through the one engine path (``graph.sparql.engines``), the server or the
Graph Store upload, and cuts the network first where a query runs (:func:`_isolate`); errors
go through
``graph.cli._handled`` (one line, the table's exit code).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from graph.cli import BUILD_DIR_HELP, BUILD_OF_HELP, _handled, _refuse, app
from graph.model import InputError
from graph.sparql.formats import GRAPH_FORMATS, RESULT_FORMATS  # the registry; no engine import

if TYPE_CHECKING:
    import httpx

# ---------------------------------------------------------------- query, serve, push, compare


def _source(spec: str) -> str:
    """How error messages name the query: its shipped name or path, else 'the inline query'."""
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", spec) or (
        spec.endswith((".rq", ".sparql")) and "\n" not in spec
    ):
        return spec
    return "the inline query"


def _list_queries() -> None:
    """One line per shipped query, then one indented line per parameter with its default."""
    from graph.sparql.catalogue import list_queries

    queries = list_queries()
    width = max(len(q.name) for q in queries)
    for q in queries:
        typer.echo(f"{q.name.ljust(width)}  {q.summary}")
        for p in q.params:
            typer.echo(
                f"{'':{width}}    --bind {p.name}=VALUE  {p.description} (default: {p.default})"
            )


def _isolate(command: str) -> None:
    """Cut the network before any engine exists: no query reaches a socket."""
    from graph.sparql import sandbox

    try:
        sandbox.isolate_cli(command)
    except RuntimeError as exc:
        raise InputError(str(exc)) from None


@app.command("query")
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
        help=f"{', '.join(RESULT_FORMATS)} (SELECT/ASK); {', '.join(GRAPH_FORMATS)} (graph).",
    ),
    engine: str = typer.Option("oxigraph", "--engine", help="oxigraph (default) or rdflib."),
    build_dir: Path = typer.Option(Path("build"), "--build-dir", help=BUILD_DIR_HELP),
    max_rows: int = typer.Option(10_000, "--max-rows", help="Refuse results with more rows."),
) -> None:
    """Run a SPARQL query against the built graph (prefixes cqo:, cqr:, rdfs:, ... predeclared)."""
    from graph.sparql import formats
    from graph.sparql.catalogue import bind_args, load_query
    from graph.sparql.engines import open_engine, run_query

    if list_:
        _list_queries()
        return
    with _handled("cqkg: "):
        if not query:
            _refuse("give a query, a .rq file or a shipped query name (cqkg query --list)")
        if formats.by_name(fmt) is None:
            _refuse(f"--format {fmt}: unknown (use {', '.join(f.name for f in formats.offered())})")
        _isolate("query")
        text = bind_args(load_query(query), bind, _source(query))
        eng = open_engine(engine, build_dir)
        result = run_query(eng, text, max_rows=max_rows)
        out = formats.format_result(result, fmt)
    sys.stdout.write(out)


@app.command("serve")
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
    from graph.serve.app import ServerConfig, run

    with _handled("cqkg: "):
        if not 0 < timeout <= 30:
            _refuse(f"--timeout {timeout:g}: must be > 0 and at most 30 s")
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
        run(config)


@app.command("push")
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
    from graph.sparql.push import push as do_push

    with _handled("cqkg: "):
        if graph and default_graph:
            _refuse("--graph and --default-graph exclude each other")
        if not chunk_mib > 0:
            _refuse(f"--chunk-mib {chunk_mib:g}: must be > 0")
        report = do_push(
            endpoint,
            build_dir,
            graph=graph,
            per_source=not default_graph,
            include_ontology=include_ontology,
            bulk=bulk,
            chunk_bytes=int(chunk_mib * (1 << 20)),
            auth=_push_auth(auth_scheme, user),
            progress=None if quiet else (lambda msg: typer.echo(msg, err=True)),
            force=force,
        )
    typer.echo(report.summary())


def _push_auth(scheme: str, user: str | None) -> httpx.Auth | None:
    """The HTTP auth of ``cqkg push``; secrets come from the environment, never from argv."""
    import os

    import httpx

    from graph.sparql.push import bearer_auth

    if scheme == "bearer":
        token = os.environ.get("CQKG_PUSH_TOKEN")
        if not token:
            _refuse("--auth bearer needs the token in $CQKG_PUSH_TOKEN")
        return bearer_auth(token)
    if not user:
        return None
    password = os.environ.get("CQKG_PUSH_PASSWORD")
    if password is None:
        _refuse("--user needs the password in $CQKG_PUSH_PASSWORD")
    if scheme not in {"digest", "basic"}:
        _refuse(f"--auth {scheme}: must be digest or basic")
    auth = httpx.DigestAuth if scheme == "digest" else httpx.BasicAuth
    return auth(user, password)


@app.command("compare")
def compare(
    edition: list[str] = typer.Option(
        [], "--edition", help="A report edition (year); give two: --edition 2022 --edition 2023."
    ),
    source: list[str] = typer.Option(
        [], "--source", help="A source id (its folder name); give two instead of editions."
    ),
    fmt: str = typer.Option("md", "--format", "-f", help="md (default) or csv."),
    engine: str = typer.Option("oxigraph", "--engine", help="oxigraph (default) or rdflib."),
    build_dir: Path = typer.Option(
        Path("build"), "--build-dir", help="Build output directory holding cqkg.nt."
    ),
) -> None:
    """Ledger of two editions or two sources: shared indicators, growth checks, conflicts."""
    from graph.sparql.compare import run_cli

    with _handled("cqkg: "):
        out = run_cli(edition, source, fmt, build_dir, engine)
    sys.stdout.write(out)


# ---------------------------------------------------------------- view and analyze


@app.command("view")
def view(
    build_dir: Path = typer.Option(Path("build"), "--build-dir", help=BUILD_OF_HELP),
    out: Path = typer.Option(Path("build/viewer.html"), "--out", help="HTML file to write."),
    focus: str = typer.Option(
        "", "--focus", help="Ego network of an entity: label (any script), id or IRI."
    ),
    hops: int = typer.Option(
        2, "--hops", help="Steps from --focus (themes are not walked through)."
    ),
    section: str = typer.Option(
        "", "--section", help="Entities mentioned in one theme (id or heading)."
    ),
    query: Path | None = typer.Option(
        None, "--query", help="Draw the result of a CONSTRUCT query file."
    ),
    observations: bool = typer.Option(False, "--observations", help="Draw figures as nodes too."),
    lang: str = typer.Option("hant", "--lang", help="Initial labels: hant, hans or en."),
    budget: int = typer.Option(
        1500,
        "--budget",
        help="Above this many nodes the full view draws the best connected and groups "
        "the rest by class (0 = draw every node).",
    ),
) -> None:
    """Write the graph as ONE self-contained HTML file (works offline, no CDN)."""
    from graph.view.render import ViewSpec, render_view, write_html

    with _handled(""):
        if budget < 0:
            _refuse(f"--budget {budget}: must be 0 or more")
        if sum(bool(x) for x in (focus, section, query)) > 1:
            _refuse("view: give only one of --focus, --section, --query")
        text = ""
        if query is not None:
            _isolate("view")  # before the engine is opened
            try:
                text = query.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{query}: cannot read ({exc})") from None
        spec = ViewSpec(
            observations=observations,
            focus=focus,
            hops=hops,
            section=section,
            query=text,
            lang=lang,
            budget=budget,
        )
        t0 = time.perf_counter()
        html = render_view(build_dir, spec)
        write_html(html, out)
    typer.echo(f"wrote {out} ({len(html.encode('utf-8'))} bytes, {time.perf_counter() - t0:.2f} s)")


@app.command("analyze")
def analyze(
    build_dir: Path = typer.Option(Path("build"), "--build-dir", help=BUILD_OF_HELP),
    path: tuple[str, str] | None = typer.Option(
        None, "--path", help="Shortest chain between two entities: --path A B."
    ),
    export_dir: Path | None = typer.Option(
        None, "--export-dir", help="Write cqkg-network.graphml and .gexf here."
    ),
    lang: str = typer.Option("hant", "--lang", help="Labels in the report: hant, hans or en."),
) -> None:
    """Counts per class and relation, components, central entities, paths; GraphML/GEXF."""
    from graph.view import analyze as an

    with _handled(""):
        if lang not in ("hant", "hans", "en"):
            _refuse(f"--lang {lang}: choose one of hant, hans, en")
        result, g, idx, styles = an.run(build_dir, lang)
        sys.stdout.write(an.format_report(result))
        if path:
            steps = an.shortest_chain(g, idx, styles, path[0], path[1], lang)
            typer.echo(f"path ({len(steps)} steps): {an.format_chain(steps)}")
        if export_dir is not None:
            for written in an.export(g, idx, styles, export_dir):
                typer.echo(f"wrote {written}")
