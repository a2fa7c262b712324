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
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from graph.model import Finding, InputError, Level
from graph.namespaces import CQR, NIF, PROV, UNIT
from graph.pipeline.assemble_observations import (
    APPROX_TOLERANCE,
    APPROXIMATE,
    LOWER_BOUND,
    UPPER_BOUND,
)
from graph.pipeline.extract.grammar import CURATION, fold_aligned, fold_word
from graph.vocab import CQO

STAGE = "checks"
GROWTH_RULE = "growth-from-figures"
"""``cqo:rule`` of a growth check: the stated rate against the two figures it derives from."""
SHARE_RULE = "share-from-counts"
"""``cqo:rule`` of a share check: a stated % against the part and total counts next to it."""
PARTS_RULE = "parts-vs-total"
"""``cqo:rule`` of a parts check: a stated total against the sum of the parts listed after it."""
CHECK_WORDS_FILE = CURATION / "checks.yaml"

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
        return self.qualifier not in LOWER_BOUND | UPPER_BOUND and self.value_max is None

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
    _sentence_checks(g, out)
    out.counts = dict(sorted(out.counts.items()))
    return out


# ---------------------------------------------------------------- rules on one sentence


@dataclass(frozen=True, slots=True)
class CheckWords:
    """The folded trigger words of ``checks.yaml`` (see the file for what each list means)."""

    share: tuple[str, ...]
    total_after: tuple[str, ...]
    fill: tuple[str, ...]
    of: tuple[str, ...]
    of_end: tuple[str, ...]
    parts: tuple[str, ...]
    exhaustive: tuple[str, ...]
    breaks: tuple[str, ...]


def _word_list(data: Any, section: str, key: str, path: Path) -> tuple[str, ...]:
    block = data.get(section) if isinstance(data, dict) else None
    raw = block.get(key) if isinstance(block, dict) else None
    if not isinstance(raw, list) or not raw:
        raise InputError(f"{path.name}: {section}.{key} must be a non-empty list of words")
    out: list[str] = []
    for w in raw:
        if not isinstance(w, str) or not w:
            raise InputError(f"{path.name}: {section}.{key} has a non-word entry {w!r}")
        f = fold_word(w)
        if f in out:
            raise InputError(f"{path.name}: {section}.{key} lists {w!r} twice (folded: {f!r})")
        out.append(f)
    return tuple(sorted(out, key=lambda w: (-len(w), w)))  # longest first


