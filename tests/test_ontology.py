"""The ontology file (ontology/cqkg.ttl) and the closed CQO namespace (graph/vocab.py).

Why: the ontology is the normative declaration of every cqo: term and the contract users'
SPARQL relies on; these tests keep the file, the Python term list and the data graph's use of
terms in lock-step, and hold every term to the W3C habit (labels, definition, isDefinedBy,
alignment to the standard term it specializes).
"""

import re
from pathlib import Path

import pytest
import rdflib.namespace as rns  # XSD, SDO via the module: pytest probes globals (warns)
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, VANN

from graph.namespaces import CQO_IRI, CQR, ORG, PREFIXES, QB, SKOS
from graph.vocab import (
    CQO,
    CQO_TERMS,
    ONTOLOGY_IRI,
    declared_terms,
    load_ontology,
    load_shapes,
    ontology_dir,
    undeclared_terms,
)

ROOT = Path(__file__).parents[1]
ONTOLOGY_TTL = ROOT / "ontology" / "cqkg.ttl"
SHAPES_TTL = ROOT / "ontology" / "shapes.ttl"
NIF = PREFIXES["nif"]

# The class names docs/architecture.md and docs/design/graph-shape.md promise (contract).
CONTRACT_CLASSES = {
    "Agency", "Person", "Company", "Platform", "Project", "Pilot", "Product", "Place",
    "Document", "Event", "Indicator", "Observation", "RankObservation", "GrowthObservation",
    "TierObservation", "Theme", "Span", "Sentence", "Assertion", "CountUnit", "Qualifier",
    "CurationStatus",
}  # fmt: skip
CONTRACT_PROPERTIES = {
    "indicator", "unit", "qualifier", "refArea", "about", "rankScope", "growthOf", "refines",
    "section", "refersTo", "mentionedIn", "organizer", "speaker", "spokeAbout", "madeBy",
    "locatedIn", "operatedBy", "partOf", "releasedAt", "cites", "value", "statedValue",
    "period", "rank", "tier", "consecutiveYears", "rawBeginIndex", "rawEndIndex", "rule",
    # open world (issue 7) and editions (issue 10)
    "curationStatus", "conflictsWith", "previousEdition", "edition", "rankOf", "valueMax",
}  # fmt: skip
CONTRACT_INDIVIDUALS = {"Curated", "Candidate", "dsd", "consistent", "inconsistent", "uncheckable"}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_ontology()


