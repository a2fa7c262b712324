"""docs/security.md checks 10-22 against a real uvicorn server on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from query_support import ThreadServer, canary, make_build_dir

from graph.serve.app import ServerConfig, create_app
from graph.sparql.workers import WorkerPool

pytestmark = [pytest.mark.server, pytest.mark.slow]

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build_dir(tmp_path_factory.mktemp("build"))


def _serve(build_dir: Path, **kw: object) -> Iterator[tuple[ThreadServer, WorkerPool]]:
    config = ServerConfig(build_dir=build_dir, **kw)  # type: ignore[arg-type]
    pool = WorkerPool(build_dir, size=config.workers, engine=config.engine)
    server = ThreadServer(create_app(config, pool))
    try:
        yield server, pool
    finally:
        server.stop()
        pool.close()


@pytest.fixture(scope="module")
def ox_server(build_dir: Path) -> Iterator[tuple[ThreadServer, WorkerPool]]:
    yield from _serve(build_dir, engine="oxigraph")


@pytest.fixture(scope="module")
def rdflib_server(build_dir: Path) -> Iterator[tuple[ThreadServer, WorkerPool]]:
    yield from _serve(build_dir, engine="rdflib", workers=1)


def _get(server: ThreadServer, query: str, **params: str) -> httpx.Response:
    return httpx.get(f"{server.url}/sparql", params={"query": query, **params}, timeout=40)


# -- 10. SERVICE ----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE SILENT <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/x> AS ?svc) "
        "SERVICE ?svc {{ ?s ?p ?o }} }}",
        "select * where {{ service <http://localhost:{port}/x> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_rejected_and_canary_gets_nothing(
    engine: str, template: str, ox_server: tuple, rdflib_server: tuple
) -> None:
    server = (ox_server if engine == "oxigraph" else rdflib_server)[0]
    with canary() as c:
        start = time.monotonic()
        resp = _get(server, template.format(port=c.port))
        elapsed = time.monotonic() - start
        time.sleep(0.2)
        assert c.connections == 0
    assert resp.status_code == 400
    assert resp.json()["message"] == "SERVICE is disabled on this endpoint"
    assert elapsed < 0.2


def test_rdflib_worker_audit_hook_blocks_service_even_without_precheck(
    rdflib_server: tuple,
) -> None:
    """Defence in depth: skip the lexical check; the worker's audit hook must stop the socket."""
    _, pool = rdflib_server
    with canary() as c:
        q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{c.port}/x> {{ ?s ?p ?o }} }}"
        with pytest.raises(Exception) as info:
            pool.submit(q, timeout=10, max_rows=10, checked=False)
        time.sleep(0.2)
        assert c.connections == 0
    assert "denied" in str(info.value)


# -- 11. FROM / file access -----------------------------------------------------------------


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    "template",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "PREFIX c: <http://127.0.0.1:{port}/> SELECT * FROM c:g WHERE {{ ?s ?p ?o }}",
    ],
)
def test_from_unknown_graph_is_rejected(
    engine: str, template: str, ox_server: tuple, rdflib_server: tuple
) -> None:
    server = (ox_server if engine == "oxigraph" else rdflib_server)[0]
    with canary() as c:
        resp = _get(server, template.format(port=c.port))
        time.sleep(0.1)
        assert c.connections == 0
    assert resp.status_code == 400
    assert "not a graph of this store" in resp.json()["message"]


def test_from_a_graph_of_the_store_is_answered(ox_server: tuple) -> None:
    q = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/cqkg/id/graph/data> WHERE { ?s ?p ?o }"
    resp = _get(ox_server[0], q)
    assert resp.status_code == 200
    assert int(resp.json()["results"]["bindings"][0]["n"]["value"]) > 1000


def test_rdflib_load_graphs_is_off_in_workers(build_dir: Path) -> None:
    import rdflib.plugins.sparql as rsparql

    from graph.sparql.engines import open_engine

    open_engine("rdflib", build_dir)
    assert rsparql.SPARQL_LOAD_GRAPHS is False
    assert rsparql.SPARQL_DEFAULT_GRAPH_UNION is True


