"""graph/namespaces.py: one prefix table, closed where the vocabulary is fixed.

Open rdflib namespaces (schema, xsd) are reached through the module, not imported by name:
pytest probes test-module globals for ``_mock_name``, which rdflib answers with a warning.
"""

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

import graph.namespaces as ns
from graph.namespaces import (
    CQR,
    CUR,
    DCTERMS,
    ITSRDF,
    NIF,
    ORG,
    PREFIXES,
    PROV,
    QB,
    QUDT,
    SKOS,
    UNIT,
    bind_all,
)

# docs/design/graph-shape.md, "Prefixes"
DESIGN_PREFIXES = {
    "cqo": "https://w3id.org/cqkg/ontology#",
    "cqr": "https://w3id.org/cqkg/id/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "itsrdf": "http://www.w3.org/2005/11/its/rdf#",
    "unit": "http://qudt.org/vocab/unit/",
    "cur": "http://qudt.org/vocab/currency/",
    "qudt": "http://qudt.org/schema/qudt/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def test_prefixes_cover_the_design_and_are_sorted() -> None:
    for prefix, iri in DESIGN_PREFIXES.items():
        assert PREFIXES[prefix] == iri
    assert list(PREFIXES) == sorted(PREFIXES)
    assert len(set(PREFIXES.values())) == len(PREFIXES), "two prefixes for one namespace"


def test_namespace_objects_match_prefixes() -> None:
    pairs = {
        "cqr": CQR, "cur": CUR, "dcterms": DCTERMS, "itsrdf": ITSRDF, "nif": NIF, "org": ORG,
        "prov": PROV, "qb": QB, "qudt": QUDT, "schema": ns.SCHEMA, "skos": SKOS, "unit": UNIT,
    }  # fmt: skip
    for prefix, namespace in pairs.items():
        assert str(namespace) == PREFIXES[prefix], prefix


def test_closed_namespaces_reject_typos() -> None:
    assert NIF.beginIndex == URIRef(PREFIXES["nif"] + "beginIndex")
    for closed, typo in ((NIF, "begnIndex"), (PROV, "wasDerivedFom"), (ORG, "subOrganzationOf")):
        with pytest.raises(AttributeError):
            getattr(closed, typo)


def test_bind_all_serializes_with_our_prefixes() -> None:
    g = bind_all(Graph(bind_namespaces="none"))
    bound = {p: str(n) for p, n in g.namespaces()}
    assert bound == PREFIXES
    g.add((CQR["platform/yukuaiban"], RDFS.label, Literal("渝快辦", lang="zh-Hant")))
    g.add((CQR["platform/yukuaiban"], ns.SCHEMA.provider, CQR["agency/x"]))
    ttl = g.serialize(format="turtle")
    assert "@prefix schema: <https://schema.org/> ." in ttl
    # '/' is not allowed in a Turtle local name, so cqr: IRIs are written in full
    assert "<https://w3id.org/cqkg/id/platform/yukuaiban>" in ttl


def test_bind_all_overrides_rdflib_defaults() -> None:
    g = Graph()
    g.bind("sdo", "https://schema.org/")
    bind_all(g)
    assert dict(g.namespaces())["schema"] == URIRef("https://schema.org/")
    assert "sdo" not in dict(g.namespaces())
