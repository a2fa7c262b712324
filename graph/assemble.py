"""Assemble: typed extraction results -> one rdflib data graph (+ a separate metadata graph).

Design decisions (see docs/design/graph-shape.md for the IRI scheme):

* Every IRI is derived from content (registry ids, pinyin slugs of labels, offsets), never
  random, so two builds give the same graph and a figure keeps its IRI across builds.
* No blank nodes: they make byte-identical serialization depend on canonicalisation.
* One evidence pattern everywhere: a relation is a plain triple (easy to query) plus a
  ``cqo:Assertion`` naming subject/predicate/object with ``prov:wasDerivedFrom`` its span.
  Observations carry ``prov:wasDerivedFrom`` directly (they are nodes already).
* The same figure stated twice is one observation with two spans: observations are merged on
  (indicator, kind, value, unit, qualifier, rank, scope, period, area, about).
* Spans are shared nodes (``cqr:span/<src>/<b>-<e>``): a mention and a piece of evidence with the
  same offsets are the same span.
* Build time, versions and hashes are not in the data graph (they would break byte-stability);
  they go to the metadata graph (``build-metadata.ttl``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.curation import Curation
from graph.extract.metrics import Accounting
from graph.model import (
    CleanText,
    Extraction,
    Observation,
    Post,
    Relation,
    Segmentation,
    SourceDocument,
)
from graph.namespaces import CQR, DCTERMS, NIF, ORG, PROV, QB, SKOS, bind_all
from graph.registry import Entity
from graph.text import slug, to_hans
from graph.vocab import CQO

CLASS_IRI: dict[str, URIRef] = {
    "agency": CQO.Agency,
    "person": CQO.Person,
    "company": CQO.Company,
    "platform": CQO.Platform,
    "project": CQO.Project,
    "product": CQO.Product,
    "place": CQO.Place,
    "document": CQO.Document,
    "event": CQO.Event,
}
SUBCLASS_IRI: dict[str, URIRef] = {"Pilot": CQO.Pilot}
KIND_CLASS: dict[str, URIRef] = {
    "rank": CQO.RankObservation,
    "growth": CQO.GrowthObservation,
    "tier": CQO.TierObservation,
}
DATASET = CQR["dataset/figures"]
"""One qb:DataSet for every figure of every source: the same figure stated in two sources is
one observation (Data Cube IC-1 wants exactly one dataset per observation); which source said
it is in the observation's spans, not in its dataset."""
FRONT_MATTER_LABELS = {"zh-Hant": "導語", "zh-Hans": "导语", "en": "Lead"}


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything the stages produced for one source document."""

    doc: SourceDocument
    clean: CleanText
    seg: Segmentation
    extraction: Extraction
    numbers: Accounting | None = None  # where every digit run of the text went


@dataclass(slots=True)
class Assembled:
    data: Graph
    observation_iris: list[list[URIRef]] = field(default_factory=list)  # per bundle, per obs
    counts: dict[str, int] = field(default_factory=dict)


def entity_iri(entity_id: str) -> URIRef:
    return CQR[entity_id]


def source_iri(source_id: str) -> URIRef:
    return CQR[f"source/{source_id}"]


def span_iri(source_id: str, begin: int, end: int) -> URIRef:
    return CQR[f"span/{source_id}/{begin}-{end}"]


def theme_iri(section_id: str) -> URIRef:
    return CQR[f"theme/{section_id}"]


def indicator_iri(label: str) -> URIRef:
    return CQR[f"indicator/{slug(to_hans(label))}"]


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _lit_decimal(value: Decimal) -> Literal:
    """xsd:decimal in the canonical form Turtle also writes (``38.0``, ``74.01``).

    Writing ``38`` in N-Triples but ``38.0`` in Turtle would make the two files different
    lexical forms of the same value; graph comparison would then (rightly) call them unequal.
    """
    text = _decimal_text(value)
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)


class _Builder:
    """Holds the graph while one build adds to it; small methods, one per kind of node."""

    def __init__(self, curation: Curation, registry: Mapping[str, Entity]) -> None:
        self.g = bind_all(Graph())
        self.cur = curation
        self.registry = registry
        self.counts: dict[str, int] = defaultdict(int)
        self.assertions: set[URIRef] = set()  # distinct evidence nodes
        self.entities: set[URIRef] = set()
        self.obs_by_key: dict[tuple[object, ...], URIRef] = {}  # across sources
        self.relations: set[tuple[URIRef, URIRef, URIRef]] = set()  # distinct asserted triples

    # -- labels -------------------------------------------------------------------------
    def labels(
        self, node: URIRef, hant: str, en: str | None = None, pred: URIRef = RDFS.label
    ) -> None:
        self.g.add((node, pred, Literal(hant, lang="zh-Hant")))
        self.g.add((node, pred, Literal(to_hans(hant), lang="zh-Hans")))
        if en:
            self.g.add((node, pred, Literal(en, lang="en")))

    # -- documents, sections, spans -----------------------------------------------------
    def source(self, b: Bundle) -> URIRef:
        doc = b.doc
        node = source_iri(doc.id)
        g = self.g
        g.add((node, RDF.type, CQO.Document))
        g.add((node, RDF.type, NIF.Context))
        self.labels(node, doc.title, doc.title_en or None)
        g.add((node, DCTERMS.title, Literal(doc.title, lang="zh-Hant")))
        g.add((node, DCTERMS.publisher, Literal(doc.publisher, lang="zh-Hant")))
        g.add((node, DCTERMS.date, Literal(doc.date, datatype=XSD.date)))
        g.add((node, DCTERMS.language, Literal(doc.language)))
        g.add((node, DCTERMS.identifier, Literal(doc.id)))
        if doc.url:
            g.add((node, NIF.sourceUrl, URIRef(doc.url)))
        for author in doc.authors:
            g.add((node, DCTERMS.creator, Literal(author, lang="zh-Hant")))
        if doc.licence:
            g.add((node, DCTERMS.rights, Literal(doc.licence, lang="en")))
        g.add((node, NIF.isString, Literal(b.clean.text)))
        g.add((DATASET, RDF.type, QB.DataSet))
        g.add((DATASET, QB.structure, CQO.dsd))
        self.labels(DATASET, "報告所述數據", "Figures stated in the sources")
        g.add((DATASET, PROV.wasDerivedFrom, node))
        return node

    def span(self, b: Bundle, begin: int, end: int, sentence: URIRef | None = None) -> URIRef:
        src = b.doc.id
        node = span_iri(src, begin, end)
        if (node, RDF.type, CQO.Span) in self.g:
            return node
        raw_b, raw_e = b.clean.raw_span(begin, end)
        g = self.g
        g.add((node, RDF.type, CQO.Span))
        g.add((node, NIF.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)))
        g.add((node, NIF.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))
        g.add((node, CQO.rawBeginIndex, Literal(raw_b, datatype=XSD.nonNegativeInteger)))
        g.add((node, CQO.rawEndIndex, Literal(raw_e, datatype=XSD.nonNegativeInteger)))
        g.add((node, NIF.anchorOf, Literal(b.clean.text[begin:end])))
        g.add((node, NIF.referenceContext, source_iri(src)))
        if sentence is not None and sentence != node:
            g.add((node, NIF.sentence, sentence))
            for theme in g.objects(sentence, CQO.section):
                g.add((node, CQO.section, theme))
        self.counts["spans"] += 1
        return node

    def sections(self, b: Bundle) -> dict[str, URIRef]:
        """Themes (skos:Concept per heading) and sentence spans; returns sentence id -> span."""
        g = self.g
        scheme = CQR["scheme/themes"]
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.labels(scheme, "報告主題", "Themes of the report")
        sentence_nodes: dict[str, URIRef] = {}
        themes: dict[str, URIRef] = {}
        for order, section in enumerate(b.seg.sections):
            node = theme_iri(section.id)
            themes[section.id] = node
            g.add((node, RDF.type, CQO.Theme))
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, SKOS.inScheme, scheme))
            g.add((node, SKOS.notation, Literal(f"{order:02d}")))
            if section.heading:
                en = self.cur.theme_en(section.heading)
                self.labels(node, section.heading, en)
                self.labels(node, section.heading, en, pred=SKOS.prefLabel)
                if section.heading_begin is not None and section.heading_end is not None:
                    heading = self.span(b, section.heading_begin, section.heading_end)
                    g.add((node, PROV.wasDerivedFrom, heading))
            else:
                hant, en = FRONT_MATTER_LABELS["zh-Hant"], FRONT_MATTER_LABELS["en"]
                if section.level == 0 and section.id != "front-matter":
                    hant, en = "署名", "Byline"
                self.labels(node, hant, en)
                self.labels(node, hant, en, pred=SKOS.prefLabel)
                g.add(
                    (
                        node,
                        SKOS.scopeNote,
                        Literal("Structural section without a heading in the source.", lang="en"),
                    )
                )
            self.counts["themes"] += 1
        for sentence in b.seg.sentences:
            node = span_iri(b.doc.id, sentence.begin, sentence.end)
            g.add((node, RDF.type, CQO.Sentence))
            g.add((node, CQO.section, themes[sentence.section_id]))
            self.span(b, sentence.begin, sentence.end)
            sentence_nodes[sentence.id] = node
            self.counts["sentences"] += 1
        return sentence_nodes

    # -- entities -------------------------------------------------------------------------
    def entity(self, entity: Entity) -> URIRef:
        node = entity_iri(entity.id)
        if node in self.entities:  # already added for an earlier source
            return node
        self.entities.add(node)
        g = self.g
        g.add((node, RDF.type, CLASS_IRI[entity.cls]))
        if entity.subclass:
            g.add((node, RDF.type, SUBCLASS_IRI[entity.subclass]))
        self.labels(node, entity.label, entity.en or None)
        for alias in (*entity.aliases, *entity.alt_labels):
            if alias == entity.label:
                continue
            self.labels(node, alias, pred=SKOS.altLabel)
        self.counts[f"entities.{entity.cls}"] += 1
        self.counts["entities"] += 1
        return node

    def assertion(self, s: URIRef, p: URIRef, o: URIRef, evidence: URIRef, rule: str) -> None:
        g = self.g
        g.add((s, p, o))
        key = f"{s} {p} {o} {evidence}".encode()
        node = CQR[f"assertion/{hashlib.sha1(key).hexdigest()[:16]}"]
        g.add((node, RDF.type, CQO.Assertion))
        g.add((node, RDF.subject, s))
        g.add((node, RDF.predicate, p))
        g.add((node, RDF.object, o))
        g.add((node, PROV.wasDerivedFrom, evidence))
        g.add((node, CQO.rule, Literal(rule)))
        self.assertions.add(node)
        self.relations.add((s, p, o))

    def predicate(self, curie: str) -> URIRef:
        prefix, _, local = curie.partition(":")
        if prefix == "cqo":
            return URIRef(getattr(CQO, local))
        if prefix == "org":
            return URIRef(getattr(ORG, local))
        raise ValueError(f"unknown relation predicate {curie!r}")

    def post(self, b: Bundle, post: Post, sentences: Mapping[str, URIRef]) -> None:
        g = self.g
        node = CQR[post.id]
        agency = self.registry[post.agency]
        title_en = self.cur.title_en(post.title)
        g.add((node, RDF.type, ORG.Post))
        self.labels(
            node,
            f"{agency.label}{post.title}",
            f"{title_en}, {agency.en}" if agency.en and title_en else None,
        )
        role = CQR[f"role/{slug(post.title)}"]
        g.add((role, RDF.type, ORG.Role))
        self.labels(role, post.title, title_en or None)
        g.add((node, ORG.role, role))
        evidence = self.span(b, post.begin, post.end, sentences.get(post.sentence_id))
        self.assertion(node, ORG.postIn, entity_iri(post.agency), evidence, "post")
        self.assertion(entity_iri(post.holder), ORG.holds, node, evidence, "post")
        g.add((node, ORG.heldBy, entity_iri(post.holder)))
        self.counts["posts"] += 1

    def relation(self, b: Bundle, rel: Relation, sentences: Mapping[str, URIRef]) -> None:
        evidence = self.span(b, rel.begin, rel.end, sentences.get(rel.sentence_id))
        obj = CQR[rel.object]
        self.assertion(
            entity_iri(rel.subject), self.predicate(rel.predicate), obj, evidence, rel.rule
        )

    # -- observations ---------------------------------------------------------------------
    def indicator(self, label: str) -> URIRef:
        node = indicator_iri(label)
        if (node, RDF.type, CQO.Indicator) in self.g:
            return node
        g = self.g
        scheme = CQR["scheme/indicators"]
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.labels(scheme, "指標", "Indicators")
        g.add((node, RDF.type, CQO.Indicator))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, scheme))
        en = self.cur.indicator_en(label)
        self.labels(node, label, en)
        self.labels(node, label, en, pred=SKOS.prefLabel)
        self.counts["indicators"] += 1
        return node

    def concept(self, node: URIRef, cls: URIRef, scheme_id: str, hant: str, en: str) -> URIRef:
        g = self.g
        if (node, RDF.type, cls) in g:
            return node
        scheme = CQR[f"scheme/{scheme_id}"]
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((node, RDF.type, cls))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, scheme))
        self.labels(node, hant, en)
        return node

    def observation_key(self, obs: Observation) -> tuple[object, ...]:
        return (
            obs.indicator,
            obs.kind,
            obs.value,
            self.cur.unit(obs.unit).iri if obs.unit else "",
            obs.qualifier,
            obs.rank,
            obs.rank_scope,
            obs.tier,
            obs.period,
            obs.area,
            obs.about,
        )

    def observation_iri(self, obs: Observation) -> URIRef:
        parts = [obs.kind]
        if obs.kind == "rank":
            parts.append(str(obs.rank))
            if obs.rank_scope:
                parts.append(obs.rank_scope.rsplit("/", 1)[-1])
        elif obs.kind == "tier" and obs.tier:
            parts.append(slug(obs.tier))
        if obs.value is not None and obs.kind != "rank":
            parts.append(_decimal_text(obs.value))
        if obs.qualifier and obs.qualifier != "exact":
            parts.append(obs.qualifier)
        if obs.about:
            parts.append(obs.about.rsplit("/", 1)[-1])
        if obs.period != "2023":
            parts.append(obs.period)
        return CQR[f"obs/{slug(to_hans(obs.indicator))}/{'-'.join(parts)}"]

    def observations(self, b: Bundle, sentences: Mapping[str, URIRef]) -> list[URIRef]:
        g = self.g
        obs_list = b.extraction.observations
        by_key = self.obs_by_key
        iris: list[URIRef] = []
        for obs in obs_list:
            key = self.observation_key(obs)
            node = by_key.get(key)
            if node is None:
                node = self.observation_iri(obs)
                if (node, RDF.type, CQO.Observation) in g:  # same IRI, different key
                    digest = hashlib.sha1(repr(key).encode()).hexdigest()[:8]
                    node = URIRef(f"{node}-{digest}")
                by_key[key] = node
                self._observation_node(node, obs)
            iris.append(node)
            sentence = sentences.get(obs.sentence_id)
            evidence = self.span(b, obs.begin, obs.end, sentence)
            g.add((node, PROV.wasDerivedFrom, evidence))
            g.add((node, CQO.statedValue, Literal(obs.stated_value)))
            if sentence is not None:
                for theme in g.objects(sentence, CQO.section):
                    g.add((node, CQO.section, theme))
        for obs, node in zip(obs_list, iris, strict=True):
            if obs.kind == "growth":
                target = (
                    iris[obs.growth_of]
                    if obs.growth_of is not None
                    else self.indicator(obs.indicator)
                )
                g.add((node, CQO.growthOf, target))
            if obs.refines is not None and iris[obs.refines] != node:
                g.add((node, CQO.refines, iris[obs.refines]))
        self.counts["observations"] = len(set(by_key.values()))
        return iris

    def _observation_node(self, node: URIRef, obs: Observation) -> None:
        g = self.g
        g.add((node, RDF.type, CQO.Observation))
        if obs.kind in KIND_CLASS:
            g.add((node, RDF.type, KIND_CLASS[obs.kind]))
        g.add((node, QB.dataSet, DATASET))
        g.add((node, CQO.indicator, self.indicator(obs.indicator)))
        stated = obs.stated_value if obs.kind != "rank" else f"第{obs.rank}"
        g.add((node, RDFS.label, Literal(f"{obs.indicator} {stated}", lang="zh-Hant")))
        g.add((node, RDFS.label, Literal(to_hans(f"{obs.indicator} {stated}"), lang="zh-Hans")))
        if obs.value is not None and obs.kind != "rank":
            # a rank is ordinal: it is cqo:rank, not a value to sum or sort with quantities
            g.add((node, CQO.value, _lit_decimal(obs.value)))
        if obs.unit:
            unit = self.cur.unit(obs.unit)
            unit_node = URIRef(unit.iri)
            self.concept(unit_node, unit.cls, "units", unit.label_zh, unit.label_en)
            g.add((node, CQO.unit, unit_node))
        qual = self.cur.qualifier(obs.qualifier)
        qual_node = CQR[f"qualifier/{qual.id}"]
        self.concept(qual_node, CQO.Qualifier, "qualifiers", qual.label_zh, qual.label_en)
        g.add((node, CQO.qualifier, qual_node))
        g.add((node, CQO.period, Literal(obs.period, datatype=XSD.gYear)))
        g.add((node, CQO.refArea, entity_iri(obs.area)))
        if obs.about:
            g.add((node, CQO.about, entity_iri(obs.about)))
        if obs.rank is not None:
            g.add((node, CQO.rank, Literal(obs.rank, datatype=XSD.integer)))
        if obs.rank_scope:
            g.add((node, CQO.rankScope, entity_iri(obs.rank_scope)))
        if obs.tier:
            g.add((node, CQO.tier, Literal(obs.tier)))
        if obs.duration_years is not None:
            g.add((node, CQO.consecutiveYears, Literal(obs.duration_years, datatype=XSD.integer)))

    # -- the whole bundle -------------------------------------------------------------------
    def bundle(self, b: Bundle) -> list[URIRef]:
        source = self.source(b)
        sentences = self.sections(b)
        title_end = b.clean.text.find("\n")
        title_span = self.span(b, 0, title_end if title_end > 0 else len(b.clean.text))
        self.g.add((title_span, CQO.refersTo, source))
        used = sorted({m.entity_id for m in b.extraction.mentions})
        for entity_id in used:
            self.entity(self.registry[entity_id])
        for m in b.extraction.mentions:
            node = self.span(b, m.begin, m.end, sentences.get(m.sentence_id))
            self.g.add((node, CQO.refersTo, entity_iri(m.entity_id)))
            for theme in self.g.objects(node, CQO.section):
                self.g.add((entity_iri(m.entity_id), CQO.mentionedIn, theme))
            self.counts["mentions"] += 1
        for post in b.extraction.posts:
            self.post(b, post, sentences)
        for rel in b.extraction.relations:
            self.relation(b, rel, sentences)
        return self.observations(b, sentences)


def run(bundles: Sequence[Bundle], registry: Mapping[str, Entity], curation: Curation) -> Assembled:
    """Build the data graph for all sources; deterministic for the same inputs."""
    builder = _Builder(curation, registry)
    obs_iris = [builder.bundle(b) for b in bundles]
    builder.counts["assertions"] = len(builder.assertions)
    builder.counts["relations"] = len(builder.relations)
    counts = dict(sorted(builder.counts.items()))
    counts["triples"] = len(builder.g)
    return Assembled(data=builder.g, observation_iris=obs_iris, counts=counts)
