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
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from graph.assemble import _APPROX_TOLERANCE, _APPROXIMATE, _LOWER_BOUND, _UPPER_BOUND
from graph.model import Finding, Level
from graph.namespaces import CQR, NIF, PROV, UNIT
from graph.vocab import CQO

STAGE = "checks"
GROWTH_RULE = "growth-from-figures"
"""``cqo:rule`` of a growth check: the stated rate against the two figures it derives from."""

PERCENT = UNIT.PERCENT
PERCENTAGE_POINT = CQR["unit/percentage-point"]
_PLACES = Decimal("0.0001")
_FIRST_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_NOT_FIGURES = (CQO.GrowthObservation, CQO.RankObservation, CQO.TierObservation)


@dataclass(frozen=True, slots=True)
class Interval:
    """A closed interval of decimals; ``None`` is an unbounded end."""

    lo: Decimal | None
    hi: Decimal | None

    @property
    def bounded(self) -> bool:
        return self.lo is not None and self.hi is not None

    def meets(self, other: Interval) -> bool:
        """True when the two intervals share at least one value."""
        if self.lo is not None and other.hi is not None and self.lo > other.hi:
            return False
        return not (other.lo is not None and self.hi is not None and other.lo > self.hi)


def half_unit(stated: str, value: Decimal) -> Decimal:
    """Half a unit of the last digit written, in the value's scale (9.1万 -> 500, 24.7% -> 0.05).

    A stated text without Arabic digits (三千) or whose number is 0 is taken as exact (0).
    """
    m = _FIRST_NUMBER.search(stated)
    if not m:
        return Decimal(0)
    written = Decimal(m.group().replace(",", ""))
    if written == 0:
        return Decimal(0)
    places = len(m.group(1) or "")
    return Decimal("0.5") * Decimal(10) ** -places * abs(value / written)


def stated_interval(
    value: Decimal, value_max: Decimal | None, qualifier: str, half: Decimal
) -> Interval:
    """The values a stated number allows, given its qualifier id and its precision."""
    top = value_max if value_max is not None else value
    if qualifier in _LOWER_BOUND:
        return Interval(value, None)
    if qualifier in _UPPER_BOUND:
        return Interval(None, top)
    if qualifier in _APPROXIMATE:
        slack = max(half, abs(value) * _APPROX_TOLERANCE)
        return Interval(value - slack, top + slack)
    return Interval(value - half, top + half)


def relative_growth(current: Interval, base: Interval) -> Interval | None:
    """Growth in % of ``current`` over ``base``; None when a figure may be negative or the base
    cannot be positive. A base that may come near 0 leaves the growth unbounded above; an
    unbounded base or current lower end leaves it bounded below only by -100%."""
    if (base.hi is not None and base.hi <= 0) or (current.lo is not None and current.lo < 0):
        return None
    if base.lo is not None and base.lo < 0:
        return None
    if current.lo is None or base.hi is None:
        lo = Decimal(-100)
    else:
        lo = current.lo / base.hi * 100 - 100
    hi = None if current.hi is None or not base.lo else current.hi / base.lo * 100 - 100
    return Interval(lo, hi)


def absolute_growth(current: Interval, base: Interval) -> Interval:
    """Difference ``current - base`` of two intervals."""
    lo = None if current.lo is None or base.hi is None else current.lo - base.hi
    hi = None if current.hi is None or base.lo is None else current.hi - base.lo
    return Interval(lo, hi)


def status_of(computed: Interval, stated: Interval) -> URIRef:
    """inconsistent when disjoint; consistent when they meet and ``computed`` is bounded."""
    if not computed.meets(stated):
        return CQO.inconsistent
    return CQO.consistent if computed.bounded else CQO.uncheckable


@dataclass(frozen=True, slots=True)
class _Figure:
    """What the check needs of one observation node."""

    iri: URIRef
    indicator: Node | None
    period: str
    area: Node | None
    unit: Node | None
    value: Decimal
    value_max: Decimal | None
    qualifier: str
    stated: str

    @property
    def point(self) -> bool:
        return self.qualifier not in _LOWER_BOUND | _UPPER_BOUND and self.value_max is None

    def interval(self) -> Interval:
        return stated_interval(
            self.value, self.value_max, self.qualifier, half_unit(self.stated, self.value)
        )


def _figure(g: Graph, node: URIRef) -> _Figure | None:
    value = g.value(node, CQO.value)
    if value is None:
        return None
    vmax = g.value(node, CQO.valueMax)
    qual = g.value(node, CQO.qualifier)
    stated = sorted(str(s) for s in g.objects(node, CQO.statedValue))
    number = Decimal(str(value))
    # several statements of one figure: the finest precision any of them wrote
    halves = [(half_unit(s, number), s) for s in stated] or [(Decimal(0), "")]
    return _Figure(
        iri=node,
        indicator=g.value(node, CQO.indicator),
        period=str(g.value(node, CQO.period) or ""),
        area=g.value(node, CQO.refArea),
        unit=g.value(node, CQO.unit),
        value=number,
        value_max=Decimal(str(vmax)) if vmax is not None else None,
        qualifier=str(qual).rsplit("/", 1)[-1] if qual is not None else "exact",
        stated=min(halves)[1],
    )


