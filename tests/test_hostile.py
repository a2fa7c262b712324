"""The hostile-query corpus (``tests/hostile_corpus.py``) against every entry point we own.

In process, every variant: the safety check, ``run_query`` on both engines, and the viewer
for CONSTRUCT variants. Through ``cqkg query`` (inline and file, both engines) and
``cqkg view --query``: a deterministic sample in process (isolation stubbed, so only the check
stands between the query and the canary) and a smaller one in real subprocesses (isolated).
A loopback canary must see 0 connections throughout; benign queries must still be answered.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_corpus import Variant, benign, corpus, sample
from netns_support import stub_isolation  # noqa: F401 - autouse fixture
from query_support import Canary, make_build_dir
from typer.testing import CliRunner

from graph.cli import app
from graph.curation.styles import load_styles
from graph.model import InputError
from graph.sparql.engines import open_engine, precheck, run_query
from graph.sparql.errors import QueryError
from graph.view import render as view

runner = CliRunner()


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build_dir(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def engines(build_dir: Path) -> dict[str, object]:
    return {name: open_engine(name, build_dir) for name in ("oxigraph", "rdflib")}


@pytest.fixture(scope="module")
def canary_url() -> Iterator[tuple[Canary, str]]:
    c = Canary()
    try:
        yield c, f"http://127.0.0.1:{c.port}"
    finally:
        c.close()


def test_the_corpus_is_hundreds_of_distinct_variants() -> None:
    variants = corpus("http://127.0.0.1:1")
    assert len(variants) >= 500
    kinds = {v.name.split(":")[1].split("/")[0] for v in variants}
    for kind in ("service", "service-silent", "service-var", "load", "insert-data", "drop"):
        assert kind in kinds
    assert {"from-http", "from-named-file", "move", "copy", "add", "with"} <= kinds
    assert sum(v.construct for v in variants) >= 100


def test_every_variant_is_refused_in_process(
    engines: dict, build_dir: Path, canary_url: tuple[Canary, str]
) -> None:
    c, url = canary_url
    before = c.connections
    accepted: list[str] = []
    styles = load_styles()
    for v in corpus(url):
        try:
            precheck(v.query)
            accepted.append(v.name)
        except QueryError:
            pass
        for name, engine in engines.items():
            try:
                run_query(engine, v.query, max_rows=100)
                accepted.append(f"{name}:{v.name}")
            except QueryError:
                pass
        if v.construct:
            try:
                view.render_view(build_dir, view.ViewSpec(query=v.query), styles)
                accepted.append(f"view:{v.name}")
            except InputError:
                pass
    time.sleep(0.2)
    assert accepted == []
    assert c.connections == before


def test_the_grammar_alone_refuses_every_variant(
    monkeypatch: pytest.MonkeyPatch, canary_url: tuple[Canary, str]
) -> None:
    """The lexical keyword refusal is only a fast path: without it, the parse walk (SERVICE,
    DatasetClause, Update) or the parser's own refusal must stop every variant."""
    from graph.sparql import safety as query_safety

    _, url = canary_url
    monkeypatch.setattr(query_safety, "_keyword_refusal", lambda *a, **k: None)
    query_safety._cached.cache_clear()
    accepted = []
    try:
        for v in corpus(url):
            try:
                precheck(v.query)
                accepted.append(v.name)
            except QueryError:
                pass
    finally:
        query_safety._cached.cache_clear()
    assert accepted == []


def _cli_variants(url: str, n: int) -> list[Variant]:
    return sample(corpus(url), n)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_cqkg_query_refuses_a_sample_inline_and_from_a_file(
    engine: str, build_dir: Path, tmp_path: Path, canary_url: tuple[Canary, str]
) -> None:
    c, url = canary_url
    before = c.connections
    # the rdflib engine reloads the build per invocation (~0.3 s): a smaller sample
    for i, v in enumerate(_cli_variants(url, 40 if engine == "oxigraph" else 12)):
        rq = tmp_path / f"v{i}.rq"
        rq.write_text(v.query, encoding="utf-8")
        for spec in (v.query, str(rq)):
            res = runner.invoke(
                app, ["query", spec, "--engine", engine, "--build-dir", str(build_dir)]
            )
            assert res.exit_code == 2, (v.name, res.output)
            assert "Traceback" not in res.output
    time.sleep(0.2)
    assert c.connections == before


