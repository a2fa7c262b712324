"""The validation gate catches what it promises to catch (each check must be able to fail)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from graph.model import Finding, Level
from graph.namespaces import CQO_IRI, CQR, NIF
from graph.pipeline import validate
from graph.pipeline.ingest import run as ingest_run
from graph.pipeline.run import BuildResult
from graph.pipeline.sources import load_sources
from graph.vocab import CQO, undeclared_terms


@pytest.fixture(scope="module")
def data(built: BuildResult) -> Graph:
    return Graph().parse(built.out_dir / "cqkg.nt", format="nt")


@pytest.fixture(scope="module")
def cleans() -> dict[str, object]:
    return {doc.id: ingest_run(doc) for doc in load_sources()}


def _a_span(g: Graph) -> URIRef:
    return sorted(g.subjects(RDF.type, CQO.Span), key=str)[0]  # type: ignore[return-value]


def test_real_build_passes_every_quote_check(data: Graph, cleans: dict) -> None:
    checked, problems = validate.quotes(data, cleans)
    assert problems == []
    assert checked == len(set(data.subjects(RDF.type, CQO.Span)))


def test_tampered_quote_is_caught(data: Graph, cleans: dict) -> None:
    g = Graph()
    for t in data:
        g.add(t)
    span = _a_span(g)
    g.set((span, NIF.anchorOf, Literal("假的引文")))
    _, problems = validate.quotes(g, cleans)
    assert [p.node for p in problems if p.rule == "quote"] == [str(span)]


def test_wrong_raw_offset_is_caught(data: Graph, cleans: dict) -> None:
    g = Graph()
    for t in data:
        g.add(t)
    span = _a_span(g)
    raw_b = int(g.value(span, CQO.rawBeginIndex))  # type: ignore[arg-type]
    g.set((span, CQO.rawBeginIndex, Literal(raw_b + 1)))
    _, problems = validate.quotes(g, cleans)
    assert [p.rule for p in problems] == ["raw-offset"]


def test_undeclared_term_and_shacl_violation_fail_the_gate(data: Graph, cleans: dict) -> None:
    g = Graph()
    for t in data:
        g.add(t)
    obs = sorted(g.subjects(RDF.type, CQO.Observation), key=str)[0]
    g.add((obs, URIRef(CQO_IRI + "vaule"), Literal(1)))  # a typo'd property
    g.remove((obs, CQO.indicator, None))  # breaks the Observation shape
    report = validate.run(g, cleans, {}, {}, [])
    rules = {p.rule for p in report.problems}
    assert {"undeclared-term", "shacl"} <= rules
    assert any(p.node == str(obs) for p in report.problems if p.rule == "shacl")
    assert not report.ok


def test_count_bounds_and_error_findings(data: Graph) -> None:
    problems = validate.count_bounds({"entities": 3}, {"entities": 100, "observations": 1})
    assert [(p.node, p.rule) for p in problems] == [
        ("entities", "count-bound"),
        ("observations", "count-bound"),
    ]
    g = Graph()
    g.add((CQR["x"], RDFS.label, Literal("x")))
    report = validate.run(
        g, {}, {}, {}, [Finding(Level.ERROR, "extract.entities", "entity-unmentioned", "gone")]
    )
    assert [p.rule for p in report.problems] == ["finding"]


def test_undeclared_from_the_ntriples_is_the_graph_walks_answer(data: Graph) -> None:
    """validate.undeclared reads the cqo: IRIs off the N-Triples: the same list as
    graph.vocab.undeclared_terms, with typos in every position and a literal that only looks
    like one (an invented sentence quoting an IRI)."""
    from graph.pipeline import export

    g = Graph()
    for t in data:
        g.add(t)
    assert validate.undeclared(g, export.ntriples_utf8(g)) == undeclared_terms(g) == []
    obs = sorted(g.subjects(RDF.type, CQO.Observation), key=str)[0]
    g.add((obs, URIRef(CQO_IRI + "vaule"), Literal(1)))  # predicate
    g.add((obs, RDF.type, URIRef(CQO_IRI + "Observaton")))  # class
    g.add((obs, CQO.indicator, URIRef(CQO_IRI + "Indicatr")))  # object
    g.add((URIRef(CQO_IRI + "Sujet"), CQO.indicator, obs))  # subject
    g.add((obs, CQO.statedValue, Literal(f"網民寫了 <{CQO_IRI}Fake> 與 <{CQO_IRI}x\n")))
    for nt in (export.ntriples_utf8(g), export.ntriples(g)):
        assert validate.undeclared(g, nt) == undeclared_terms(g)
    assert [str(t)[len(CQO_IRI) :] for t in undeclared_terms(g)] == [
        "Indicatr",
        "Observaton",
        "Sujet",
        "vaule",
    ]