def test_worker_guard_denies_files_and_sockets(build_dir: Path, tmp_path: Path) -> None:
    """The audit hook a worker installs: no open outside the build dir, no connect."""
    with canary() as c:
        script = tmp_path / "guard.py"
        script.write_text(
            "import socket, sys\n"
            "from pathlib import Path\n"
            "from graph.sparql.workers import install_guard\n"
            f"install_guard(Path({str(build_dir)!r}))\n"
            f"open({str(build_dir / 'cqkg.nt')!r}).close()\n"
            "for action in ('open', 'write', 'connect'):\n"
            "    try:\n"
            "        if action == 'open': open('/etc/passwd').read()\n"
            f"        if action == 'write': open({str(build_dir / 'x')!r}, 'w')\n"
            f"        if action == 'connect': socket.create_connection(('127.0.0.1', {c.port}))\n"
            "        print(action, 'allowed')\n"
            "    except PermissionError as exc:\n"
            "        print(action, 'denied')\n",
            encoding="utf-8",
        )
        out = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, cwd=Path.cwd()
        )
        time.sleep(0.1)
        assert c.connections == 0
    assert out.stdout.split("\n")[:3] == ["open denied", "write denied", "connect denied"]
    assert not (build_dir / "x").exists()


# -- 12. Updates ----------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
    "DELETE DATA { <http://e/s> <http://e/p> <http://e/o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/x>",
    "CLEAR ALL",
    "DROP DEFAULT",
    "CREATE GRAPH <http://e/g>",
    "COPY DEFAULT TO <http://e/g>",
    "MOVE DEFAULT TO <http://e/g>",
    "ADD DEFAULT TO <http://e/g>",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


