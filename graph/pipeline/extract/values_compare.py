"""A compared figure in parentheses: ``比全国（94.0%）高出2.2个百分点``.

Coverage of other provinces' reports writes the compared place's level in brackets right after
the place, inside the comparison: ``比全国（94.0%）高出2.2个百分点``, ``高于全国（94.0%）
2.2个百分点``. The bracketed figure is that place's level of the sentence's statistic (as the
reference value of ``高于全市平均水平（21.8个）`` is), not a class name (千兆宽带用户(1000Mbps
及以上)); and the gap after it is read as if the bracket were not there (``比全国高出2.2个
百分点``: a level's gap in points, a growth row on the level's indicator that grows no figure).
The comparison words are grammar.yaml ``growth.gap_markers`` (比, 较), ``gap_words`` (高于,
高出 ...) and ``marker_gap_words`` (高, 低).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from graph.model import Observation
from graph.pipeline.extract import grammar as gw

if TYPE_CHECKING:  # (metrics_clauses imports values, which imports this module)
    from graph.pipeline.extract.metrics_clauses import _Draft

#: how far before the bracket a comparison word may stand (the compared place's name)
PLACE_SPAN = 10
_LINK = gw.fold_aligned("的")
_SEPARATORS = frozenset(",，、;；。:：()\n")


def opens_compared(f: str, at: int) -> bool:
    """True when the bracket at ``f[at]`` follows a comparison word and a place (比全国（,
    高于全国平均水平（). A time there (比上年（85.1%）提高…) is a comparison base, not a
    place: its bracket stays a name as before (the period stage reads no bracketed year)."""
    from graph.pipeline.extract import period  # late: period imports this module

    w = gw.words()
    words = (*w.gap_markers, *w.gap_words)
    for k in range(at - 1, max(-1, at - PLACE_SPAN - 1), -1):
        if f[k] in _SEPARATORS:
            return False
        if k < at - 1 and any(f.endswith(word, 0, k + 1) for word in words):
            place = f[k + 1 : at].strip()
            for base in w.gap_bases:
                place = place.removesuffix(base)
            return bool(place) and (
                period.area_pattern().fullmatch(place) is not None or place in w.scopes
            )
    return False


def without_bracket(f: str, begin: int, end: int) -> int:
    """Where the comparison's text starts again after a compared figure's bracket: the
    subject span ``f[begin:end]`` of a gap (``）高出``) begins after the closing bracket;
    ``begin`` when the span does not open with one."""
    i = begin
    while i < end and f[i].isspace():
        i += 1
    return i + 1 if i < end and f[i] == ")" else begin


def bracket_gap(f: str, begin: int, end: int, points: bool) -> tuple[int, bool] | None:
    """The gap after a compared figure's bracket, as :func:`values.rate_gap` gives it: (where
    the indicator ends: nothing of the span names it, is the gap negative), or None.

    ``f[begin:end]`` is the stripped text between the bracketed figure and the gap's number:
    ``）高出`` / ``）低`` after ``比全国（94.0%``, or only ``）`` after ``高于全国（94.0%``. As in
    ``rate_gap``, a gap with no growth noun is a growth only in points (``points``).
    """
    if not points or begin >= end or f[begin] != ")":
        return None
    opened = f.rfind("(", 0, begin)
    if opened < 0 or not opens_compared(f, opened):
        return None
    w = gw.words()
    after = f[begin + 1 : end].strip()
    for adverb in sorted(w.gap_adverbs, key=len, reverse=True):
        after = after.removeprefix(adverb)
    signs = {**w.marker_gap_words, **w.gap_words}
    if after:
        sign = signs.get(after)
        return (begin, sign < 0) if sign is not None else None
    before = f[max(0, opened - PLACE_SPAN) : opened]
    hits = [(before.rfind(word), word) for word in w.gap_words if word in before]
    if not hits:
        return None
    return begin, w.gap_words[max(hits)[1]] < 0


def is_compared(f: str, value_begin: int, value_end: int) -> bool:
    """True when the value ``f[value_begin:value_end]`` is another place's figure: the whole of
    a compared bracket (比全国（94.0%）) or a value after a comparison word, a place and 的
    (仅次于四川的约9.5EFLOPS). A figure after it does not continue its area (the gap after it
    is the sentence's own place's)."""
    b = value_begin
    while b > 0 and f[b - 1].isspace():
        b -= 1
    return is_bracketed(f, value_begin, value_end) or _after_compared_place(f, b)


def is_bracketed(f: str, value_begin: int, value_end: int) -> bool:
    """True when the value is the whole of a compared bracket (比全国（94.0%）): the compared
    figures whose place stands before the bracket (:func:`compared_areas`)."""
    b = value_begin
    while b > 0 and f[b - 1].isspace():
        b -= 1
    e = value_end
    while e < len(f) and f[e].isspace():
        e += 1
    return b > 0 and f[b - 1] == "(" and f.startswith(")", e) and opens_compared(f, b - 1)


def _after_compared_place(f: str, b: int) -> bool:
    """仅次于四川的约9.5EFLOPS / 高于重庆的78.1%: the value (its markers before it) follows a
    comparison word, a place and 的, so it is the compared place's."""
    from graph.pipeline.extract import (
        numbers,
        period,  # late: period imports this module
    )

    r = period.rules()
    markers = sorted(numbers.grammar().marker_of, key=len, reverse=True)
    i = b
    for _ in range(2):  # up to two markers (约, 超过) between 的 and the number
        i -= len(next((m for m in markers if f.endswith(m, 0, i)), ""))
    if not f.endswith(_LINK, 0, i):
        return False
    i -= len(_LINK)
    for m in period.area_pattern().finditer(f, max(0, i - 12), i):
        if m.end() == i:
            return any(f.endswith(c, 0, m.start()) for c in r.comparisons)
    return False