def test_cqkg_view_query_refuses_a_sample(
    build_dir: Path, tmp_path: Path, canary_url: tuple[Canary, str]
) -> None:
    c, url = canary_url
    before = c.connections
    constructs = [v for v in corpus(url) if v.construct]
    for i, v in enumerate(sample(constructs, 30)):
        rq = tmp_path / f"c{i}.rq"
        rq.write_text(v.query, encoding="utf-8")
        out = tmp_path / f"c{i}.html"
        res = runner.invoke(
            app, ["view", "--build-dir", str(build_dir), "--out", str(out), "--query", str(rq)]
        )
        assert res.exit_code == 2, (v.name, res.output)
        assert not out.exists()
    time.sleep(0.2)
    assert c.connections == before


@pytest.mark.parametrize(
    ("engine", "channel"), [("oxigraph", "inline"), ("rdflib", "file"), ("oxigraph", "view")]
)
def test_real_subprocesses_refuse_a_sample(
    engine: str, channel: str, build_dir: Path, tmp_path: Path, canary_url: tuple[Canary, str]
) -> None:
    c, url = canary_url
    before = c.connections
    cqkg = str(Path(sys.executable).parent / "cqkg")
    pool = [v for v in corpus(url) if v.construct] if channel == "view" else corpus(url)
    for i, v in enumerate(sample(pool, 2)):
        rq = tmp_path / f"s{i}.rq"
        rq.write_text(v.query, encoding="utf-8")
        if channel == "view":
            args = ["view", "--build-dir", str(build_dir), "--out", str(tmp_path / "s.html")]
            args += ["--query", str(rq)]
        else:
            spec = v.query if channel == "inline" else str(rq)
            args = ["query", spec, "--engine", engine, "--build-dir", str(build_dir)]
        res = subprocess.run([cqkg, *args], capture_output=True, text=True, timeout=60)
        assert res.returncode == 2, (v.name, res.stderr[-300:])
        assert "Traceback" not in res.stderr
    time.sleep(0.2)
    assert c.connections == before


@pytest.mark.parametrize("query", benign())
def test_benign_queries_are_still_answered(query: str, engines: dict, build_dir: Path) -> None:
    precheck(query)
    for engine in engines.values():
        run_query(engine, query, max_rows=10_000)
    fmt = "nt" if query.startswith(("CONSTRUCT", "DESCRIBE")) else "json"
    res = runner.invoke(app, ["query", query, "--build-dir", str(build_dir), "-f", fmt])
    assert res.exit_code == 0, res.output


# ---------------------------------------------------------------- the endpoint, every channel

CHANNELS = ("get", "form", "body", "update-form", "update-body")


@pytest.mark.server
@pytest.mark.slow
def test_the_endpoint_refuses_every_variant_in_every_channel(
    build_dir: Path, canary_url: tuple[Canary, str]
) -> None:
    """Every variant reaches a real ``cqkg serve`` (workers in their network namespace) by one
    of the protocol's channels in turn (GET ``query=``, POST form, POST
    ``application/sparql-query``, and the update channels), so each channel sees hundreds of
    variants: none may be answered 2xx, none may give a 5xx, and the canary sees nothing."""
    import httpx
    from query_support import ThreadServer

    from graph.serve.app import ServerConfig, create_app
    from graph.sparql.workers import WorkerPool

    c, url = canary_url
    before = c.connections
    config = ServerConfig(build_dir=build_dir, engine="oxigraph")
    pool = WorkerPool(build_dir, size=config.workers, engine=config.engine)
    server = ThreadServer(create_app(config, pool))
    answered: list[str] = []
    statuses: dict[int, int] = {}
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for i, v in enumerate(corpus(url)):
                channel = CHANNELS[i % len(CHANNELS)]
                if channel == "get" and len(v.query) > 8000:
                    channel = "body"  # httpx itself refuses such a URL (413 is tested elsewhere)
                if channel == "get":
                    r = client.get("/sparql", params={"query": v.query})
                elif channel == "form":
                    r = client.post("/sparql", data={"query": v.query})
                elif channel == "body":
                    r = client.post(
                        "/sparql",
                        content=v.query.encode("utf-8"),
                        headers={"Content-Type": "application/sparql-query"},
                    )
                elif channel == "update-form":
                    r = client.post("/sparql", data={"update": v.query})
                else:
                    r = client.post(
                        "/sparql",
                        content=v.query.encode("utf-8"),
                        headers={"Content-Type": "application/sparql-update"},
                    )
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                if r.status_code < 400 or r.status_code >= 500:
                    answered.append(f"{channel}:{v.name}:{r.status_code}")
            # the endpoint is still up and still answers a benign query
            ok = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            assert ok.status_code == 200, ok.text
    finally:
        server.stop()
        pool.close()
    time.sleep(0.2)
    assert answered == [], answered[:10]
    assert set(statuses) <= {400, 403, 413}, statuses
    assert c.connections == before
