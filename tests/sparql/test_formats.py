"""The format registry of graph.sparql.formats: writers, negotiation, and one row per format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from netns_support import stub_isolation  # noqa: F401 - autouse fixture
from typer.testing import CliRunner

from graph.cli import app
from graph.serve.protocol import service_description_ttl
from graph.sparql import formats
from graph.sparql.catalogue import load_query
from graph.sparql.engines import run_query
from graph.sparql.formats import Format, format_result
from graph.sparql.results import Result, Term


def test_table_aligns_cjk_double_width() -> None:
    res = Result(
        "select",
        variables=["name", "n"],
        rows=[
            (
                Term("literal", "渝快辦"),
                Term("literal", "1", "http://www.w3.org/2001/XMLSchema#integer"),
            ),
            (
                Term("literal", "ab"),
                Term("literal", "22", "http://www.w3.org/2001/XMLSchema#integer"),
            ),
        ],
    )
    lines = format_result(res, "table").splitlines()
    assert lines[2] == "渝快辦   1"
    assert lines[3] == "ab      22"
    assert lines[-1] == "(2 rows)"


def test_w3c_formats_round_trip_through_pyoxigraph(engines: dict) -> None:
    res = run_query(engines["oxigraph"], load_query("yukuaiban"))
    for fmt, rf in (
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ):
        parsed = ox.parse_query_results(format_result(res, fmt).encode(), format=rf)
        values = [str(sol["stated"].value) for sol in parsed]
        assert values == ["2.7億件", "2637萬人"], fmt
    csv_text = format_result(res, "csv")
    assert csv_text.splitlines()[0] == "indicator_name,stated,value,quote"
    assert "2637萬人" in csv_text
    md = format_result(res, "md").splitlines()
    assert md[0] == "| indicator_name | stated | value | quote |"


def test_graph_formats(engines: dict) -> None:
    res = run_query(engines["oxigraph"], load_query("neighbourhood"))
    turtle = format_result(res, "turtle")
    nt = format_result(res, "nt")
    jsonld = json.loads(format_result(res, "jsonld"))
    g1 = ox.Store()
    g1.load(turtle.encode(), format=ox.RdfFormat.TURTLE)
    assert len(g1) == len(nt.splitlines()) == len(res.triples)
    assert jsonld
    with pytest.raises(ValueError):
        format_result(res, "csv")


def _ox_format(f: Format) -> ox.QueryResultsFormat | ox.RdfFormat:
    if f.kind == "graph":
        return ox.RdfFormat.from_media_type(f.media_type)
    return ox.QueryResultsFormat.from_media_type(f.media_type)


def test_every_w3c_row_agrees_with_pyoxigraph() -> None:
    """Media type, suffix and format IRI of each served row are pyoxigraph's own."""
    served = formats.offered(served=True)
    assert {f.name for f in served} >= {"json", "xml", "csv", "tsv", "turtle", "nt", "jsonld"}
    for f in served:
        oxf = _ox_format(f)
        assert oxf is not None, f.name
        media = oxf.media_type.split(";")[0]  # pyoxigraph adds "; charset=utf-8" to text/csv
        assert (media, oxf.file_extension) == (f.media_type, f.suffix), f.name
        # the same W3C name; pyoxigraph spells JSON-LD's as https://www.w3.org/ns/formats/data/,
        # the unique-URIs page lists http://www.w3.org/ns/formats/JSON-LD (kept, as served before)
        assert f.iri == formats.W3C + oxf.iri.rsplit("/", 1)[1], f.name


def test_rdflib_results_are_written_by_the_same_registry(engines: dict) -> None:
    query = load_query("yukuaiban")
    for fmt, rf in (("json", ox.QueryResultsFormat.JSON), ("tsv", ox.QueryResultsFormat.TSV)):
        parsed = {
            name: [
                [str(sol[v]) for v in ("indicator_name", "stated", "value")]
                for sol in ox.parse_query_results(
                    format_result(run_query(engine, query), fmt).encode(), format=rf
                )
            ]
            for name, engine in engines.items()
        }
        assert parsed["oxigraph"] == parsed["rdflib"] and len(parsed["rdflib"]) == 2, fmt


