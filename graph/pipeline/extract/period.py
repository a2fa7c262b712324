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
A growth takes the area of the figure it grows; a rank's area is the article's (its scope is
``rank_scope``).
Why compared places and 上年 read so: docs/decisions/0013-compared-places-and-report-years.md.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from graph.curation.periods import PERIODS_FILE, Rules, load_rules, rules
from graph.model import Observation
from graph.pipeline.extract import values_compare, values_table
from graph.pipeline.extract.grammar import fold_aligned
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


def figure_period(text: str, exprs: list[TimeExpr], obs: Observation, default: str) -> str:
    """The period of one figure: sentence, then paragraph topic, then ``default``."""
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


def figure_area(text: str, obs: Observation, ft: str | None = None) -> str:
    """The area word that opens the figure's statement (its id), "" = the article's area.

    ``ft`` is ``fold_aligned(text)`` when the caller has it (folded once per document).
    """
    word = _stated_area_word(text, obs, ft)
    return (rules().area_ids.get(word) or "") if word else ""


def _stated_area_word(text: str, obs: Observation, ft: str | None = None) -> str:
    """The folded area word leading the figure's statement, "" when it names none."""
    ft = fold_aligned(text) if ft is None else ft
    line_b = text.rfind("\n", 0, obs.value_begin) + 1
    clause_b = max([line_b] + [ft.rfind(ch, line_b, obs.begin) + 1 for ch in _CLAUSE_START])
    # the area word leads the statement (a label that points back starts at the clause)
    from graph.pipeline.extract import indicators  # late: indicators reads this module's words

    lead = indicators.label_rules().leading_end(ft, clause_b, obs.value_begin)
    found = ""
    rank = obs.kind in ("rank", "tier")
    for m in rules().area.finditer(ft, clause_b, max(clause_b, obs.begin, lead)):
        if rank and obs.rank_scope and rules().area_ids.get(m.group("w")) == obs.rank_scope:
            continue  # 居全國第5位: the rank's scope, not the ranked one's area
        if rank and ft.endswith(_locative(), clause_b, m.start()):
            continue  # 涪陵區在全市38個區縣中排名第9位: 全市 opens the scope (the city's)
        if obs.kind == "growth" and ft.endswith(rules().comparisons, clause_b, m.start()):
            continue  # 高於全市2.4個百分點: the gap is of what is compared, not of 全市
        found = m.group("w")
    return found


def _locative() -> str:
    """在, the locative that opens a rank's scope or population (grammar.yaml)."""
    from graph.pipeline.extract import grammar as gw  # late: as the label rules above

    return gw.words().locative


def own_area(doc_area: str) -> str:
    """The area 全市 / 我市 name in a piece on ``doc_area``: the piece's own, or the city when
    the piece is on one of its districts (periods.yaml ``district_city``)."""
    r = rules()
    return r.district_city if r.district_city and doc_area in r.district_places else doc_area


def _own_scope(ft: str, o: Observation, doc_area: str) -> str | None:
    """The scope of a rank read with an own-area scope word (位列全市第6位, 全市38個區縣中…
    排名第6位): the piece's city (:func:`own_area`), so a district ranked among the city's
    districts has the city as its scope; None when the rank was read with no such word (the
    scope word before its verb, or of its ranked population, as :mod:`values` reads them).
    """
    from graph.pipeline.extract import grammar as gw  # late: as the label rules above
    from graph.pipeline.extract.values_patterns import patterns

    scopes = gw.words().scopes
    line_b = ft.rfind("\n", 0, o.value_begin) + 1
    sent_b = max([line_b] + [ft.rfind(ch, line_b, o.value_begin) + 1 for ch in _SENTENCE_END])
    hm = patterns().head.search(ft, sent_b, o.value_begin)
    word = (hm.group("s2") or hm.group("s1")) if hm is not None else None
    if not word:
        pops = [m for m in patterns().population.finditer(ft, sent_b, o.value_begin)]
        word = pops[-1].group("s1") if pops else None
    if not word or scopes.get(word, "") is not None:
        return None
    return own_area(doc_area)


