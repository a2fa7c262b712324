"""Consistency checks, the arithmetic: figures read back from the graph, as intervals.

A figure is the interval of values its stated text allows (precision and qualifier), so every
rule of ``graph.pipeline.checks`` and ``graph.pipeline.checks_sentences`` compares intervals and
never a rounded number with an unrounded one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from graph.model import Finding
from graph.namespaces import CQR, UNIT
from graph.pipeline.assemble_observations import (
    APPROX_TOLERANCE,
    APPROXIMATE,
    LOWER_BOUND,
    UPPER_BOUND,
)
from graph.vocab import CQO

STAGE = "checks"
GROWTH_RULE = "growth-from-figures"
"""``cqo:rule`` of a growth check: the stated rate against the two figures it derives from."""
SHARE_RULE = "share-from-counts"
"""``cqo:rule`` of a share check: a stated % against the part and total counts next to it."""
PARTS_RULE = "parts-vs-total"
"""``cqo:rule`` of a parts check: a stated total against the sum of the parts listed after it."""

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
    if qualifier in LOWER_BOUND:
        return Interval(value, None)
    if qualifier in UPPER_BOUND:
        return Interval(None, top)
    if qualifier in APPROXIMATE:
        slack = max(half, abs(value) * APPROX_TOLERANCE)
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
class Figure:
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
        return self.qualifier not in LOWER_BOUND | UPPER_BOUND and self.value_max is None

    def interval(self) -> Interval:
        return stated_interval(
            self.value, self.value_max, self.qualifier, half_unit(self.stated, self.value)
        )


def read_figure(g: Graph, node: URIRef) -> Figure | None:
    value = g.value(node, CQO.value)
    if value is None:
        return None
    vmax = g.value(node, CQO.valueMax)
    qual = g.value(node, CQO.qualifier)
    stated = sorted(str(s) for s in g.objects(node, CQO.statedValue))
    number = Decimal(str(value))
    # several statements of one figure: the finest precision any of them wrote
    halves = [(half_unit(s, number), s) for s in stated] or [(Decimal(0), "")]
    return Figure(
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


def is_figure(g: Graph, node: URIRef) -> bool:
    return (node, RDF.type, CQO.Observation) in g and not any(
        (node, RDF.type, cls) in g for cls in _NOT_FIGURES
    )


def figures_of(
    g: Graph,
    indicator: Node,
    area: Node | None,
    period: str,
    read: Callable[[URIRef], Figure | None] | None = None,
) -> list[Figure]:
    """The figures of ``indicator`` for ``area`` and ``period``; ``read`` is
    :func:`read_figure` on ``g`` when the caller keeps the figures it has read."""
    out = []
    for node in sorted(g.subjects(CQO.indicator, indicator), key=str):
        if not isinstance(node, URIRef) or not is_figure(g, node):
            continue
        fig = read(node) if read is not None else read_figure(g, node)
        if fig is not None and fig.area == area and fig.period == period:
            out.append(fig)
    return out


def number_text(value: Decimal | None) -> str:
    if value is None:
        return "∞"
    text = format(value.quantize(_PLACES).normalize(), "f")
    return text


def interval_text(i: Interval) -> str:
    lo = "-∞" if i.lo is None else number_text(i.lo)
    return f"[{lo}, {number_text(i.hi)}]"


@lru_cache(maxsize=1 << 16)
def decimal_literal(value: Decimal) -> Literal:
    """The ``xsd:decimal`` literal of ``value`` (cached: rdflib parses every literal it makes,
    ~10 µs each, and a corpus's checks write the same few values many times; equal decimals
    give the same text, so the cache answers what a fresh call would)."""
    text = number_text(value)
    return Literal(text if "." in text else f"{text}.0", datatype=XSD.decimal)