def _count(server: ThreadServer) -> int:
    resp = _get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(resp.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_every_way(update: str, ox_server: tuple) -> None:
    server = ox_server[0]
    before = _count(server)
    via_query = _get(server, update)
    via_param = httpx.post(f"{server.url}/sparql", data={"update": update}, timeout=10)
    via_body = httpx.post(
        f"{server.url}/sparql",
        content=update.encode(),
        headers={"Content-Type": "application/sparql-update"},
        timeout=10,
    )
    for resp in (via_query, via_param, via_body):
        assert resp.status_code == 400
        assert "read-only endpoint" in resp.json()["message"]
    assert _count(server) == before


# -- 13. Timeouts ---------------------------------------------------------------------------


def test_expensive_query_is_killed_and_next_query_is_fast(ox_server: tuple) -> None:
    server, pool = ox_server
    before = set(pool.pids())
    start = time.monotonic()
    resp = _get(server, EXPENSIVE, timeout="1")
    elapsed = time.monotonic() - start
    assert resp.status_code == 503
    assert resp.json() == {"error": "timeout", "limit_s": 1}
    assert elapsed < 3
    killed = before - set(pool.pids())
    assert len(killed) == 1
    pid = killed.pop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    start = time.monotonic()
    ok = _get(server, "ASK { ?s ?p ?o }")
    assert ok.status_code == 200 and ok.json()["boolean"] is True
    assert time.monotonic() - start < 1
    deadline = time.monotonic() + 10
    while len(pool.pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(pool.pids()) == 2  # respawned


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(CONCAT(STR(?o), "'
        + "a" * 40
        + '!"), "^(a+)+$")) }',
        "SELECT (COUNT(*) AS ?n) WHERE { ?a (cqo:indicator|^cqo:indicator)* ?b . "
        "?c (cqo:section|^cqo:section)* ?d }",
    ],
)
def test_other_expensive_shapes_end_within_the_limit(query: str, ox_server: tuple) -> None:
    start = time.monotonic()
    resp = _get(ox_server[0], query, timeout="1")
    assert time.monotonic() - start < 3
    assert resp.status_code in (200, 503)  # finished in time, or killed at the limit
    if resp.status_code == 503:
        assert resp.json()["error"] == "timeout"


# -- 14. Row cap ----------------------------------------------------------------------------


def test_row_cap_is_an_error_not_a_silent_truncation(build_dir: Path) -> None:
    gen = _serve(build_dir, max_rows=100, workers=1)
    server, _ = next(gen)
    try:
        resp = _get(server, "SELECT * WHERE { ?s ?p ?o }")
        assert resp.status_code == 400
        assert resp.json()["message"] == "add LIMIT (max 100)"
        assert _get(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 100").status_code == 200
    finally:
        gen.close()


# -- 15. Parser bombs -----------------------------------------------------------------------


@pytest.mark.parametrize("depth", [30, 128, 5000])
def test_nesting_bombs(depth: int, ox_server: tuple) -> None:
    server, pool = ox_server
    pids = pool.pids()
    q = "SELECT * WHERE { " + "{ " * depth + "?s ?p ?o " + "} " * depth + "} LIMIT 1"
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.get("/health")  # connect first: time the request, not the client's set-up
        start = time.monotonic()
        resp = client.post("/sparql", data={"query": q})
    if depth <= 64:
        assert resp.status_code == 200
    else:
        assert resp.status_code == 400
        assert resp.json()["message"].startswith("query too deeply nested (max 64)")
        assert time.monotonic() - start < 0.1 + 0.2  # pre-check, plus loopback HTTP slack
        assert pool.pids() == pids  # no worker touched
    assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200


def test_huge_values_and_huge_query(ox_server: tuple) -> None:
    server = ox_server[0]
    values = " ".join(f"{i}" for i in range(50_000))
    q = f"SELECT * WHERE {{ VALUES ?x {{ {values} }} }}"
    resp = httpx.post(
        f"{server.url}/sparql",
        content=q.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=10,
    )
    assert resp.status_code == 413
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (2 * 1024 * 1024)
    resp = httpx.get(f"{server.url}/sparql", params={"query": big[:60_000]}, timeout=10)
    assert resp.status_code == 200  # a long but legal query is fine
    resp = httpx.post(
        f"{server.url}/sparql",
        content=big.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=10,
    )
    assert resp.status_code == 413


# -- 16. Malformed --------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("SELECT * WHERE { ?s ?p ?o ", "1:"),
        ("SELECT * WHERE { <http://bad iri> ?p ?o }", "1:"),
        ("SELECT * WHERE {\n  ?s nope:p ?o }", "2:6"),
    ],
)
def test_malformed_query_gives_400_with_position(
    engine: str, query: str, where: str, ox_server: tuple, rdflib_server: tuple
) -> None:
    server = (ox_server if engine == "oxigraph" else rdflib_server)[0]
    resp = _get(server, query)
    assert resp.status_code == 400
    assert where in resp.json()["message"]


# -- 17. Client timeout ---------------------------------------------------------------------


def test_client_timeout_can_only_lower_the_limit(build_dir: Path) -> None:
    gen = _serve(build_dir, timeout=2.0, workers=1)
    server, _ = next(gen)
    try:
        resp = _get(server, EXPENSIVE, timeout="3600")
        assert resp.status_code == 503
        assert resp.json()["limit_s"] == 2  # clamped to the server limit
        assert _get(server, "ASK {}", timeout="abc").status_code == 400
        assert _get(server, "ASK {}", timeout="-1").status_code == 400
    finally:
        gen.close()


# -- 18. Bind, Host, CORS -------------------------------------------------------------------


def _non_loopback_ip() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # UDP: no packet is sent
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith("127.") else ip


def test_loopback_only_host_guard_and_no_cors(ox_server: tuple) -> None:
    server = ox_server[0]
    ip = _non_loopback_ip()
    if ip is not None:
        with pytest.raises(OSError), socket.create_connection((ip, server.port), timeout=2):
            pass
    evil = httpx.get(f"{server.url}/health", headers={"Host": "evil.example"}, timeout=5)
    assert evil.status_code == 400
    fine = httpx.get(f"{server.url}/health", headers={"Origin": "http://evil.example"}, timeout=5)
    assert fine.status_code == 200
    assert "access-control-allow-origin" not in fine.headers


def test_default_config_binds_loopback() -> None:
    assert ServerConfig().host == "127.0.0.1"


def test_cors_only_when_asked(build_dir: Path) -> None:
    from starlette.testclient import TestClient

    class _NoPool:
        def pids(self) -> list[int]:
            return [1]

        def status(self) -> object:
            from graph.sparql.workers import PoolStatus

            return PoolStatus(1, 1, 0, None, True, "netns", ())

        def close(self) -> None:
            pass

    app = create_app(ServerConfig(build_dir=build_dir, cors=True), _NoPool())  # type: ignore[arg-type]
    with TestClient(app, base_url="http://localhost") as client:
        assert client.get("/health").headers["access-control-allow-origin"] == "*"


# -- 19. Body limits ------------------------------------------------------------------------


def _raw(server: ThreadServer, payload: bytes, wait: float = 5) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait) as s:
        s.sendall(payload)
        chunks = []
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                chunks.append(data)
                if b"\r\n\r\n" in b"".join(chunks):
                    break
        except TimeoutError:
            pass
        return b"".join(chunks)


