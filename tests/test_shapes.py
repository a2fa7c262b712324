"""SHACL shapes (ontology/shapes.ttl) against hand-written valid and invalid examples.

Every file in tests/data/valid must conform. Every file in tests/data/invalid has one defect
and declares, in ``# expect: <shape> <path>`` header lines, exactly which results it must
produce: ``<shape>`` is the named shape or SPARQL constraint (or the node shape owning an
anonymous property shape) and ``<path>`` the result path (``^p`` for an inverse path, ``-``
for none). The set of results must equal the set of expectations, so an example cannot pass
by failing for some other reason.
"""

import re
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Node, URIRef
from rdflib.namespace import RDF, SH

from graph.namespaces import PREFIXES
from graph.vocab import CQO, load_ontology, load_shapes, undeclared_terms

DATA = Path(__file__).parent / "data"
VALID = sorted((DATA / "valid").glob("*.ttl"))
INVALID = sorted((DATA / "invalid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: (\S+) (\S+)\s*$", re.MULTILINE)

Expectation = tuple[str, str]


@cache
def _ontology() -> Graph:
    return load_ontology()


@cache
def _shapes() -> Graph:
    return load_shapes()


def _expand(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    return URIRef(PREFIXES[prefix] + local)


def _validate(path: Path) -> tuple[bool, Graph]:
    data = Graph().parse(path, format="turtle")
    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=_shapes(),
        ont_graph=_ontology(),
        inference="none",
        advanced=True,
    )
    return bool(conforms), results


def _curie(node: Node) -> str:
    for prefix, iri in PREFIXES.items():
        if str(node).startswith(iri):
            return f"{prefix}:{str(node)[len(iri) :]}"
    return str(node)


def _shape_name(results: Graph, result: Node) -> str:
    """Named SPARQL constraint, else named source shape, else the node shape owning it."""
    constraint = results.value(result, SH.sourceConstraint)
    if isinstance(constraint, URIRef):
        return _curie(constraint)
    shape = results.value(result, SH.sourceShape)
    if isinstance(shape, BNode):
        owners = sorted(_shapes().subjects(SH.property, shape))
        assert len(owners) == 1, f"anonymous shape {shape} has owners {owners}"
        shape = owners[0]
    return _curie(shape)


def _path_name(results: Graph, result: Node) -> str:
    path = results.value(result, SH.resultPath)
    if path is None:
        return "-"
    if isinstance(path, BNode):
        inverse = results.value(path, SH.inversePath)
        assert inverse is not None, "only inverse paths are used in the shapes"
        return "^" + _curie(inverse)
    return _curie(path)


def _observed(results: Graph) -> set[Expectation]:
    return {
        (_shape_name(results, r), _path_name(results, r))
        for r in results.subjects(RDF.type, SH.ValidationResult)
    }


def _expected(path: Path) -> set[Expectation]:
    return set(EXPECT.findall(path.read_text(encoding="utf-8")))


def test_examples_exist() -> None:
    assert len(VALID) >= 8
    assert len(INVALID) >= 25


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_example_conforms(path: Path) -> None:
    conforms, results = _validate(path)
    assert conforms, f"{path.name}: {sorted(_observed(results))}"


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_example_fails_for_the_stated_reason(path: Path) -> None:
    expected = _expected(path)
    assert expected, f"{path.name}: no '# expect: <shape> <path>' header"
    conforms, results = _validate(path)
    assert not conforms
    assert _observed(results) == expected


@pytest.mark.parametrize("path", VALID + INVALID, ids=[p.stem for p in VALID + INVALID])
def test_examples_use_only_declared_terms(path: Path) -> None:
    assert undeclared_terms(Graph().parse(path, format="turtle")) == []


def test_expected_shapes_exist_in_shapes_graph() -> None:
    shapes = _shapes()
    for path in INVALID:
        for shape, _ in _expected(path):
            assert (_expand(shape), None, None) in shapes, f"{path.name}: unknown shape {shape}"


def test_every_shape_has_a_message() -> None:
    """A failing rule must explain itself in plain words (sh:message)."""
    shapes = _shapes()
    named_property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape))
    anonymous_property_shapes = set(shapes.objects(None, SH.property))
    sparql = set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    for shape in named_property_shapes | anonymous_property_shapes | sparql:
        if (shape, RDF.type, SH.NodeShape) in shapes:
            continue
        assert shapes.value(shape, SH.message) is not None, f"{shape} has no sh:message"


def test_every_class_has_a_node_shape() -> None:
    shapes = _shapes()
    classes = {t for t in _ontology().subjects(RDF.type, URIRef(PREFIXES["owl"] + "Class"))}
    cqo_classes = {c for c in classes if isinstance(c, URIRef) and c in CQO}
    targeted = set(shapes.objects(None, SH.targetClass))
    assert cqo_classes, "ontology declares no classes"
    assert cqo_classes - targeted == set()
    assert _expand("org:Post") in targeted


def test_shapes_parse_with_pyoxigraph() -> None:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    path = Path(__file__).parents[1] / "ontology" / "shapes.ttl"
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    # a fresh copy: pySHACL adds a few triples to the shapes graph it is given
    assert len(store) == len(load_shapes())
