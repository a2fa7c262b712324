"""The endpoint's pages and protocol, driven with SPARQLWrapper and httpx over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from query_support import ThreadServer, make_build_dir
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from graph.serve import pages
from graph.serve.app import ServerConfig, create_app, negotiate
from graph.sparql.catalogue import list_queries, load_query
from graph.sparql.engines import open_engine, run_query
from graph.sparql.workers import WorkerPool

pytestmark = [pytest.mark.server]


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build_dir(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def server(build_dir: Path) -> Iterator[ThreadServer]:
    config = ServerConfig(build_dir=build_dir)
    pool = WorkerPool(build_dir, size=2)
    srv = ThreadServer(create_app(config, pool))
    yield srv
    srv.stop()
    pool.close()


def test_sparqlwrapper_gets_the_same_answers_as_the_engine(
    server: ThreadServer, build_dir: Path
) -> None:
    engine = open_engine("oxigraph", build_dir)
    for q in list_queries():
        client = SPARQLWrapper(f"{server.url}/sparql")
        client.setQuery(q.text)
        local = run_query(engine, load_query(q.name))
        if local.kind == "graph":
            client.setReturnFormat(TURTLE)
            import rdflib

            data = client.query().convert()
            graph = rdflib.Graph().parse(data=data, format="turtle")
            assert len(graph) == len(local.triples), q.name
            continue
        client.setReturnFormat(JSON)
        data = client.query().convert()
        remote = [
            tuple(b[v]["value"] if v in b else "" for v in data["head"]["vars"])
            for b in data["results"]["bindings"]
        ]
        assert remote == [tuple("" if t is None else t.value for t in r) for r in local.rows]


@pytest.mark.parametrize("fmt", [XML, CSV])
def test_sparqlwrapper_other_formats(server: ThreadServer, fmt: str) -> None:
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(load_query("organizers"))
    client.setReturnFormat(fmt)
    result = client.query()
    assert result.response.status == 200
    body = result.response.read().decode("utf-8")
    assert "市委網信辦" in body


def test_service_description_and_void(server: ThreadServer) -> None:
    for path in ("/sparql", "/.well-known/void"):
        resp = httpx.get(server.url + path, timeout=5)
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/turtle")
        assert "sd:SPARQL11Query" in resp.text and "void:triples" in resp.text


def test_entity_page_html_turtle_jsonld(server: ThreadServer) -> None:
    page = httpx.get(f"{server.url}/id/platform/yukuaiban", timeout=5)
    assert page.status_code == 200 and "2637萬人" in page.text and "2.7億件" in page.text
    assert "text/html" in page.headers["content-type"]
    ttl = httpx.get(
        f"{server.url}/id/platform/yukuaiban", headers={"Accept": "text/turtle"}, timeout=5
    )
    assert ttl.headers["content-type"].startswith("text/turtle") and "渝快辦" in ttl.text
    js = httpx.get(
        f"{server.url}/id/platform/yukuaiban", headers={"Accept": "application/ld+json"}, timeout=5
    )
    assert js.status_code == 200 and js.json()
    assert httpx.get(f"{server.url}/id/platform/nothing-here", timeout=5).status_code == 404
    assert httpx.get(f"{server.url}/id/a>b", timeout=5).status_code == 404


def test_query_page_is_offline_and_lists_examples(
    server: ThreadServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the plain editor (YASGUI not installed); the YASGUI page is tests/serve/test_yasgui.py
    monkeypatch.setattr(pages, "YASGUI_BUILD", tmp_path / "no-yasgui")
    page = httpx.get(f"{server.url}/query", timeout=5)
    assert page.status_code == 200
    assert (
        '<script src="http' not in page.text
        and '<link rel="stylesheet" href="http' not in page.text
    )
    assert 'src="/static/query.js"' in page.text and "cdn" not in page.text.lower()
    for q in list_queries():
        assert f'value="{q.name}"' in page.text
    assert "content-security-policy" in page.headers
    js = httpx.get(f"{server.url}/static/query.js", timeout=5)
    assert js.status_code == 200 and "innerHTML" not in js.text
    # each example carries its --bind parameters, shown as a hint when it is chosen
    import json
    import re

    blob = re.search(r'<script type="application/json" id="example-data">(.*?)</script>', page.text)
    assert blob is not None
    examples = {e["name"]: e for e in json.loads(blob.group(1))}
    assert [p["name"] for p in examples["figure-source"]["params"]] == ["stated"]
    assert examples["organizers"]["params"] == []
    assert httpx.get(f"{server.url}/favicon.ico", timeout=5).status_code == 204


def test_health_and_root(server: ThreadServer) -> None:
    assert httpx.get(f"{server.url}/health", timeout=5).json()["status"] == "ok"
    root = httpx.get(f"{server.url}/", timeout=5, follow_redirects=False)
    assert root.status_code in (200, 307)


def test_negotiate() -> None:
    assert negotiate(None, "select") == ("json", "application/sparql-results+json")
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", "select") == (
        "xml",
        "application/sparql-results+xml",
    )
    assert negotiate("application/n-triples", "graph") == ("nt", "application/n-triples")
    assert negotiate("image/png", "select") is None
