"""Figures written in words (either script): a fraction, 三分之一 / 超過三分之一 (the quotient,
no unit) or 百分之二十 (20 %), and tenths, 三成 / 超六成 / 三成五 / 兩成半 (as percent).

Apart from :mod:`graph.pipeline.extract.values` because these readers build their own patterns
from the words of ``grammar.yaml`` (``fraction_words``) and the qualifier markers, and give a
``Value`` by themselves; ``values_in`` runs them before the number grammar and keeps the spans
they take from it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import numbers
from graph.pipeline.extract.grammar import alt, fold_aligned
from graph.pipeline.extract.values_patterns import DIGIT_RUN, SP, Value


@lru_cache(maxsize=1)
def cn_fraction_re() -> re.Pattern[str]:
    """三分之一 / 超過三分之一 / 百分之二十, with an optional prefix marker."""
    g, w = numbers.grammar(), gw.words()
    prefixes = [m for m in g.marker_of if m in _prefix_markers(g)]
    num = rf"\d+(?:\.\d+)?|{w.cn_numeral}"
    suffixes = [fold_aligned(m) for q in g.qualifiers for m in q.suffix]
    return re.compile(
        rf"(?:(?P<pre>{alt(prefixes)}){SP})?(?P<den>{num}){re.escape(w.fraction_word)}"
        rf"(?P<num>{num})(?P<suf>{alt(suffixes)})?"
    )


@lru_cache(maxsize=1)
def tenths_re() -> re.Pattern[str]:
    """三成 / 超六成 / 八成以上 / 近3成 / 三成五 (tenths, as percent; 三成五 = 35 %); not
    一成不變, 完成, 形成.

    One Arabic digit counts too (近3成, as some outlets write it): the same share as 近三成,
    so it must not read as the number 3 (a wrong magnitude).
    """
    g, w = numbers.grammar(), gw.words()
    digits = "".join(sorted(w.numerals))
    suffixes = [fold_aligned(m) for q in g.qualifiers for m in q.suffix]
    return re.compile(
        rf"(?:(?P<pre>{alt(sorted(_prefix_markers(g)))}){SP})?"
        rf"(?<![{re.escape(digits + ''.join(w.positions) + w.ordinal)}])"
        rf"(?:(?P<n>[{re.escape(digits)}])|(?<![\d.,])(?P<d>[1-9]))"
        rf"{re.escape(w.tenths)}(?!不)"
        # 三成五 = 35 %: a digit right after 成 is the next tenth (not 三成五年, 三成五十)
        rf"(?:(?P<t>[{re.escape(digits)}])"
        rf"(?![{re.escape(digits + ''.join(w.positions) + ''.join(w.date_suffixes))}])"
        # 兩成半 = 25 %: half a tenth (not the 半 of 半年, 半月: a duration follows)
        + (rf"|(?P<h>{re.escape(w.half_tenth)})(?![年月天日])" if w.half_tenth else "")
        + r")?"
        rf"(?P<suf>{alt(suffixes)})?"
    )


def tenths(text: str, m: re.Match[str], g: numbers.Grammar) -> Value:
    n = int(m.group("d")) if m.group("d") else gw.parse_cn_int(m.group("n")) or 0
    tenth = gw.parse_cn_int(m.group("t")) or 0 if m.group("t") else 0
    hundredths = Decimal(5) if m.groupdict().get("h") else Decimal(0)  # 兩成半 = 25 %
    num = "d" if m.group("d") else "n"
    found = [x for x in (m.group("pre"), m.group("suf")) if x]
    qualifier = next((g.marker_of[x][1] for x in found if g.marker_of[x][1] != "exact"), "exact")
    begin = m.start() if qualifier != "exact" and m.group("pre") else m.start(num)
    return Value(
        "quantity",
        begin,
        m.end(),
        m.start(),
        text[begin : m.end()],
        Decimal(n * 10 + tenth) + hundredths,
        unit=g.unit_of.get("%", "%"),
        qualifier=qualifier,
        digits=((m.start("d"), m.end("d")),) if m.group("d") else (),
    )


def _prefix_markers(g: numbers.Grammar) -> set[str]:
    return {fold_aligned(m) for q in g.qualifiers for m in q.prefix}


def cn_fraction(text: str, m: re.Match[str], g: numbers.Grammar, w: gw.Words) -> Value | None:
    """The value of a fraction in words: 三分之一 -> 1/3; 百分之二十 -> 20 (unit %)."""
    den_text, num_text = m.group("den"), m.group("num")
    num = Decimal(num_text) if num_text[0].isdigit() else _cn_decimal(num_text)
    if num is None:
        return None
    if den_text == w.percent_denominator:
        value, unit = num, g.unit_of.get("%", "%")
    else:
        den = Decimal(den_text) if den_text[0].isdigit() else _cn_decimal(den_text)
        if not den:
            return None
        value, unit = num / den, ""
    pre = m.group("pre")
    found = [x for x in (pre, m.group("suf")) if x]
    qualifier = next((g.marker_of[x][1] for x in found if g.marker_of[x][1] != "exact"), "exact")
    begin = m.start() if pre and g.marker_of[pre][1] != "exact" else m.start("den")
    digits = tuple(
        (m.start(x) + r.start(), m.start(x) + r.end())
        for x in ("den", "num")
        for r in DIGIT_RUN.finditer(m.group(x))
    )
    return Value(
        "quantity",
        begin,
        m.end(),
        m.start(),
        text[begin : m.end()],
        numbers.clean_decimal(value),
        unit=unit,
        qualifier=qualifier,
        digits=digits,
    )


def _cn_decimal(text: str) -> Decimal | None:
    n = gw.parse_cn_int(text)
    return Decimal(n) if n is not None else None
