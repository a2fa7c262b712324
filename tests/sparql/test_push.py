"""``cqkg push`` against a real Oxigraph server (the ``oxigraph`` PyPI package) on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper
from store_support import Store, normalize, oxigraph, prologue, select

from graph.pipeline.run import BuildResult
from graph.sparql import push as push_module
from graph.sparql.catalogue import list_queries, load_query
from graph.sparql.engines import open_engine, run_query
from graph.sparql.push import (
    CATALOG_GRAPH,
    GRAPH_BASE,
    ONTOLOGY_GRAPH,
    PushError,
    digest_graph,
    push,
)

pytestmark = [pytest.mark.server, pytest.mark.slow]

GRAPH = "https://w3id.org/cqkg/id/graph/data"
SHARED = f"{GRAPH_BASE}shared"


@pytest.fixture(scope="module")
def ox_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with oxigraph(tmp_path_factory.mktemp("oxigraph"), union_default_graph=True) as store:
        yield store


@pytest.fixture(scope="module")
def store_url(ox_store: Store) -> str:
    return ox_store.gsp.rsplit("/", 1)[0]


def _norm(rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Numbers compare by value (1.50 == 1.5) across the two stores' lexical forms."""
    return sorted(
        tuple(c.rstrip("0").rstrip(".") if c[:1].isdigit() and "." in c else c for c in r)
        for r in rows
    )


def _rows(url: str, query: str) -> list[tuple[str, ...]]:
    client = SPARQLWrapper(f"{url}/query")
    client.setQuery(prologue() + query)
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
    httpx.delete(f"{store_url}/store", params={"graph": GRAPH})  # leave the store to the next


def test_push_default_graph_and_errors(build_dir: Path, store_url: str, tmp_path: Path) -> None:
    report = push(f"{store_url}/store", build_dir, per_source=False, include_ontology=False)
    assert report.graph is None and report.files == ("cqkg.nt",)
    with pytest.raises(PushError, match="HTTP 404"):
        push(f"{store_url}/no-such-path", build_dir, per_source=False)
    with pytest.raises(Exception, match="run `cqkg build` first"):
        push(f"{store_url}/store", tmp_path)
    with pytest.raises(Exception, match=r"cqkg\.nq: not found"):
        push(f"{store_url}/store", build_dir)  # the fixture dir predates the per-source file
    httpx.delete(f"{store_url}/store", params={"default": ""})


# --- one named graph per source ------------------------------------------------------------


def _graph_lines(store: Store, graph: str) -> set[str] | None:
    """The store's triples of ``graph`` as canonical N-Triples lines (None: no such graph)."""
    import pyoxigraph as ox

    accept = {"Accept": "application/n-triples"}
    resp = httpx.get(store.gsp, params={"graph": graph}, headers=accept)
    if resp.status_code == 404:
        return None
    resp.raise_for_status()
    return {f"{t} ." for t in ox.parse(resp.content, format=ox.RdfFormat.N_TRIPLES)}


def _fake_build(out: Path, graphs: dict[str, list[str]]) -> Path:
    """A build dir whose cqkg.nq holds ``graphs`` (name -> N-Triples lines), sorted."""
    out.mkdir(parents=True, exist_ok=True)
    nt = sorted(line for lines in graphs.values() for line in lines)
    (out / "cqkg.nt").write_text("".join(f"{line}\n" for line in nt), encoding="utf-8")
    nq = sorted((f"<{name}>", line) for name, lines in graphs.items() for line in lines)
    (out / "cqkg.nq").write_text(
        "".join(f"{line[:-2]} {name} .\n" for name, line in nq), encoding="utf-8"
    )
    return out


def _triples(tag: str, n: int) -> list[str]:
    return sorted(
        f'<https://example.org/{tag}/{i}> <https://example.org/p> "{tag} {i} 渝快辦"@zh-Hant .'
        for i in range(n)
    )


def _canonical(lines: list[str]) -> set[str]:
    import pyoxigraph as ox

    text = "".join(f"{line}\n" for line in lines).encode("utf-8")
    return {f"{t} ." for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}


