"""Assemble: typed extraction results -> one rdflib data graph (+ a separate metadata graph).

Design decisions (see docs/design/graph-shape.md for the IRI scheme):

* Every IRI is derived from content (registry ids, pinyin slugs of labels, offsets), never
  random, so two builds give the same graph and a figure keeps its IRI across builds.
* No blank nodes: they make byte-identical serialization depend on canonicalisation.
* One evidence pattern everywhere: a relation is a plain triple (easy to query) plus a
  ``cqo:Assertion`` naming subject/predicate/object with ``prov:wasDerivedFrom`` its span.
  Observations carry ``prov:wasDerivedFrom`` directly (they are nodes already).
* The same figure stated twice, in one article or in two, is one observation with a span per
  statement: observations are merged on (indicator, kind, value, unit, qualifier, rank, scope,
  tier, period, area, about), the indicator keyed by ``graph.text.fold`` of its label so 网民数量
  and 網民數量 are one ``cqo:Indicator``. Two figures of one indicator, kind, period and area
  (and scope) whose values cannot both be true are both kept and linked by ``cqo:conflictsWith``.
* Labels carry the source's language tag (``SourceDocument.language``); the other script comes
  from OpenCC. A node keeps the first label it gets per language (sources in sorted order).
* Curated (registry, indicators.yaml) nodes are ``cqo:Curated``; names and indicators a rule
  found in a text are ``cqo:Candidate`` with their ``cqo:rule``; only curated ones need ``@en``.
* Each report edition is a ``cqo:Document`` (``cqr:document/cq-internet-report-<year>``); an
  article is ``cqo:about`` its edition and editions are chained by ``cqo:previousEdition``.
* Spans are shared nodes (``cqr:span/<src>/<b>-<e>``): a mention and a piece of evidence with the
  same offsets are the same span.
* Build time, versions and hashes are not in the data graph (they would break byte-stability);
  they go to the metadata graph (``build-metadata.ttl``).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import combinations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.curation.registry import Entity, match_key
from graph.curation.vocabularies import Curation, UnitInfo
from graph.model import (
    Candidate,
    CleanText,
    Extraction,
    Finding,
    Level,
    Observation,
    Post,
    Relation,
    Segmentation,
    SourceDocument,
)
from graph.namespaces import CQR, DCTERMS, NIF, ORG, PROV, QB, SKOS, bind_all
from graph.pipeline.extract.metrics import Accounting
from graph.text import fold, slug, to_hans, to_hant
from graph.vocab import CQO

STAGE = "assemble"

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
EDITION_PREFIX = "document/cq-internet-report-"
"""Registry id of a report edition minus its year (``document/cq-internet-report-2023``)."""
INDICATOR_RULE = "indicator-label"
"""cqo:rule of a candidate indicator: its label is the measured noun phrase the metrics
extractor read from the text (``Observation.indicator``)."""
EDITION_RULE = "report-edition"
"""cqo:rule of an edition document not in the registry: the edition an article covers
(manifest ``edition``, the title or the body, see ``graph.pipeline.run``)."""
_YEAR = re.compile(r"(?:19|20)\d\d")
_BRACKETS = re.compile(r"[《》〈〉\s]")

# How a qualifier bounds the true value, for telling a disagreement from a compatible pair
# (超74% and 74.01% agree; 2362萬 and 2400萬 do not). A qualifier not listed is a point.
_LOWER_BOUND = frozenset({"more-than", "more-than-approximately", "at-least"})
_UPPER_BOUND = frozenset({"nearly", "at-most", "less-than"})
_APPROXIMATE = frozenset({"approximately"})
_APPROX_TOLERANCE = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything the stages produced for one source document."""

    doc: SourceDocument
    clean: CleanText
    seg: Segmentation
    extraction: Extraction
    #: the report edition the article covers (a year, "2023"): manifest, title or body
    edition: str
    numbers: Accounting | None = None  # where every digit run of the text went


