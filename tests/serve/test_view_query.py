"""``/view?query=``: a CONSTRUCT/DESCRIBE result drawn in the network viewer (issue 12).

The route must take the path of every ``/sparql`` query (gate, worker pool, parse-based check)
and the viewer's own builder and renderer: the page it serves is byte for byte the page
``cqkg view --query`` writes for the same query. SELECT/ASK and malformed requests are 400s,
hostile queries reach nothing (a loopback canary counts connections), and strings from the
result reach the page only inside its escaped JSON block.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hostile_corpus import corpus, sample
from query_support import Canary, ThreadServer, make_build_dir

from graph.serve.app import ServerConfig, create_app
from graph.sparql.workers import WorkerPool
from graph.view import render

pytestmark = [pytest.mark.server]

CQO = "https://w3id.org/cqkg/ontology#"
CQR = "https://w3id.org/cqkg/id/"
ORGANIZERS = (
    f"PREFIX cqo: <{CQO}>\nCONSTRUCT {{ ?e cqo:organizer ?a }} WHERE {{ ?e cqo:organizer ?a }}"
)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build_dir(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def server(build_dir: Path) -> Iterator[ThreadServer]:
    pool = WorkerPool(build_dir, size=1)
    srv = ThreadServer(create_app(ServerConfig(build_dir=build_dir), pool))
    yield srv
    srv.stop()
    pool.close()


def view(server: ThreadServer, **params: str | list[str]) -> httpx.Response:
    return httpx.get(f"{server.url}/view", params=params, timeout=60)


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="cqkg-data">(.*?)</script>', html, re.S)
    assert m, "data block missing"
    return json.loads(m.group(1))


def test_a_construct_result_is_drawn_with_the_viewers_builder_and_renderer(
    server: ThreadServer, build_dir: Path
) -> None:
    r = view(server, query=ORGANIZERS)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == render.CSP  # the viewer's, not the endpoint's
    data = page_data(r.text)
    ids = {n["id"] for n in data["nodes"]}
    assert {f"{CQR}agency/cq-cac", f"{CQR}event/report-press-conference"} <= ids
    assert all(i.startswith(CQR) for i in ids)
    assert len(data["edges"]) >= 3 and {e["p"] for e in data["edges"]} == {CQO + "organizer"}
    # the same page `cqkg view --query` writes: one network builder, one renderer
    assert r.text == render.render_view(build_dir, render.ViewSpec(query=ORGANIZERS))


def test_a_describe_result_is_drawn_too(server: ThreadServer) -> None:
    r = view(server, query=f"DESCRIBE <{CQR}platform/yukuaiban>")
    assert r.status_code == 200, r.text[:300]
    ids = {n["id"] for n in page_data(r.text)["nodes"]}
    assert f"{CQR}platform/yukuaiban" in ids and len(ids) >= 2


@pytest.mark.parametrize(
    ("query", "form"),
    [("SELECT * WHERE { ?s ?p ?o } LIMIT 3", "SELECT"), ("ASK { ?s ?p ?o }", "ASK")],
)
def test_select_and_ask_are_refused_with_a_clear_400(
    server: ThreadServer, query: str, form: str
) -> None:
    r = view(server, query=query)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/json")
    message = r.json()["message"]
    assert "CONSTRUCT or DESCRIBE" in message and form in message and "/query" in message


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"query": ""}, "non-empty"),
        ({"query": "  \n"}, "non-empty"),
        ({"query": [ORGANIZERS, ORGANIZERS]}, "exactly one"),
        ({"query": ORGANIZERS, "focus": "渝快辦"}, "not both"),
    ],
)
def test_malformed_requests_are_400(server: ThreadServer, params: dict, needle: str) -> None:
    r = view(server, **params)
    assert r.status_code == 400 and needle in r.json()["message"]


def test_syntax_errors_and_refusals_keep_the_endpoints_messages(server: ThreadServer) -> None:
    bad = view(server, query="CONSTRUCT { WHERE")
    assert bad.status_code == 400 and bad.json()["error"] == "syntax"
    service = view(
        server, query="CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    )
    assert service.status_code == 400 and "SERVICE is disabled" in service.json()["message"]
    update = view(server, query="DROP ALL")
    assert update.status_code == 400 and "read-only" in update.json()["message"]


def test_hostile_queries_reach_nothing(server: ThreadServer) -> None:
    """Every CONSTRUCT variant of the hostile corpus and a sample of the rest (the route takes
    any query text, so SELECTs and Updates are hostile input too): never 2xx, never 5xx, and
    the loopback canary named in them sees no connection."""
    c = Canary()
    try:
        url = f"http://127.0.0.1:{c.port}"
        variants = corpus(url)
        # httpx refuses to send a URL component over ~64 KiB (the 5,000-deep nesting bombs);
        # the 65-deep ones of every kind are sent, and /sparql takes the deep ones by POST
        chosen = [v for v in variants if v.construct and len(v.query) < 8000] + sample(
            [v for v in variants if not v.construct and len(v.query) < 8000], 120
        )
        assert len(chosen) >= 200
        statuses: dict[int, int] = {}
        answered = []
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for v in chosen:
                r = client.get("/view", params={"query": v.query})
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                if not 400 <= r.status_code < 500:
                    answered.append(f"{v.name}:{r.status_code}")
            assert client.get("/view", params={"query": ORGANIZERS}).status_code == 200
        assert answered == [], answered[:10]
        assert set(statuses) <= {400, 403, 413}, statuses
        assert c.connections == 0
    finally:
        c.close()


def test_every_string_of_the_result_is_escaped(server: ThreadServer) -> None:
    """IRIs of the result the build has never seen become nodes labelled by their local name;
    characters that mean something in HTML travel only inside the JSON block (as \\u escapes),
    percent-encoded markup stays inert text, and the query text is not echoed at all."""
    hostile = "urn:x:it's&amp;%3C/script%3E%3Cimg%20src=x%20onerror=alert(1)%3E"
    q = (
        "# </script><script>alert('query')</script>\n"
        f"CONSTRUCT {{ <{CQR}platform/yukuaiban> <urn:p:a&b> ?o }}\n"
        f'WHERE {{ BIND(IRI("{hostile}") AS ?o) }}'
    )
    r = view(server, query=q)
    assert r.status_code == 200, r.text[:300]
    assert "alert('query')" not in r.text and "<img" not in r.text
    plain = view(server, query=ORGANIZERS).text  # the same page with harmless data
    for tag in ("<script", "</script>", "<style", "</style>"):
        assert r.text.count(tag) == plain.count(tag), tag  # nothing opened or closed early
    block = re.search(r'id="cqkg-data">(.*?)</script>', r.text, re.S)
    assert block is not None and "<" not in block.group(1) and "&" not in block.group(1)
    data = page_data(r.text)
    assert hostile in {n["id"] for n in data["nodes"]}
    assert "urn:p:a&b" in {e["p"] for e in data["edges"]}


def test_the_query_view_keeps_the_node_budget(build_dir: Path) -> None:
    """A CONSTRUCT of the whole graph is folded like the full view once over the budget."""
    q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    whole = page_data(render.render_view(build_dir, render.ViewSpec(query=q, budget=0)))
    folded = page_data(render.render_view(build_dir, render.ViewSpec(query=q, budget=20)))
    assert len(whole["nodes"]) > 20 and not whole["aggregated"]
    assert folded["aggregated"] and len(folded["nodes"]) <= 20
    assert folded["total"] == whole["total"]  # nothing dropped: the aggregates count the rest
