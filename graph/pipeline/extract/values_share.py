"""Shares and per-unit figures whose qualifier is written away from the number.

* ``软件业务收入约占全市规模以上工业营业收入的6.8%``: 约 qualifies the share (the marker
  stands before 占, not next to the number, so the number grammar read the value as exact
  and the label kept 约占). The marker goes from the label to the qualifier (the stated
  value stays the number as written: a marker away from the number is outside it, as the
  fixtures README says). A base that names the figure's own area is named as the share
  convention names it: the area goes and the share noun joins it (grammar.yaml
  ``frames.share_of_base.noun``): ``占全市…的6.8%`` -> ``…占规模以上工业营业收入的比重``,
  as h26 and h13 read, so ``X约占全市Y的N%`` and ``X占全市Y的比重约为N%`` are one
  statistic. A named area (全国) is the base's and stays. A base with no area takes the
  share noun too (``手机网民占网民总数的99.4%`` -> ``手机网民占网民总数的比重``), and so does
  a bare area the count's trailing words cut (``约占全国的2.4%`` -> ``…占全国的比重``):
  one name for every writing of a share (docs/decisions/0015).
* ``户均移动互联网接入流量已超每月每户18GB``: a per-unit phrase (labels.yaml
  ``per_unit_phrase``: 每月每户, 每户每月) between the marker and the number says what the
  unit is per; the label is the subject before the marker and 超 qualifies the value.
"""

from __future__ import annotations

from dataclasses import replace

from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import indicators, numbers
from graph.pipeline.extract.grammar import fold_aligned
from graph.pipeline.extract.metrics_clauses import SPACES, _clean_left, _Draft

_SHARE = fold_aligned("占")
_LINK = fold_aligned("的")
_RATIO = fold_aligned("占比")
#: share nouns a label may already end with (…的比重, …比例, …份额)
_NOUNS = tuple(fold_aligned(w) for w in ("比重", "比例", "份额", "占比"))


def _prefix_markers() -> list[tuple[str, str]]:
    """(folded prefix marker, qualifier id), longest first, the exact markers left out."""
    g = numbers.grammar()
    pairs = {(fold_aligned(m), q.id) for q in g.qualifiers if q.id != "exact" for m in q.prefix}
    return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))


def share_of_part(text: str, ft: str, d: _Draft) -> bool:
    """Read ``X约占全市Y的N%`` on the draft ``d`` (see the module docstring); True if it did."""
    if d.kind != "quantity" or d.val.unit != "%":
        return False
    label = d.indicator
    folded = fold_aligned(label)
    at = folded.find(_SHARE)
    if at < 2 or folded.startswith(_RATIO, at) or folded.endswith(_NOUNS):
        return False  # 占比为N%, …占…的比重为N%: the text names the share itself
    head, share = label[:at], label[at:]
    if at == len(folded) - 1:
        # 约占全国的2.4%: the bare area after 占 was trimmed as the count's area; it is the
        # share's base (labels.yaml bare_share), and comes back from the text
        area = _trimmed_area(text, ft, d.val.match_begin)
        if area is None:
            return False
        share = share + area
    marker = next((p for p in _prefix_markers() if folded.endswith(p[0], 0, at)), None)
    if marker is not None and d.val.qualifier == "exact":
        head = head[: len(head) - len(marker[0])]
        d.val = replace(d.val, qualifier=marker[1])
    d.indicator = head.rstrip(SPACES) + (
        _named_base(share) or share + "的" + gw.frames().share_noun
    )
    return True