def _src(name: str) -> str:
    return f"{GRAPH_BASE}source/{name}"


@pytest.fixture()
def fresh_store(tmp_path: Path) -> Iterator[Store]:
    with oxigraph(tmp_path / "store") as store:
        yield store


def test_a_changed_source_replaces_only_its_own_graph(fresh_store: Store, tmp_path: Path) -> None:
    graphs = {_src("a"): _triples("a", 5), _src("b"): _triples("b", 7), SHARED: _triples("s", 3)}
    build = _fake_build(tmp_path / "v1", graphs)
    first = push(fresh_store.gsp, build)
    assert sorted(first.uploaded) == sorted(graphs) and first.skipped == []
    for name, lines in graphs.items():
        assert _graph_lines(fresh_store, name) == _canonical(lines), name

    again = push(fresh_store.gsp, build)
    assert again.uploaded == [] and sorted(again.skipped) == sorted(graphs)
    assert again.bytes_sent == 0
    forced = push(fresh_store.gsp, build, force=True)
    assert sorted(forced.uploaded) == sorted(graphs) and forced.bytes_sent == first.bytes_sent

    changed = {**graphs, _src("b"): _triples("b2", 4)}
    second = push(fresh_store.gsp, _fake_build(tmp_path / "v2", changed))
    assert second.uploaded == [_src("b")]
    assert sorted(second.skipped) == sorted([_src("a"), SHARED])
    assert _graph_lines(fresh_store, _src("b")) == _canonical(_triples("b2", 4))
    assert _graph_lines(fresh_store, _src("a")) == _canonical(graphs[_src("a")])

    removed = {k: v for k, v in changed.items() if k != _src("a")}
    third = push(fresh_store.gsp, _fake_build(tmp_path / "v3", removed))
    assert third.deleted == [_src("a")] and third.uploaded == []
    assert _graph_lines(fresh_store, _src("a")) is None
    assert _graph_lines(fresh_store, digest_graph(_src("a"))) is None
    catalog = _graph_lines(fresh_store, CATALOG_GRAPH) or set()
    assert {line.split()[2][1:-1] for line in catalog} == set(removed)