@dataclass(slots=True)
class Checked:
    """What the stage adds: the number of check nodes per status, and its findings."""

    counts: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def _is_figure(g: Graph, node: URIRef) -> bool:
    return (node, RDF.type, CQO.Observation) in g and not any(
        (node, RDF.type, cls) in g for cls in _NOT_FIGURES
    )


def _figures_of(g: Graph, indicator: Node, area: Node | None, period: str) -> list[_Figure]:
    out = []
    for node in sorted(g.subjects(CQO.indicator, indicator), key=str):
        if not isinstance(node, URIRef) or not _is_figure(g, node):
            continue
        fig = _figure(g, node)
        if fig is not None and fig.area == area and fig.period == period:
            out.append(fig)
    return out


def _text(value: Decimal | None) -> str:
    if value is None:
        return "∞"
    text = format(value.quantize(_PLACES).normalize(), "f")
    return text


def _interval_text(i: Interval) -> str:
    lo = "-∞" if i.lo is None else _text(i.lo)
    return f"[{lo}, {_text(i.hi)}]"


def _decimal(value: Decimal) -> Literal:
    text = _text(value)
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)


def check_iri(growth: URIRef, current: URIRef, base: URIRef) -> URIRef:
    """Content-derived: the same three observations always give the same check node."""
    digest = hashlib.sha256(f"{GROWTH_RULE}|{growth}|{current}|{base}".encode()).hexdigest()
    return CQR[f"check/{GROWTH_RULE}/{digest[:16]}"]


def _span_of(g: Graph, node: URIRef) -> tuple[str, int | None, int | None]:
    """(source id, begin, end) of the first span an observation was stated in."""
    for span in sorted(g.objects(node, PROV.wasDerivedFrom), key=str):
        src = g.value(span, NIF.referenceContext)
        begin, end = g.value(span, NIF.beginIndex), g.value(span, NIF.endIndex)
        if src is not None and begin is not None and end is not None:
            return str(src).rsplit("/source/", 1)[-1], int(str(begin)), int(str(end))
    return "", None, None


def _compute(
    growth: _Figure, current: _Figure, base: _Figure
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


def _add_check(g: Graph, growth: _Figure, current: _Figure, base: _Figure, out: Checked) -> None:
    node = check_iri(growth.iri, current.iri, base.iri)
    stated = growth.interval()
    computed, value, how = _compute(growth, current, base)
    g.add((node, RDF.type, CQO.ConsistencyCheck))
    g.add((node, CQO.checks, growth.iri))
    g.add((node, CQO.usesObservation, current.iri))
    g.add((node, CQO.usesObservation, base.iri))
    g.add((node, CQO.rule, Literal(GROWTH_RULE)))
    if computed is None:
        status = CQO.uncheckable
        comment = f"stated {growth.stated} {_interval_text(stated)}: not computable ({how})"
    else:
        status = status_of(computed, stated)
        if computed.lo is not None:
            g.add((node, CQO.computedMin, _decimal(computed.lo)))
        if computed.hi is not None:
            g.add((node, CQO.computedMax, _decimal(computed.hi)))
        if value is not None:
            g.add((node, CQO.computedValue, _decimal(value)))
        given = f"{_text(value)} " if value is not None else ""
        comment = (
            f"stated {growth.stated} {_interval_text(stated)}; {current.period} over "
            f"{base.period} gives {given}{_interval_text(computed)} ({how}): "
            f"{str(status).rsplit('#', 1)[-1]}"
        )
    g.add((node, CQO.status, status))
    g.add((node, RDFS.comment, Literal(comment, lang="en")))
    name = str(status).rsplit("#", 1)[-1]
    out.counts[name] = out.counts.get(name, 0) + 1
    if status == CQO.inconsistent:
        src, begin, end = _span_of(g, growth.iri)
        out.findings.append(
            Finding(Level.WARNING, STAGE, "growth-inconsistent", comment, src, begin, end)
        )


def run(g: Graph) -> Checked:
    """Add a ``cqo:ConsistencyCheck`` for every growth whose two figures are in ``g``."""
    out = Checked()
    for node in sorted(g.subjects(RDF.type, CQO.GrowthObservation), key=str):
        if not isinstance(node, URIRef):
            continue
        growth = _figure(g, node)
        if growth is None or growth.indicator is None or not growth.period.isdigit():
            continue
        target = g.value(node, CQO.growthOf)
        if isinstance(target, URIRef) and _is_figure(g, target):
            current = _figure(g, target)
            currents = [current] if current is not None else []
        else:
            currents = _figures_of(g, growth.indicator, growth.area, growth.period)
        for current in currents:
            if current.indicator is None or not current.period.isdigit():
                continue
            previous = str(int(current.period) - 1)
            for base in _figures_of(g, current.indicator, current.area, previous):
                _add_check(g, growth, current, base, out)
    out.counts = dict(sorted(out.counts.items()))
    return out
