"""``cqkg push`` against a real Oxigraph server (the ``oxigraph`` PyPI package) on loopback."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from query_support import free_port, make_build_dir
from SPARQLWrapper import JSON, SPARQLWrapper

from graph.push import PushError, push
from graph.query import list_queries, load_query, open_engine, run_query

pytestmark = [pytest.mark.server, pytest.mark.slow]

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
GRAPH = "https://w3id.org/cqkg/id/graph/data"


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build_dir(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen(
        [
            str(OXIGRAPH),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def _norm(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Numbers compare by value (1.50 == 1.5) across the two stores' lexical forms."""
    return sorted(
        tuple(c.rstrip("0").rstrip(".") if c[:1].isdigit() and "." in c else c for c in r)
        for r in rows
    )


def _rows(url: str, query: str) -> list[tuple[str, ...]]:
    from graph.namespaces import sparql_prologue

    client = SPARQLWrapper(f"{url}/query")
    client.setQuery(sparql_prologue() + query)
    client.setReturnFormat(JSON)
    data = client.query().convert()
    variables = data["head"]["vars"]
    return [
        tuple(b[v]["value"] if v in b else "" for v in variables)
        for b in data["results"]["bindings"]
    ]


def test_push_then_shipped_queries_match_local(build_dir: Path, store_url: str) -> None:
    report = push(f"{store_url}/store", build_dir, graph=GRAPH)
    assert report.files == ("cqkg.nt", "ontology.ttl")
    again = push(f"{store_url}/store", build_dir, graph=GRAPH)  # PUT replaces: idempotent
    assert again.bytes_sent == report.bytes_sent
    engine = open_engine("oxigraph", build_dir)
    local_count = run_query(engine, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }").rows[0][0]
    assert _rows(store_url, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == [(local_count.value,)]  # type: ignore[union-attr]
    for q in list_queries():
        res = run_query(engine, load_query(q.name))
        if res.kind != "select":
            continue
        local = [tuple("" if t is None else t.value for t in row) for row in res.rows]
        remote = _rows(store_url, q.text)
        assert _norm(remote) == _norm(local), q.name


def test_push_default_graph_and_errors(build_dir: Path, store_url: str, tmp_path: Path) -> None:
    report = push(f"{store_url}/store", build_dir, include_ontology=False)
    assert report.graph is None and report.files == ("cqkg.nt",)
    with pytest.raises(PushError, match="HTTP 404"):
        push(f"{store_url}/no-such-path", build_dir)
    with pytest.raises(Exception, match="run `cqkg build` first"):
        push(f"{store_url}/store", tmp_path)