def test_body_over_64k_is_413_before_reading(ox_server: tuple) -> None:
    server = ox_server[0]
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/sparql-query\r\nContent-Length: 10000000\r\n\r\n"
    )
    start = time.monotonic()
    reply = _raw(server, head + b"SELECT")  # the other 9.99 MB never sent
    assert reply.startswith(b"HTTP/1.1 413")
    assert time.monotonic() - start < 1


def test_chunked_and_duplicate_parameters_are_400(ox_server: tuple) -> None:
    server = ox_server[0]
    chunked = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"6\r\nASK {}\r\n0\r\n\r\n"
    )
    assert _raw(server, chunked).startswith(b"HTTP/1.1 400")
    twice = httpx.get(
        f"{server.url}/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=5
    )
    assert twice.status_code == 400
    assert "at most once" in twice.json()["message"]
    lying = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/sparql-query\r\nContent-Length: 3\r\n\r\nASK {}"
    )
    reply = _raw(server, lying)
    assert reply.startswith(b"HTTP/1.1 400")


# -- 20. Slowloris --------------------------------------------------------------------------


def test_slowloris_socket_closed_and_others_served(
    monkeypatch: pytest.MonkeyPatch, ox_server: tuple
) -> None:
    import graph.serve.middleware as srv

    server = ox_server[0]
    monkeypatch.setattr(srv, "HEADER_TIMEOUT", 1.0)  # same code path, shorter wait for the test
    s = socket.create_connection(("127.0.0.1", server.port), timeout=15)
    s.sendall(b"GET /health HTTP/1.1\r\nHo")
    start = time.monotonic()
    ok = _get(server, "ASK { ?s ?p ?o }")
    assert ok.status_code == 200 and time.monotonic() - start < 1
    s.settimeout(12)
    data = s.recv(100)  # b"" once the server closes the socket
    closed_after = time.monotonic() - start
    s.close()
    assert data == b""
    assert closed_after <= 10


# -- 21. Flood ------------------------------------------------------------------------------


def test_flood_is_bounded_then_recovers(build_dir: Path) -> None:
    gen = _serve(build_dir, workers=2, queue=4)
    server, pool = next(gen)
    try:

        def one(_: int) -> httpx.Response:
            return _get(server, EXPENSIVE, timeout="1")

        peak = [0]
        flooding = [True]

        def watch() -> None:  # sample the worker count while the flood runs
            while flooding[0]:
                peak[0] = max(peak[0], len(pool.pids()))
                time.sleep(0.01)

        watcher = threading.Thread(target=watch)
        watcher.start()
        with ThreadPoolExecutor(50) as ex:
            responses = list(ex.map(one, range(50)))
        flooding[0] = False
        watcher.join()
        codes = [r.status_code for r in responses]
        assert set(codes) <= {429, 503}
        busy = [r for r in responses if r.status_code == 429]
        assert len(busy) >= 25  # most of the burst is turned away at once, not queued
        assert all(r.headers["Retry-After"] == "1" for r in busy)
        assert peak[0] <= 2  # never more than K worker processes
        start = time.monotonic()
        while time.monotonic() - start < 3:
            if _get(server, "ASK {}").status_code == 200:
                break
            time.sleep(0.05)
        assert time.monotonic() - start < 1 + 2
    finally:
        gen.close()


# -- 22. Protocol ---------------------------------------------------------------------------