def test_csv_is_crlf_and_ask_answers_in_every_solution_format(engines: dict) -> None:
    """SPARQL 1.1 CSV ends lines with CRLF; ASK is written in every SELECT/ASK format."""
    res = run_query(engines["oxigraph"], load_query("yukuaiban"))
    csv_text = format_result(res, "csv")
    assert csv_text.count("\r\n") == len(res) + 1 and "\n" not in csv_text.replace("\r\n", "")
    ask = run_query(engines["oxigraph"], "ASK { ?s a cqo:Event }")
    assert json.loads(format_result(ask, "json"))["boolean"] is True
    xml = ox.parse_query_results(
        format_result(ask, "xml").encode(), format=ox.QueryResultsFormat.XML
    )
    assert bool(xml) is True
    for name in ("table", "md", "csv", "tsv"):
        assert format_result(ask, name).strip() == "true", name


def test_rdfxml_row_writes_a_graph_pyoxigraph_reads_back(engines: dict) -> None:
    res = run_query(engines["oxigraph"], load_query("neighbourhood"))
    store = ox.Store()
    store.load(format_result(res, "rdfxml").encode(), format=ox.RdfFormat.RDF_XML)
    assert len(store) == len(res.triples)


def test_negotiation_keeps_aliases_wildcards_and_kinds() -> None:
    alias = formats.negotiate("application/json", "select")
    assert alias is not None and (alias.name, alias.media_type) == ("json", "application/json")
    text_any = formats.negotiate("text/*", "select")
    assert text_any is not None and text_any.name == "csv"
    graph_any = formats.negotiate("application/*", "graph")
    assert graph_any is not None and graph_any.name == "turtle"
    html = formats.negotiate("text/html", "select")
    assert html is not None and html.name == "json"
    assert formats.negotiate("text/html", "graph") is None
    assert formats.negotiate("text/plain", "select") is None  # the table is the CLI's only
    assert formats.acceptable("image/png, application/rdf+xml;q=0.1")
    assert not formats.acceptable("image/png")


@pytest.fixture
def shout() -> Iterator[Format]:
    """A format that is one registered row, removed again after the test."""
    row = Format(
        "shout",
        ("text/x-shout",),
        "shout",
        "solutions",
        lambda r: "".join(str(t.value).upper() + "\n" for row in r.rows for t in row if t),
        "http://example.org/formats/shout",
    )
    formats.register(row)
    yield row
    del formats.FORMATS["shout"]


def test_one_row_adds_a_format_to_cli_negotiation_and_service_description(
    shout: Format, build_dir: Path
) -> None:
    res = CliRunner().invoke(
        app, ["query", "yukuaiban", "-f", "shout", "--build-dir", str(build_dir)]
    )
    assert res.exit_code == 0, res.output
    assert "2637萬人" in res.stdout and "2.7億件" in res.stdout
    chosen = formats.negotiate("text/x-shout, application/sparql-results+json;q=0.5", "select")
    assert chosen is shout
    assert formats.negotiate("text/x-shout", "graph") is None
    assert formats.acceptable("text/x-shout")
    assert "sd:resultFormat <http://example.org/formats/shout>" in service_description_ttl(
        "http://127.0.0.1:1", {}
    )
    with pytest.raises(ValueError, match=r"SELECT/ASK result needs one of .*shout"):
        format_result(Result("select", variables=["x"]), "turtle")
    with pytest.raises(ValueError, match="CONSTRUCT/DESCRIBE result needs one of turtle"):
        format_result(Result("graph", triples=[(Term("uri", "urn:a"),) * 3]), "shout")
