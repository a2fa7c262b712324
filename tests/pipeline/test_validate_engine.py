"""The set-wise SHACL engine (graph.pipeline.shacl) gives pySHACL's answer.

Reference: pySHACL as shipped (``CQKG_FULL_VALIDATION=1``). Compared: ``conforms`` and the
sorted problem list (focus node, message, result path, source shape), duplicates included, on
every valid and invalid example, the seed, the seed with every fixture article, and graphs
broken on purpose so that every constraint component the engine implements fails at least
once (labels and quotes invented, in both scripts). Shapes the engine does not implement make
it step aside (``engine_shacl`` is None), and the build's answer is still pySHACL's.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.namespaces import NIF
from graph.pipeline import export, validate
from graph.pipeline.run import BuildResult
from graph.pipeline.shacl import engine, index
from graph.pipeline.shacl.shapes import program
from graph.vocab import CQO, load_ontology, load_shapes

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "tests" / "data" / "valid").glob("*.ttl")) + sorted(
    (ROOT / "tests" / "data" / "invalid").glob("*.ttl")
)
CQS = "https://w3id.org/cqkg/shapes#"
CQO_NS = "https://w3id.org/cqkg/ontology#"

Answer = tuple[bool, list[validate.Problem]]


def _reference(g: Graph, monkeypatch: pytest.MonkeyPatch, shapes: Graph | None = None) -> Answer:
    monkeypatch.setenv(validate.FULL_VALIDATION_ENV, "1")
    conforms, problems, _ = validate.pyshacl_shacl(g, shapes)
    monkeypatch.delenv(validate.FULL_VALIDATION_ENV)
    return conforms, problems


def _same(g: Graph, monkeypatch: pytest.MonkeyPatch) -> list[validate.Problem]:
    """The engine ran (did not step aside) and agrees with pySHACL, duplicates included."""
    monkeypatch.delenv(validate.FULL_VALIDATION_ENV, raising=False)
    got = validate.engine_shacl(g, None, export.ntriples(g))
    assert got is not None
    assert got[:2] == _reference(g, monkeypatch)
    return got[1]


@pytest.fixture(scope="module")
def seed(built: BuildResult) -> Graph:
    return Graph().parse(built.out_dir / "cqkg.nt", format="nt")


def _copy(g: Graph) -> Graph:
    out = Graph()
    out += g
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_every_example_same(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    problems = _same(Graph().parse(path, format="turtle"), monkeypatch)
    assert bool(problems) == (path.parent.name == "invalid")


def test_seed_same_and_clean(seed: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _same(seed, monkeypatch) == []


def test_seed_with_every_fixture_article_same(
    corpus_graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _same(corpus_graph, monkeypatch) == []


def _first(g: Graph, cls: URIRef, *, where: URIRef | None = None) -> URIRef:
    nodes = sorted(s for s in g.subjects(RDF.type, cls) if where is None or (s, where, None) in g)
    assert nodes, cls
    return URIRef(nodes[0])


def _shapes_named(problems: list[validate.Problem]) -> set[str]:
    return {p.message.rsplit("shape ", 1)[-1].rstrip(")").rsplit("#", 1)[-1] for p in problems}


def test_every_component_broken_same(seed: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    g = _copy(seed)
    spans = sorted(g.subjects(RDF.type, CQO.Span), key=str)
    obs = _first(g, CQO.Observation)
    agency = _first(g, CQO.Agency, where=CQO.curationStatus)
    place = _first(g, CQO.Place)
    doc = _first(g, NIF.Context)
    g.set((spans[0], NIF.anchorOf, Literal("這是編造的引文")))  # sh:sparql (quote), 繁
    g.set((spans[1], NIF.anchorOf, Literal("这是编造的引文")))  # sh:sparql (quote), 简
    g.set((spans[2], NIF.endIndex, Literal(0)))  # sh:datatype, sh:lessThan
    g.add((spans[3], CQO.section, spans[4]))  # sh:class, sh:maxCount
    g.add((spans[5], CQO.refersTo, Literal("一個名字")))  # sh:nodeKind
    g.set((spans[6], NIF.anchorOf, Literal("", datatype=XSD.string)))  # sh:minLength
    g.remove((obs, CQO.indicator, None))  # sh:minCount
    g.set((agency, CQO.curationStatus, URIRef(CQO_NS + "Unknown")))  # sh:in
    g.add((agency, RDFS.label, Literal("另一個機構名稱", lang="zh-Hant")))  # uniqueLang, qualified
    g.add((agency, RDFS.label, Literal("没有语言标签的名称")))  # sh:languageIn
    for s in list(g.subjects(CQO.refersTo, place)):  # sh:or: no span names it any more ...
        g.remove((s, CQO.refersTo, place))
    for s in list(g.subjects(CQO.refArea, place)):  # ... nor is it a figure's area
        g.remove((s, CQO.refArea, place))
    for s in list(g.subjects(CQO.rankScope, place)):
        g.remove((s, CQO.rankScope, place))
    edition = g.value(doc, CQO.about)
    g.remove((edition, CQO.edition, None))  # sh:node EditionShape (its nested result too)
    problems = _same(g, monkeypatch)
    named = _shapes_named(problems)
    assert {"SpanQuoteShape", "LabelLanguages", "LabelZhHant", "PlaceShape"} <= named
    assert {str(spans[i]) for i in (2, 3, 5, 6)} <= {p.node for p in problems}
    assert {str(obs), str(agency), str(place), str(doc), str(edition)} <= {p.node for p in problems}


def test_shared_property_shape_reported_twice_as_pyshacl_does(
    seed: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A candidate agency without its zh-Hans label fails cqs:LabelZhHans twice: once through
    cqs:AgencyShape, once through cqs:CandidateShape (pySHACL validates each reference)."""
    g = _copy(seed)
    agency = _first(g, CQO.Agency, where=CQO.curationStatus)
    g.set((agency, CQO.curationStatus, CQO.Candidate))
    g.add((agency, CQO.rule, Literal("invented-rule")))
    for label in list(g.objects(agency, RDFS.label)):
        if isinstance(label, Literal) and label.language == "zh-Hans":
            g.remove((agency, RDFS.label, label))
    problems = _same(g, monkeypatch)
    counts = Counter(p for p in problems if "LabelZhHans" in p.message)
    assert counts and max(counts.values()) == 2


