"""Assemble, part 1: the state of one build and the nodes every statement hangs on.

Labels (both scripts), sources, report editions, registry entities, spans, section sentences
and the evidence pattern (``cqo:Assertion``). The relation and observation builders extend
:class:`NodeBuilder`; ``graph.pipeline.assemble`` drives them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from graph.curation.registry import Entity, match_key
from graph.curation.vocabularies import Curation
from graph.model import (
    CleanText,
    Extraction,
    Finding,
    Level,
    Observation,
    Segmentation,
    SourceDocument,
)
from graph.namespaces import CQR, DCTERMS, NIF, PROV, QB, SKOS, bind_all
from graph.pipeline.assemble_iris import (
    CLASS_IRI,
    DATASET,
    EDITION_RULE,
    FRONT_MATTER_LABELS,
    STAGE,
    SUBCLASS_IRI,
    both_scripts,
    edition_id,
    edition_year,
    entity_iri,
    script_of,
    source_iri,
    span_iri,
    theme_iri,
)
from graph.pipeline.extract.metrics import Accounting
from graph.triple_index import index_graph, index_of
from graph.vocab import CQO

# terms of every span, looked up once (rdflib's namespaces make a new IRI per attribute read)
_NNI = XSD.nonNegativeInteger
_BEGIN, _END, _ANCHOR = NIF.beginIndex, NIF.endIndex, NIF.anchorOf
_CONTEXT, _SENTENCE = NIF.referenceContext, NIF.sentence


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


class NodeBuilder:
    """Holds the graph while one build adds to it; small methods, one per kind of node."""

    def __init__(self, curation: Curation, registry: Mapping[str, Entity]) -> None:
        self.g = bind_all(index_graph())
        self._add = index_of(self.g).add_triple  # type: ignore[union-attr]
        self.cur = curation
        self.registry = registry
        self.counts: dict[str, int] = defaultdict(int)
        self.assertions: set[URIRef] = set()  # distinct evidence nodes
        self.entities: set[URIRef] = set()
        self.relations: set[tuple[URIRef, URIRef, URIRef]] = set()  # distinct asserted triples
        self.findings: list[Finding] = []
        self.labelled: set[tuple[URIRef, URIRef, str]] = set()  # (node, predicate, language)
        self.editions: dict[str, URIRef] = {}  # year -> edition document
        self.covered: URIRef | None = None  # the report the source being assembled covers
        self.resolved: dict[str, str] = {}  # candidate id -> curated or edition id that won
        # what the builder asks of its own graph, kept beside it (a store lookup per span and
        # per figure was a tenth of a corpus's assembly): the spans written, and the themes
        # (cqo:section) of each span and sentence node
        self.spans: set[URIRef] = set()
        self.themes: dict[URIRef, list[URIRef]] = defaultdict(list)
        self.terms: dict[Node, Node] = {}  # one object per distinct term (see ``add``)
        self.offsets: dict[int, Literal] = {}  # see ``offset``
        self.registry_keys = self._registry_keys(registry)
        self.edition_template = self._edition_template(registry)

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        """Add ``triple`` to the graph with one shared object per distinct term.

        Why: every statement made its IRIs and literals afresh, so the store held a separate
        object for each occurrence (510,441 term occurrences, 38,252 distinct terms in a
        100-article corpus); equal terms are the same RDF term, so sharing one object changes
        no triple, and it saves their memory and the store's equality checks (a dict lookup of
        the identical object skips rdflib's ``__eq__``).
        """
        terms = self.terms
        s, p, o = triple
        self._add(terms.setdefault(s, s), terms.setdefault(p, p), terms.setdefault(o, o))

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
            self.add((node, pred, Literal(value, lang=tag)))

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
        self.add((node, RDF.type, CQO.Document))
        self.add((node, RDF.type, NIF.Context))
        self.add((node, CQO.curationStatus, CQO.Curated))  # the manifest is the reviewed record
        self.labels(node, doc.title, doc.title_en or None, lang=lang)
        self.add((node, DCTERMS.title, Literal(doc.title, lang=lang)))
        self.add((node, DCTERMS.publisher, Literal(doc.publisher, lang=lang)))
        self.add((node, DCTERMS.date, Literal(doc.date, datatype=XSD.date)))
        self.add((node, DCTERMS.language, Literal(doc.language)))
        self.add((node, DCTERMS.identifier, Literal(doc.id)))
        if doc.url:
            self.add((node, NIF.sourceUrl, URIRef(doc.url)))
        for author in doc.authors:
            self.add((node, DCTERMS.creator, Literal(author, lang=lang)))
        if doc.licence:
            self.add((node, DCTERMS.rights, Literal(doc.licence, lang="en")))
        self.add((node, NIF.isString, Literal(b.clean.text)))
        self.add((DATASET, RDF.type, QB.DataSet))
        self.add((DATASET, QB.structure, CQO.dsd))
        self.labels(DATASET, "報告所述數據", "Figures stated in the sources")
        self.add((DATASET, PROV.wasDerivedFrom, node))
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
        self.add((node, RDF.type, CQO.Document))
        self.add((node, CQO.edition, Literal(year, datatype=XSD.gYear)))
        self.add((node, CQO.curationStatus, CQO.Candidate))
        self.add((node, CQO.rule, Literal(EDITION_RULE)))
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
                self.add((node, CQO.previousEdition, before))

    def span(self, b: Bundle, begin: int, end: int, sentence: URIRef | None = None) -> URIRef:
        src = b.doc.id
        node = span_iri(src, begin, end)
        if node in self.spans:
            return node
        self.spans.add(node)
        raw_b, raw_e = b.clean.raw_span(begin, end)
        offset = self.offset
        self.add((node, RDF.type, CQO.Span))
        self.add((node, _BEGIN, offset(begin)))
        self.add((node, _END, offset(end)))
        self.add((node, CQO.rawBeginIndex, offset(raw_b)))
        self.add((node, CQO.rawEndIndex, offset(raw_e)))
        self.add((node, _ANCHOR, Literal(b.clean.text[begin:end])))
        self.add((node, _CONTEXT, source_iri(src)))
        if sentence is not None and sentence != node:
            self.add((node, _SENTENCE, sentence))
            for theme in self.themes.get(sentence, ()):
                self.section(node, theme)
        self.counts["spans"] += 1
        return node

    def offset(self, n: int) -> Literal:
        """The ``xsd:nonNegativeInteger`` literal of a character offset, made once per value:
        rdflib checks every literal it makes (~10 µs), four per span, and a corpus's offsets
        are a few thousand distinct numbers."""
        got = self.offsets.get(n)
        if got is None:
            got = self.offsets[n] = Literal(n, datatype=_NNI)
        return got

    def section(self, node: URIRef, theme: URIRef) -> None:
        """``node cqo:section theme`` for a span or sentence node, remembered in ``themes``."""
        if theme not in self.themes[node]:
            self.themes[node].append(theme)
            self.add((node, CQO.section, theme))

    def sections(self, b: Bundle) -> dict[str, URIRef]:
        """Themes (skos:Concept per heading) and sentence spans; returns sentence id -> span."""
        lang = script_of(b.doc.language)
        scheme = CQR["scheme/themes"]
        self.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.labels(scheme, "報告主題", "Themes of the report")
        sentence_nodes: dict[str, URIRef] = {}
        themes: dict[str, URIRef] = {}
        for order, section in enumerate(b.seg.sections):
            node = theme_iri(section.id)
            themes[section.id] = node
            self.add((node, RDF.type, CQO.Theme))
            self.add((node, RDF.type, SKOS.Concept))
            self.add((node, SKOS.inScheme, scheme))
            self.add((node, SKOS.notation, Literal(f"{order:02d}")))
            if section.heading:
                en = self.cur.theme_en(section.heading)
                self.labels(node, section.heading, en, lang=lang)
                self.labels(node, section.heading, en, pred=SKOS.prefLabel, lang=lang)
                if section.heading_begin is not None and section.heading_end is not None:
                    heading = self.span(b, section.heading_begin, section.heading_end)
                    self.add((node, PROV.wasDerivedFrom, heading))
            else:
                hant, en = FRONT_MATTER_LABELS["zh-Hant"], FRONT_MATTER_LABELS["en"]
                if section.level == 0 and section.id != "front-matter":
                    hant, en = "署名", "Byline"
                self.labels(node, hant, en)
                self.labels(node, hant, en, pred=SKOS.prefLabel)
                self.add(
                    (
                        node,
                        SKOS.scopeNote,
                        Literal("Structural section without a heading in the source.", lang="en"),
                    )
                )
            self.counts["themes"] += 1
        for sentence in b.seg.sentences:
            node = span_iri(b.doc.id, sentence.begin, sentence.end)
            self.add((node, RDF.type, CQO.Sentence))
            self.section(node, themes[sentence.section_id])
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
        self.add((node, RDF.type, CLASS_IRI[entity.cls]))
        if entity.subclass:
            self.add((node, RDF.type, SUBCLASS_IRI[entity.subclass]))
        self.add((node, CQO.curationStatus, CQO.Curated))
        self.labels(node, entity.label, entity.en or None)
        for alias in (*entity.aliases, *entity.alt_labels):
            if alias == entity.label:
                continue
            self.labels(node, alias, pred=SKOS.altLabel)
        year = edition_year(entity.id)
        if year is not None:
            self.add((node, CQO.edition, Literal(year, datatype=XSD.gYear)))
            self.editions[year] = node
        self.counts[f"entities.{entity.cls}"] += 1
        self.counts["entities"] += 1
        return node

    def assertion(self, s: URIRef, p: URIRef, o: URIRef, evidence: URIRef, rule: str) -> None:
        self.add((s, p, o))
        key = f"{s} {p} {o} {evidence}".encode()
        node = CQR[f"assertion/{hashlib.sha1(key).hexdigest()[:16]}"]
        self.add((node, RDF.type, CQO.Assertion))
        self.add((node, RDF.subject, s))
        self.add((node, RDF.predicate, p))
        self.add((node, RDF.object, o))
        self.add((node, PROV.wasDerivedFrom, evidence))
        self.add((node, CQO.rule, Literal(rule)))
        self.assertions.add(node)
        self.relations.add((s, p, o))