def _possessor(ft: str, o: Observation) -> str:
    """The place whose figure the value is when a place word and 的 stand right before it
    (高於重慶的78.1%: place/chongqing), else "".

    A comparison names the other place next to its value, after the statement opened with
    the article's own (天津的互聯網普及率…): the place next to the value wins. Not for ranks
    (a rank's place is its scope) nor for words meaning the article's own area (全市的).
    """
    if o.kind in ("rank", "tier"):
        return ""
    from graph.pipeline.extract.values_frames import share_base_at  # late: as indicators

    if share_base_at(ft, o.value_begin) is not None:
        return ""  # 相當於四川的六成: Sichuan is the share's base, not the figure's area
    r = rules()
    for link in r.possessive:
        end = o.value_begin - len(link)
        if end <= 0 or not ft.startswith(link, end):
            continue
        line_b = ft.rfind("\n", 0, end) + 1
        for m in r.area.finditer(ft, max(line_b, end - 16), end):
            if m.end() == end:
                return r.area_ids.get(m.group("w")) or ""
    return ""


_JOINERS = "、和與及"


def _respective_area(ft: str, o: Observation, observations: list[Observation]) -> str:
    """江蘇、浙江分列第二、第三: the k-th place of the joined names before 分列 / 分別 (the
    label rules' ``respectively`` words) is the area of the k-th value after it, "" if the
    statement is not so.

    Each name must be an area word (periods.yaml) on its own; the values after the word are
    the ones between it and this value in its sentence, in text order.
    """
    from graph.pipeline.extract import indicators  # late: indicators reads this module's words

    vb = o.value_begin
    line_b = ft.rfind("\n", 0, vb) + 1
    sent_b = max([line_b] + [ft.rfind(ch, line_b, vb) + 1 for ch in _SENTENCE_END])
    for word in indicators.label_rules().respectively:
        at = ft.rfind(word, sent_b, vb)
        if at < 0 or any(ch in ",，:：;；" for ch in ft[at:vb]):
            continue  # the values follow the word as one 、-list
        start = max([sent_b] + [ft.rfind(ch, sent_b, at) + 1 for ch in ",，:：;；"])
        names = re.split(f"[{_JOINERS}]", ft[start:at].strip(_SPACES))
        ids = []
        for name in names:
            m = rules().area.fullmatch(name.strip(_SPACES))
            ids.append(rules().area_ids.get(m.group("w")) if m else None)
        if len(ids) < 2 or not all(ids):
            return ""
        k = sum(
            1
            for x in observations
            if at + len(word) <= x.value_begin < vb and x.kind == o.kind and x is not o
        )
        return str(ids[k]) if k < len(ids) else ""
    return ""


def _continued_area(o: Observation, earlier: list[Observation]) -> str:
    """A statistic continued in its sentence (its share, its rank, 這一數字) keeps its area.

    全國數字經濟規模達50.2萬億元,占國內生產總值的比重為41.5%: the share is national too.
    A later clause of the sentence that names no area of its own (數字經濟佔GDP比重為41.5%)
    stays in the area the sentence opened with, as a reader takes it. A rank continues the
    rank before it (渝北區排名第2位,連續三年位列第一梯隊), else the figure before it; a
    figure the figure before it.
    """
    rank = o.kind in ("rank", "tier")
    figure = ""
    for prev in reversed(earlier):
        if prev.sentence_id != o.sentence_id:
            break
        if (prev.kind in ("rank", "tier")) == rank:
            return prev.area
        if rank and not figure:
            figure = prev.area  # 廣東…規模達6.9萬億元,連續七年位居第一: the figure's area
    return figure


def _table_column_area(text: str, ft: str, o: Observation, doc_area: str = "") -> str | None:
    """The area of a cell of a flattened ``|`` table: its column's header (None = no table).

    A table flattened to lines ``label | a | b`` under a header line naming its columns
    (``…對比(渝北區 | 全市)``): the header's cells align with the row's last cells, and a
    header cell that names an area gives it to its column ("" = the piece's own area).
    """
    line_b = text.rfind("\n", 0, o.value_begin) + 1
    line_e = text.find("\n", o.value_begin)
    line_e = len(text) if line_e < 0 else line_e
    if "|" not in ft[line_b:line_e]:
        return None
    head_b = line_b
    while head_b > 0:
        prev_b = text.rfind("\n", 0, head_b - 1) + 1
        if "|" not in ft[prev_b : head_b - 1]:
            break
        head_b = prev_b
    if head_b == line_b:
        return None  # the row is the header
    head_e = text.find("\n", head_b)
    cells = ft[head_b:head_e].split("|")
    row_cells = ft[line_b:line_e].split("|")
    col = ft.count("|", line_b, o.value_begin)
    k = col - (len(row_cells) - len(cells))
    if not 0 <= k < len(cells):
        return None
    found = None
    for m in rules().area.finditer(cells[k]):
        found = m.group("w")
    if found is None:
        return None
    return _resolve_word(found, ft, head_b, doc_area)


