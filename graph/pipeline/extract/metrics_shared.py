"""Shared statements for :mod:`graph.pipeline.extract.metrics`: what a figure's label is when
its clause does not name the statistic alone. ``A、B,两项指标排名全国第1`` (one figure per named
clause), ``A、B均达100%``, a clause that points back (这一数字, 规模) or names a share of the
previous statistic (占比, 占…的比重), a part after 其中 (国家级), a statistic named by an
earlier value-less clause of the sentence (对…的X进行了评估, 在全国X评估中, X上), a sentence
opening with a pointer (这一指标的排名从第8位…: the paragraph's last statistic) and a per-unit
rate with no counted noun (5G基站累计10.2万个,每万人拥有31.9个: 每万人拥有5G基站). Apart from
the clause reader because these rules read the figures already drafted in the sentence, not
the clause's text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from graph.model import Finding, Level
from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import (
    indicators,
    period,
    values,
    values_compare,
    values_predicate,
    values_share,
)
from graph.pipeline.extract.grammar import fold_aligned
from graph.pipeline.extract.metrics_clauses import (
    SPACES,
    _Clause,
    _clean_left,
    _Draft,
    _strip,
)
from graph.pipeline.extract.values_coordinated import each_item
from graph.pipeline.extract.values_predicate import clause_before, subject_label

STAGE = "extract.metrics"


def _resolve(
    text: str,
    d: _Draft,
    earlier: list[_Draft],
    clauses: list[_Clause],
    ci: int,
    findings: list[Finding],
    folded: str,
    carried: _Draft | None = None,
) -> list[_Draft]:
    """Apply the shared-statement rules; returns the drafts this value yields.

    ``carried`` is the last figure of the paragraph before this sentence: a sentence that
    opens with a clause only pointing back (同一指標,四川省為14.6座) measures its statistic.
    """
    if values_share.share_of_part(text, folded, d) or values_share.per_unit_qualifier(
        text, folded, d
    ):  # X约占全市Y的6.8%, X已超每月每户18GB: a qualifier away from the number
        return [d]
    label = d.indicator
    items = values.patterns().items.match(fold_aligned(label))
    if items:
        n = values.cn_or_int(items.group("n")) or 0
        named = [c for c in clauses[:ci] if not c.has_value]
        if n == 0 or len(named) < n:
            findings.append(
                Finding(
                    Level.WARNING,
                    STAGE,
                    "indicators-not-named",
                    f"{label!r} but only {len(named)} indicator clauses precede it",
                    "",
                    d.begin,
                    d.end,
                )
            )
            return []
        out = []
        for c in named[-n:]:
            b, e = _clean_left(folded, c.begin, c.end)
            out.append(
                replace(
                    d,
                    indicator=text[b:e],
                    begin=b,
                    clause_begin=c.begin,
                    about_end=e,
                    extra_digits=list(d.extra_digits),
                )
            )
        return out
    raw_left = folded[d.clause_begin : d.val.match_begin].rstrip(SPACES)
    # 各區縣均達到X: the adverb 均 (each); not the 均 of 平均 ending a comparison base
    # (增速高於全國平均1.5個百分點: the base, read as a rate gap below)
    each = raw_left.endswith(fold_aligned("均")) and not raw_left.endswith(gw.words().gap_bases)
    if each and d.val.kind != "quantity":  # A和B平均下载速率均位列西部第一: each item's rank
        return each_item(text, folded, d, d.clause_begin + len(raw_left) - 1) or [d]
    if each and d.val.kind == "quantity":
        out = []
        i = ci
        while i > 0 and clauses[i].sep_before == "、" and not clauses[i - 1].has_value:
            i -= 1
            b, e = _clean_left(folded, clauses[i].begin, clauses[i].end)
            out.insert(
                0,
                replace(
                    d,
                    indicator=text[b:e],
                    begin=b,
                    clause_begin=clauses[i].begin,
                    about_end=e,
                    extra_digits=[],
                ),
            )
        return (
            [*out, d]
            if out
            else each_item(text, folded, d, d.clause_begin + len(raw_left) - 1) or [d]
        )
    prev = earlier[-1] if earlier else None
    last_q = next((x for x in reversed(earlier) if x.kind == "quantity"), None)
    if last_q is not None and values_share.composed_share(text, folded, d, last_q):
        return [d]  # …，占网民总数的74.5%: the statistic before (past its growth) and its share
    prev_q = prev.indicator if prev is not None and prev.kind == "quantity" else None
    own = d.kind == "growth" or (prev is not None and prev_q is None)
    subject = None if own else subject_label(text, folded, label, d.clause_begin, prev_q)
    if subject is not None:  # 持续壮大，规模达到…; 新增X…，总数达到…: the clause subject
        d.indicator = subject
        return [d]
    rules = indicators.label_rules()
    if rules.is_per_unit(fold_aligned(label)):
        # 5G基站累計10.2萬個,每萬人擁有31.9個: per person, of the statistic stated before
        base = next((x for x in reversed(earlier) if x.kind == "quantity"), None)
        if base is not None:
            d.indicator = label + base.indicator
        return [d]
    if values_compare.compared_growth(text, folded, d, earlier):  # 增速高于全国（9.1%）…
        return [d]
    if d.kind == "growth" and (not label or fold_aligned(label) in rules.anaphora):
        target = next((x for x in reversed(earlier) if x.kind == "quantity"), None)
        if target is not None:
            d.indicator, d.growth_of, d.about_from = target.indicator, target, target
        elif prev is not None:  # 排名第十二位,較上年提升2位: the change of the rank's statistic
            d.indicator, d.about_from = prev.indicator, prev
        elif not label and (pred := clause_before(folded, d.clause_begin)):
            # 貴州千兆寬帶用戶增長最快，同比增長近六成: the predicate clause's subject, and the
            # statement runs from that clause (its place is the figure's area)
            d.indicator = text[pred[1][0] : pred[1][1]]
            d.begin = d.clause_begin = pred[0]
            return [d]
        elif not label:  # X的增速有所放緩,按年增長13.2%: the statistic a clause back
            frame = _statistic_named_before(folded, clauses, ci)
            if frame is not None:
                d.indicator = text[frame[0] : frame[1]]
        d.begin = d.val.match_begin
        return [d]
    if not label.strip(SPACES) and prev is None:
        frame = _statistic_named_before(folded, clauses, ci)
        if frame is None and d.kind in ("rank", "tier") and clauses:
            frame = _assessment_named_in_paragraph(folded, clauses[0].begin)
        if frame is not None:  # 对…的数字化发展水平进行了评估,渝北区排名第2位
            d.indicator = text[frame[0] : frame[1]]
        elif carried is not None and _points_back(folded, clauses, ci):
            d.indicator, d.about_from = carried.indicator, carried  # 同一指標,四川省為…
        return [d]
    if prev is None and carried is not None and fold_aligned(label) in rules.anaphora:
        # 這一指標的排名從第8位升至第6位 opening a sentence: the paragraph's last statistic
        d.indicator, d.about_from = carried.indicator, carried
        d.begin = _clause_start(text, d)
        return [d]
    if (not label or fold_aligned(label) in rules.anaphora) and prev is not None:
        ranked = (
            next((x for x in reversed(earlier) if x.kind in ("rank", "tier")), None)
            if d.kind in ("rank", "tier") and not label
            else None
        )  # 排名第7位，較上年前移3位，首次進入第一梯隊: the tier of the rank, past its change
        back = _named_by(label, earlier) or ranked or prev  # 規模排名全國第八: 規模 named before
        if prev is not None and back is not prev and _share_head(prev.indicator, label):
            back = prev  # …約佔全國的2.4%，規模位居西部第三: the share's own statistic, nearer
        elif (
            ranked is None
            and prev is not None
            and prev.about_from is not None
            and prev.about_from.kind == "quantity"
            and fold_aligned("占") in fold_aligned(prev.indicator)
        ):  # X達到…，佔地區生產總值的比重為36.2%，在全國31個省中排名第十一: the rank is of X
            back = prev.about_from
        d.indicator, d.about_from = _share_head(back.indicator, label) or back.indicator, back
        d.begin = _clause_start(text, d)
    elif rules.is_relative(fold_aligned(label)) and prev is not None:
        if fold_aligned(label) not in gw.words().growth_nouns:
            # 增速高於全市3.1個百分點,占全區地區生產總值比重為7.9%: a share's base is a
            # statistic, not the change of a rate named after it
            prev = next((x for x in reversed(earlier) if x.kind != "growth"), prev)
        relative = _without_base_area(label)
        if fold_aligned(prev.indicator).endswith(fold_aligned(relative)):
            # 用戶占比為54.3%,占比較上年末提高: the same share again, not a share of a share
            d.indicator, d.about_from = prev.indicator, prev
        else:
            d.indicator = values_share.people_counted(prev.indicator) + relative
            d.about_from = prev  # the share is of the statistic before it
    elif fold_aligned(label) in rules.flow_words and prev is not None and prev.kind == "quantity":
        # 上雲企業累計超過3萬家，其中去年新增6200餘家: the new ones of the statistic before
        d.indicator = label + (values_predicate.without_flow_word(prev.indicator) or prev.indicator)
    elif rules.is_subset(fold_aligned(label)) and prev is not None and _after_subset(folded, d):
        d.indicator = label + prev.indicator  # 其中國家級3個: the national ones of the previous
    return [d]


def _named_by(label: str, earlier: list[_Draft]) -> _Draft | None:
    """The nearest earlier figure whose statistic ends in the dimension ``label`` points back
    with (規模 -> 數字經濟規模, past the share 數字經濟規模佔…比重 stated between), else None."""
    word = fold_aligned(label)
    if not word:
        return None
    return next((x for x in reversed(earlier) if fold_aligned(x.indicator).endswith(word)), None)


def _share_head(indicator: str, label: str) -> str | None:
    """算力規模 of 算力規模佔全國的比重 when ``label`` (規模) names it: a dimension pointing
    back past a share means the share's own statistic (…佔全國的2.4%，規模位居西部第三)."""
    folded, word = fold_aligned(indicator), fold_aligned(label)
    at = folded.find(fold_aligned("占"))
    if not word or at <= 0:
        return None
    # a generic head, a size word (labels.yaml generic_heads: 規模 names a total too,
    # 數位經濟總量佔GDP比重38.6%，規模躍居世界第二); 這一比例 after a share is the share itself
    return indicator[:at] if word in indicators.label_rules().generic_heads else None


