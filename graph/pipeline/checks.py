"""Consistency checks as data: is a stated growth rate what its two figures give?

Runs after assemble and before validate, on the data graph itself, so it sees every figure of
every source and edition at once. For each ``cqo:GrowthObservation`` it looks for the figure
that grew (its ``cqo:growthOf`` observation, or the indicator's figure of the growth's period
and area) and the base figure of the previous period (same indicator and area, period - 1),
computes the growth the two give, and records one ``cqo:ConsistencyCheck`` node per pair:

* ``cqo:checks`` the growth, ``cqo:usesObservation`` both figures, ``cqo:rule``, a one-line
  ``rdfs:comment`` and ``cqo:status`` (``cqo:consistent`` / ``cqo:inconsistent`` /
  ``cqo:uncheckable``).
* ``cqo:computedMin`` / ``cqo:computedMax``: the interval of growths the two figures allow, as
  stated. A figure is widened to the precision it was written with (9.1万 is any value in
  [90500, 91500]: the publisher computed its rate from unrounded data), and a qualifier bounds
  it (超1800 has no upper end). An unbounded end is left out. ``cqo:computedValue``: the growth
  of the two numbers as written, only when neither figure is open-ended.
* The stated rate is an interval too: its precision (24.7% is [24.65, 24.75]), or its
  qualifier (超过50% is [50, ∞), 约70% is 70 ± 10%, as ``assemble`` reads 约 for conflicts).

Status: the two intervals do not meet -> ``inconsistent`` (a WARNING finding: never silent, never
a build failure); they meet and the computed interval is bounded on both sides -> ``consistent``;
otherwise ``uncheckable`` (the figures cannot confirm or refute the rate).

A growth in % is relative ((current / base - 1) * 100); a growth in 个百分点 is the difference
of two % figures; a growth in the figures' own unit is their difference. Anything else is
recorded as ``uncheckable`` with the reason in its comment.

Two more rules read one sentence at a time (its text and the figures stated in it, from the
spans already in the graph), with trigger words from ``graph/curation/checks.yaml`` matched on
``fold_aligned`` text, so one list serves both scripts:

* ``share-from-counts``: a part count P and a total count T of one unit, period and area, and a
  share S% stated for them (311项中252项…占比81%; 3400家上云,占全市1.2万家企业的28.3%):
  100·P/T against S. ``cqo:checks`` the share, ``cqo:usesObservation`` the two counts.
* ``parts-vs-total``: a total followed by 其中/包括/分别 and at least two parts of its unit,
  period and area (5G基站9.1万个,其中农村3.2万个、城区5.9万个): the parts' sum against the
  total. Sum above the total -> inconsistent; equal within precision -> consistent; below it
  -> inconsistent only when the text says the list is the whole (共建成…, 合计), else
  uncheckable. ``cqo:checks`` the total, ``cqo:usesObservation`` the parts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from graph.model import Finding, Level
from graph.namespaces import CQR, NIF, PROV
from graph.pipeline.checks_figures import (
    GROWTH_RULE,
    PERCENT,
    PERCENTAGE_POINT,
    STAGE,
    Checked,
    Figure,
    Interval,
    absolute_growth,
    decimal_literal,
    figures_of,
    interval_text,
    is_figure,
    number_text,
    read_figure,
    relative_growth,
    status_of,
)
from graph.pipeline.checks_sentences import sentence_checks
from graph.triple_index import index_of
from graph.vocab import CQO


def check_iri(growth: URIRef, current: URIRef, base: URIRef) -> URIRef:
    """Content-derived: the same three observations always give the same check node."""
    digest = hashlib.sha256(f"{GROWTH_RULE}|{growth}|{current}|{base}".encode()).hexdigest()
    return CQR[f"check/{GROWTH_RULE}/{digest[:16]}"]


def span_of(g: Graph, node: URIRef) -> tuple[str, int | None, int | None]:
    """(source id, begin, end) of the first span an observation was stated in."""
    for span in sorted(g.objects(node, PROV.wasDerivedFrom), key=str):
        src = g.value(span, NIF.referenceContext)
        begin, end = g.value(span, NIF.beginIndex), g.value(span, NIF.endIndex)
        if src is not None and begin is not None and end is not None:
            return str(src).rsplit("/source/", 1)[-1], int(str(begin)), int(str(end))
    return "", None, None


def _compute(
    growth: Figure, current: Figure, base: Figure
) -> tuple[Interval | None, Decimal | None, str]:
    """(computed interval, point value, how) or (None, None, reason) when units do not fit."""
    if current.unit != base.unit:
        return None, None, "the two figures have different units"
    cur, prev = current.interval(), base.interval()
    point = current.point and base.point
    if growth.unit == PERCENT:
        rel = relative_growth(cur, prev)
        if rel is None:
            return None, None, "a figure may be negative or the base zero"
        value = current.value / base.value * 100 - 100 if point and base.value else None
        return rel, value, "relative growth in %"
    if growth.unit == current.unit or (growth.unit == PERCENTAGE_POINT and current.unit == PERCENT):
        value = current.value - base.value if point else None
        return absolute_growth(cur, prev), value, "difference of the two figures"
    return None, None, "the growth's unit is neither % nor the figures' unit"


_RULE = Literal(GROWTH_RULE)


def _adder(g: Graph) -> Callable[[Node, Node, Node], None]:
    """``g.add`` of one triple; on the build's own store its direct write."""
    own = index_of(g)
    if own is not None:
        return own.add_triple

    def add(s: Node, p: Node, o: Node) -> None:
        g.add((s, p, o))

    return add