def _iri(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    return URIRef(PREFIXES[prefix] + local)


def _is_cqo(node: object) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(CQO_IRI)


# --- the file -------------------------------------------------------------------------


def test_ontology_parses_identically_with_pyoxigraph(onto: Graph) -> None:
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    store.load(path=str(ONTOLOGY_TTL), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(onto) > 300


@pytest.mark.parametrize("path", [ONTOLOGY_TTL, SHAPES_TTL], ids=["cqkg", "shapes"])
def test_file_prefixes_agree_with_python_prefixes(path: Path) -> None:
    """A prefix declared in a .ttl file must mean what PREFIXES says it means."""
    declared = re.findall(r"^@prefix ([\w-]*): <([^>]*)> \.$", path.read_text("utf-8"), re.M)
    assert declared
    for prefix, iri in declared:
        assert PREFIXES.get(prefix) == iri, prefix


def test_header(onto: Graph) -> None:
    o = ONTOLOGY_IRI
    assert (o, RDF.type, OWL.Ontology) in onto
    assert onto.value(o, OWL.versionInfo) == Literal("0.1.0")
    assert onto.value(o, OWL.versionIRI) == URIRef(f"{o}/0.1.0")
    assert onto.value(o, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert onto.value(o, DCTERMS.created) == Literal("2026-11-25", datatype=rns.XSD.date)
    assert onto.value(o, DCTERMS.modified) is not None
    assert onto.value(o, DCTERMS.creator) == Literal("cqkg project")
    assert {t.language for t in onto.objects(o, DCTERMS.title)} >= {"en", "zh-Hans"}
    assert onto.value(o, DCTERMS.description) is not None
    assert onto.value(o, VANN.preferredNamespacePrefix) == Literal("cqo")
    assert str(onto.value(o, VANN.preferredNamespaceUri)) == CQO_IRI
    assert not list(onto.objects(o, OWL.imports)), "no imports: the build is offline"


# --- closed namespace -----------------------------------------------------------------


def test_python_terms_equal_declared_terms_both_ways(onto: Graph) -> None:
    declared = {str(t)[len(CQO_IRI) :] for t in declared_terms(onto)}
    assert sorted(declared - CQO_TERMS) == [], "declared in cqkg.ttl but missing in CQO"
    assert sorted(CQO_TERMS - declared) == [], "listed in CQO but not declared in cqkg.ttl"


def test_contract_terms_are_declared() -> None:
    assert CONTRACT_CLASSES | CONTRACT_PROPERTIES | CONTRACT_INDIVIDUALS <= CQO_TERMS


def test_typo_raises_attribute_error() -> None:
    assert CQO.Agency == URIRef(CQO_IRI + "Agency")
    with pytest.raises(AttributeError):
        _ = CQO.Agnecy
    with pytest.raises(AttributeError):
        _ = CQO["statedvalue"]


def test_every_cqo_iri_in_ontology_and_shapes_is_declared(onto: Graph) -> None:
    assert undeclared_terms(onto) == []
    assert undeclared_terms(load_shapes()) == []


def test_each_term_declared_once_with_one_kind(onto: Graph) -> None:
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}
    for term in declared_terms(onto):
        assert len(set(onto.objects(term, RDF.type)) & kinds) == 1, term


# --- per-term documentation and alignment ---------------------------------------------


@pytest.mark.parametrize("name", sorted(CQO_TERMS))
def test_term_is_documented(onto: Graph, name: str) -> None:
    term = CQO[name]
    labels = list(onto.objects(term, RDFS.label))
    assert sorted(lbl.language for lbl in labels if isinstance(lbl, Literal)) == ["en", "zh-Hans"]
    comments = [c for c in onto.objects(term, RDFS.comment) if isinstance(c, Literal)]
    assert [c.language for c in comments] == ["en"]
    assert len(str(comments[0])) > 15
    assert onto.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI


def _aligned(onto: Graph, term: URIRef, link: URIRef, seen: frozenset[URIRef]) -> bool:
    """True if ``term`` specializes a non-cqo IRI, directly or through cqo parents."""
    for parent in onto.objects(term, link):
        if isinstance(parent, URIRef) and not _is_cqo(parent):
            return True
        if _is_cqo(parent) and parent not in seen and _aligned(onto, parent, link, seen | {term}):
            return True
    return False


@pytest.mark.parametrize("name", sorted(CQO_TERMS - CONTRACT_INDIVIDUALS))
def test_term_is_aligned_to_a_standard_term(onto: Graph, name: str) -> None:
    term = CQO[name]
    link = RDFS.subClassOf if (term, RDF.type, OWL.Class) in onto else RDFS.subPropertyOf
    assert _aligned(onto, term, link, frozenset()), f"cqo:{name} has no {link} to a standard term"


@pytest.mark.parametrize("name", ["Curated", "Candidate"])
def test_curation_status_individuals_are_concepts_of_their_scheme(onto: Graph, name: str) -> None:
    """An individual has no super-term to align; it is typed by an aligned cqo: class instead."""
    term = CQO[name]
    assert (term, RDF.type, OWL.NamedIndividual) in onto
    assert (term, RDF.type, CQO.CurationStatus) in onto
    assert (CQO.CurationStatus, RDFS.subClassOf, SKOS.Concept) in onto
    assert onto.value(term, SKOS.inScheme) == CQR["scheme/curation-status"]


def test_conflicts_with_is_symmetric_between_observations(onto: Graph) -> None:
    assert (CQO.conflictsWith, RDF.type, OWL.SymmetricProperty) in onto
    assert onto.value(CQO.conflictsWith, RDFS.domain) == CQO.Observation
    assert onto.value(CQO.conflictsWith, RDFS.range) == CQO.Observation
    assert onto.value(CQO.previousEdition, RDFS.range) == CQO.Document
    assert onto.value(CQO.curationStatus, RDFS.range) == CQO.CurationStatus


def test_about_also_links_an_article_to_its_edition(onto: Graph) -> None:
    """cqo:about has no rdfs:domain (it would make every article an observation by inference)."""
    assert onto.value(CQO.about, RDFS.domain) is None
    assert set(onto.objects(CQO.about, rns.SDO.domainIncludes)) == {CQO.Observation, CQO.Document}


@pytest.mark.parametrize(
    ("term", "parent"),
    [
        ("cqo:Agency", "org:Organization"),
        ("cqo:Agency", "schema:GovernmentOrganization"),
        ("cqo:Company", "org:Organization"),
        ("cqo:Company", "schema:Corporation"),
        ("cqo:Person", "schema:Person"),
        ("cqo:Person", "foaf:Person"),
        ("cqo:Place", "schema:Place"),
        ("cqo:Document", "schema:CreativeWork"),
        ("cqo:Document", "foaf:Document"),
        ("cqo:Event", "schema:Event"),
        ("cqo:Product", "schema:Product"),
        ("cqo:Platform", "schema:Service"),
        ("cqo:Project", "schema:Project"),
        ("cqo:Pilot", "cqo:Project"),
        ("cqo:Observation", "qb:Observation"),
        ("cqo:RankObservation", "cqo:Observation"),
        ("cqo:GrowthObservation", "cqo:Observation"),
        ("cqo:TierObservation", "cqo:Observation"),
        ("cqo:Indicator", "skos:Concept"),
        ("cqo:Theme", "skos:Concept"),
        ("cqo:Qualifier", "skos:Concept"),
        ("cqo:CountUnit", "qudt:Unit"),
        ("cqo:CountUnit", "skos:Concept"),
        ("cqo:Span", "nif:String"),
        ("cqo:Span", "nif:OffsetBasedString"),
        ("cqo:Sentence", "cqo:Span"),
        ("cqo:Sentence", "nif:Sentence"),
        ("cqo:Assertion", "rdf:Statement"),
    ],
)
def test_class_alignment(onto: Graph, term: str, parent: str) -> None:
    assert (_iri(term), RDFS.subClassOf, _iri(parent)) in onto


@pytest.mark.parametrize(
    ("term", "parent"),
    [
        ("cqo:refersTo", "itsrdf:taIdentRef"),
        ("cqo:organizer", "schema:organizer"),
        ("cqo:madeBy", "schema:manufacturer"),
        ("cqo:locatedIn", "schema:location"),
        ("cqo:operatedBy", "schema:provider"),
        ("cqo:partOf", "dcterms:isPartOf"),
        ("cqo:cites", "dcterms:references"),
        ("cqo:refArea", "sdmx-dimension:refArea"),
        ("cqo:period", "sdmx-dimension:refPeriod"),
        ("cqo:value", "sdmx-measure:obsValue"),
        ("cqo:valueMax", "schema:maxValue"),
        ("cqo:rankOf", "schema:numberOfItems"),
        ("cqo:edition", "schema:version"),
        ("cqo:conflictsWith", "dcterms:relation"),
        ("cqo:previousEdition", "dcterms:relation"),
    ],
)
def test_property_alignment(onto: Graph, term: str, parent: str) -> None:
    assert (_iri(term), RDFS.subPropertyOf, _iri(parent)) in onto


@pytest.mark.parametrize(
    ("term", "datatype"),
    [
        ("value", rns.XSD.decimal),
        ("statedValue", rns.XSD.string),
        ("period", rns.XSD.gYear),
        ("rank", rns.XSD.integer),
        ("tier", rns.XSD.string),
        ("consecutiveYears", rns.XSD.integer),
        ("rawBeginIndex", rns.XSD.nonNegativeInteger),
        ("rawEndIndex", rns.XSD.nonNegativeInteger),
        ("rule", rns.XSD.string),
        ("rankOf", rns.XSD.integer),
        ("valueMax", rns.XSD.decimal),
        ("edition", rns.XSD.gYear),
    ],
)
def test_datatype_property_ranges(onto: Graph, term: str, datatype: URIRef) -> None:
    assert (CQO[term], RDF.type, OWL.DatatypeProperty) in onto
    assert onto.value(CQO[term], RDFS.range) == datatype


def test_unions_match_schema_includes(onto: Graph) -> None:
    """Every owl:unionOf range/domain lists the same classes as schema:range/domainIncludes.

    scripts/make_docs.py relies on this: it hides the unions from pyLODE (which renders their
    members in random order) and the page shows the schema:*Includes instead.
    """
    pairs = {RDFS.range: rns.SDO.rangeIncludes, RDFS.domain: rns.SDO.domainIncludes}
    seen = 0
    for link, includes in pairs.items():
        for term, node in onto.subject_objects(link):
            if not isinstance(node, BNode):
                continue
            members = set(onto.items(onto.value(node, OWL.unionOf)))
            assert len(members) >= 2, term
            assert members == set(onto.objects(term, includes)), term
            seen += 1
    assert seen >= 4  # growthOf, organizer, operatedBy ranges; section domain


def test_data_structure_definition(onto: Graph) -> None:
    assert (CQO.dsd, RDF.type, QB.DataStructureDefinition) in onto
    components = list(onto.objects(CQO.dsd, QB.component))
    dims = {onto.value(c, QB.dimension) for c in components} - {None}
    measures = {onto.value(c, QB.measure) for c in components} - {None}
    attrs = {onto.value(c, QB.attribute) for c in components} - {None}
    assert dims == {CQO.indicator, CQO.refArea, CQO.period}
    assert measures == {CQO.value}
    assert {CQO.unit, CQO.qualifier, CQO.statedValue} <= attrs
    kinds = {QB.dimension: QB.DimensionProperty, QB.measure: QB.MeasureProperty}
    kinds[QB.attribute] = QB.AttributeProperty
    for component in components:
        for link, kind in kinds.items():
            prop = onto.value(component, link)
            if prop is not None:
                assert (prop, RDF.type, kind) in onto, prop


# --- loaders and undeclared_terms -----------------------------------------------------


def test_loaders_find_the_repo_files_and_return_fresh_graphs() -> None:
    assert ontology_dir() == ROOT / "ontology"
    first = load_ontology()
    first.remove((None, None, None))
    assert len(load_ontology()) > 300
    assert (None, RDF.type, URIRef(PREFIXES["sh"] + "NodeShape")) in load_shapes()


def test_undeclared_terms_finds_typos_in_every_position() -> None:
    g = Graph()
    x = CQR["platform/x"]
    g.add((x, RDF.type, CQO.Platform))  # fine
    g.add((x, RDF.type, URIRef(CQO_IRI + "Platfrom")))  # class typo
    g.add((x, URIRef(CQO_IRI + "operatedby"), CQR["agency/y"]))  # predicate typo
    g.add((CQR["obs/1"], CQO.growthOf, URIRef(CQO_IRI + "Indicatr")))  # object typo
    g.add((x, RDFS.label, Literal("x", lang="en")))
    assert undeclared_terms(g) == [
        URIRef(CQO_IRI + "Indicatr"),
        URIRef(CQO_IRI + "Platfrom"),
        URIRef(CQO_IRI + "operatedby"),
    ]


def test_undeclared_terms_empty_for_declared_use() -> None:
    g = Graph()
    g.add((CQR["agency/a"], RDF.type, CQO.Agency))
    g.add((CQR["agency/a"], ORG.subOrganizationOf, CQR["agency/b"]))
    g.add((CQR["theme/t"], RDF.type, SKOS.Concept))
    assert undeclared_terms(g) == []


def test_nif_terms_used_by_the_ontology_exist_in_nif_namespace(onto: Graph) -> None:
    """graph.namespaces.NIF is closed; it must know every nif: term our files use."""
    from graph.namespaces import NIF as NIF_NS

    text = ONTOLOGY_TTL.read_text("utf-8") + SHAPES_TTL.read_text("utf-8")
    for local in set(re.findall(r"\bnif:(\w+)", text)):
        assert local in NIF_NS, local
    assert str(NIF_NS) == NIF
