"""The area of each figure, for :mod:`graph.pipeline.extract.period` (rules in its docstring).

The area word that opens a figure's statement, the place whose figure a value is (天津的…78.1%),
the k-th place of a 分列 / 分別 list, the area a sentence carries on, an own-area rank scope
(全市 of a district piece is its city) and an area word's id. Apart from :mod:`period` so each
module stays small; words in ``graph/curation/periods.yaml``, matched on the folded text.
"""

from __future__ import annotations

import re

from graph.curation.periods import rules
from graph.model import Observation
from graph.pipeline.extract.grammar import fold_aligned
from graph.pipeline.extract.period_time import _CLAUSE_START, _SENTENCE_END, _SPACES


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
                if ft.endswith(_SHARE_VERB, 0, m.start()):
                    return ""  # 占全国的2.1%: the share's base, not the figure's area
                return r.area_ids.get(m.group("w")) or ""
    return ""


_JOINERS = "、和與及"
_SHARE_VERB = "占"  # folded 占 / 佔


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
