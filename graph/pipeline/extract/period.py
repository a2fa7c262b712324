"""Period, area and edition of each figure, read from the text (issue 7, item 7).

``edition(doc, text)`` is the report edition the article covers: the manifest's
``edition``, else the year written in 《…報告(2023)》 in the manifest's ``report``, the title
or the body, else the year before the article's date (an annual report released in year Y
covers year Y-1: the 2023 edition came out on 2024-10-12).

Period of a figure (words in ``graph/curation/periods.yaml``, matched on the folded text):
the nearest time expression before its value in its sentence; else the last clause-initial
one earlier in its paragraph (``截至2022年底,`` / ``2023年,`` set the topic of what follows;
``而2021年底這一數字…`` is a contrast and sets nothing); else the edition. ``去年`` / ``今年`` /
``前年`` count from the article's date; ``上年`` (``anaphoric_years``, the report's own wording)
counts from the statement's own year (the paragraph's topic, else the edition) and dates only
the figure right after it (由上年的5.3件回落至4.6件: 5.3 is the year before, 4.6 the year;
前一年 / 上一年 are the same word). A from-to frame with no time word on its from-value
(互聯網普及率由71.6%升至75.6%, 排名從第8位升至第6位) dates that value the year before too
(:func:`_bare_from_value`): two years' reports compared, not one year's two figures.
A cell of a flattened table (``指標｜2021年｜2022年`` over bare cells) takes the year of its
column's header cell first (:func:`_table_column_period`).
Not periods: a time expression right after a comparison word (較2021年底, 比去年), inside
《…》, or a full date (2023年9月20日: an event); but a base's year followed by 的 and a number
dates that number only (與前年的76.1%相比: the base year's own figure; not 是前年的2倍).
今年以來 is a stretch of the year, as 今年上半年: it sets the paragraph's topic. A growth
with no time in its clause after figures of its statistic for two years (去年…10.53萬個,前年
為8.2萬個,一年間增長28.4%) is the later year's change and grows the later year's figure.
A period is always a year, ``YYYY`` (xsd:gYear), also for a part of a year: 今年上半年,
2023年前三季度 and 截至6月底 give the year they fall in. Decided so (the team's fixture gold
and the graph's xsd:gYear agree on it): the part of the year stays in the quoted statement,
and a half-year figure that differs from the full year's of the same indicator, period and
area is reported as a conflict by assemble (a review item), never silently merged. The part
is still parsed (``TimeExpr.month``) so a finer period can be switched on in one place.

Area of a figure: the manifest's ``area`` unless a place word and 的 stand right before its
value (天津的普及率高於重慶的78.1%: a compared place's figure) or its statement starts with an
area word (全國網民規模 -> place/china; 四川省… -> place/sichuan; 全市 / 我市 = the article's
own area, or its city when the article is on a Chongqing district: ``own_area``). A place
after a comparison word (低於全國75.4%的平均水平) is the compared place, the value's area;
a gap after it (高於全市2.4個百分點, a growth) stays the area of what is compared. A rank
read with 全市 (位列全市第6位, 全市38個區縣中) has the article's city as its scope.
目前 / 當前 count as the article's year, like 今年.
A clause opening with 同期 (``same_period``) takes the period of the paragraph's previous
figure, the one it is set against; in quoted speech with no time word, a present possession
(已有, ``speech_present``) is the article's year.
A growth takes the area of the figure it grows; a rank's area is the article's (its scope is
``rank_scope``).
Why compared places and 上年 read so: docs/decisions/0013-compared-places-and-report-years.md.

The area rules are in :mod:`graph.pipeline.extract.period_area`, a flattened table's cells in
:mod:`graph.pipeline.extract.period_table`; this module dates figures and gives both to each.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from graph.curation.periods import PERIODS_FILE, Rules, load_rules, rules
from graph.model import Observation
from graph.pipeline.extract import values_compare
from graph.pipeline.extract.grammar import fold_aligned
from graph.pipeline.extract.period_area import (
    _continued_area,
    _own_scope,
    _possessor,
    _resolve_word,
    _respective_area,
    _stated_area_word,
    own_area,
)
from graph.pipeline.extract.period_area import figure_area as figure_area
from graph.pipeline.extract.period_table import _table_column_area, _table_column_period
from graph.pipeline.extract.period_time import _CLAUSE_START, _SENTENCE_END, _SPACES, TimeExpr
from graph.pipeline.extract.period_time import time_expressions as time_expressions

__all__ = [
    "PERIODS_FILE",
    "Rules",
    "apply",
    "area_pattern",
    "edition",
    "figure_area",
    "figure_period",
    "load_rules",
    "own_area",
    "rules",
    "time_expressions",
]
_EDITION_YEAR = re.compile(r"报告[(（]((?:19|20)\d\d)[)）]")


def edition(doc: Any, text: str) -> str:
    """The report edition year the article covers (see the module docstring)."""
    if doc.edition:
        return str(doc.edition)
    for where in (doc.report or "", doc.title, text):
        m = _EDITION_YEAR.search(fold_aligned(where))
        if m:
            return m.group(1)
    return str(int(doc.date[:4]) - 1)


# ---------------------------------------------------------------- rules (graph.curation.periods)


def area_pattern() -> re.Pattern[str]:
    """Area words with their suffixes (folded): the label rules drop them as leading context."""
    return rules().area


# ---------------------------------------------------------------- per figure


def figure_period(
    text: str, exprs: list[TimeExpr], obs: Observation, default: str, now: str = ""
) -> str:
    """The period of one figure: sentence, then paragraph topic, then ``default``; in quoted
    speech with no time word, after a present-possession verb (periods.yaml
    ``speech_present``: 已有), the speaker's present ``now`` (the article's year)."""
    vb = obs.value_begin
    line_b = text.rfind("\n", 0, vb) + 1
    sent_b = max([line_b] + [text.rfind(ch, line_b, vb) + 1 for ch in _SENTENCE_END])
    before = [x for x in exprs if line_b <= x.begin and x.end <= vb]
    # 由上年的5.3件回落至4.6件: an anaphoric year dates the figure right after it only
    # (與前年的76.1%相比: a base's year dates only its own figure, right after it, too)
    in_sentence = [
        x
        for x in before
        if x.begin >= sent_b
        and (
            (x.anaphoric is None and not x.base_figure)
            or not any(ch.isdigit() for ch in text[x.end : vb])
        )
    ]
    # 今年我們計劃…: a relative year opening a sentence states that sentence's plan or
    # result; the paragraph's topic (截至2023年底, an explicit year) carries past it
    topic = [x for x in before if x.clause_initial and not x.relative]
    quote = _speech_open(text, line_b, vb) if now and not in_sentence else None
    if quote is not None and not any(x.begin > quote for x in topic):
        said = fold_aligned(text[quote:vb])
        if any(w in said for w in rules().speech_present):
            return now  # “园区入驻企业已有30余家”: the speaker's present, as 目前 is
    own = topic[-1].period if topic else default
    found = own
    if in_sentence:
        last = in_sentence[-1]
        if last.anaphoric is not None:  # 由上年的5.3件: the year before the statement's own
            return f"{int(own) + last.anaphoric:04d}" if own.isdigit() else own
        found = last.period
    if found.isdigit() and _bare_from_value(text, obs):
        return f"{int(found) - 1:04d}"  # 由71.6%升至75.6%: 71.6% is the year before's
    return found


def _speech_open(text: str, line_b: int, vb: int) -> int | None:
    """The offset of the quotation mark opening the quoted speech ``vb`` stands in, or None.

    Speech, not a quoted name (:func:`metrics_clauses._is_speech`: a clause comma inside, or
    not closed in its sentence). A figure a speaker states as a present possession (已有)
    with no time word is of the speaker's present: the article's year, as 目前 / 當前 are,
    not the edition's (a speaker with a time word, 2022年…已有, keeps it).
    """
    from graph.pipeline.extract.metrics_clauses import OPEN_CLOSE, QUOTES, _is_speech

    for i in range(vb - 1, line_b - 1, -1):
        ch = text[i]
        if ch in QUOTES:
            end = text.find("\n", vb)
            return i if _is_speech(text, i, len(text) if end < 0 else end) else None
        if ch in (OPEN_CLOSE[q] for q in QUOTES):
            return None  # the value stands after a closed quote
    return None


def _bare_from_value(text: str, obs: Observation) -> bool:
    """True when the value is the from-value of a from-to frame with no time word of its own.

    ``互聯網普及率由71.6%升至75.6%`` / ``排名從第8位升至第6位``: a from word (periods.yaml
    ``from_words``) right before the value and a to-verb (``to_verbs``) right after it. The
    frame compares two years' figures as 由上年的…升至 does in words, so the from-value is
    the year before the statement's; dated like the to-value, the pair read as one year's
    two figures (a false conflict).
    """
    r = rules()
    before = fold_aligned(text[max(0, obs.value_begin - 4) : obs.value_begin]).rstrip(_SPACES)
    if not before.endswith(r.from_words) or not r.to_verbs:
        return False
    after = fold_aligned(text[obs.value_end : obs.value_end + 8]).lstrip(_SPACES)
    return after.startswith(r.to_verbs)


def apply(observations: list[Observation], doc: Any, text: str) -> list[Observation]:
    """Give every observation a period and an area (neither is ever left "").

    Area: the area word leading the figure's statement (全區 / 區內: the last district the
    piece named); else a table cell's column header; else the figure before it in its
    sentence; else the area a figure earlier in its full sentence stated (across ；, as a
    reader carries 渝北區 into the next clause); else the manifest's.
    """
    default = edition(doc, text)
    ft = fold_aligned(text)
    exprs = time_expressions(text, int(doc.date[:4]), ft)
    out: list[Observation] = []
    topic: dict[int, str] = {}  # sentence start -> the area its last stated figure named
    # line start -> the listed district (or new area) the line's last stated figure named: a
    # paragraph on 两江新区 goes on in it past its sentence (a province or city compared in
    # another sentence does not: the next sentence starts afresh, as below)
    district_topic: dict[int, str] = {}
    district_places = rules().district_places
    for o in observations:
        period = (
            o.period
            or _table_column_period(text, ft, o, int(doc.date[:4]))
            or _same_period_as(ft, o, out)
            or figure_period(text, exprs, o, default, doc.date[:4])
        )
        line_b = text.rfind("\n", 0, o.value_begin) + 1
        # the full sentence: a ；-clause goes on in the area its sentence stated, the next
        # sentence (a 平均水平 against the article's own) starts afresh
        para = max([line_b] + [ft.rfind(ch, line_b, o.value_begin) + 1 for ch in "。！？!?"])
        area = o.area or _possessor(ft, o) or _respective_area(ft, o, observations)
        if not area:
            word = _stated_area_word(text, o, ft)
            if word:
                area = _resolve_word(word, ft, o.begin, doc.area) or doc.area
                if o.kind not in ("rank", "tier"):
                    topic[para] = area
                    if area in district_places and area != doc.area:
                        district_topic[line_b] = area
                    else:
                        district_topic.pop(line_b, None)
            else:
                col = _table_column_area(text, ft, o, doc.area)
                if col is not None:
                    area = col or doc.area
                else:
                    area = _continued_area(o, values_compare.own_figures(ft, out)) or (
                        topic.get(para, "")
                        or _topic_clause_area(ft, para, o.begin)
                        or district_topic.get(line_b, "")
                        if o.kind not in ("rank", "tier")
                        else ""
                    )
        scope = o.rank_scope
        if o.kind == "rank" and not scope:
            scope = _own_scope(ft, o, doc.area)  # 全市38個區縣…排名第6位: the city
        out.append(replace(o, period=period, area=area, rank_scope=scope))
    out = _changes_between_years(out, exprs, ft)
    # a growth covers the area of the figure it grows
    out = [
        replace(o, area=out[o.growth_of].area)
        if o.growth_of is not None and not o.area and 0 <= o.growth_of < len(out)
        else o
        for o in out
    ]
    return [replace(o, area=o.area or doc.area) for o in out]


def _topic_clause_area(ft: str, sentence_b: int, begin: int) -> str:
    """The place a figure-less clause opening the sentence names (昆明作为省会城市，数字经济规模约
    4600亿元): the sentence is about that place, so its figures are, when their own clause
    names no area. "" when no such clause precedes ``begin``."""
    r = rules()
    clause = ft[sentence_b:begin].split("，")[0].split(",")[0]
    if not clause or clause == ft[sentence_b:begin] or any(ch.isdigit() for ch in clause):
        return ""
    m = r.area.match(ft, sentence_b + len(clause) - len(clause.lstrip()))
    return (r.area_ids.get(m.group("w")) or "") if m else ""


def _same_period_as(ft: str, o: Observation, earlier: list[Observation]) -> str:
    """The period of the figure a 同期 figure is compared with, "" when it is not one.

    ``今年上半年全市5G用戶達1500萬戶。同期全國為8億戶``: a clause opening with a same-period
    word (periods.yaml ``same_period``; or a clause of that word alone before it) states the
    other place's figure for the period of the previous figure of its paragraph. The word
    names no year of its own, so the nearest time word (a sentence back, or none: the
    edition) would date it apart from the figure it is set against. Not after a comparison
    word (較同期 is a growth's base, a label rule).
    """
    words = rules().same_period
    vb = o.value_begin
    line_b = ft.rfind("\n", 0, vb) + 1
    cb = max([line_b] + [ft.rfind(ch, line_b, vb) + 1 for ch in _CLAUSE_START])
    opens = bool(words) and ft[cb:vb].lstrip(_SPACES).startswith(words)
    if words and not opens and cb > line_b:
        pb = max([line_b] + [ft.rfind(ch, line_b, cb - 1) + 1 for ch in _CLAUSE_START])
        opens = ft[pb : cb - 1].strip(_SPACES) in words  # 同期,全國為75.6%
    if not opens:
        return ""
    prev = [x for x in earlier if line_b <= x.value_begin < cb]
    return prev[-1].period if prev else ""


def _changes_between_years(
    out: list[Observation], exprs: list[TimeExpr], ft: str
) -> list[Observation]:
    """``去年X達到10.53萬個,前年為8.2萬個,一年間增長28.4%``: the change between two years.

    A growth whose own clause states no time, after figures of the statistic it grows dated
    by two different years in its sentence, is the change from the earlier year to the later
    one: it is the later year's growth and grows the later year's figure. The nearest time
    word (前年, of the base figure) would date the change a year early and grow the base.
    """
    fixed = list(out)
    for i, o in enumerate(out):
        g = o.growth_of
        if o.kind != "growth" or g is None or not 0 <= g < len(out):
            continue
        clause_b = max(ft.rfind(ch, 0, o.value_begin) + 1 for ch in _CLAUSE_START)
        if any(clause_b <= x.begin < o.value_begin for x in exprs):
            continue
        grown = out[g]
        pair = [
            (q.period, k)
            for k, q in enumerate(out[:i])
            if q.kind == "quantity"
            and q.sentence_id == o.sentence_id
            and (q.indicator, q.unit, q.area) == (grown.indicator, grown.unit, grown.area)
        ]
        if len({p for p, _ in pair}) < 2:
            continue
        period, k = max(pair)
        fixed[i] = replace(o, period=period, growth_of=k)
    return fixed
