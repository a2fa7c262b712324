"""Assemble, part 3: figures as ``qb:Observation`` nodes, merged across sources, and conflicts.

The same figure stated twice, in one article or in two, is one observation with a span per
statement; two figures of one indicator, kind, period and area whose values cannot both be true
are both kept and linked by ``cqo:conflictsWith`` (``compatible`` says which).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.curation.registry import Entity
from graph.curation.vocabularies import Curation, UnitInfo
from graph.model import (
    Level,
    Observation,
)
from graph.namespaces import CQR, PROV, QB, SKOS
from graph.pipeline.assemble_iris import (
    DATASET,
    INDICATOR_RULE,
    KIND_CLASS,
    both_scripts,
    decimal_text,
    entity_iri,
    indicator_iri,
    indicator_key,
    lit_decimal,
    script_of,
)
from graph.pipeline.assemble_nodes import Bundle
from graph.pipeline.assemble_relations import RelationBuilder
from graph.text import slug, to_hans, to_hant
from graph.vocab import CQO

# How a qualifier bounds the true value, for telling a disagreement from a compatible pair
# (超74% and 74.01% agree; 2362萬 and 2400萬 do not). A qualifier not listed is a point.
LOWER_BOUND = frozenset({"more-than", "more-than-approximately", "at-least"})
UPPER_BOUND = frozenset({"nearly", "at-most", "less-than"})
APPROXIMATE = frozenset({"approximately"})
APPROX_TOLERANCE = Decimal("0.1")


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


def _interval(obs: Observation) -> tuple[Decimal | None, Decimal | None]:
    """The values a stated figure allows, as a closed interval (None = unbounded)."""
    if obs.kind == "rank":
        rank = Decimal(obs.rank or 0)
        return rank, rank
    if obs.value is None:
        return None, None
    value = obs.value
    if obs.qualifier in LOWER_BOUND:
        return value, None
    if obs.qualifier in UPPER_BOUND:
        return None, obs.value_max or value
    if obs.qualifier in APPROXIMATE:
        slack = abs(value) * APPROX_TOLERANCE
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


@dataclass(slots=True)
class _Planned:
    """One distinct observation: its key, node, first statement and every statement."""

    key: tuple[object, ...]
    iri: URIRef
    first: Observation
    lang: str
    statements: list[tuple[Bundle, Observation]] = field(default_factory=list)


class ObservationBuilder(RelationBuilder):
    """Adds indicators, observations and conflicts to the nodes of the other builders."""

    def __init__(self, curation: Curation, registry: Mapping[str, Entity]) -> None:
        super().__init__(curation, registry)
        self.planned: dict[tuple[object, ...], _Planned] = {}  # across sources
        self.made: set[URIRef] = set()  # observation nodes written so far
        self.indicator_labels: dict[str, tuple[str, str, str | None, bool]] = {}

    # -- observations: planning (identity across sources) ---------------------------------
    def indicator_node(self, label: str) -> URIRef:
        """The ``cqo:Indicator`` of ``label`` (labels were chosen in ``plan``)."""
        key = indicator_key(label)
        hant, hans, en, curated = self.indicator_labels[key]
        node = indicator_iri(label, hant if curated else None)
        if (node, RDF.type, CQO.Indicator) in self.g:
            return node
        scheme = CQR["scheme/indicators"]
        self.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.labels(scheme, "指標", "Indicators")
        self.add((node, RDF.type, CQO.Indicator))
        self.add((node, RDF.type, SKOS.Concept))
        self.add((node, SKOS.inScheme, scheme))
        if curated:
            self.add((node, CQO.curationStatus, CQO.Curated))
        else:
            self.add((node, CQO.curationStatus, CQO.Candidate))
            self.add((node, CQO.rule, Literal(INDICATOR_RULE)))
            self.counts["candidates.indicators"] += 1
        for pred in (RDFS.label, SKOS.prefLabel):
            self.labelled.update({(node, pred, "zh-Hant"), (node, pred, "zh-Hans")})
            self.add((node, pred, Literal(hant, lang="zh-Hant")))
            self.add((node, pred, Literal(hans, lang="zh-Hans")))
            if en:
                self.labelled.add((node, pred, "en"))
                self.add((node, pred, Literal(en, lang="en")))
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
            parts.append(decimal_text(obs.value))
            if obs.value_max is not None:
                parts.append(decimal_text(obs.value_max))
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
            self.add((node, PROV.wasDerivedFrom, evidence))
            self.add((node, CQO.statedValue, Literal(obs.stated_value)))
            if sentence is not None:
                for theme in self.themes.get(sentence, ()):
                    self.add((node, CQO.section, theme))
        for obs, maybe in zip(obs_list, iris, strict=True):
            if maybe is None:
                continue
            node = maybe
            if obs.kind == "growth":
                base = iris[obs.growth_of] if obs.growth_of is not None else None
                target = base if base is not None else self.indicator_node(obs.indicator)
                self.add((node, CQO.growthOf, target))
            if obs.refines is not None:
                refined = iris[obs.refines]
                if refined is not None and refined != node:
                    self.add((node, CQO.refines, refined))
        self.counts["observations"] = len(self.made)
        return iris

    def _observation_node(self, node: URIRef, item: _Planned) -> None:
        obs = item.first
        area = obs.area or item.statements[0][0].doc.area
        self.add((node, RDF.type, CQO.Observation))
        if obs.kind in KIND_CLASS:
            self.add((node, RDF.type, KIND_CLASS[obs.kind]))
        self.add((node, QB.dataSet, DATASET))
        self.add((node, CQO.indicator, self.indicator_node(obs.indicator)))
        stated = obs.stated_value if obs.kind != "rank" else f"第{obs.rank}"
        hant, hans = both_scripts(f"{obs.indicator} {stated}", item.lang)
        self.add((node, RDFS.label, Literal(hant, lang="zh-Hant")))
        self.add((node, RDFS.label, Literal(hans, lang="zh-Hans")))
        if obs.value is not None and obs.kind != "rank":
            # a rank is ordinal: it is cqo:rank, not a value to sum or sort with quantities
            self.add((node, CQO.value, lit_decimal(obs.value)))
            if obs.value_max is not None:
                self.add((node, CQO.valueMax, lit_decimal(obs.value_max)))
        if obs.unit:
            unit = self.unit(obs.unit)
            unit_node = URIRef(unit.iri)
            self.concept(unit_node, unit.cls, "units", unit.label_zh, unit.label_en)
            self.add((node, CQO.unit, unit_node))
        qual = self.cur.qualifier(obs.qualifier)
        qual_node = CQR[f"qualifier/{qual.id}"]
        self.concept(qual_node, CQO.Qualifier, "qualifiers", qual.label_zh, qual.label_en)
        self.add((node, CQO.qualifier, qual_node))
        self.add((node, CQO.period, Literal(obs.period, datatype=XSD.gYear)))
        self.add((node, CQO.refArea, entity_iri(area)))
        for place in (area, obs.rank_scope):  # an area or scope the text never names
            if place and place in self.registry:
                self.entity(self.registry[place])
        if obs.about:
            self.add((node, CQO.about, entity_iri(obs.about)))
        if obs.rank is not None:
            self.add((node, CQO.rank, Literal(obs.rank, datatype=XSD.integer)))
        if obs.rank_scope:
            self.add((node, CQO.rankScope, entity_iri(obs.rank_scope)))
        rank_of = sorted({o.rank_of for _, o in item.statements if o.rank_of is not None})
        if rank_of:
            self.add((node, CQO.rankOf, Literal(rank_of[0], datatype=XSD.integer)))
        if obs.tier:
            self.add((node, CQO.tier, Literal(obs.tier)))
        if obs.duration_years is not None:
            self.add(
                (node, CQO.consecutiveYears, Literal(obs.duration_years, datatype=XSD.integer))
            )

    def concept(self, node: URIRef, cls: URIRef, scheme_id: str, hant: str, en: str) -> URIRef:
        g = self.g
        if (node, RDF.type, cls) in g:
            return node
        scheme = CQR[f"scheme/{scheme_id}"]
        self.add((scheme, RDF.type, SKOS.ConceptScheme))
        self.add((node, RDF.type, cls))
        self.add((node, RDF.type, SKOS.Concept))
        self.add((node, SKOS.inScheme, scheme))
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
                self.add((a.iri, CQO.conflictsWith, b.iri))
                self.add((b.iri, CQO.conflictsWith, a.iri))
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


def _statements(item: _Planned) -> tuple[Statement, ...]:
    return tuple(
        Statement(b.doc.id, o.begin, o.end, b.clean.text[o.begin : o.end], o.stated_value)
        for b, o in item.statements
    )
