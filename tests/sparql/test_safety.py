"""The parse-based safety check (``graph.sparql.safety``): each hole of issue 8, reproduced.

Every test here failed on the lexical pre-check it replaces (``precheck`` accepted the query,
or the engine reached the canary, or the message was wrong) and passes on the parsed check.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from query_support import canary, make_build_dir

from graph.sparql.catalogue import sparql_literal
from graph.sparql.engines import open_engine, precheck, run_query
from graph.sparql.errors import QueryError, QueryRejected, QuerySyntaxError
from graph.sparql.safety import MAX_NESTING, canonical, check, line_col, tokens

ISSUE_QUERY = (
    "SELECT * WHERE {{ BIND(cqr:x\\#y AS ?z) SERVICE <http://127.0.0.1:{port}/x> {{?x ?b ?c}} }}"
)


def _refused_everywhere(engines: dict, template: str, kind: type[QueryError], match: str) -> None:
    """Refused by the check and by both in-process engines; the canary sees nothing."""
    with canary() as c:
        query = template.format(port=c.port)
        with pytest.raises(kind, match=match):
            precheck(query)
        for engine in engines.values():
            with pytest.raises(kind, match=match):
                run_query(engine, query)
        assert c.connections == 0


# ---------------------------------------------------------------- SERVICE however spelled


@pytest.mark.parametrize(
    "template",
    [
        ISSUE_QUERY,
        ISSUE_QUERY.replace("\\#", "\\'"),
        ISSUE_QUERY.replace("\\#", "\\'\\#\\)"),
        "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ \\U00000053ERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERV\\u0049CE SILENT <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ BIND(<http://127.0.0.1:{port}/x> AS ?v) service ?v {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?s ?p '''a'b''' \\u002E SERVICE <http://127.0.0.1:{port}/x> {{ }} }}",
        "SELECT * WHERE {{ SERVICE <http\\u003A//127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_however_spelled(engines: dict, template: str) -> None:
    _refused_everywhere(engines, template, QueryRejected, "SERVICE is disabled on this endpoint")


def test_a_codepoint_escaped_quote_cannot_smuggle_service_out_of_a_string(engines: dict) -> None:
    # pyoxigraph alone would read one string; SPARQL 1.1 (and the check) read it closed early
    template = (
        'SELECT * WHERE {{ BIND("a\\u0022 . }} SERVICE <http://127.0.0.1:{port}/x> {{ }} '
        '#" AS ?x) }}'
    )
    with canary() as c:
        query = template.format(port=c.port)
        for engine in engines.values():
            with pytest.raises(QueryError):
                run_query(engine, query)
        assert c.connections == 0


# ---------------------------------------------------------------- FROM, updates, depth hidden


@pytest.mark.parametrize(
    "template",
    [
        "SELECT (cqr:x\\#y AS ?z) FROM <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}",
        "SELECT (cqr:x\\'y AS ?z) FROM NAMED <file:///etc/passwd> WHERE {{ ?s ?p ?o }}",
        "SELECT * \\u0046ROM <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}",
        "PREFIX c: <http://127.0.0.1:{port}/> SELECT * FROM c:g\\/h WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM cqr:graph\\/data FROM <http://127.0.0.1:{port}/g> WHERE {{ ?s ?p ?o }}",
    ],
)
def test_foreign_from_is_refused_however_spelled(engines: dict, template: str) -> None:
    _refused_everywhere(engines, template, QueryRejected, "not a graph of this store")


@pytest.mark.parametrize(
    "template",
    [
        "\\u004COAD <http://127.0.0.1:{port}/l>",
        "INSERT DATA {{ cqr:a\\#b cqr:c 'd' }} ; LOAD <http://127.0.0.1:{port}/l>",
        "CLEAR SILENT GRAPH <urn:x> ;\n\\u0044ROP ALL",
        "wItH <urn:g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    ],
)
def test_updates_are_refused_however_spelled(engines: dict, template: str) -> None:
    _refused_everywhere(engines, template, QueryRejected, "read-only endpoint")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { BIND(cqr:x\\#y AS ?z) " + "{ " * 5000 + "} " * 5000 + "}",
        "SELECT * WHERE { BIND(cqr:x\\'y AS ?z) FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "SELECT * WHERE { FILTER(" + "\\u0028" * 5000 + "1" + "\\u0029" * 5000 + ") }",
        "SELECT * WHERE { FILTER(1<" + "(" * 5000 + "1" + ")" * 5000 + ">2) }",
    ],
)
def test_hidden_nesting_is_refused_before_any_parser(engines: dict, query: str) -> None:
    with pytest.raises(QueryRejected, match=r"query too deeply nested \(max 64\) at 1:\d+"):
        precheck(query)
    for engine in engines.values():  # would segfault pyoxigraph if it got there
        with pytest.raises(QueryRejected, match="too deeply nested"):
            run_query(engine, query)


def test_depth_within_the_limit_still_parses() -> None:
    for o, c in ("()", "{}"):
        inner = o * (MAX_NESTING - 2) + "1" + c * (MAX_NESTING - 2) if o == "(" else ""
        query = (
            "ASK { FILTER(" + inner + ") }"
            if o == "("
            else "ASK " + "{ " * MAX_NESTING + "} " * MAX_NESTING
        )
        assert precheck(query) is False


# ---------------------------------------------------------------- what must stay accepted


def test_the_readme_escaped_from_is_accepted_and_answered(engines: dict) -> None:
    query = "SELECT (COUNT(*) AS ?n) FROM cqr:graph\\/data WHERE { ?s ?p ?o }"
    assert precheck(query) is True
    for engine in engines.values():
        [row] = run_query(engine, query).rows
        assert row[0] is not None and int(row[0].value) > 100


def test_keywords_in_strings_comments_iris_and_names_are_harmless(engines: dict) -> None:
    query = (
        "# SERVICE <http://127.0.0.1:9/> DROP ALL ((((\n"
        "SELECT ?service WHERE { ?service rdfs:label ?l "
        "FILTER(?l != \"SERVICE ((( #\" && ?l != '''LOAD'''\n&& ?l != <http://e/#SERVICE>) }"
    )
    assert precheck(query) is False
    for engine in engines.values():
        assert len(run_query(engine, query).rows) > 0


def test_engines_read_the_escape_step_alike(engines: dict) -> None:
    query = 'ASK { FILTER("\\u0041\\U0001F600" = "A😀") }'
    for engine in engines.values():
        assert run_query(engine, query).boolean is True


def test_a_value_that_looks_like_an_escape_survives_the_escape_step(engines: dict) -> None:
    value = "\\u0022 } SERVICE <http://127.0.0.1:9/> { } \\\\U00000022"
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ {sparql_literal(value)} }} }}"
    for engine in engines.values():
        [row] = run_query(engine, query).rows
        assert row[0] is not None and row[0].value == value


@settings(max_examples=150, deadline=None)
@given(st.text(st.sampled_from(["\\", "u", "U", "0", "2", "A", '"', "#", "x"]), max_size=12))
def test_literals_round_trip_through_the_escape_step(value: str) -> None:
    store = ox.Store()
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ {sparql_literal(value)} }} }}"
    [sol] = list(store.query(canonical(query)))  # type: ignore[arg-type]
    assert sol["x"] == ox.Literal(value)


# ---------------------------------------------------------------- messages


def test_unparseable_is_a_syntax_error_with_the_original_line_and_column() -> None:
    with pytest.raises(QuerySyntaxError, match=r"^error at 2:\d+"):
        precheck("SELECT *\nWHERE { ?s ?p }")
    # the column is the original text's, not the decoded one's
    with pytest.raises(QuerySyntaxError) as info:
        precheck("ASK { \\u003F\\u0073 ?p }")
    assert str(info.value).startswith("error at 1:")


def test_bad_iri_is_named_as_an_iri_not_as_a_prefix() -> None:
    with pytest.raises(QuerySyntaxError) as info:
        precheck("SELECT * WHERE { ?s ?p <http://a b> }")
    message = str(info.value)
    assert "unknown prefix 'http:'" not in message
    assert "malformed IRI at 1:24" in message


def test_unknown_prefix_is_still_hinted() -> None:
    with pytest.raises(QueryError, match=r"unknown prefix 'nope:' at 1:\d+"):
        run_query(
            open_engine("oxigraph", make_build_dir(Path(__import__("tempfile").mkdtemp()))),
            "SELECT * WHERE { ?s nope:p ?o }",
        )


def test_invalid_codepoint_escape_is_a_syntax_error() -> None:
    with pytest.raises(QuerySyntaxError, match=r"invalid codepoint escape \\uD800 at 1:8"):
        precheck('ASK { "\\uD800" }')


def test_nul_even_as_an_escape_is_refused() -> None:
    with pytest.raises(QueryRejected, match="NUL"):
        precheck('ASK { "\\u0000" }')


def test_the_verdict_is_cached_but_each_refusal_is_a_fresh_exception() -> None:
    query = "SELECT * WHERE { SERVICE <http://x/> { } }"
    errors = []
    for _ in range(2):
        with pytest.raises(QueryRejected) as info:
            check(query)
        errors.append(info.value)
    assert errors[0] is not errors[1]
    assert check("ASK {}") is check("ASK {}")


# ---------------------------------------------------------------- the lexical first line


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("cqr:x\\#y ?z", ["pname", "var"]),
        ("cqr:x\\'y ?z", ["pname", "var"]),
        ("cqr:a%41\\(b ?z", ["pname", "var"]),
        ("'''a'b''c''' ?z", ["string", "var"]),
        ('"""a"b""c""" ?z', ["string", "var"]),
        ("'a\\'#' ?z", ["string", "var"]),
        ('"a\\"#" ?z', ["string", "var"]),
        ("<http://e/#x> ?z", ["iri", "var"]),
        ("# c ' \" \n ?z", ["var"]),
    ],
)
def test_tokenizer_keeps_escapes_strings_iris_and_comments_whole(
    text: str, kinds: list[str]
) -> None:
    assert [t.kind for t in tokens(text)] == kinds


def test_line_col_counts_from_one() -> None:
    assert line_col("ab\ncd", 4) == "2:2"


def test_positions_map_back_through_the_escape_step() -> None:
    from graph.sparql.safety import _expand

    exp = _expand("a\\u0041b\\U00000043d")
    assert exp.text == "aAbCd"
    assert [exp.original(i) for i in range(5)] == [0, 1, 7, 8, 18]
