"""Time expressions of a text (either script), the candidates for a figure's period.

``time_expressions(text, article_year)`` finds every 2023年 / 截至2022年底 / 今年上半年 /
去年 / 上年 / 1-6月 that can date a figure, with its year, whether it opens a clause (a
paragraph's topic) and what kind it is (relative to the article's date, anaphoric to the
statement's year); :mod:`graph.pipeline.extract.period` picks one per figure. Apart because
reading the expressions needs only the words of ``periods.yaml``, not the figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.curation.periods import Rules, rules
from graph.pipeline.extract.grammar import fold_aligned

_SENTENCE_END = "。！？；;!?"
_CLAUSE_START = _SENTENCE_END + ",，、:：\n"
_SPACES = " \t\u3000"


@dataclass(frozen=True, slots=True)
class TimeExpr:
    begin: int
    end: int
    period: str  # YYYY
    clause_initial: bool
    month: int | None = None  # the month a part of a year ends (上半年 -> 6), None = the year
    relative: bool = False  # 今年 / 去年 (no 截至): scoped to its own sentence, no topic
    anaphoric: int | None = None  # 上年: years from the statement's own year (period unused)
    base_figure: bool = False  # 與前年的76.1%: a base's year, dating the figure right after it


def time_expressions(text: str, article_year: int, ft: str | None = None) -> list[TimeExpr]:
    """Every time expression of ``text`` that can be a figure's period, in text order."""
    r = rules()
    ft = fold_aligned(text) if ft is None else ft
    titles = _title_ranges(ft)
    out: list[TimeExpr] = []
    anchor: int | None = None  # the year of the last 2024年1-6月 / 2024年上半年 read so far
    pos = 0
    while pos < len(ft):
        m = r.time.match(ft, pos)
        bare = bool(m and (m.group("m1") or m.group("part")))
        if not m or m.end() == pos or not (m.group("year") or m.group("rel") or _month(m) or bare):
            pos += 1
            continue
        b, e = m.start(), m.end()
        pos = e
        if m.group("asof") is None and not (m.group("year") or m.group("rel")):
            # a bare 1-6月 / 6月 / 上半年 opening a clause continues the year of the last
            # sub-year period stated with its year (2024年1-6月 in the lead); alone it is
            # too vague to be a period
            if anchor is not None and _clause_initial(ft, b) and not _event_date(ft, b, e):
                _, month = _year_month(m, r, anchor)
                out.append(TimeExpr(b, e, f"{anchor:04d}", True, month))
            continue
        if _event_date(ft, b, e) or any(tb < b < te for tb, te in titles):
            continue  # an event date (2023年9月20日) or part of a title
        if m.group("year") is None and m.group("rel") is None and m.group("part"):
            continue
        base = any(ft.endswith(w, 0, b) for w in r.bases)
        if base and not _dates_base_figure(ft, e, r):
            continue  # 較2021年底: a comparison base
        if any(ft.startswith(w, e) for w in r.price_bases):
            continue  # 按上年不變價: a price base
        if m.group("year") and b > 0 and ft[b - 1].isdigit():
            continue
        year, month = _year_month(m, r, article_year)
        if year is not None and month is not None and m.group("year"):
            anchor = year
        if year is not None:
            # 今年上半年, / 今年1-6月, names a stretch of the year: it sets the paragraph's
            # topic like 2024年上半年 does; a bare 今年 states only its own sentence
            # (今年以來, names a stretch too: since the year began)
            rel = (
                m.group("rel") is not None
                and m.group("asof") is None
                and month is None
                and not any(ft.startswith(w, e) for w in r.since)
            )
            offset = (r.anaphoric or {}).get(m.group("rel") or "")
            initial = _clause_initial(ft, b) and not base
            out.append(TimeExpr(b, e, f"{year:04d}", initial, month, rel, offset, base))
    return out


def _dates_base_figure(ft: str, e: int, r: Rules) -> bool:
    """True when a comparison base's time word ending at ``e`` is followed by 的 and a number
    that is no multiple (與前年的76.1%相比): the number is the base year's own figure."""
    link = next((w for w in r.possessive if ft.startswith(w, e)), "")
    num = re.match(r"\d+(?:\.\d+)?", ft[e + len(link) :]) if link else None
    return num is not None and not any(
        ft.startswith(w, e + len(link) + num.end()) for w in r.multiples
    )


def _event_date(ft: str, b: int, e: int) -> bool:
    """2023年9月20日 / 7月23日: a day follows, so this is an event's date, not a period."""
    return bool(re.match(r"\d{1,2}[日号]", ft[e : e + 3]))


def _month(m: re.Match[str]) -> bool:
    return bool(m.group("m1") and (m.group("asof") or m.group("mend")))


def _year_month(m: re.Match[str], r: Rules, article_year: int) -> tuple[int | None, int | None]:
    """The year of a time expression and the month its part of the year ends (or None)."""
    if m.group("year"):
        year = int(m.group("year"))
    elif m.group("rel"):
        year = article_year + r.relative.get(m.group("rel"), 0)  # anaphoric: set by the figure
    else:
        year = article_year  # 截至6月底: this year's
    if m.group("m1"):
        month = int(m.group("m2") or m.group("m1"))
        return (year, month) if 1 <= month <= 12 else (None, None)
    part = m.group("part")
    return year, (r.parts.get(part) if part else None)


def _clause_initial(ft: str, b: int) -> bool:
    i = b - 1
    while i >= 0 and ft[i] in _SPACES:
        i -= 1
    return i < 0 or ft[i] in _CLAUSE_START


def _title_ranges(ft: str) -> list[tuple[int, int]]:
    out, start = [], None
    for i, ch in enumerate(ft):
        if ch == "《" and start is None:
            start = i
        elif ch == "》" and start is not None:
            out.append((start, i + 1))
            start = None
    return out