def _after_subset(ft: str, d: _Draft) -> bool:
    """True when the clause opens with a subset marker (其中)."""
    b, _ = _strip(ft, d.clause_begin, d.val.begin)
    return any(ft.startswith(w, b) for w in indicators.label_rules().subset_markers)


SHARE_VERB = fold_aligned("占")  # 占 / 佔: a share's base follows it


def _without_base_area(label: str) -> str:
    """占全省地區生產總值的比重 -> 占地區生產總值的比重: the base's own-area word (全省, 全市:
    no place id of its own) is the figure's area, in a share composed from the previous
    statistic and in a subject that states its share (農村網絡零售額佔全省網絡零售額比重 ->
    …佔網絡零售額比重).

    The share's label is composed anyway (the previous statistic + the share), so the area
    word after its first character (占) is left out; the area itself is read by period.py.
    """
    folded = fold_aligned(label)
    at = folded.find(SHARE_VERB)
    while at >= 0:  # 占 opening the relative label, or inside a subject (X占全省Y比重)
        m = period.area_pattern().match(folded, at + 1)
        if m and len(label) > m.end():
            if indicators.label_rules().is_bare_share(folded[m.end() :]):
                return label  # 占全国比重: no base noun, the area is the base (the nation's)
            if period.rules().area_ids.get(m.group("w")) is not None:
                return label  # 占全国软件业务收入的比重: a named, larger area is the base's
            return label[: at + 1] + label[m.end() :]
        at = folded.find(SHARE_VERB, at + 1)
    return label


