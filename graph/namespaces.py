"""Every RDF namespace cqkg uses, and the one prefix table shared by all serializations.

Why one module: Turtle, JSON-LD contexts, SPARQL query prologues and the HTML viewer must
all agree on prefixes, so they all read ``PREFIXES`` from here instead of binding their own.
Vocabularies with a fixed term list are closed ``DefinedNamespace`` objects (a typo such as
``PROV.wasDerivedFom`` raises ``AttributeError`` instead of minting a new IRI); open-ended
ones (our resources ``cqr:``, QUDT's thousands of units) are plain ``Namespace`` objects.
``cqo:`` lives in ``graph.vocab`` because its term list is checked against the ontology file.

No ``from __future__ import annotations`` here: rdflib reads ``DefinedNamespace`` annotations
at run time (``as_jsonld_context`` calls ``issubclass`` on them), so they must stay real types.
"""

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VANN,
    XSD,
    DefinedNamespace,
)

__all__ = [
    "CQO_IRI",
    "CQR",
    "CQS",
    "CUR",
    "DCTERMS",
    "FOAF",
    "ITSRDF",
    "NIF",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "QUDT",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SDMX_ATTRIBUTE",
    "SDMX_DIMENSION",
    "SDMX_MEASURE",
    "SH",
    "SKOS",
    "TIME",
    "UNIT",
    "VANN",
    "XSD",
    "bind_all",
]

CQO_IRI = "https://w3id.org/cqkg/ontology#"
"""Namespace IRI of the ontology (the closed ``CQO`` object is in ``graph.vocab``)."""

CQR = Namespace("https://w3id.org/cqkg/id/")
"""Resources of the data graph: ``cqr:agency/...``, ``cqr:obs/...``, ``cqr:span/...``."""

CQS = Namespace("https://w3id.org/cqkg/shapes#")
"""SHACL shapes (``ontology/shapes.ttl``); appears in validation reports."""

SCHEMA = SDO
"""schema.org, https form (rdflib's ``SDO``; open, schema.org is too large to close)."""

ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CUR = Namespace("http://qudt.org/vocab/currency/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
OA = Namespace("http://www.w3.org/ns/oa#")
"""Web Annotation: ``oa:start``/``oa:end`` are what our raw-text offsets specialize."""


class NIF(DefinedNamespace):
    """NIF 2.0 Core (the terms of nif-core we may use; closed so typos fail loudly)."""

    _fail = True
    _NS = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")

    # classes
    String: URIRef
    OffsetBasedString: URIRef
    RFC5147String: URIRef
    CString: URIRef
    Context: URIRef
    Structure: URIRef
    Sentence: URIRef
    Paragraph: URIRef
    Phrase: URIRef
    Word: URIRef
    Title: URIRef
    Section: URIRef
    # properties
    anchorOf: URIRef
    beginIndex: URIRef
    endIndex: URIRef
    referenceContext: URIRef
    isString: URIRef
    sourceUrl: URIRef
    predLang: URIRef
    sentence: URIRef
    word: URIRef
    firstWord: URIRef
    lastWord: URIRef
    nextSentence: URIRef
    previousSentence: URIRef
    nextWord: URIRef
    previousWord: URIRef
    superString: URIRef
    subString: URIRef
    broaderContext: URIRef
    narrowerContext: URIRef


PREFIXES: dict[str, str] = dict(
    sorted(
        {
            "cqo": CQO_IRI,
            "cqr": str(CQR),
            "cqs": str(CQS),
            "cur": str(CUR),
            "dcterms": str(DCTERMS),
            "foaf": str(FOAF),
            "itsrdf": str(ITSRDF),
            "nif": str(NIF),
            "org": str(ORG),
            "oa": str(OA),
            "owl": str(OWL),
            "prov": str(PROV),
            "qb": str(QB),
            "qudt": str(QUDT),
            "rdf": str(RDF),
            "rdfs": str(RDFS),
            "schema": str(SCHEMA),
            "sdmx-attribute": str(SDMX_ATTRIBUTE),
            "sdmx-dimension": str(SDMX_DIMENSION),
            "sdmx-measure": str(SDMX_MEASURE),
            "sh": str(SH),
            "skos": str(SKOS),
            "time": str(TIME),
            "unit": str(UNIT),
            "vann": str(VANN),
            "xsd": str(XSD),
        }.items()
    )
)
"""prefix -> namespace IRI, sorted by prefix; the single table for every serialization."""


def bind_all(graph: Graph) -> Graph:
    """Bind every prefix of ``PREFIXES`` on ``graph`` (replacing rdflib's defaults) and return it.

    ``replace=True`` and ``override=True`` make the binding deterministic: rdflib ships its own
    defaults (e.g. ``schema`` for https://schema.org/) and would otherwise keep them or invent
    ``ns1``-style prefixes, which would change the serialized bytes.
    """
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, Namespace(iri), override=True, replace=True)
    return graph