def load_check_words(path: Path = CHECK_WORDS_FILE) -> CheckWords:
    """Read and check ``checks.yaml``; any defect is one ``InputError`` naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path.name}: cannot read ({exc})".replace("\n", " ")) from exc
    share, parts = "share_from_counts", "parts_vs_total"
    return CheckWords(
        share=_word_list(data, share, "share", path),
        total_after=_word_list(data, share, "total_after", path),
        fill=_word_list(data, share, "fill", path),
        of=_word_list(data, share, "of", path),
        of_end=_word_list(data, share, "of_end", path),
        parts=_word_list(data, parts, "parts", path),
        exhaustive=_word_list(data, parts, "exhaustive", path),
        breaks=_word_list(data, parts, "breaks", path),
    )


@lru_cache(maxsize=2)
def check_words(path: Path = CHECK_WORDS_FILE) -> CheckWords:
    return load_check_words(path)


@dataclass(frozen=True, slots=True)
class _Placed:
    """A figure where one of its spans states its value: offsets into the sentence text."""

    fig: _Figure
    begin: int
    end: int


@dataclass(frozen=True, slots=True)
class _Sentence:
    source: str
    begin: int  # offset of the sentence in its source's clean text
    text: str  # fold_aligned: same length and offsets as the source text
    figures: tuple[_Placed, ...]  # by position


_PUNCT = " ,、:;"
_COUNT_UNITS_NOT = (PERCENT, PERCENTAGE_POINT)


def _sentences(g: Graph) -> list[_Sentence]:
    """Every sentence that states at least two figures, with each figure's value offsets.

    The value is found as the last occurrence of one of the observation's stated values in the
    span's anchor (a span runs from the indicator to the value); a span whose anchor holds none
    of them is left out (it cannot be placed, so no rule reads it).
    """
    placed: dict[URIRef, list[_Placed]] = {}
    heads: dict[URIRef, tuple[str, int, str]] = {}
    for node in sorted(g.subjects(RDF.type, CQO.Observation), key=str):
        if not isinstance(node, URIRef) or not _is_figure(g, node):
            continue
        fig = _figure(g, node)
        if fig is None:
            continue
        stated = sorted({str(s) for s in g.objects(node, CQO.statedValue)}, key=lambda s: -len(s))
        for span in sorted(g.objects(node, PROV.wasDerivedFrom), key=str):
            sent, anchor = g.value(span, NIF.sentence), g.value(span, NIF.anchorOf)
            begin = g.value(span, NIF.beginIndex)
            if not isinstance(sent, URIRef) or anchor is None or begin is None:
                continue
            if sent not in heads:
                s_text, s_begin = g.value(sent, NIF.anchorOf), g.value(sent, NIF.beginIndex)
                src = g.value(sent, NIF.referenceContext)
                if s_text is None or s_begin is None or src is None:
                    continue
                source = str(src).rsplit("/source/", 1)[-1]
                heads[sent] = (source, int(str(s_begin)), fold_aligned(str(s_text)))
            hits = [(str(anchor).rfind(v), v) for v in stated]
            pos, value = max(hits, default=(-1, ""))
            if pos < 0:
                continue
            rel = int(str(begin)) + pos - heads[sent][1]
            placed.setdefault(sent, []).append(_Placed(fig, rel, rel + len(value)))
    out = []
    for sent, figs in sorted(placed.items(), key=lambda kv: str(kv[0])):
        if len(figs) < 2:
            continue
        source, s_offset, text = heads[sent]
        ordered = tuple(sorted(set(figs), key=lambda p: (p.begin, p.end, str(p.fig.iri))))
        out.append(_Sentence(source, s_offset, text, ordered))
    return out


def _alike(a: _Figure, b: _Figure) -> bool:
    """Two counts one rule may combine: distinct observations of one unit, period and area."""
    return (
        a.iri != b.iri
        and a.unit == b.unit
        and a.period == b.period
        and a.area == b.area
        and a.unit not in _COUNT_UNITS_NOT
    )


def _ends_with(gap: str, words: tuple[str, ...], fill: tuple[str, ...] = ()) -> bool:
    """True when ``gap``, stripped of punctuation and one ``fill`` word, ends with a word."""
    gap = gap.rstrip(_PUNCT)
    for f in fill:
        if gap.endswith(f):
            gap = gap[: -len(f)].rstrip(_PUNCT)
            break
    return any(gap.endswith(w) for w in words)


def _share_pair(
    s: _Sentence, window: list[_Placed], share: _Placed
) -> tuple[_Placed, _Placed] | None:
    """(part, total) the share is stated for, or None. ``window``: the counts before it."""
    w = check_words()
    last = window[-1]
    gap = s.text[last.end : share.begin]
    earlier = [c for c in reversed(window[:-1]) if _alike(c.fig, last.fig)]
    if not earlier:
        return None
    before = earlier[0]
    between = s.text[before.end : last.begin]
    # part first: 3400家上云,占全市1.2万家企业的28.3%
    if _ends_with(gap, w.of_end) and any(o in between for o in w.of):
        return before, last
    # total first: 311项中252项实现全程网办,占比81%
    if any(x in gap for x in w.share) and _ends_with(between, w.total_after, w.fill):
        return last, before
    return None


def _ratio(part: Interval, total: Interval) -> Interval | None:
    """100·part/total of two intervals; None when a count may be negative or the total zero."""
    if (part.lo is not None and part.lo < 0) or total.lo is None or total.lo < 0:
        return None
    if total.hi is not None and total.hi <= 0:
        return None
    lo = Decimal(0) if part.lo is None or total.hi is None else part.lo / total.hi * 100
    hi = None if part.hi is None or not total.lo else part.hi / total.lo * 100
    return Interval(lo, hi)


def _sum(parts: list[Interval]) -> Interval:
    los = [p.lo for p in parts]
    his = [p.hi for p in parts]
    lo = None if any(x is None for x in los) else sum((x for x in los if x is not None), Decimal(0))
    hi = None if any(x is None for x in his) else sum((x for x in his if x is not None), Decimal(0))
    return Interval(lo, hi)


def text_check_iri(rule: str, checked: URIRef, uses: list[URIRef]) -> URIRef:
    """Content-derived: the same observations always give the same check node."""
    key = "|".join([rule, str(checked), *sorted(str(u) for u in uses)])
    return CQR[f"check/{rule}/{hashlib.sha256(key.encode()).hexdigest()[:16]}"]


@dataclass(frozen=True, slots=True)
class _Result:
    rule: str
    checked: _Figure
    uses: tuple[_Figure, ...]
    computed: Interval | None
    value: Decimal | None
    status: URIRef
    comment: str
    code: str  # finding code when inconsistent


def _record(g: Graph, r: _Result, s: _Sentence, span: tuple[int, int], out: Checked) -> None:
    node = text_check_iri(r.rule, r.checked.iri, [u.iri for u in r.uses])
    if (node, RDF.type, CQO.ConsistencyCheck) in g:
        return  # the same construction stated again (a repost): one check
    g.add((node, RDF.type, CQO.ConsistencyCheck))
    g.add((node, CQO.checks, r.checked.iri))
    for u in r.uses:
        g.add((node, CQO.usesObservation, u.iri))
    g.add((node, CQO.rule, Literal(r.rule)))
    if r.computed is not None and r.computed.lo is not None:
        g.add((node, CQO.computedMin, _decimal(r.computed.lo)))
    if r.computed is not None and r.computed.hi is not None:
        g.add((node, CQO.computedMax, _decimal(r.computed.hi)))
    if r.value is not None:
        g.add((node, CQO.computedValue, _decimal(r.value)))
    g.add((node, CQO.status, r.status))
    g.add((node, RDFS.comment, Literal(r.comment, lang="en")))
    name = str(r.status).rsplit("#", 1)[-1]
    out.counts[name] = out.counts.get(name, 0) + 1
    if r.status == CQO.inconsistent:
        begin, end = s.begin + span[0], s.begin + span[1]
        out.findings.append(Finding(Level.WARNING, STAGE, r.code, r.comment, s.source, begin, end))


def _status_name(status: URIRef) -> str:
    return str(status).rsplit("#", 1)[-1]


def _share_check(part: _Figure, total: _Figure, share: _Figure) -> _Result:
    stated = share.interval()
    computed = _ratio(part.interval(), total.interval())
    head = f"stated {share.stated} {_interval_text(stated)}; {part.stated} of {total.stated}"
    if computed is None:
        return _Result(SHARE_RULE, share, (part, total), None, None, CQO.uncheckable,
                       f"{head}: not computable (a count may be negative or the total zero)",
                       "share-inconsistent")  # fmt: skip
    value = part.value / total.value * 100 if part.point and total.point and total.value else None
    status = status_of(computed, stated)
    given = f"{_text(value)} " if value is not None else ""
    comment = f"{head} gives {given}{_interval_text(computed)} (share in %): {_status_name(status)}"
    return _Result(SHARE_RULE, share, (part, total), computed, value, status, comment,
                   "share-inconsistent")  # fmt: skip


def _parts_check(total: _Figure, parts: list[_Figure], whole: bool) -> _Result:
    stated = total.interval()
    computed = _sum([p.interval() for p in parts])
    value = sum((p.value for p in parts), Decimal(0)) if all(p.point for p in parts) else None
    if computed.lo is not None and stated.hi is not None and computed.lo > stated.hi:
        status, why = CQO.inconsistent, "the parts exceed the total"
    elif computed.meets(stated):
        bounded = computed.bounded and stated.bounded
        status = CQO.consistent if bounded else CQO.uncheckable
        why = "equal within precision" if bounded else "an open-ended figure"
    elif whole:
        status, why = CQO.inconsistent, "the parts fall short of a total stated as their sum"
    else:
        status, why = CQO.uncheckable, "the parts fall short; the list may not be complete"
    given = f"{_text(value)} " if value is not None else ""
    listed = " + ".join(p.stated for p in parts)
    comment = (
        f"total {total.stated} {_interval_text(stated)}; parts {listed} give "
        f"{given}{_interval_text(computed)} (sum of {len(parts)} parts, {why}): "
        f"{_status_name(status)}"
    )
    return _Result(PARTS_RULE, total, tuple(parts), computed, value, status, comment,
                   "parts-inconsistent")  # fmt: skip


def _shares_in(g: Graph, s: _Sentence, out: Checked) -> None:
    figs = s.figures
    for k, share in enumerate(figs):
        if share.fig.unit != PERCENT:
            continue
        window: list[_Placed] = []
        for c in reversed(figs[:k]):
            if c.fig.unit in _COUNT_UNITS_NOT:
                break  # the counts after the previous share are this one's
            window.insert(0, c)
        if len(window) < 2:
            continue
        pair = _share_pair(s, window, share)
        if pair is None or pair[0].fig.period != share.fig.period:
            continue
        part, total = pair
        span = (min(part.begin, total.begin), share.end)
        _record(g, _share_check(part.fig, total.fig, share.fig), s, span, out)


def _parts_in(g: Graph, s: _Sentence, out: Checked) -> None:
    w = check_words()
    figs = s.figures
    for i, total in enumerate(figs[:-1]):
        if total.fig.unit in _COUNT_UNITS_NOT:
            continue
        gap = s.text[total.end : figs[i + 1].begin]
        if not any(p in gap for p in w.parts) or any(b in gap for b in w.breaks):
            continue
        parts: list[_Placed] = []
        for j in range(i + 1, len(figs)):
            if not _alike(figs[j].fig, total.fig):
                break
            if parts:
                between = s.text[figs[j - 1].end : figs[j].begin]
                if any(b in between for b in (*w.breaks, *w.parts)):
                    break
            parts.append(figs[j])
        if len(parts) < 2:
            continue  # one part alone: nothing to sum (and a check computes from two figures)
        clause = s.text[figs[i - 1].end if i else 0 : total.begin]
        whole = any(x in clause for x in w.exhaustive)
        span = (total.begin, parts[-1].end)
        _record(g, _parts_check(total.fig, [p.fig for p in parts], whole), s, span, out)


def _sentence_checks(g: Graph, out: Checked) -> None:
    """Run the share and parts rules on every sentence with two figures or more."""
    for s in _sentences(g):
        _shares_in(g, s, out)
        _parts_in(g, s, out)
