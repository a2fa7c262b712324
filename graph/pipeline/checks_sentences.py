"""Consistency checks on one sentence: shares from counts and parts against their total.

The trigger words are data (``graph/curation/checks.yaml``), matched on ``fold_aligned`` text
so one list serves both scripts; see ``graph.pipeline.checks`` for what each rule records.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from graph.curation import checks as checks_words
from graph.curation.checks import CHECKS_FILE, CheckWords
from graph.model import Finding, Level
from graph.namespaces import CQR, NIF, PROV
from graph.pipeline.checks_figures import (
    PARTS_RULE,
    PERCENT,
    PERCENTAGE_POINT,
    SHARE_RULE,
    STAGE,
    Checked,
    Figure,
    Interval,
    decimal_literal,
    interval_text,
    is_figure,
    number_text,
    read_figure,
    status_of,
)
from graph.pipeline.extract.grammar import fold_aligned, fold_word
from graph.vocab import CQO


def load_check_words(path: Path = CHECKS_FILE) -> CheckWords:
    """``checks.yaml`` (:mod:`graph.curation.checks`) folded as the sentence text is; any
    defect is one ``InputError`` naming the file."""
    return checks_words.load_check_words(fold_word, path)


@lru_cache(maxsize=2)
def check_words(path: Path = CHECKS_FILE) -> CheckWords:
    return load_check_words(path)


@dataclass(frozen=True, slots=True)
class _Placed:
    """A figure where one of its spans states its value: offsets into the sentence text."""

    fig: Figure
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
        if not isinstance(node, URIRef) or not is_figure(g, node):
            continue
        fig = read_figure(g, node)
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


def _alike(a: Figure, b: Figure) -> bool:
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
    checked: Figure
    uses: tuple[Figure, ...]
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
        g.add((node, CQO.computedMin, decimal_literal(r.computed.lo)))
    if r.computed is not None and r.computed.hi is not None:
        g.add((node, CQO.computedMax, decimal_literal(r.computed.hi)))
    if r.value is not None:
        g.add((node, CQO.computedValue, decimal_literal(r.value)))
    g.add((node, CQO.status, r.status))
    g.add((node, RDFS.comment, Literal(r.comment, lang="en")))
    name = str(r.status).rsplit("#", 1)[-1]
    out.counts[name] = out.counts.get(name, 0) + 1
    if r.status == CQO.inconsistent:
        begin, end = s.begin + span[0], s.begin + span[1]
        out.findings.append(Finding(Level.WARNING, STAGE, r.code, r.comment, s.source, begin, end))


def _status_name(status: URIRef) -> str:
    return str(status).rsplit("#", 1)[-1]


def _share_check(part: Figure, total: Figure, share: Figure) -> _Result:
    stated = share.interval()
    computed = _ratio(part.interval(), total.interval())
    head = f"stated {share.stated} {interval_text(stated)}; {part.stated} of {total.stated}"
    if computed is None:
        return _Result(SHARE_RULE, share, (part, total), None, None, CQO.uncheckable,
                       f"{head}: not computable (a count may be negative or the total zero)",
                       "share-inconsistent")  # fmt: skip
    value = part.value / total.value * 100 if part.point and total.point and total.value else None
    status = status_of(computed, stated)
    given = f"{number_text(value)} " if value is not None else ""
    comment = f"{head} gives {given}{interval_text(computed)} (share in %): {_status_name(status)}"
    return _Result(SHARE_RULE, share, (part, total), computed, value, status, comment,
                   "share-inconsistent")  # fmt: skip


def _parts_check(total: Figure, parts: list[Figure], whole: bool) -> _Result:
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
    given = f"{number_text(value)} " if value is not None else ""
    listed = " + ".join(p.stated for p in parts)
    comment = (
        f"total {total.stated} {interval_text(stated)}; parts {listed} give "
        f"{given}{interval_text(computed)} (sum of {len(parts)} parts, {why}): "
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


def sentence_checks(g: Graph, out: Checked) -> None:
    """Run the share and parts rules on every sentence with two figures or more."""
    for s in _sentences(g):
        _shares_in(g, s, out)
        _parts_in(g, s, out)