def test_cross_source_targets_same(seed: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    """SPARQL targets: a conflict stated one way, an assertion of a missing triple."""
    g = _copy(seed)
    observations = sorted(g.subjects(RDF.type, CQO.Observation), key=str)
    g.add((observations[0], CQO.conflictsWith, observations[1]))
    assertion = _first(g, CQO.Assertion)
    g.set((assertion, RDF.object, Literal("不存在的對象")))
    messages = " ".join(p.message for p in _same(g, monkeypatch))
    assert "stated in both directions" in messages and "not in the graph" in messages


def _with(extra: str) -> Graph:
    shapes = load_shapes()
    shapes.parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix cqs: <https://w3id.org/cqkg/shapes#> .\n"
        "@prefix cqo: <https://w3id.org/cqkg/ontology#> .\n" + extra,
        format="turtle",
    )
    return shapes


@pytest.mark.parametrize(
    "extra",
    [
        "cqs:X a sh:NodeShape ; sh:targetClass cqo:Span ; sh:severity sh:Warning ;"
        ' sh:property [ sh:path cqo:rule ; sh:minCount 1 ; sh:message "w" ] .',
        "cqs:X a sh:NodeShape ; sh:targetClass cqo:Span ;"
        ' sh:property [ sh:path cqo:rule ; sh:pattern "^a" ; sh:message "p" ] .',
        "cqs:X a sh:NodeShape ; sh:targetClass cqo:Span ;"
        " sh:property [ sh:path cqo:rule ; sh:minCount 1 ] .",
        "cqs:X a sh:NodeShape ; sh:targetClass cqo:Span ; sh:deactivated true .",
        "cqs:X a sh:NodeShape ; sh:targetClass cqo:Document ; sh:sparql [ a sh:SPARQLConstraint ;"
        ' sh:message "m" ; sh:select "SELECT $this WHERE { $this a <https://w3id.org/cqkg/ontology#Document>'
        ' FILTER EXISTS { SELECT ?this WHERE { ?this ?p ?o } } }" ] .',
    ],
    ids=["severity", "pattern", "no-message", "deactivated", "sparql-subquery"],
)
def test_what_the_engine_does_not_implement_goes_to_pyshacl(
    extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shapes = _with(extra)
    assert not validate.engine_accepts(shapes)
    g = Graph().parse(ROOT / "tests" / "data" / "valid" / "span.ttl", format="turtle")
    assert validate.engine_shacl(g, shapes) is None
    monkeypatch.delenv(validate.FULL_VALIDATION_ENV, raising=False)
    assert validate._shacl(g, shapes)[:2] == _reference(g, monkeypatch, shapes)


def test_engine_switch_runs_pyshacl(monkeypatch: pytest.MonkeyPatch) -> None:
    g = Graph().parse(ROOT / "tests" / "data" / "invalid" / "span_length_mismatch.ttl")
    monkeypatch.setenv(validate.ENGINE_ENV, "pyshacl")
    assert "set-wise" not in validate._shacl(g)[2]
    monkeypatch.delenv(validate.ENGINE_ENV)
    assert "set-wise" in validate._shacl(g)[2]


def test_index_read_from_rdflib_memory_equals_iteration(seed: Graph) -> None:
    """The index copied from rdflib's own dictionaries is the one iteration gives, and a graph
    sharing its store with another graph is iterated instead."""
    fast = index.Data([seed, load_ontology()]).out
    ds = Dataset()
    one = ds.graph(URIRef("urn:x:one"))
    one += seed
    ds.graph(URIRef("urn:x:two")).add((URIRef("urn:x:a"), RDFS.label, Literal("別的")))
    store_out: dict = {}
    assert not index._read_memory_store(one, store_out)
    assert index.Data([one, load_ontology()]).out == fast


def test_program_reads_the_shipped_shapes() -> None:
    prog = program(load_shapes())
    roots = {str(s.node) for s in prog.roots}
    assert {CQS + "SpanShape", CQS + "CandidateShape", CQS + "SpanQuoteShape"} <= roots
    assert CQS + "EditionShape" not in roots  # used through sh:node only
    assert prog.needs_sparql


_MIXED = """
@prefix ex: <urn:x:> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:v "1"^^xsd:integer , "x"^^xsd:integer , "1.5"^^xsd:decimal , "-3"^^xsd:integer ,
        "true"^^xsd:boolean , "2024"^^xsd:gYear , "七"^^xsd:string , "柒" , "柒"@zh-Hant ,
        "七"@zh-Hans , "seven"@en-GB , ""^^xsd:string , ex:iri , "5"^^xsd:nonNegativeInteger ;
    ex:w "2"^^xsd:integer , "2.0"^^xsd:decimal , "b" , ex:zzz .
ex:b ex:v "柒"@zh-Hant , "另一個"@zh-hant ; ex:w "0"^^xsd:integer .
ex:c ex:w "甲" .
"""


@pytest.mark.parametrize(
    "constraint",
    [
        *(
            f"sh:datatype {dt}"
            for dt in (
                "xsd:integer",
                "xsd:decimal",
                "xsd:string",
                "rdf:langString",
                "xsd:gYear",
                "xsd:boolean",
                "xsd:nonNegativeInteger",
                "rdfs:Literal",
            )
        ),
        "sh:nodeKind sh:IRI",
        "sh:nodeKind sh:Literal",
        "sh:minCount 3",
        "sh:maxCount 2",
        'sh:languageIn ( "zh-Hant" "en" )',
        "sh:uniqueLang true",
        "sh:minLength 2",
        'sh:minInclusive "0"^^xsd:integer',
        'sh:minInclusive "b"',
        "sh:lessThan ex:w",
        "sh:lessThanOrEquals ex:w",
        'sh:in ( ex:iri "柒" )',
        "sh:class ex:Thing",
        'sh:or ( [ sh:datatype xsd:integer ] [ sh:languageIn ( "en" ) ] )',
        'sh:qualifiedValueShape [ sh:languageIn ( "zh-Hant" ) ] ; sh:qualifiedMaxCount 1',
    ],
)
def test_each_component_on_mixed_literals_same(
    constraint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A differential test per component: one property shape, values of every kind (typed,
    ill-typed, plain, tagged in both scripts, IRIs), engine vs pySHACL as shipped."""
    shapes = Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix ex: <urn:x:> .\n"
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:w ;\n"
        f'  sh:property [ sh:path ex:v ; {constraint} ; sh:message "broken" ] .\n',
        format="turtle",
    )
    data = Graph().parse(data=_MIXED, format="turtle")
    data.add((URIRef("urn:x:iri"), RDF.type, URIRef("urn:x:Thing")))
    monkeypatch.delenv(validate.FULL_VALIDATION_ENV, raising=False)
    got = validate.engine_shacl(data, shapes)
    if got is None:  # the engine steps aside only where pySHACL itself fails
        with pytest.raises(TypeError):
            _reference(data, monkeypatch, shapes)
        assert "lessThanOrEquals" in constraint
        return
    assert got[:2] == _reference(data, monkeypatch, shapes)


@pytest.mark.parametrize("nesting", ["sh:property", "sh:node"])
def test_shared_value_nodes_nested_same(nesting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two focus nodes share a value that fails a nested shape: pySHACL validates the value
    once per focus node (two results, and for sh:node the nested ones twice); an inverse path
    reaches the focus nodes back."""
    inner = (
        '[ sh:path ex:label ; sh:minCount 1 ; sh:message "no label" ]'
        if nesting == "sh:property"
        else '[ sh:property [ sh:path ex:label ; sh:minCount 1 ; sh:message "no label" ] ]'
    )
    shapes = Graph().parse(
        data="@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <urn:x:> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:Post ;\n"
        f'  sh:property [ sh:path ex:in ; {nesting} {inner} ; sh:message "bad org" ] ;\n'
        '  sh:property [ sh:path [ sh:inversePath ex:holds ] ; sh:minCount 1 ; sh:message "n" ] .',
        format="turtle",
    )
    data = Graph().parse(
        data="@prefix ex: <urn:x:> .\n"
        "ex:p1 a ex:Post ; ex:in ex:org . ex:p2 a ex:Post ; ex:in ex:org , ex:org2 .\n"
        'ex:org2 ex:label "網信辦" . ex:someone ex:holds ex:p1 .',
        format="turtle",
    )
    monkeypatch.delenv(validate.FULL_VALIDATION_ENV, raising=False)
    got = validate.engine_shacl(data, shapes)
    assert got is not None
    reference = _reference(data, monkeypatch, shapes)
    assert got[:2] == reference
    assert len(reference[1]) >= 3


def test_an_engine_failure_is_never_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any error of the engine hands the graph to pySHACL: the build still gets its answer."""
    g = Graph().parse(ROOT / "tests" / "data" / "invalid" / "span_quote_not_in_text.ttl")

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug in the shortcut")

    monkeypatch.delenv(validate.FULL_VALIDATION_ENV, raising=False)
    monkeypatch.setattr(engine, "validate", broken)
    assert validate.engine_shacl(g) is None
    got = validate._shacl(g)
    assert not got[0] and got[:2] == _reference(g, monkeypatch)
