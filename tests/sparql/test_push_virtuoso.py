"""``cqkg push`` to a second real store: Virtuoso Open Source 7 from Debian's packages.

The build is pushed per source to a private Virtuoso (``store_support.virtuoso``: fresh
database, own ini, loopback ports, digest auth on ``/sparql-graph-crud-auth``) and to a private
Oxigraph, then every shipped SELECT query must give the same rows on both stores and locally.
Normalizations (``store_support.normalize``): numbers by value, ``GROUP_CONCAT`` parts sorted,
values only (Virtuoso lower-cases language tags; the queries use ``langMatches``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from store_support import VIRTUOSO_PACKAGE, Store, normalize, oxigraph, select, virtuoso_binary
from store_support import virtuoso as start_virtuoso

from graph.pipeline.run import BuildResult
from graph.sparql.catalogue import list_queries, load_query
from graph.sparql.engines import open_engine, run_query
from graph.sparql.push import GRAPH_BASE, ONTOLOGY_GRAPH, PushError, push

pytestmark = [pytest.mark.server, pytest.mark.slow, pytest.mark.timeout(180)]

BINARY = virtuoso_binary()
if BINARY is None:
    pytest.skip(
        f"virtuoso-t not found: Debian's {VIRTUOSO_PACKAGE} is not installed and "
        "`make store-deps` could not install it (not Debian, or not root)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def virt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    assert BINARY is not None
    with start_virtuoso(tmp_path_factory.mktemp("virtuoso"), BINARY) as store:
        yield store


@pytest.fixture(scope="module")
def ox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with oxigraph(tmp_path_factory.mktemp("oxigraph")) as store:
        yield store


def test_shipped_queries_answer_the_same_rows_on_virtuoso_oxigraph_and_locally(
    built: BuildResult, virt: Store, ox: Store
) -> None:
    reports = {
        s.name: push(s.gsp, built.out_dir, auth=s.auth, chunk_bytes=256 << 10) for s in (virt, ox)
    }
    assert reports["virtuoso"].uploaded == reports["oxigraph"].uploaded
    assert reports["virtuoso"].requests > len(reports["virtuoso"].uploaded) * 3  # chunked
    graphs = [g for g in reports["virtuoso"].uploaded if g.startswith(GRAPH_BASE)]
    assert f"{GRAPH_BASE}shared" in graphs and ONTOLOGY_GRAPH in graphs

    engine = open_engine("oxigraph", built.out_dir)
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    local_n = str(run_query(engine, count).rows[0][0].value)  # type: ignore[union-attr]
    assert select(virt, count, graphs) == select(ox, count, graphs) == [(local_n,)]
    compared = 0
    for q in list_queries():
        res = run_query(engine, load_query(q.name))
        if res.kind != "select":
            continue
        local = normalize([tuple("" if t is None else t.value for t in row) for row in res.rows])
        on_virtuoso = normalize(select(virt, q.text, graphs))
        assert on_virtuoso == normalize(select(ox, q.text, graphs)) == local, q.name
        compared += 1
    assert compared >= 15


def test_a_second_push_to_virtuoso_skips_every_graph(built: BuildResult, virt: Store) -> None:
    push(virt.gsp, built.out_dir, auth=virt.auth)
    again = push(virt.gsp, built.out_dir, auth=virt.auth)
    assert again.uploaded == [] and again.bytes_sent == 0 and again.skipped


def test_virtuoso_refusals_are_one_line_errors(built: BuildResult, virt: Store) -> None:
    anonymous = virt.gsp.removesuffix("-auth")  # read-only for the anonymous SPARQL user
    with pytest.raises(PushError, match=r"HTTP 403: .*Permission denied") as info:
        push(anonymous, built.out_dir)
    assert "\n" not in str(info.value)
