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

from graph.model import Observation
from graph.pipeline.extract import grammar as gw

#: how far before the bracket a comparison word may stand (the compared place's name)
PLACE_SPAN = 10
_SEPARATORS = frozenset(",，、;；。:：()\n")


def opens_compared(f: str, at: int) -> bool:
    """True when the bracket at ``f[at]`` follows a comparison word and a place (比全国（)."""
    w = gw.words()
    words = (*w.gap_markers, *w.gap_words)
    for k in range(at - 1, max(-1, at - PLACE_SPAN - 1), -1):
        if f[k] in _SEPARATORS:
            return False
        if k < at - 1 and any(f.endswith(word, 0, k + 1) for word in words):
            return True
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
    """True when the value ``f[value_begin:value_end]`` is the whole of a compared bracket
    (比全国（94.0%）): another place's figure, so a figure after it does not continue its area
    (the gap after it is the sentence's own place's)."""
    b = value_begin
    while b > 0 and f[b - 1].isspace():
        b -= 1
    e = value_end
    while e < len(f) and f[e].isspace():
        e += 1
    return b > 0 and f[b - 1] == "(" and f.startswith(")", e) and opens_compared(f, b - 1)


def own_figures(f: str, obs: list[Observation]) -> list[Observation]:
    """``obs`` without the compared bracketed figures (:func:`is_compared`)."""
    return [o for o in obs if not is_compared(f, o.value_begin, o.value_end)]
