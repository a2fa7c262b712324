"""The closed ``cqo:`` vocabulary, and loaders for the ontology and the SHACL shapes.

Why closed: ``CQO.Agnecy`` must raise ``AttributeError`` instead of silently minting a new
IRI (W3C itself once shipped ``org:subOrganzationOf`` by typo). ``tests/test_ontology.py``
checks that the terms listed here are exactly the ``cqo:`` terms declared in
``ontology/cqkg.ttl``, so code and ontology cannot drift apart; ``undeclared_terms`` is the
same check applied to a built graph.

No ``from __future__ import annotations``: rdflib inspects these annotations at run time.
"""

from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, DefinedNamespace

from graph.model import InputError
from graph.namespaces import CQO_IRI

__all__ = [
    "CQO",
    "CQO_TERMS",
    "ONTOLOGY_IRI",
    "declared_terms",
    "load_ontology",
    "load_shapes",
    "ontology_dir",
    "undeclared_terms",
]

ONTOLOGY_IRI = URIRef("https://w3id.org/cqkg/ontology")
ONTOLOGY_FILE = "cqkg.ttl"
SHAPES_FILE = "shapes.ttl"


class CQO(DefinedNamespace):
    """cqkg ontology terms (``cqo:``); see ``ontology/cqkg.ttl`` and ``docs/ontology.md``."""

    _fail = True
    _NS = Namespace(CQO_IRI)

    # classes: entities
    Agency: URIRef
    Company: URIRef
    Document: URIRef
    Event: URIRef
    Person: URIRef
    Pilot: URIRef
    Place: URIRef
    Platform: URIRef
    Product: URIRef
    Project: URIRef
    # classes: statistics
    CountUnit: URIRef
    CurationStatus: URIRef
    GrowthObservation: URIRef
    Indicator: URIRef
    Observation: URIRef
    Qualifier: URIRef
    RankObservation: URIRef
    TierObservation: URIRef
    # classes: consistency checks (graph/pipeline/checks.py)
    CheckStatus: URIRef
    ConsistencyCheck: URIRef
    # classes: text and evidence
    Assertion: URIRef
    Sentence: URIRef
    Span: URIRef
    Theme: URIRef
    # object properties
    about: URIRef
    checks: URIRef
    cites: URIRef
    conflictsWith: URIRef
    curationStatus: URIRef
    growthOf: URIRef
    indicator: URIRef
    locatedIn: URIRef
    madeBy: URIRef
    mentionedIn: URIRef
    operatedBy: URIRef
    organizer: URIRef
    partOf: URIRef
    previousEdition: URIRef
    qualifier: URIRef
    rankScope: URIRef
    refArea: URIRef
    refersTo: URIRef
    refines: URIRef
    releasedAt: URIRef
    section: URIRef
    speaker: URIRef
    spokeAbout: URIRef
    status: URIRef
    unit: URIRef
    usesObservation: URIRef
    # datatype properties
    computedMax: URIRef
    computedMin: URIRef
    computedValue: URIRef
    consecutiveYears: URIRef
    edition: URIRef
    period: URIRef
    rank: URIRef
    rankOf: URIRef
    rawBeginIndex: URIRef
    rawEndIndex: URIRef
    rule: URIRef
    statedValue: URIRef
    tier: URIRef
    value: URIRef
    valueMax: URIRef
    # individuals
    Candidate: URIRef
    Curated: URIRef
    consistent: URIRef
    inconsistent: URIRef
    uncheckable: URIRef
    dsd: URIRef


for _name in CQO.__annotations__:
    # Each term made once, as a class attribute: a ``DefinedNamespace`` looks every attribute
    # up through its metaclass's ``__getattr__`` and mints a new ``URIRef`` per access (1.6
    # million accesses, ~2 s, in a 200-article build). A name that is not a term still reaches
    # ``__getattr__`` and still raises: the namespace stays closed.
    type.__setattr__(CQO, _name, CQO[_name])

CQO_TERMS: frozenset[str] = frozenset(CQO.__annotations__)
"""Local names of every ``cqo:`` term (for tests and for ``undeclared_terms``)."""


def ontology_dir() -> Path:
    """Directory holding ``cqkg.ttl`` and ``shapes.ttl``.

    The canonical files live in ``<repo>/ontology``. An installed (non-editable) wheel has no
    ``<repo>``, so we also accept a copy packaged as ``graph/ontology`` (see pyproject's
    package-data) and use whichever exists, source checkout first.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "ontology", here / "ontology"):
        if (candidate / ONTOLOGY_FILE).is_file():
            return candidate
    raise InputError(f"{here.parent / 'ontology' / ONTOLOGY_FILE}: ontology file not found")


def _parse(path: Path) -> Graph:
    graph = Graph(bind_namespaces="core")
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several parser-specific types
        raise InputError(f"{path}: not valid Turtle ({exc})") from exc
    return graph


@lru_cache(maxsize=1)
def _ontology_cached() -> Graph:
    return _parse(ontology_dir() / ONTOLOGY_FILE)


@lru_cache(maxsize=1)
def _shapes_cached() -> Graph:
    return _parse(ontology_dir() / SHAPES_FILE)


def _copy(graph: Graph) -> Graph:
    out = Graph(bind_namespaces="core")
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    for triple in graph:
        out.add(triple)
    return out


def load_ontology() -> Graph:
    """The ontology (``ontology/cqkg.ttl``) as a fresh graph the caller may modify."""
    return _copy(_ontology_cached())


def load_shapes() -> Graph:
    """The SHACL shapes (``ontology/shapes.ttl``) as a fresh graph the caller may modify."""
    return _copy(_shapes_cached())


_DECLARING_TYPES = frozenset(
    {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.NamedIndividual,
        RDFS.Class,
        RDF.Property,
    }
)


def declared_terms(ontology: Graph | None = None) -> frozenset[URIRef]:
    """``cqo:`` IRIs the ontology declares (typed as an OWL/RDFS class, property or individual)."""
    g = _ontology_cached() if ontology is None else ontology
    return frozenset(
        s
        for s, o in g.subject_objects(RDF.type)
        if isinstance(s, URIRef) and str(s).startswith(CQO_IRI) and o in _DECLARING_TYPES
    )


def undeclared_terms(g: Graph) -> list[URIRef]:
    """``cqo:`` IRIs used anywhere in ``g`` that the ontology does not declare, sorted.

    Checks every position (subject, predicate, object), so a typo used as a predicate, a class
    (``rdf:type`` object) or a plain object is caught alike. An empty list means ``g`` only uses
    declared terms.
    """
    declared = declared_terms()
    used: set[URIRef] = set()
    for triple in g:
        for node in triple:
            if isinstance(node, URIRef) and str(node).startswith(CQO_IRI):
                used.add(node)
    return sorted(used - declared)