def test_an_interrupted_push_resumes_and_never_trusts_a_half_written_graph(
    fresh_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    v1 = {_src("a"): _triples("a", 40), _src("b"): _triples("b", 40)}
    push(fresh_store.gsp, _fake_build(tmp_path / "v1", v1), chunk_bytes=512)
    v2 = {**v1, _src("b"): _triples("b-new", 40)}

    calls: list[str] = []
    real_send = push_module._Store.send

    def flaky(self: push_module._Store, method: str, graph: str | None, *a, **k):  # type: ignore[no-untyped-def]
        if method == "POST" and graph == _src("b"):
            raise PushError("simulated: connection lost half-way through <b>")
        calls.append(method)
        return real_send(self, method, graph, *a, **k)

    monkeypatch.setattr(push_module._Store, "send", flaky)
    with pytest.raises(PushError, match="half-way"):
        push(fresh_store.gsp, _fake_build(tmp_path / "v2", v2), chunk_bytes=512)
    monkeypatch.undo()
    half = _graph_lines(fresh_store, _src("b"))
    assert half is not None and 0 < len(half) < 40  # the first chunk of v2 only
    assert _graph_lines(fresh_store, digest_graph(_src("b"))) is None  # so it is not trusted

    # Back to v1: b's old digest must not be believed, the store holds part of v2.
    resumed = push(fresh_store.gsp, _fake_build(tmp_path / "v1-again", v1), chunk_bytes=512)
    assert resumed.uploaded == [_src("b")] and resumed.skipped == [_src("a")]
    assert _graph_lines(fresh_store, _src("b")) == _canonical(v1[_src("b")])


def test_upload_is_chunked_and_bulk_mode_loads_the_same(
    fresh_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graphs = {_src("a"): _triples("a", 300), SHARED: _triples("s", 10)}
    build = _fake_build(tmp_path / "b", graphs)
    bodies: list[tuple[str, dict[str, str], int]] = []
    real_request = httpx.Client.request

    def spy(self: httpx.Client, method: str, url: str, **kw):  # type: ignore[no-untyped-def]
        bodies.append((method, dict(kw.get("params") or {}), len(kw.get("content") or b"")))
        return real_request(self, method, url, **kw)

    monkeypatch.setattr(httpx.Client, "request", spy)
    messages: list[str] = []
    report = push(fresh_store.gsp, build, chunk_bytes=4096, bulk=True, progress=messages.append)
    monkeypatch.undo()
    longest = max(len(line.encode()) + 1 for lines in graphs.values() for line in lines)
    a_puts = [b for b in bodies if b[1].get("graph") == _src("a") and b[0] in {"PUT", "POST"}]
    assert len(a_puts) > 5  # many requests, none holding the whole graph
    assert max(size for _, _, size in a_puts) < 4096 + longest
    assert all(m == "POST" and "no_transaction" in params for m, params, _ in a_puts)
    assert report.requests == len(bodies)
    assert _graph_lines(fresh_store, _src("a")) == _canonical(graphs[_src("a")])
    assert any(m.startswith("[1/2] ") and "uploaded" in m for m in messages), messages


def test_per_source_push_of_the_real_build_answers_like_local(
    built: BuildResult, ox_store: Store
) -> None:
    report = push(ox_store.gsp, built.out_dir)
    sources = [g for g in report.uploaded if g.startswith(f"{GRAPH_BASE}source/")]
    assert sources and SHARED in report.uploaded and ONTOLOGY_GRAPH in report.uploaded
    graphs = [*sources, SHARED, ONTOLOGY_GRAPH]
    engine = open_engine("oxigraph", built.out_dir)
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    local_n = run_query(engine, count).rows[0][0]
    assert select(ox_store, count, graphs) == [(local_n.value,)]  # type: ignore[union-attr]
    for q in list_queries():
        res = run_query(engine, load_query(q.name))
        if res.kind != "select":
            continue
        local = [tuple("" if t is None else t.value for t in row) for row in res.rows]
        assert normalize(select(ox_store, q.text, graphs)) == normalize(local), q.name


def test_cli_reports_progress_and_fails_in_one_line(built: BuildResult, ox_store: Store) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    cmd = [sys.executable, "-m", "graph", "push", "--build-dir", str(built.out_dir)]
    ok = subprocess.run(
        [*cmd, "--endpoint", ox_store.gsp], capture_output=True, text=True, env=env, timeout=120
    )
    assert ok.returncode == 0, ok.stderr
    assert "named graph(s)" in ok.stdout
    assert any(line.startswith("[1/") for line in ok.stderr.splitlines()), ok.stderr
    bad = subprocess.run(
        [*cmd, "--endpoint", ox_store.gsp.replace("/store", "/nowhere"), "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 1
    assert len(bad.stderr.strip().splitlines()) == 1 and "HTTP 404" in bad.stderr, bad.stderr
    down = subprocess.run(
        [*cmd, "--endpoint", "http://127.0.0.1:9/store", "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert down.returncode == 1
    assert len(down.stderr.strip().splitlines()) == 1 and "ConnectError" in down.stderr


def cmd_push(built: BuildResult) -> list[str]:
    return [sys.executable, "-m", "graph", "push", "--build-dir", str(built.out_dir)]


def test_bearer_auth_sends_the_token_and_the_cli_wants_it_from_the_environment(
    built: BuildResult,
) -> None:
    from graph.sparql.push import bearer_auth

    request = next(bearer_auth("t0k3n").auth_flow(httpx.Request("PUT", "http://127.0.0.1/")))
    assert request.headers["Authorization"] == "Bearer t0k3n"
    env = {k: v for k, v in os.environ.items() if k != "CQKG_PUSH_TOKEN"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    res = subprocess.run(
        [*cmd_push(built), "--endpoint", "http://127.0.0.1:9/", "--auth", "bearer"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert res.returncode == 2 and "CQKG_PUSH_TOKEN" in res.stderr