def _add_check(
    growth: Figure,
    current: Figure,
    base: Figure,
    out: Checked,
    add: Callable[[Node, Node, Node], None],
    span: Callable[[URIRef], tuple[str, int | None, int | None]],
) -> None:
    """Add the check node of ``growth`` against ``current`` over ``base``: ``add`` writes a
    triple to the graph (:func:`_adder`), ``span`` is :func:`span_of` (kept per growth)."""
    node = check_iri(growth.iri, current.iri, base.iri)
    stated = growth.interval()
    computed, value, how = _compute(growth, current, base)
    add(node, RDF.type, CQO.ConsistencyCheck)
    add(node, CQO.checks, growth.iri)
    add(node, CQO.usesObservation, current.iri)
    add(node, CQO.usesObservation, base.iri)
    add(node, CQO.rule, _RULE)
    if computed is None:
        status = CQO.uncheckable
        comment = f"stated {growth.stated} {interval_text(stated)}: not computable ({how})"
    else:
        status = status_of(computed, stated)
        if computed.lo is not None:
            add(node, CQO.computedMin, decimal_literal(computed.lo))
        if computed.hi is not None:
            add(node, CQO.computedMax, decimal_literal(computed.hi))
        if value is not None:
            add(node, CQO.computedValue, decimal_literal(value))
        given = f"{number_text(value)} " if value is not None else ""
        comment = (
            f"stated {growth.stated} {interval_text(stated)}; {current.period} over "
            f"{base.period} gives {given}{interval_text(computed)} ({how}): "
            f"{str(status).rsplit('#', 1)[-1]}"
        )
    add(node, CQO.status, status)
    add(node, RDFS.comment, Literal(comment, lang="en"))
    name = str(status).rsplit("#", 1)[-1]
    out.counts[name] = out.counts.get(name, 0) + 1
    if status == CQO.inconsistent:
        src, begin, end = span(growth.iri)
        out.findings.append(
            Finding(Level.WARNING, STAGE, "growth-inconsistent", comment, src, begin, end)
        )


def run(g: Graph) -> Checked:
    """Add a ``cqo:ConsistencyCheck`` for every growth whose two figures are in ``g``."""
    out = Checked()
    # The figures of one (indicator, area, period), read once: in a corpus many growths share
    # an indicator, and reading all its figures again per growth grew with the square of the
    # corpus (a third of the stage at 100 articles). The check nodes added below change no
    # figure, so the answer stays the one a fresh read gives.
    known: dict[tuple[Node, Node | None, str], list[Figure]] = {}
    # each figure read once, whichever (area, period) of its indicator asks (the checks add no
    # figure triples); likewise the first span of a growth that is reported
    read: dict[URIRef, Figure | None] = {}
    spans: dict[URIRef, tuple[str, int | None, int | None]] = {}
    add = _adder(g)

    def figure(node: URIRef) -> Figure | None:
        if node not in read:
            read[node] = read_figure(g, node)
        return read[node]

    def first_span(node: URIRef) -> tuple[str, int | None, int | None]:
        if node not in spans:
            spans[node] = span_of(g, node)
        return spans[node]

    def figures(indicator: Node, area: Node | None, period: str) -> list[Figure]:
        key = (indicator, area, period)
        if key not in known:
            known[key] = figures_of(g, indicator, area, period, read=figure)
        return known[key]

    for node in sorted(g.subjects(RDF.type, CQO.GrowthObservation), key=str):
        if not isinstance(node, URIRef):
            continue
        growth = figure(node)
        if growth is None or growth.indicator is None or not growth.period.isdigit():
            continue
        target = g.value(node, CQO.growthOf)
        if isinstance(target, URIRef) and is_figure(g, target):
            current = figure(target)
            currents = [current] if current is not None else []
        else:
            currents = figures(growth.indicator, growth.area, growth.period)
        for current in currents:
            if current.indicator is None or not current.period.isdigit():
                continue
            previous = str(int(current.period) - 1)
            for base in figures(current.indicator, current.area, previous):
                _add_check(growth, current, base, out, add, first_span)
    sentence_checks(g, out)
    out.counts = dict(sorted(out.counts.items()))
    return out


# ---------------------------------------------------------------- rules on one sentence