def composed_share(text: str, ft: str, d: _Draft, prev: _Draft) -> bool:
    """A share in a clause of its own after its statistic (``网络购物用户规模达到X万人，占网民
    总数的74.5%`` / ``，约占全国的2.1%``): the previous figure's statistic and the share, named
    as every share is (…占网民总数的比重, …占全国的比重), a marker before 占 its qualifier. True
    if ``d`` was one (its label only the share: [marker]占…)."""
    if d.kind != "quantity" or d.val.unit != "%" or prev.kind != "quantity":
        return False
    label = d.indicator
    folded = fold_aligned(label)
    marker = next((p for p in _prefix_markers() if folded.startswith(p[0])), None)
    lead = len(marker[0]) if marker is not None else 0
    if not folded.startswith(_SHARE, lead) or folded.startswith(_RATIO, lead):
        return False
    share = label[lead:]
    if folded.endswith(_NOUNS):
        return False  # 占…的比重为N%: the relative rules compose it as written
    if len(share) == len(_SHARE):
        area = _trimmed_area(text, ft, d.val.match_begin)
        if area is None:
            return False
        share += area
    if marker is not None and d.val.qualifier == "exact":
        d.val = replace(d.val, qualifier=marker[1])
    d.indicator = people_counted(prev.indicator) + (
        _named_base(share) or share + "的" + gw.frames().share_noun
    )
    d.about_from = prev
    return True


def people_counted(indicator: str) -> str:
    """网络购物用户 of 网络购物用户规模 when a share is composed from it: the 规模 of a people
    noun (labels.yaml ``people_nouns``: 用户, 网民) is their number, and the share is of the
    people (网络购物用户占网民总数的比重, 农村网民占比), as the blind golds h37_06 and h37_16
    read; an economy's 规模 (数字经济规模占…) is the statistic itself and stays."""
    folded = fold_aligned(indicator)
    people = indicators.label_rules().people_nouns
    if folded.endswith(_SIZE) and folded.endswith(people, 0, len(folded) - len(_SIZE)):
        return indicator[: -len(_SIZE)]
    return indicator


_SIZE = fold_aligned("规模")


def _trimmed_area(text: str, ft: str, value_begin: int) -> str | None:
    """The area word right before ``的`` and the value, with 占 before it (占全国的2.4%), as
    ``text`` writes it (``ft`` is its aligned folded copy)."""
    from graph.pipeline.extract import period  # late: period imports the label rules

    before = ft[:value_begin].rstrip(SPACES)
    if before.endswith(_LINK):
        before = before[: -len(_LINK)]
    for m in period.area_pattern().finditer(before, max(0, len(before) - 12)):
        if m.end() == len(before) and before.endswith(_SHARE, 0, m.start()):
            return text[m.start() : m.end()]
    return None


def _named_base(share: str) -> str | None:
    """``占全市规模以上工业营业收入`` -> ``占规模以上工业营业收入的比重``; None when no area
    follows 占 or the share has no base noun (占全国比重 keeps its area: bare_share).

    Only the figure's own area goes (全市, 全省: area words with no place of their own in
    periods.yaml); a named one is the base's (占全国软件业务收入的6.8% -> 占全国软件业务收入的
    比重: a share of the nation's total, not of the figure's own).
    """
    from graph.pipeline.extract import period  # late: period imports the label rules

    folded = fold_aligned(share)
    m = period.area_pattern().match(folded, len(_SHARE))
    if not m or len(share) - m.end() < 2:
        return None
    if indicators.label_rules().is_bare_share(folded[m.end() :]):
        return None
    own = period.rules().area_ids.get(m.group("w")) is None
    base = share[m.end() :] if own else share[len(_SHARE) :]
    return share[: len(_SHARE)] + base + "的" + gw.frames().share_noun


def per_unit_qualifier(text: str, ft: str, d: _Draft) -> bool:
    """Read ``X已超每月每户18GB`` on the draft ``d``: the marker before a per-unit phrase
    qualifies the value and the label is the subject before the marker. True if it did."""
    if d.val.qualifier != "exact":
        return False
    b = d.clause_begin
    e = d.val.match_begin
    while e > b and ft[e - 1] in SPACES:
        e -= 1
    rule = indicators.label_rules().per_unit_phrase
    per = rule.suffix(ft, b, e) if rule is not None else None
    if per is None:
        return False
    marker = next((p for p in _prefix_markers() if ft.endswith(p[0], b, per[0])), None)
    if marker is None:
        return False
    lb, le = _clean_left(ft, b, per[0] - len(marker[0]))
    if le - lb < 2:
        return False
    d.val = replace(d.val, qualifier=marker[1])
    d.indicator = text[lb:le]
    d.begin = lb
    d.about_end = le
    return True