def test_protocol_forms_and_accept(ox_server: tuple) -> None:
    server = ox_server[0]
    q = "SELECT ?s WHERE { ?s a cqo:Event }"
    get = httpx.get(f"{server.url}/sparql", params={"query": q}, timeout=5)
    form = httpx.post(f"{server.url}/sparql", data={"query": q}, timeout=5)
    body = httpx.post(
        f"{server.url}/sparql",
        content=q.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=5,
    )
    assert get.json() == form.json() == body.json()
    expected = {
        "application/sparql-results+json": "application/sparql-results+json",
        "application/sparql-results+xml": "application/sparql-results+xml",
        "text/csv": "text/csv",
        "text/tab-separated-values": "text/tab-separated-values",
    }
    for accept, ctype in expected.items():
        resp = httpx.get(
            f"{server.url}/sparql", params={"query": q}, headers={"Accept": accept}, timeout=5
        )
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith(ctype)
    assert (
        httpx.get(
            f"{server.url}/sparql", params={"query": q}, headers={"Accept": "image/png"}, timeout=5
        ).status_code
        == 406
    )


def test_error_bodies_never_echo_html(ox_server: tuple) -> None:
    server = ox_server[0]
    payload = "<script>alert(1)</script>"
    for q in (f"SELECT * WHERE {{ {payload} }}", f"SERVICE {payload}", f"INSERT {payload}"):
        resp = _get(server, q)
        assert resp.status_code == 400
        assert resp.headers["content-type"].startswith("application/json")
        assert "<script>" not in resp.text


# -- Availability (issue 8): rebuilds, keep-alive slowloris, abandoned queries, small items ---


def _publish(link: Path, extra: str = "") -> Path:
    """Publish the fixture build (plus ``extra`` N-Triples) the way ``cqkg build`` does."""
    from graph.pipeline.export import publish

    src = make_build_dir(link.parent / f"src-{len(extra)}")
    data = (src / "cqkg.nt").read_text(encoding="utf-8") + extra
    onto = (src / "ontology.ttl").read_text(encoding="utf-8")
    return publish(link, {"cqkg.nt": lambda: data, "ontology.ttl": lambda: onto})


MARKER = '<https://w3id.org/cqkg/id/test/marker> <https://w3id.org/cqkg/id/test/p> "{n}" .\n'


def _wait_for(predicate: object, limit: float) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_workers_respawn_from_the_live_build_after_two_rebuilds(tmp_path: Path) -> None:
    link = tmp_path / "build"
    first = _publish(link)
    gen = _serve(link, workers=1, timeout=5.0)
    server, pool = next(gen)
    try:
        _publish(link, MARKER.format(n=2))
        _publish(link, MARKER.format(n=3))
        assert not first.exists()  # the version the pool started from is pruned
        for _ in range(2):  # two timeouts: each kills the only worker
            assert _get(server, EXPENSIVE, timeout="0.5").status_code == 503
            assert _wait_for(lambda: len(pool.pids()) == 1, 10), "worker not respawned"
        health = httpx.get(f"{server.url}/health", timeout=5)
        assert health.status_code == 200
        assert health.json()["workers"] == 1 and health.json()["status"] == "ok"
        assert health.json()["builds"] == [link.resolve().name]
        ask = _get(server, 'ASK { <https://w3id.org/cqkg/id/test/marker> ?p "3" }')
        assert ask.status_code == 200 and ask.json()["boolean"] is True  # the live build
    finally:
        gen.close()


def test_health_is_503_and_queries_fail_fast_when_no_worker_can_serve(tmp_path: Path) -> None:
    import shutil

    link = tmp_path / "build"
    _publish(link)
    gen = _serve(link, workers=1, timeout=5.0)
    server, _ = next(gen)
    try:
        shutil.rmtree(tmp_path / ".build.versions")  # the build is gone: no respawn can work
        link.unlink()
        assert _get(server, EXPENSIVE, timeout="0.5").status_code == 503
        assert _wait_for(lambda: httpx.get(f"{server.url}/health").status_code == 503, 10)
        body = httpx.get(f"{server.url}/health", timeout=5).json()
        assert body["status"] == "unavailable" and body["workers"] == 0
        assert "not found" in body["last_spawn_error"]
        start = time.monotonic()
        resp = _get(server, "ASK {}")
        assert resp.status_code == 503 and resp.json()["error"] == "no-workers"
        assert time.monotonic() - start < 1  # not a 120 s wait
        _publish(link)  # the build comes back: the pool heals by itself
        assert _wait_for(lambda: httpx.get(f"{server.url}/health").status_code == 200, 15)
        assert _get(server, "ASK { ?s ?p ?o }").json()["boolean"] is True
    finally:
        gen.close()


