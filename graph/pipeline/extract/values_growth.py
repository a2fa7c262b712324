"""Growth words before a number: which label ends in a growth (增長, 下降, 回落) or in a
growth rate's gap (增速高於全國), so that :mod:`graph.pipeline.extract.metrics` makes the figure
a growth. Words from ``grammar.yaml`` (``growth``), matched on the folded text.

Split from :mod:`values` (which re-exports both functions) to keep that module under the
size limit; the two rules read only the grammar words and the area words.
"""

from __future__ import annotations

import re

from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import values_compare, values_table

_UNIT_NOTE = re.compile(r"\([^()]*\)$")

__all__ = ["column_growth", "declines", "growth_word", "rate_gap"]


def growth_word(
    folded: str, begin: int, end: int, keep_nouns: bool = False
) -> tuple[int, bool] | None:
    """A growth word ending the label ``folded[begin:end]``: (where the indicator ends, is a
    decline). With ``keep_nouns`` (a range of rates) a growth noun (增速) stays in the
    indicator; a growth verb (增長) never does."""
    w = gw.words()
    for particle in w.growth_particles:  # 增長了12.5%: the particle is part of the verb
        if folded.endswith(particle, begin, end) and end - len(particle) > begin:
            end -= len(particle)
            break
    seg = folded[begin:end]
    for word in sorted([*w.growth, *w.decline], key=len, reverse=True):
        if seg.endswith(word):
            keep = keep_nouns and word in w.growth_nouns
            return (end if keep else end - len(word)), word in w.decline
    return None


#: the longest compared phrase between 比 and a gap word that opens a clause (中國互聯網普及率)
_COMPARED_MAX = 12


def rate_gap(folded: str, begin: int, end: int, points: bool = False) -> tuple[int, bool] | None:
    """A growth rate's gap ending the label ``folded[begin:end]`` (增速高於全國): (where the
    indicator ends, after the growth noun, which stays; is the gap negative).

    The label must be <growth noun><gap word>[scope or area word][平均水平]: the compared rate
    is a growth rate, so the number (2.3個百分點) is how much faster the rate grew, a growth
    row on the rate (增速), not a level. A gap of a level (普及率高於重慶的78.1%) is no growth;
    but with ``points`` (the number is in 個百分點) a level's gap (普及率高於全市2.4個百分點)
    is one, on the level's own indicator (the fixtures' reading, h14_14): a difference of two
    rates in points is never a level itself, and reads like 比上年提高2.4個百分點.
    """
    from graph.pipeline.extract import period  # late: period imports the label rules

    bracket = values_compare.bracket_gap(folded, begin, end, points)
    if bracket is not None:  # 比全國（94.0%）高出: the gap after a compared figure's bracket
        return bracket
    w = gw.words()
    words = sorted(w.gap_words.items(), key=lambda x: -len(x[0]))
    marked = sorted({**w.marker_gap_words, **w.gap_words}.items(), key=lambda x: -len(x[0]))
    # the 比 form first: 增速比全市高出 (<noun><marker><place><gap word>; read as the plain
    # form, 全市 would be part of the noun); a bare 低 / 高 is a gap word only here
    # (比全國平均水平低1.9個百分點)
    for word, sign in marked:
        if not folded.endswith(word, begin, end):
            continue
        at = end - len(word)
        place = _without_compared(folded, begin, at, period.area_pattern())
        marker = next((m for m in w.gap_markers if folded.endswith(m, begin, place)), None)
        if marker is not None and place < at:
            noun_end = _without_adverbs(folded, begin, place - len(marker))
            return _gap_of(folded, begin, noun_end, sign, points)
        opener = next((m for m in w.gap_markers if folded.startswith(m, begin)), None)
        if points and opener is not None and 0 < at - begin - len(opener) <= _COMPARED_MAX:
            # 比中國互聯網普及率高19.6個百分點 opening its clause: what is compared is named
            # after the marker (a place the area words do not list, and the statistic again);
            # the gap is of the statistic stated before, so the label is left empty
            return begin, sign < 0
    pos = _without_compared(folded, begin, end, period.area_pattern())
    for word, sign in words:
        if folded.endswith(word, begin, pos):
            noun_end = _without_adverbs(folded, begin, pos - len(word))  # 增速略高於
            return _gap_of(folded, begin, noun_end, sign, points)
    return None


def _gap_of(
    folded: str, begin: int, noun_end: int, sign: int, points: bool
) -> tuple[int, bool] | None:
    """A gap on the growth noun ending at ``noun_end`` (or, in points, on a level), or None."""
    if any(folded.endswith(n, begin, noun_end) for n in gw.words().growth_nouns):
        return noun_end, sign < 0
    return (noun_end, sign < 0) if points else None


def _without_compared(folded: str, begin: int, end: int, area: re.Pattern[str]) -> int:
    """Where the label ends before the compared place (全國, 全國平均水平, a scope word)."""
    w = gw.words()
    pos = end
    for base in w.gap_bases:
        if folded.endswith(base, begin, pos):
            pos -= len(base)
            break
    for m in area.finditer(folded, begin, pos):
        if m.end() == pos:
            return m.start()
    for scope in sorted(w.scopes, key=len, reverse=True):
        if folded.endswith(scope, begin, pos):
            return pos - len(scope)
    return pos


def declines(folded: str, begin: int, end: int) -> bool:
    """Whether the text right before a growth's number (``folded[begin:end]``, untrimmed) is a
    decline word: the sign of the growth.

    Read on the untrimmed text because the label rules may drop the verb from the label
    (增速比上年回落1.5個百分點 -> 增速): the verb is gone from the name, not from the statement.
    """
    grown = growth_word(folded, begin, end)
    return grown is not None and grown[1]


def column_growth(folded: str, pos: int) -> bool | None:
    """Whether the table cell starting at ``pos`` is in a growth column: None when not, else
    whether the column is a decline.

    A table flattened to ``項目｜數值｜按年增長`` lines states each row's figure in one column
    and its growth in the next: the header (按年增長, 同比增速（%）, 下降幅度 would not be one)
    ends in a growth word of grammar.yaml, after its unit note in brackets, as a sentence's
    增長 before its number would. Read on the header cell (:func:`values_table.column_header`);
    a column of values (數值, 2023年) stays quantities.
    """
    head = values_table.column_header(folded, pos)
    if head is None:
        return None
    b, e = head
    m = _UNIT_NOTE.search(folded, b, e)
    if m is not None:
        e = m.start()
    grown = growth_word(folded, b, e)
    return None if grown is None else grown[1]


def _without_adverbs(folded: str, begin: int, end: int) -> int:
    """Where a level's name ends before the adverbs of its comparison (但仍低於: 但仍)."""
    w = gw.words()
    changed = True
    while changed:
        changed = False
        for word in w.gap_adverbs:
            if folded.endswith(word, begin, end):
                end -= len(word)
                changed = True
    return end