@dataclass(frozen=True, slots=True)
class Statement:
    """One place a figure is stated: source, clean offsets and the exact quote."""

    source_id: str
    begin: int
    end: int
    quote: str
    stated_value: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two observations of one indicator, kind, period and area that cannot both be true."""

    first: str  # observation IRI (the smaller of the two)
    second: str
    indicator: str  # the indicator's zh-Hant label
    period: str
    area: str  # registry id
    first_statements: tuple[Statement, ...]
    second_statements: tuple[Statement, ...]


@dataclass(slots=True)
class Assembled:
    data: Graph
    #: per bundle, per observation: its node, or None when the observation was refused
    observation_iris: list[list[URIRef | None]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def entity_iri(entity_id: str) -> URIRef:
    return CQR[entity_id]


def source_iri(source_id: str) -> URIRef:
    return CQR[f"source/{source_id}"]


def span_iri(source_id: str, begin: int, end: int) -> URIRef:
    return CQR[f"span/{source_id}/{begin}-{end}"]


def theme_iri(section_id: str) -> URIRef:
    return CQR[f"theme/{section_id}"]


def indicator_key(label: str) -> str:
    """Identity of an indicator across scripts and sources: the folded label."""
    return fold(label)


def indicator_iri(label: str, curated: str | None = None) -> URIRef:
    """``cqr:indicator/<slug>``: the same IRI for every script of one indicator.

    A curated indicator keeps the slug of its registry label's Simplified form (the IRIs the
    seed has always had); a candidate's slug is taken from the folded label, so 网民数量 and
    網民數量 (and ＡＩ / AI) give one IRI whichever source came first.
    """
    if curated is not None:
        return CQR[f"indicator/{slug(to_hans(curated))}"]
    return CQR[f"indicator/{slug(indicator_key(label))}"]


def edition_id(year: str) -> str:
    return f"{EDITION_PREFIX}{year}"


def edition_year(entity_id: str) -> str | None:
    """The year of a report-edition id (``document/cq-internet-report-2023`` -> "2023")."""
    if entity_id.startswith(EDITION_PREFIX):
        year = entity_id[len(EDITION_PREFIX) :]
        if _YEAR.fullmatch(year):
            return year
    return None


def script_of(language: str) -> str:
    """The BCP 47 tag our labels use for a source language: zh-Hans or zh-Hant."""
    lang = language.strip().lower()
    return "zh-Hans" if lang in {"zh-cn", "zh-sg"} or "hans" in lang else "zh-Hant"


def both_scripts(text: str, lang: str) -> tuple[str, str]:
    """(zh-Hant, zh-Hans) of a text written in ``lang``: as written, and by OpenCC."""
    if lang == "zh-Hans":
        return to_hant(text), text
    return text, to_hans(text)


def _interval(obs: Observation) -> tuple[Decimal | None, Decimal | None]:
    """The values a stated figure allows, as a closed interval (None = unbounded)."""
    if obs.kind == "rank":
        rank = Decimal(obs.rank or 0)
        return rank, rank
    if obs.value is None:
        return None, None
    value = obs.value
    if obs.qualifier in _LOWER_BOUND:
        return value, None
    if obs.qualifier in _UPPER_BOUND:
        return None, obs.value_max or value
    if obs.qualifier in _APPROXIMATE:
        slack = abs(value) * _APPROX_TOLERANCE
        return value - slack, (obs.value_max or value) + slack
    return value, obs.value_max if obs.value_max is not None else value


def compatible(a: Observation, b: Observation) -> bool:
    """True when both statements can be true at once (intervals overlap, equal tiers)."""
    if a.kind == "tier" or b.kind == "tier":
        return a.tier == b.tier
    lo_a, hi_a = _interval(a)
    lo_b, hi_b = _interval(b)
    if lo_a is not None and hi_b is not None and lo_a > hi_b:
        return False
    return not (lo_b is not None and hi_a is not None and lo_b > hi_a)


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


@dataclass(slots=True)
class _Planned:
    """One distinct observation: its key, node, first statement and every statement."""

    key: tuple[object, ...]
    iri: URIRef
    first: Observation
    lang: str
    statements: list[tuple[Bundle, Observation]] = field(default_factory=list)


class _Builder:
    """Holds the graph while one build adds to it; small methods, one per kind of node."""

    def __init__(self, curation: Curation, registry: Mapping[str, Entity]) -> None:
        self.g = bind_all(Graph())
        self.cur = curation
        self.registry = registry
        self.counts: dict[str, int] = defaultdict(int)
        self.assertions: set[URIRef] = set()  # distinct evidence nodes
        self.entities: set[URIRef] = set()
        self.relations: set[tuple[URIRef, URIRef, URIRef]] = set()  # distinct asserted triples
        self.findings: list[Finding] = []
        self.labelled: set[tuple[URIRef, URIRef, str]] = set()  # (node, predicate, language)
        self.editions: dict[str, URIRef] = {}  # year -> edition document
        self.planned: dict[tuple[object, ...], _Planned] = {}  # across sources
        self.made: set[URIRef] = set()  # observation nodes written so far
        self.indicator_labels: dict[str, tuple[str, str, str | None, bool]] = {}
        self.registry_keys = self._registry_keys(registry)
        self.edition_template = self._edition_template(registry)

    @staticmethod
    def _registry_keys(registry: Mapping[str, Entity]) -> dict[tuple[str, str], str]:
        """(class, folded name) -> registry id, for letting a curated entry win over a candidate."""
        keys: dict[tuple[str, str], str] = {}
        for entity in sorted(registry.values(), key=lambda e: e.id):
            for name in (entity.label, *entity.aliases, *entity.alt_labels):
                keys.setdefault((entity.cls, match_key(name)), entity.id)
        return keys

    @staticmethod
    def _edition_template(registry: Mapping[str, Entity]) -> Entity | None:
        """A registry edition of the report (its label is the pattern for other editions)."""
        editions = sorted(e for e in registry if edition_year(e) is not None)
        return registry[editions[-1]] if editions else None

    # -- labels -------------------------------------------------------------------------
    def labels(
        self,
        node: URIRef,
        text: str,
        en: str | None = None,
        pred: URIRef = RDFS.label,
        lang: str = "zh-Hant",
    ) -> None:
        """Label ``node`` in both scripts (``text`` is written in ``lang``) and in English.

        ``rdfs:label`` and ``skos:prefLabel`` keep the first label per language they get (two
        sources naming one node in different scripts must not give it two zh-Hant labels);
        ``skos:altLabel`` collects every variant.
        """
        hant, hans = both_scripts(text, lang)
        for value, tag in ((hant, "zh-Hant"), (hans, "zh-Hans"), (en, "en")):
            if not value:
                continue
            if pred != SKOS.altLabel:
                if (node, pred, tag) in self.labelled:
                    continue
                self.labelled.add((node, pred, tag))
            self.g.add((node, pred, Literal(value, lang=tag)))

    def finding(self, level: Level, code: str, message: str, b: Bundle, obs: Observation) -> None:
        raw_b, raw_e = b.clean.raw_span(obs.begin, obs.end)
        self.findings.append(
            Finding(level, STAGE, code, message, b.doc.id, obs.begin, obs.end, raw_b, raw_e)
        )

    # -- documents, sections, spans -----------------------------------------------------
    def source(self, b: Bundle) -> URIRef:
        doc = b.doc
        lang = script_of(doc.language)
        node = source_iri(doc.id)
        g = self.g
        g.add((node, RDF.type, CQO.Document))
        g.add((node, RDF.type, NIF.Context))
        g.add((node, CQO.curationStatus, CQO.Curated))  # the manifest is the reviewed record
        self.labels(node, doc.title, doc.title_en or None, lang=lang)
        g.add((node, DCTERMS.title, Literal(doc.title, lang=lang)))
        g.add((node, DCTERMS.publisher, Literal(doc.publisher, lang=lang)))
        g.add((node, DCTERMS.date, Literal(doc.date, datatype=XSD.date)))
        g.add((node, DCTERMS.language, Literal(doc.language)))
        g.add((node, DCTERMS.identifier, Literal(doc.id)))
        if doc.url:
            g.add((node, NIF.sourceUrl, URIRef(doc.url)))
        for author in doc.authors:
            g.add((node, DCTERMS.creator, Literal(author, lang=lang)))
        if doc.licence:
            g.add((node, DCTERMS.rights, Literal(doc.licence, lang="en")))
        g.add((node, NIF.isString, Literal(b.clean.text)))
        g.add((DATASET, RDF.type, QB.DataSet))
        g.add((DATASET, QB.structure, CQO.dsd))
        self.labels(DATASET, "報告所述數據", "Figures stated in the sources")
        g.add((DATASET, PROV.wasDerivedFrom, node))
        g.add((node, CQO.about, self.edition(b.edition)))
        return node

    def edition(self, year: str) -> URIRef:
        """The report edition of ``year``: the registry's node if it has one, else a candidate."""
        eid = edition_id(year)
        node = entity_iri(eid)
        if year in self.editions:
            return node
        if eid in self.registry:
            return self.entity(self.registry[eid])
        self.editions[year] = node
        g = self.g
        g.add((node, RDF.type, CQO.Document))
        g.add((node, CQO.edition, Literal(year, datatype=XSD.gYear)))
        g.add((node, CQO.curationStatus, CQO.Candidate))
        g.add((node, CQO.rule, Literal(EDITION_RULE)))
        template = self.edition_template
        if template is not None:
            old = edition_year(template.id) or ""
            self.labels(
                node,
                template.label.replace(old, year),
                template.en.replace(old, year) if template.en else None,
            )
        else:
            self.labels(node, f"報告({year})", f"Report ({year})")
        self.counts["entities.document"] += 1
        self.counts["entities"] += 1
        self.counts["candidates"] += 1
        return node

    def link_editions(self) -> None:
        """``cqo:previousEdition`` between editions of consecutive years present in the graph."""
        for year, node in sorted(self.editions.items()):
            before = self.editions.get(str(int(year) - 1))
            if before is not None:
                self.g.add((node, CQO.previousEdition, before))

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
        lang = script_of(b.doc.language)
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
                self.labels(node, section.heading, en, lang=lang)
                self.labels(node, section.heading, en, pred=SKOS.prefLabel, lang=lang)
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
        g.add((node, CQO.curationStatus, CQO.Curated))
        self.labels(node, entity.label, entity.en or None)
        for alias in (*entity.aliases, *entity.alt_labels):
            if alias == entity.label:
                continue
            self.labels(node, alias, pred=SKOS.altLabel)
        year = edition_year(entity.id)
        if year is not None:
            g.add((node, CQO.edition, Literal(year, datatype=XSD.gYear)))
            self.editions[year] = node
        self.counts[f"entities.{entity.cls}"] += 1
        self.counts["entities"] += 1
        return node

    def candidate_ids(self, b: Bundle) -> dict[str, tuple[str, str, Candidate | None]]:
        """Candidate id -> (resolved id, class, the candidate if it stays one) for one source.

        A curated entry with the same id or folded name wins, then the report edition a
        candidate document names; anything else stays a candidate. Pure: writes no node.
        """
        out: dict[str, tuple[str, str, Candidate | None]] = {}
        for cand in sorted(b.extraction.candidates, key=lambda c: (c.id, c.rule, c.label)):
            if cand.cls not in CLASS_IRI or cand.id in out:
                continue
            curated = self.registry.get(cand.id) or self.registry.get(
                self.registry_keys.get((cand.cls, match_key(cand.label)), "")
            )
            if curated is not None:
                out[cand.id] = (curated.id, curated.cls, None)
                continue
            edition = self._candidate_edition(cand)
            if edition is not None:
                out[cand.id] = (edition_id(edition), "document", None)
                continue
            out[cand.id] = (cand.id, cand.cls, cand)
        return out

    def resolve_candidates(self, b: Bundle) -> dict[str, URIRef]:
        """Candidate id -> node for one source: a curated entry or the edition wins, else the
        candidate becomes its own node (typed, both scripts, ``cqo:rule``, ``cqo:Candidate``)."""
        for cand in b.extraction.candidates:
            if cand.cls not in CLASS_IRI:
                self.findings.append(
                    Finding(
                        Level.WARNING,
                        STAGE,
                        "candidate-unknown-class",
                        f"candidate {cand.id!r} ({cand.label}) has unknown class {cand.cls!r}",
                        b.doc.id,
                    )
                )
        out: dict[str, URIRef] = {}
        for cid, (target, _cls, kept) in self.candidate_ids(b).items():
            if kept is not None:
                out[cid] = self.candidate(kept)
            elif edition_year(target) is not None and target not in self.registry:
                out[cid] = self.edition(edition_year(target) or "")
            else:
                out[cid] = self.entity(self.registry[target])
        for cand in b.extraction.candidates:  # every rule that found a kept candidate
            if out.get(cand.id) == entity_iri(cand.id) and cand.cls in CLASS_IRI:
                self.g.add((out[cand.id], CQO.rule, Literal(cand.rule)))
        return out

    def _place_id(
        self, entity_id: str, ids: Mapping[str, tuple[str, str, Candidate | None]]
    ) -> str:
        """The place an area or rank scope id names after candidate resolution, or ""."""
        if entity_id in ids:
            target, cls, _ = ids[entity_id]
            return target if cls == "place" else ""
        entity = self.registry.get(entity_id)
        return entity_id if entity is not None and entity.cls == "place" else ""

    def _resolve_places(
        self, b: Bundle, obs: Observation, ids: Mapping[str, tuple[str, str, Candidate | None]]
    ) -> Observation:
        """Area, scope and subject of a figure through this source's candidates; an area or
        scope that is no known place is reported and dropped (area: the source's default)."""
        area = self._place_id(obs.area, ids) if obs.area else b.doc.area
        if not area:
            self.finding(
                Level.WARNING,
                "area-unknown",
                f"area {obs.area!r} of {obs.stated_value!r} is no known place: "
                f"the source's area {b.doc.area!r} is used",
                b,
                obs,
            )
            area = b.doc.area
        scope = obs.rank_scope
        if scope:
            scope = self._place_id(scope, ids) or None
            if scope is None:
                self.finding(
                    Level.WARNING,
                    "scope-unknown",
                    f"rank scope {obs.rank_scope!r} of {obs.indicator!r} is no known place: "
                    "the observation has no scope",
                    b,
                    obs,
                )
        about = ids[obs.about][0] if obs.about and obs.about in ids else obs.about
        return replace(obs, area=area, rank_scope=scope, about=about)

    def _candidate_edition(self, cand: Candidate) -> str | None:
        """The edition year when a candidate document is an edition of the report itself."""
        template = self.edition_template
        if cand.cls != "document" or not cand.edition or template is None:
            return None
        old = edition_year(template.id) or ""
        wanted = _BRACKETS.sub("", fold(template.label.replace(old, cand.edition)))
        return cand.edition if _BRACKETS.sub("", fold(cand.label)) == wanted else None

    def candidate(self, cand: Candidate) -> URIRef:
        node = entity_iri(cand.id)
        g = self.g
        if node in self.entities:
            return node
        self.entities.add(node)
        g.add((node, RDF.type, CLASS_IRI[cand.cls]))
        g.add((node, CQO.curationStatus, CQO.Candidate))
        self.labels(node, cand.label, lang=script_of(cand.lang))
        if cand.cls == "document" and cand.edition and _YEAR.fullmatch(cand.edition):
            g.add((node, CQO.edition, Literal(cand.edition, datatype=XSD.gYear)))
        self.counts[f"entities.{cand.cls}"] += 1
        self.counts["entities"] += 1
        self.counts["candidates"] += 1
        return node

    def mention_target(
        self, b: Bundle, entity_id: str, surface: str, candidates: Mapping[str, URIRef]
    ) -> URIRef | None:
        if entity_id in self.registry:
            year = edition_year(entity_id)
            if year is not None and year != b.edition and not _YEAR.search(surface):
                # 《報告》 in an article on another edition means that edition, not the
                # registry's (the 2022 report must not become the 2023 report's mention)
                return self.edition(b.edition)
            return self.entity(self.registry[entity_id])
        return candidates.get(entity_id)

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

    def ref(self, entity_id: str, candidates: Mapping[str, URIRef]) -> URIRef:
        """The node of a registry id, a candidate id of this source (possibly resolved to a
        curated entry or an edition), or any other resource id such as a post."""
        return candidates.get(entity_id) or entity_iri(entity_id)

    def _agency_name(self, b: Bundle, agency_id: str) -> tuple[str, str]:
        """(name in the source's script, English name or "") of a registry or candidate agency."""
        lang = script_of(b.doc.language)
        agency = self.registry.get(agency_id)
        if agency is not None:
            return (agency.label if lang == "zh-Hant" else to_hans(agency.label)), agency.en
        for cand in b.extraction.candidates:
            if cand.id == agency_id:
                hant, hans = both_scripts(cand.label, script_of(cand.lang))
                return (hant if lang == "zh-Hant" else hans), ""
        return "", ""

    def post(
        self,
        b: Bundle,
        post: Post,
        sentences: Mapping[str, URIRef],
        candidates: Mapping[str, URIRef],
    ) -> None:
        g = self.g
        lang = script_of(b.doc.language)
        node = CQR[post.id]
        agency_label, agency_en = self._agency_name(b, post.agency)
        title_en = self.cur.title_en(post.title)
        g.add((node, RDF.type, ORG.Post))
        self.labels(
            node,
            f"{agency_label}{post.title}",
            f"{title_en}, {agency_en}" if agency_en and title_en else None,
            lang=lang,
        )
        role = CQR[f"role/{slug(post.title)}"]
        g.add((role, RDF.type, ORG.Role))
        self.labels(role, post.title, title_en or None, lang=lang)
        g.add((node, ORG.role, role))
        evidence = self.span(b, post.begin, post.end, sentences.get(post.sentence_id))
        agency = self.ref(post.agency, candidates)
        holder = self.ref(post.holder, candidates)
        self.assertion(node, ORG.postIn, agency, evidence, "post")
        self.assertion(holder, ORG.holds, node, evidence, "post")
        g.add((node, ORG.heldBy, holder))
        self.counts["posts"] += 1

    def relation(
        self,
        b: Bundle,
        rel: Relation,
        sentences: Mapping[str, URIRef],
        candidates: Mapping[str, URIRef],
    ) -> None:
        evidence = self.span(b, rel.begin, rel.end, sentences.get(rel.sentence_id))
        self.assertion(
            self.ref(rel.subject, candidates),
            self.predicate(rel.predicate),
            self.ref(rel.object, candidates),
            evidence,
            rel.rule,
        )

    # -- observations: planning (identity across sources) ---------------------------------
    def indicator_node(self, label: str) -> URIRef:
        """The ``cqo:Indicator`` of ``label`` (labels were chosen in ``plan``)."""
        key = indicator_key(label)
        hant, hans, en, curated = self.indicator_labels[key]
        node = indicator_iri(label, hant if curated else None)
        if (node, RDF.type, CQO.Indicator) in self.g:
            return node
        g = self.g
        scheme = CQR["scheme/indicators"]
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.labels(scheme, "指標", "Indicators")
        g.add((node, RDF.type, CQO.Indicator))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, scheme))
        if curated:
            g.add((node, CQO.curationStatus, CQO.Curated))
        else:
            g.add((node, CQO.curationStatus, CQO.Candidate))
            g.add((node, CQO.rule, Literal(INDICATOR_RULE)))
            self.counts["candidates.indicators"] += 1
        for pred in (RDFS.label, SKOS.prefLabel):
            self.labelled.update({(node, pred, "zh-Hant"), (node, pred, "zh-Hans")})
            g.add((node, pred, Literal(hant, lang="zh-Hant")))
            g.add((node, pred, Literal(hans, lang="zh-Hans")))
            if en:
                self.labelled.add((node, pred, "en"))
                g.add((node, pred, Literal(en, lang="en")))
        self.counts["indicators"] += 1
        return node

    def _choose_indicator_labels(self, written: Mapping[str, set[tuple[str, str]]]) -> None:
        """Per folded key: the curated labels, else a zh-Hant label as written (converted to
        zh-Hans), else a zh-Hans one as written (converted to zh-Hant); smallest first so the
        choice does not depend on source order."""
        for key, variants in sorted(written.items()):
            some = min(label for _, label in variants)
            curated = self.cur.curated_indicator(some)
            if curated is not None:
                hant = curated[0]
                self.indicator_labels[key] = (hant, to_hans(hant), curated[1], True)
                continue
            hants = sorted(label for lang, label in variants if lang == "zh-Hant")
            if hants:
                self.indicator_labels[key] = (hants[0], to_hans(hants[0]), None, False)
            else:
                hans = min(label for _, label in variants)
                self.indicator_labels[key] = (to_hant(hans), hans, None, False)

    def unit(self, surface: str) -> UnitInfo:
        """The curated unit of ``surface``, else a candidate count unit (planning warned)."""
        if self.cur.has_unit(surface):
            return self.cur.unit(surface)
        return self.cur.candidate_unit(surface)

    def observation_key(self, obs: Observation) -> tuple[object, ...]:
        return (
            indicator_key(obs.indicator),
            obs.kind,
            obs.value,
            obs.value_max,
            self.unit(obs.unit).iri if obs.unit else "",
            obs.qualifier,
            obs.rank,
            obs.rank_scope,
            obs.tier,
            obs.period,
            obs.area,
            obs.about,
        )

    def observation_iri(self, obs: Observation, with_period: bool) -> URIRef:
        parts = [obs.kind]
        if obs.kind == "rank":
            parts.append(str(obs.rank))
            if obs.rank_scope:
                parts.append(obs.rank_scope.rsplit("/", 1)[-1])
        elif obs.kind == "tier" and obs.tier:
            parts.append(slug(obs.tier))
        if obs.value is not None and obs.kind != "rank":
            parts.append(_decimal_text(obs.value))
            if obs.value_max is not None:
                parts.append(_decimal_text(obs.value_max))
        if obs.qualifier and obs.qualifier != "exact":
            parts.append(obs.qualifier)
        if obs.about:
            parts.append(obs.about.rsplit("/", 1)[-1])
        if with_period:
            parts.append(obs.period)
        hant, _, _, curated = self.indicator_labels[indicator_key(obs.indicator)]
        ind = str(indicator_iri(obs.indicator, hant if curated else None)).rsplit("/", 1)[-1]
        return CQR[f"obs/{ind}/{'-'.join(parts)}"]

    def plan(self, bundles: Sequence[Bundle]) -> list[list[tuple[object, ...] | None]]:
        """Decide every observation's identity and IRI before any node is written.

        Planning first makes IRIs independent of which source states a figure first. The
        period is left out of an IRI when it is the edition year of a source that states the
        figure (the seed's IRIs, as always). When distinct figures would share an IRI (the same
        value for one indicator in the 2022 and the 2023 edition), the latest period keeps it
        and the others get their period appended; only a collision that remains gets a
        content hash (the smallest key keeps the IRI).
        """
        keys: list[list[tuple[object, ...] | None]] = []
        written: dict[str, set[tuple[str, str]]] = defaultdict(set)
        editions: dict[tuple[object, ...], set[str]] = defaultdict(set)
        order: list[tuple[object, ...]] = []
        for b in bundles:
            lang = script_of(b.doc.language)
            ids = self.candidate_ids(b)
            row: list[tuple[object, ...] | None] = []
            for obs in b.extraction.observations:
                if not obs.period:
                    self.finding(
                        Level.ERROR,
                        "observation-without-period",
                        f"figure {obs.stated_value!r} of {obs.indicator!r} has no period: "
                        "the period extractor must give one (its identity includes it)",
                        b,
                        obs,
                    )
                    row.append(None)
                    continue
                obs = self._resolve_places(b, obs, ids)
                if obs.kind == "rank" and not obs.rank_scope:
                    self.finding(
                        Level.WARNING,
                        "rank-without-scope",
                        f"rank {obs.rank} of {obs.indicator!r}: the text names no scope, "
                        "so the observation has none",
                        b,
                        obs,
                    )
                if obs.unit and not self.cur.has_unit(obs.unit):
                    self.finding(
                        Level.WARNING,
                        "unit-uncurated",
                        f"unit {obs.unit!r} of {obs.stated_value!r} has no row in "
                        "graph/curation/units.yaml: minted as a count unit",
                        b,
                        obs,
                    )
                key = self.observation_key(obs)
                if obs.kind == "growth" and obs.growth_of is not None:
                    # a growth is identified with what it grows: the same rate stated over two
                    # different base figures (two articles that disagree on the base) is two
                    # growths, each with one cqo:growthOf, not one growth of two bases
                    base_key = row[obs.growth_of] if obs.growth_of < len(row) else None
                    if base_key is not None:
                        key = (*key, ("growth-of", base_key))
                written[indicator_key(obs.indicator)].add((lang, obs.indicator))
                if key not in self.planned:
                    self.planned[key] = _Planned(key, URIRef(""), obs, lang)
                    order.append(key)
                self.planned[key].statements.append((b, obs))
                editions[key].add(b.edition)
                row.append(key)
            keys.append(row)
        self._choose_indicator_labels(written)
        self._assign_iris(order, editions)
        return keys

    def _assign_iris(
        self, order: Sequence[tuple[object, ...]], editions: Mapping[tuple[object, ...], set[str]]
    ) -> None:
        base: dict[tuple[object, ...], URIRef] = {}
        plain: set[tuple[object, ...]] = set()  # keys whose IRI leaves the period out
        for key in order:
            obs = self.planned[key].first
            omit = obs.period in editions[key]
            base[key] = self.observation_iri(obs, with_period=not omit)
            if omit:
                plain.add(key)
        groups: dict[URIRef, list[tuple[object, ...]]] = defaultdict(list)
        for key in order:
            groups[base[key]].append(key)
        for keys in groups.values():
            if len(keys) < 2:
                continue
            latest = max(str(self.planned[k].first.period) for k in keys)
            for key in keys:
                if key in plain and self.planned[key].first.period != latest:
                    base[key] = self.observation_iri(self.planned[key].first, with_period=True)
        final: dict[URIRef, list[tuple[object, ...]]] = defaultdict(list)
        for key in order:
            final[base[key]].append(key)
        for iri, keys in final.items():
            for n, key in enumerate(sorted(keys, key=repr)):
                if n == 0:
                    self.planned[key].iri = iri
                else:
                    digest = hashlib.sha1(repr(key).encode()).hexdigest()[:8]
                    self.planned[key].iri = URIRef(f"{iri}-{digest}")

    # -- observations: nodes ----------------------------------------------------------------
    def observations(
        self,
        b: Bundle,
        keys: Sequence[tuple[object, ...] | None],
        sentences: Mapping[str, URIRef],
    ) -> list[URIRef | None]:
        g = self.g
        obs_list = b.extraction.observations
        iris: list[URIRef | None] = []
        for obs, key in zip(obs_list, keys, strict=True):
            if key is None:
                iris.append(None)
                continue
            item = self.planned[key]
            node = item.iri
            if node not in self.made:
                self.made.add(node)
                self._observation_node(node, item)
            iris.append(node)
            sentence = sentences.get(obs.sentence_id)
            evidence = self.span(b, obs.begin, obs.end, sentence)
            g.add((node, PROV.wasDerivedFrom, evidence))
            g.add((node, CQO.statedValue, Literal(obs.stated_value)))
            if sentence is not None:
                for theme in g.objects(sentence, CQO.section):
                    g.add((node, CQO.section, theme))
        for obs, maybe in zip(obs_list, iris, strict=True):
            if maybe is None:
                continue
            node = maybe
            if obs.kind == "growth":
                base = iris[obs.growth_of] if obs.growth_of is not None else None
                target = base if base is not None else self.indicator_node(obs.indicator)
                g.add((node, CQO.growthOf, target))
            if obs.refines is not None:
                refined = iris[obs.refines]
                if refined is not None and refined != node:
                    g.add((node, CQO.refines, refined))
        self.counts["observations"] = len(self.made)
        return iris

    def _observation_node(self, node: URIRef, item: _Planned) -> None:
        g = self.g
        obs = item.first
        area = obs.area or item.statements[0][0].doc.area
        g.add((node, RDF.type, CQO.Observation))
        if obs.kind in KIND_CLASS:
            g.add((node, RDF.type, KIND_CLASS[obs.kind]))
        g.add((node, QB.dataSet, DATASET))
        g.add((node, CQO.indicator, self.indicator_node(obs.indicator)))
        stated = obs.stated_value if obs.kind != "rank" else f"第{obs.rank}"
        hant, hans = both_scripts(f"{obs.indicator} {stated}", item.lang)
        g.add((node, RDFS.label, Literal(hant, lang="zh-Hant")))
        g.add((node, RDFS.label, Literal(hans, lang="zh-Hans")))
        if obs.value is not None and obs.kind != "rank":
            # a rank is ordinal: it is cqo:rank, not a value to sum or sort with quantities
            g.add((node, CQO.value, _lit_decimal(obs.value)))
            if obs.value_max is not None:
                g.add((node, CQO.valueMax, _lit_decimal(obs.value_max)))
        if obs.unit:
            unit = self.unit(obs.unit)
            unit_node = URIRef(unit.iri)
            self.concept(unit_node, unit.cls, "units", unit.label_zh, unit.label_en)
            g.add((node, CQO.unit, unit_node))
        qual = self.cur.qualifier(obs.qualifier)
        qual_node = CQR[f"qualifier/{qual.id}"]
        self.concept(qual_node, CQO.Qualifier, "qualifiers", qual.label_zh, qual.label_en)
        g.add((node, CQO.qualifier, qual_node))
        g.add((node, CQO.period, Literal(obs.period, datatype=XSD.gYear)))
        g.add((node, CQO.refArea, entity_iri(area)))
        for place in (area, obs.rank_scope):  # an area or scope the text never names
            if place and place in self.registry:
                self.entity(self.registry[place])
        if obs.about:
            g.add((node, CQO.about, entity_iri(obs.about)))
        if obs.rank is not None:
            g.add((node, CQO.rank, Literal(obs.rank, datatype=XSD.integer)))
        if obs.rank_scope:
            g.add((node, CQO.rankScope, entity_iri(obs.rank_scope)))
        rank_of = sorted({o.rank_of for _, o in item.statements if o.rank_of is not None})
        if rank_of:
            g.add((node, CQO.rankOf, Literal(rank_of[0], datatype=XSD.integer)))
        if obs.tier:
            g.add((node, CQO.tier, Literal(obs.tier)))
        if obs.duration_years is not None:
            g.add((node, CQO.consecutiveYears, Literal(obs.duration_years, datatype=XSD.integer)))

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

    # -- conflicts --------------------------------------------------------------------------
    def conflicts(self) -> list[Conflict]:
        """Link every pair of figures from different sources that disagree on one indicator,
        kind, period, area, about and unit (and rank scope); a stated refinement (超74% /
        74.01%) or a compatible bound (超74% / 74.01%) is not a conflict."""
        groups: dict[tuple[object, ...], list[_Planned]] = defaultdict(list)
        for item in self.planned.values():
            if item.iri not in self.made:
                continue
            o = item.first
            unit = self.unit(o.unit).iri if o.unit else ""
            group = (indicator_key(o.indicator), o.kind, o.period, o.area, o.about, unit)
            groups[group + ((o.rank_scope,) if o.kind == "rank" else ())].append(item)
        out: list[Conflict] = []
        g = self.g
        for _group, items in sorted(groups.items(), key=lambda kv: repr(kv[0])):
            for a, b in combinations(sorted(items, key=lambda i: str(i.iri)), 2):
                if compatible(a.first, b.first):
                    continue
                if (a.iri, CQO.refines, b.iri) in g or (b.iri, CQO.refines, a.iri) in g:
                    continue
                shared = {s.doc.id for s, _ in a.statements} & {s.doc.id for s, _ in b.statements}
                if shared:
                    # One article giving two values for "one" indicator is not a disagreement
                    # between sources: its indicator label is too coarse. Say so, link nothing.
                    bundle, obs = b.statements[0]
                    self.finding(
                        Level.WARNING,
                        "indicator-two-values",
                        f"{sorted(shared)[0]} gives {a.first.stated_value!r} and "
                        f"{b.first.stated_value!r} for {b.first.indicator!r} (period "
                        f"{b.first.period}): the indicator label does not tell them apart",
                        bundle,
                        obs,
                    )
                    continue
                g.add((a.iri, CQO.conflictsWith, b.iri))
                g.add((b.iri, CQO.conflictsWith, a.iri))
                hant = self.indicator_labels[indicator_key(a.first.indicator)][0]
                out.append(
                    Conflict(
                        str(a.iri),
                        str(b.iri),
                        hant,
                        a.first.period,
                        a.first.area,
                        _statements(a),
                        _statements(b),
                    )
                )
        self.counts["conflicts"] = len(out)
        return out

    # -- the whole bundle -------------------------------------------------------------------
    def bundle(self, b: Bundle, keys: Sequence[tuple[object, ...] | None]) -> list[URIRef | None]:
        source = self.source(b)
        sentences = self.sections(b)
        title_end = b.clean.text.find("\n")
        title_span = self.span(b, 0, title_end if title_end > 0 else len(b.clean.text))
        self.g.add((title_span, CQO.refersTo, source))
        candidates = self.resolve_candidates(b)
        for m in b.extraction.mentions:
            target = self.mention_target(b, m.entity_id, m.surface, candidates)
            if target is None:
                raw_b, raw_e = b.clean.raw_span(m.begin, m.end)
                self.findings.append(
                    Finding(
                        Level.ERROR,
                        STAGE,
                        "mention-unknown-entity",
                        f"mention {m.surface!r} names {m.entity_id!r}, neither a registry "
                        "entity nor a candidate of this source",
                        b.doc.id,
                        m.begin,
                        m.end,
                        raw_b,
                        raw_e,
                    )
                )
                continue
            node = self.span(b, m.begin, m.end, sentences.get(m.sentence_id))
            self.g.add((node, CQO.refersTo, target))
            for theme in self.g.objects(node, CQO.section):
                self.g.add((target, CQO.mentionedIn, theme))
            self.counts["mentions"] += 1
        for post in b.extraction.posts:
            self.post(b, post, sentences, candidates)
        for rel in b.extraction.relations:
            self.relation(b, rel, sentences, candidates)
        return self.observations(b, keys, sentences)


def _statements(item: _Planned) -> tuple[Statement, ...]:
    return tuple(
        Statement(b.doc.id, o.begin, o.end, b.clean.text[o.begin : o.end], o.stated_value)
        for b, o in item.statements
    )


def run(bundles: Sequence[Bundle], registry: Mapping[str, Entity], curation: Curation) -> Assembled:
    """Build the data graph for all sources; deterministic for the same inputs."""
    builder = _Builder(curation, registry)
    keys = builder.plan(bundles)
    obs_iris = [builder.bundle(b, k) for b, k in zip(bundles, keys, strict=True)]
    builder.link_editions()
    conflicts = builder.conflicts()
    builder.counts["assertions"] = len(builder.assertions)
    builder.counts["relations"] = len(builder.relations)
    counts = dict(sorted(builder.counts.items()))
    counts["triples"] = len(builder.g)
    return Assembled(
        data=builder.g,
        observation_iris=obs_iris,
        counts=counts,
        findings=builder.findings,
        conflicts=conflicts,
    )