def test_keep_alive_slowloris_is_closed_and_others_served(
    monkeypatch: pytest.MonkeyPatch, ox_server: tuple
) -> None:
    import graph.serve.middleware as srv

    server = ox_server[0]
    monkeypatch.setattr(srv, "HEADER_TIMEOUT", 1.0)  # same code path, shorter wait for the test
    s = socket.create_connection(("127.0.0.1", server.port), timeout=15)
    s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    first = s.recv(65536)
    assert first.startswith(b"HTTP/1.1 200")
    start = time.monotonic()
    closed_after = None
    s.settimeout(0.3)
    for ch in b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n":  # trickled: 1 byte per 0.3 s
        try:
            s.sendall(bytes([ch]))
            if s.recv(100) == b"":
                closed_after = time.monotonic() - start
                break
        except TimeoutError:
            continue
        except OSError:
            closed_after = time.monotonic() - start
            break
        if time.monotonic() - start > 12:
            break
    t0 = time.monotonic()
    ok = _get(server, "ASK { ?s ?p ?o }")
    assert ok.status_code == 200 and time.monotonic() - t0 < 1
    s.close()
    assert closed_after is not None and closed_after <= 10


def test_queue_time_counts_against_the_limit(build_dir: Path) -> None:
    gen = _serve(build_dir, workers=1, timeout=1.5)
    server, _ = next(gen)
    try:
        with ThreadPoolExecutor(2) as ex:
            first = ex.submit(_get, server, EXPENSIVE)
            time.sleep(0.1)
            start = time.monotonic()
            second = ex.submit(_get, server, EXPENSIVE).result()
            waited = time.monotonic() - start
            assert first.result().status_code == 503
        assert second.status_code == 503 and second.json()["error"] == "timeout"
        assert waited < 1.5 + 0.5  # limit from arrival, not from when a worker was free
    finally:
        gen.close()