def own_figures(f: str, obs: list[Observation]) -> list[Observation]:
    """``obs`` without the compared bracketed figures (:func:`is_compared`)."""
    return [o for o in obs if not is_compared(f, o.value_begin, o.value_end)]


def compared_growth(text: str, f: str, d: _Draft, earlier: list[_Draft]) -> bool:
    """A growth by a compared bracket (``增速高于全国（9.1%）2.3个百分点``), read on ``d``;
    True if it was one.

    The bracketed rate is the compared place's growth of the sentence's statistic (the
    nearest earlier quantity that is no compared figure): it grows no figure of the text. The
    gap after it, with a growth noun before the comparison (增速), is the gap of the rate
    itself, a growth row on the statistic and the noun (数字经济规模增速), as ``增速高于全国
    2.3个百分点`` reads; a level's gap (no growth noun) is read as ``rate_gap`` reads it.
    """
    if d.kind == "quantity" and d.val.unit == "%" and is_bracketed(f, d.val.begin, d.val.end):
        # 增速高於全國平均水平（15.8%）with no gap after it: the bracket is still the compared
        # place's rate when a growth noun stands before the comparison
        if _growth_noun_before(f, d.val.begin - 1) is None:
            return False
        d.kind = "growth"
    if d.kind != "growth":
        return False
    base = next(
        (x for x in reversed(earlier) if x.kind == "quantity" and not _is_compared_draft(f, x)),
        None,
    )
    if base is None:
        return False
    if is_bracketed(f, d.val.begin, d.val.end):
        d.indicator, d.growth_of, d.about_from = base.indicator, None, base
        return True
    i = d.val.match_begin
    while i > 0 and f[i - 1].isspace():
        i -= 1
    prev = earlier[-1] if earlier else None
    if prev is None or not _is_compared_draft(f, prev) or f[prev.val.end : i].strip()[:1] != ")":
        return False
    noun = _growth_noun_before(f, f.rfind("(", 0, prev.val.begin))
    if noun is None:
        return False
    d.indicator = base.indicator + text[noun[0] : noun[1]]
    d.growth_of, d.about_from = None, base
    return True


def _is_compared_draft(f: str, x: _Draft) -> bool:
    return is_compared(f, x.val.begin, x.val.end)


def _growth_noun_before(f: str, opened: int) -> tuple[int, int] | None:
    """The growth noun (增速) before the comparison word that precedes the bracket at
    ``opened`` (增速高于全国（ / 增速比全国（), or None."""
    w = gw.words()
    words = sorted((*w.gap_markers, *w.gap_words), key=len, reverse=True)
    for k in range(opened - 1, max(-1, opened - PLACE_SPAN - 1), -1):
        word = next((x for x in words if f.endswith(x, 0, k + 1)), None)
        if word is None:
            continue
        end = k + 1 - len(word)
        for adverb in sorted(w.gap_adverbs, key=len, reverse=True):
            if f.endswith(adverb, 0, end):
                end -= len(adverb)
                break
        noun = next((n for n in w.growth_nouns if f.endswith(n, 0, end)), None)
        return (end - len(noun), end) if noun else None
    return None


def compared_areas(f: str, obs: list[Observation]) -> list[Observation]:
    """Each compared bracketed figure with the area of the place before its bracket
    (比全国（94.0%）, 增速高于全国（9.1%）: place/china); the others as they are. Set here,
    before the period stage, because a growth's area skips a place after a comparison word
    (高于全市2.4个百分点 is the gap of what is compared), and the compared rate is that
    place's own. An own-area word (全市) names no place of its own and is left to the
    period stage."""
    from graph.curation.periods import rules  # late: as the period stage reads it

    r = rules()
    out = []
    for o in obs:
        opened = f.rfind("(", 0, o.value_begin)
        if not o.area and is_bracketed(f, o.value_begin, o.value_end):
            hits = [m for m in r.area.finditer(f, max(0, opened - PLACE_SPAN), opened)]
            place = r.area_ids.get(hits[-1].group("w")) if hits else None
            o = replace(o, area=str(place)) if place else o
        out.append(o)
    return out