def _table_column_period(text: str, ft: str, o: Observation, year: int) -> str:
    """The period of a bare cell of a flattened table: its column header's year ("" = none).

    ``指標｜2021年｜2022年`` over ``網民規模（萬人）｜2208｜2285``: a header cell that is a
    time expression and nothing else (2021年, 2022年底) dates its column, as a reader reads
    the table; the nearest time expression before the cell (the header's last year, or the
    paragraph's topic) would date every cell alike. Cells split at ``|`` (``｜``) or a tab
    (:mod:`values_table`); the header is the first line of the block of table lines above
    the row, its cells aligned with the row's last cells. The figure must open its cell
    (a cell with a unit of its own, 42.3萬戶, is dated alike); a header cell that is more
    than a time (2023年主要指標對比) dates nothing, so a title row stays a title.
    """
    lb, le = values_table.line_span(ft, o.value_begin)
    row = values_table.cells(ft, lb, le)
    if len(row) < 2 or not any(cb == o.value_begin for cb, _ in row[1:]):
        return ""
    head_b = lb
    while head_b > 0:
        pb, pe = values_table.line_span(ft, head_b - 1)
        if len(values_table.cells(ft, pb, pe)) < 2:
            break
        head_b = pb
    if head_b == lb:
        return ""  # the row is the header
    head = values_table.cells(ft, *values_table.line_span(ft, head_b))
    col = next(i for i, (cb, _) in enumerate(row) if cb == o.value_begin)
    k = col - (len(row) - len(head))
    if not 0 < k < len(head):
        return ""
    cb, ce = head[k]
    exprs = time_expressions(text[cb:ce], year, ft[cb:ce])
    if len(exprs) != 1 or (exprs[0].begin, exprs[0].end) != (0, ce - cb):
        return _table_caption_period(text, ft, head_b, year)
    return exprs[0].period if exprs[0].anaphoric is None else ""


def _table_caption_period(text: str, ft: str, head_b: int, year: int) -> str:
    """The period the caption right above a table's header states (``表：…（截至9月底）``).

    A caption dates every cell of its table, as a reader reads it: the table stands apart
    from the prose around it, so the paragraph topic (which stops at the line) and then the
    edition would date cells the caption says are this year's. The caption is the line
    directly above the header block, a title: not blank and with no sentence end (a prose
    paragraph above a table dates nothing of it). Its last time expression is the period.
    """
    if head_b == 0:
        return ""
    pb, pe = values_table.line_span(ft, head_b - 1)
    caption = ft[pb:pe].strip(_SPACES)
    if not caption or any(ch in _SENTENCE_END for ch in caption):
        return ""
    exprs = [x for x in time_expressions(text[pb:pe], year, ft[pb:pe]) if x.anaphoric is None]
    return exprs[-1].period if exprs else ""


def _resolve_word(word: str, ft: str, at: int, doc_area: str = "") -> str:
    """An area word's id: its own, the last district named before ``at``, the city of a
    district piece (全市 in a piece on 永川區: :func:`own_area`), or "" (the piece's)."""
    r = rules()
    own = r.area_ids.get(word)
    if word in r.named_before:  # 該省: the province the piece named before
        return _last_province(ft, at)
    if not own and word not in r.districts:
        city = own_area(doc_area) if doc_area else ""
        return "" if city == doc_area else city
    if own or word not in r.districts:
        return own or ""
    last = ""
    for m in r.area.finditer(ft, 0, at):
        w = m.group("w")
        if w in r.districts and r.area_ids.get(w):
            last = r.area_ids[w] or ""
    return last


def _last_province(ft: str, at: int) -> str:
    """The last province-level place (periods.yaml ``named_before``: open_world.yaml's
    provinces) named in ``ft[:at]``, or "" (the piece's own area)."""
    r = rules()
    last = ""
    for m in r.area.finditer(ft, 0, at):
        pid = r.area_ids.get(m.group("w"))
        if pid and pid in r.province_places:
            last = pid
    return last


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
    for o in observations:
        period = (
            o.period
            or _table_column_period(text, ft, o, int(doc.date[:4]))
            or figure_period(text, exprs, o, default)
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
            else:
                col = _table_column_area(text, ft, o, doc.area)
                if col is not None:
                    area = col or doc.area
                else:
                    area = _continued_area(o, values_compare.own_figures(ft, out)) or (
                        topic.get(para, "") if o.kind not in ("rank", "tier") else ""
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