def _abandon(server: ThreadServer, query: str, n: int, after: float) -> None:
    """Open ``n`` connections that each ask ``query`` and hang up after ``after`` s."""
    from urllib.parse import quote

    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        s.sendall(f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        socks.append(s)
    time.sleep(after)
    for s in socks:
        s.close()


def test_abandoned_queries_are_cancelled_and_service_recovers(build_dir: Path) -> None:
    limit = 3.0
    gen = _serve(build_dir, workers=2, queue=8, timeout=limit)
    server, pool = next(gen)
    try:
        _abandon(server, EXPENSIVE, 10, after=0.3)
        start = time.monotonic()
        while time.monotonic() - start < 20:
            resp = _get(server, "ASK { ?s ?p ?o }")
            if resp.status_code == 200:
                break
            time.sleep(0.05)
        recovered = time.monotonic() - start
        assert resp.status_code == 200
        assert recovered < 2  # well under limit + 2 s: nothing runs for clients that left
        assert _wait_for(lambda: len(pool.pids()) == 2, 10)
    finally:
        gen.close()


def test_pool_cancels_queued_and_running_work(build_dir: Path) -> None:
    from graph.sparql.workers import QueryCancelled

    pool = WorkerPool(build_dir, size=1)
    try:
        busy = threading.Event()
        out: list[BaseException] = []

        def run_cancelled() -> None:
            try:
                pool.submit(EXPENSIVE, timeout=20, max_rows=10, cancelled=busy.is_set)
            except BaseException as exc:  # recorded for the assertion
                out.append(exc)

        before = pool.pids()
        t = threading.Thread(target=run_cancelled)
        t.start()
        time.sleep(0.3)  # running in the only worker now
        queued = threading.Event()
        queued.set()
        start = time.monotonic()
        with pytest.raises(QueryCancelled):  # waiting for a worker, client already gone
            pool.submit("ASK {}", timeout=20, max_rows=10, cancelled=queued.is_set)
        assert time.monotonic() - start < 0.5
        busy.set()
        t.join(2)
        assert not t.is_alive() and isinstance(out[0], QueryCancelled)
        assert before[0] not in pool.pids()  # the running query's worker was killed
        assert _wait_for(lambda: len(pool.pids()) == 1, 10)
        assert pool.submit("ASK { ?s ?p ?o }", timeout=5, max_rows=10).boolean is True
    finally:
        pool.close()


def test_tiny_timeout_is_clamped_and_does_not_churn_workers(ox_server: tuple) -> None:
    server, pool = ox_server
    assert _wait_for(lambda: len(pool.pids()) == 2, 10)
    before = pool.pids()
    for _ in range(10):
        resp = _get(server, "ASK { ?s ?p ?o }", timeout="1e-9")
        assert resp.status_code == 200 and resp.json()["boolean"] is True
    assert pool.pids() == before  # no worker killed and respawned
    resp = _get(server, EXPENSIVE, timeout="1e-9")
    assert resp.status_code == 503 and resp.json()["limit_s"] == 0.1  # the documented minimum


def test_viewer_pages_are_admission_controlled(
    monkeypatch: pytest.MonkeyPatch, ox_server: tuple
) -> None:
    import graph.view.render as view

    server = ox_server[0]
    running = [0]
    peak = [0]
    lock = threading.Lock()

    def slow_render(build_dir: Path, focus: str, hops: int) -> str:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.5)
        with lock:
            running[0] -= 1
        return f"<p>{focus}</p>"

    def page(i: int) -> tuple[int, str | None]:
        import http.client  # cheap clients: 30 httpx clients would load the test's own GIL

        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", f"/view?focus=x{i}")
        resp = conn.getresponse()
        resp.read()
        conn.close()
        return resp.status, resp.getheader("Retry-After")

    monkeypatch.setattr(view, "render_focus_html", slow_render)
    with ThreadPoolExecutor(30) as ex:
        pages = ex.map(page, range(30))
        time.sleep(0.2)
        start = time.monotonic()
        ok = _get(server, "ASK { ?s ?p ?o }")
        latency = time.monotonic() - start
        replies = list(pages)
    assert ok.status_code == 200 and latency < 1
    assert peak[0] <= 2
    codes = [code for code, _ in replies]
    assert set(codes) <= {200, 429} and 429 in codes and 200 in codes
    assert all(retry == "1" for code, retry in replies if code == 429)


def _raw_get(server: ThreadServer, target: str) -> bytes:
    """Send one GET with ``target`` as is and read the whole reply (httpx refuses > 64 KiB)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)


@pytest.mark.parametrize("size", [70 * 1024, 1024 * 1024])
def test_get_url_over_64k_is_413_not_a_reset(size: int, ox_server: tuple) -> None:
    server = ox_server[0]
    reply = _raw_get(server, "/sparql?query=ASK%20%7B%7D%20%23" + "x" * size)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert b"64 KiB" in reply
    assert _get(server, "ASK {}").status_code == 200


def test_client_disconnect_is_not_logged_as_an_application_error(ox_server: tuple) -> None:
    import logging

    server = ox_server[0]
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.ERROR)
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    try:
        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK"
        )
        time.sleep(0.3)
        s.close()
        time.sleep(0.5)
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in records] == []
    assert _get(server, "ASK {}").status_code == 200


def test_workers_have_no_network_even_without_the_precheck(ox_server: tuple) -> None:
    from graph.sparql.errors import QueryError

    server, pool = ox_server
    with canary() as c:
        q = f"SELECT * {{ SERVICE <http://127.0.0.1:{c.port}/> {{ ?s ?p ?o }} }}"
        with pytest.raises(QueryError):  # refused by the network, not by a check
            pool.submit(q, timeout=10, max_rows=10, checked=False)
        time.sleep(0.2)
        assert c.connections == 0
    health = httpx.get(f"{server.url}/health", timeout=5).json()
    assert health["network_isolated"] is True, health
    assert health["isolation"] in ("netns", "userns+netns")
    sd = httpx.get(f"{server.url}/sparql", timeout=5).text
    assert "network isolation: netns" in sd or "network isolation: userns+netns" in sd
