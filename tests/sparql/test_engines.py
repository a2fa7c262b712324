"""Engines and pre-checks of graph.sparql.engines (formats: test_formats.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import InputError
from graph.sparql.catalogue import list_queries, load_query
from graph.sparql.engines import open_engine, precheck, run_query
from graph.sparql.errors import QueryRejected, QuerySyntaxError, QueryTooLarge, TooManyRows
from graph.sparql.results import Result
from graph.sparql.safety import MAX_NESTING


def _norm(res: Result) -> object:
    if res.kind == "graph":
        return sorted((s.n3(), p.n3(), o.n3()) for s, p, o in res.triples)
    if res.kind == "ask":
        return res.boolean
    out = []
    for row in res.rows:
        cells = []
        for t in row:
            if t is not None and t.datatype and t.datatype.endswith(("#decimal", "#integer")):
                cells.append(("num", float(t.value)))
            else:
                cells.append(("t", None if t is None else t.n3()))
        out.append(tuple(cells))
    return (res.variables, out)


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_both_engines_agree_on_every_shipped_query(name: str, engines: dict) -> None:
    text = load_query(name)
    ox_res = run_query(engines["oxigraph"], text)
    rdf_res = run_query(engines["rdflib"], text)
    assert len(ox_res) > 0
    assert _norm(ox_res) == _norm(rdf_res)


def test_missing_build_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        open_engine("oxigraph", tmp_path)
    assert str(info.value) == f"{tmp_path}/cqkg.nt: not found; run `cqkg build` first"


def test_union_default_graph_includes_the_ontology(engines: dict) -> None:
    res = run_query(engines["oxigraph"], "ASK { cqo:Agency ?p ?o }")
    assert res.boolean is True


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * { SERVICE SILENT <http://x/> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?x { ?s ?p ?o } }",
        "SELECT * {\n service <http://x/> { ?s ?p ?o } }",
    ],
)
def test_precheck_service(query: str) -> None:
    with pytest.raises(QueryRejected, match="SERVICE is disabled on this endpoint"):
        precheck(query)


def test_precheck_ignores_keywords_and_brackets_in_strings_comments_iris() -> None:
    q = (
        'SELECT * WHERE { ?s rdfs:label "SERVICE INSERT ((((" . '
        "?s ?p <http://e/SERVICE/(> } # DROP ALL ((((\n"
    )
    assert precheck(q) is False
    assert precheck("SELECT ?insert ?load WHERE { ?insert ex:drop ?load }") is False


def test_precheck_depth_and_size() -> None:
    ok = "SELECT * WHERE " + "{ " * MAX_NESTING + "} " * MAX_NESTING
    precheck(ok)
    with pytest.raises(QueryRejected, match=r"query too deeply nested \(max 64\)"):
        precheck("SELECT * WHERE " + "{ " * (MAX_NESTING + 1))
    with pytest.raises(QueryTooLarge, match="query exceeds 64 KiB"):
        precheck("ASK {} #" + "x" * 70_000)


def test_precheck_from_resolves_prefixes() -> None:
    assert precheck("SELECT * FROM <https://w3id.org/cqkg/id/graph/data> { ?s ?p ?o }") is True
    with pytest.raises(QueryRejected, match="not a graph of this store"):
        precheck("PREFIX f: <file:///etc/> SELECT * FROM NAMED f:passwd { ?s ?p ?o }")


def test_syntax_errors_carry_line_and_column(engines: dict) -> None:
    for engine in engines.values():
        with pytest.raises(QuerySyntaxError, match=r"2:\d+"):
            run_query(engine, "SELECT *\nWHERE { ?s ?p }")


def test_row_cap(engines: dict) -> None:
    for engine in engines.values():
        with pytest.raises(TooManyRows, match=r"add LIMIT \(max 5\)"):
            run_query(engine, "SELECT * { ?s ?p ?o }", max_rows=5)
        assert len(run_query(engine, "SELECT * { ?s ?p ?o } LIMIT 5", max_rows=5)) == 5


def test_load_query_forms(tmp_path: Path) -> None:
    assert "cqo:organizer" in load_query("organizers")
    path = tmp_path / "q.rq"
    path.write_text("ASK {}", encoding="utf-8")
    assert load_query(str(path)) == "ASK {}"
    assert load_query("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"
    with pytest.raises(InputError, match="no shipped query"):
        load_query("no-such-query")