def _points_back(ft: str, clauses: list[_Clause], ci: int) -> bool:
    """True when a value-less clause before ``ci`` only points back (同一指標, 這一指標:
    labels.yaml ``anaphora``): the figures after it measure the statistic named before."""
    anaphora = indicators.label_rules().anaphora
    for c in clauses[:ci]:
        if c.has_value:
            return False
        b, e = _clean_left(ft, c.begin, c.end)
        if e > b and ft[b:e] in anaphora:
            return True
    return False


def _statistic_named_before(ft: str, clauses: list[_Clause], ci: int) -> tuple[int, int] | None:
    """The statistic an earlier value-less clause of the sentence names, trimmed, or None.

    ``對全市38個區縣的數字化發展水平進行了評估,渝北區排名第2位``: the rank clause names only
    the ranked one (an area, trimmed), the statistic is named before it; ``5G基站總量上,
    重慶為10.2萬個``: a topic clause. Nearest clause first; the frames are labels.yaml's
    ``named_statistic``. A clause with a figure of its own is never a frame (its statistic is
    that figure's; a ranked population, 全市38個區縣的…, is not a figure).
    """
    rules = indicators.label_rules()
    for c in reversed(clauses[:ci]):
        b, e = _strip(ft, c.begin, c.end)
        span = rules.statistic_named(ft, b, e)
        if span is not None:
            nb, ne = _clean_left(ft, *span)
            if ne > nb:
                return nb, ne
    return None


def _assessment_named_in_paragraph(ft: str, sentence_b: int) -> tuple[int, int] | None:
    """The statistic an assessment frame of an earlier sentence of the paragraph names
    (``對全市38個區縣的數字化發展水平進行了綜合評價。…銅梁區在全市38個區縣中排名第7位``):
    a rank with no statistic in its own sentence is placed in that assessment. Only the
    ``对…的X进行了评价`` frame (the first of labels.yaml ``named_statistic``) reaches back so
    far; the nearest one wins."""
    rules = indicators.label_rules()
    line_b = ft.rfind("\n", 0, sentence_b) + 1
    found = None
    for m in re.finditer(r"[^。！？!?；;，,、\n]+", ft[line_b:sentence_b]):
        b, e = _strip(ft, line_b + m.start(), line_b + m.end())
        b = ft.find(_TOPIC, b, e)  # 《報告》對…: the frame starts at 對
        if b < 0:
            continue
        span = rules.statistic_named(ft, b, e)
        if span is not None:
            nb, ne = _clean_left(ft, *span)
            if ne > nb:
                found = (nb, ne)
    return found


_TOPIC = fold_aligned("對")


def _clause_start(text: str, d: _Draft) -> int:
    b, _ = _strip(text, d.clause_begin, d.val.begin)
    return b
