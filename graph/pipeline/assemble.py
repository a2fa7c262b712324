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
  article is ``cqo:about`` the report it covers (the manifest's ``report``, else the text: an
  article on a Sichuan or national report is about that report, a candidate document) and the
  Chongqing editions are chained by ``cqo:previousEdition``.
* Spans are shared nodes (``cqr:span/<src>/<b>-<e>``): a mention and a piece of evidence with the
  same offsets are the same span.
* Build time, versions and hashes are not in the data graph (they would break byte-stability);
  they go to the metadata graph (``build-metadata.ttl``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from graph.curation.registry import Entity
from graph.curation.vocabularies import Curation
from graph.model import (
    Finding,
    Level,
)
from graph.pipeline.assemble_iris import STAGE, source_iri
from graph.pipeline.assemble_nodes import Bundle
from graph.pipeline.assemble_observations import Conflict, ObservationBuilder
from graph.vocab import CQO

__all__ = ["Assembled", "Bundle", "run", "source_iri"]
"""What the other stages use: the driver, its input and output, and the source IRI validate
looks quotes up by (the rest of the IRI scheme is in ``graph.pipeline.assemble_iris``)."""


@dataclass(slots=True)
class Assembled:
    data: Graph
    #: per bundle, per observation: its node, or None when the observation was refused
    observation_iris: list[list[URIRef | None]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    #: candidate id -> the id its node has in the graph, where they differ (a curated entry
    #: or a report edition won); the curation queue proposes only what stays a candidate
    resolved: dict[str, str] = field(default_factory=dict)


class _Builder(ObservationBuilder):
    """One build: the node, relation and observation builders plus the walk over a bundle."""

    # -- the whole bundle -------------------------------------------------------------------
    def bundle(self, b: Bundle, keys: Sequence[tuple[object, ...] | None]) -> list[URIRef | None]:
        source = self.source(b)
        sentences = self.sections(b)
        title_end = b.clean.text.find("\n")
        title_span = self.span(b, 0, title_end if title_end > 0 else len(b.clean.text))
        self.add((title_span, CQO.refersTo, source))
        candidates = self.resolve_candidates(b)
        for cid, (won, _cls, _kept) in self.candidate_ids(b).items():
            if won != cid:
                self.resolved[cid] = won
        self.covered = self.covered_report(b, candidates)
        self.add((source, CQO.about, self.covered))
        self.area_place(b)
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
            self.add((node, CQO.refersTo, target))
            for theme in self.themes.get(node, ()):
                self.add((target, CQO.mentionedIn, theme))
            self.counts["mentions"] += 1
        for post in b.extraction.posts:
            self.post(b, post, sentences, candidates)
        for rel in b.extraction.relations:
            self.relation(b, rel, sentences, candidates)
        return self.observations(b, keys, sentences)


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
        resolved=dict(sorted(builder.resolved.items())),
    )
