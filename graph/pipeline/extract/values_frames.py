"""Frames read over a sentence's finished figures, where a figure's reading depends on the
figures stated before it in its sentence (run by :func:`values_parallel.apply` first).

* A rank change (``排名较上年上升2位``, ``位次较上年前移2位``): a growth in 位 (grammar.yaml
  ``frames.rank_change``) of the rank stated before it in the sentence, +N when the rank
  improves (上升/前移: the rank number falls), -N when it worsens (下降/后移). Its indicator
  is the rank's own (位次 and 排名 name the position, not another statistic), and it grows no
  figure: a growth's base is a quantity, and the rank it changes is the sentence's rank row
  (the fixtures README's rank-change convention, settled by the lead after round 10).
* A ratio to another area's level (``是全国平均水平的1.3倍``): a growth in 倍 of the
  sentence's statistic that grows no figure of the text (the level compared is not stated).
* A pointing-back rank (``这一指数的排名由2022年的第11位升至…``): the statistic named before
  in the paragraph whose name holds the pointed word (指数), cut after that word.
* A compared place's figure (``高于四川的28.6个和陕西的31.4个``) and a figure whose subject
  is only a place (``陕西约1.3万亿元``): the sentence's statistic, the nearest quantity before
  it in the same unit.
"""

from __future__ import annotations

import re
from dataclasses import replace

from graph.curation.periods import rules as area_rules
from graph.model import Observation
from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract.metrics_clauses import SPACES
from graph.text import fold

SENTENCE_END = "。！？!?\n"
CLAUSE_END = SENTENCE_END + ",，;；:："
# 这一指数 / 该指数 / 此项指标: a pointing-back determiner and the word it points with
# (该/此 only opening the label; 这一 may follow the place it is of: 该省这一指数)
_POINTER = re.compile(
    r"(?:^(?:该项|该|此项|此)|这一|这个|这项)(?P<x>[\u4e00-\u9fff]{1,3}?)(?:的|排名|位次)"
)


def apply(text: str, ft: str, obs: list[Observation]) -> list[Observation]:
    """Read the frames of the module docstring; same order and length as ``obs``."""
    out = list(obs)
    order = sorted(range(len(out)), key=lambda i: out[i].value_begin)
    for pos, i in enumerate(order):
        earlier = [out[j] for j in order[:pos]]
        o = out[i]
        if o.kind == "rank":
            out[i] = _pointed(o, earlier, ft)
            continue
        changed = _rank_change(text, ft, o, earlier)
        if changed is not None:
            grown, o = changed
            at = next((k for k, x in enumerate(out) if x is grown), None)
            out[i] = replace(o, growth_of=at)
            continue
        o = _compared(ft, _ratio(ft, o, earlier), earlier)
        out[i] = _share_of_base(text, ft, _place_topic(ft, o, earlier))
    return [_own_place_growth(text, ft, o, out) for o in out]


def _own_place_growth(text: str, ft: str, o: Observation, out: list[Observation]) -> Observation:
    """四川X超过2.1万亿元，贵州增速达到13.2%: a growth whose statement names a place other
    than its grown figure's grows no figure of the text (Guizhou's rate is not Sichuan's)."""
    from graph.pipeline.extract.period import figure_area  # late: period reads this module

    if o.kind != "growth" or o.growth_of is None or not 0 <= o.growth_of < len(out):
        return o
    own = figure_area(text, o, ft)
    if not own or own == figure_area(text, out[o.growth_of], ft):
        return o
    return replace(o, growth_of=None)


def share_base_at(ft: str, value_begin: int) -> re.Match[str] | None:
    """``相当于四川的`` right before a value (its place in group ``a``), else None."""
    verbs = "|".join(re.escape(w) for w in gw.frames().share_verbs)
    head = ft[max(0, value_begin - 16) : value_begin]
    return re.search(rf"(?:{verbs})(?P<a>{area_rules().area.pattern})的\s*$", head)


def _share_of_base(text: str, ft: str, o: Observation) -> Observation:
    """重庆X相当于四川的六成左右: a share of Sichuan's X, a quantity of Chongqing whose
    indicator keeps its base and takes the share noun (X相当于四川的比重)."""
    m = share_base_at(ft, o.value_begin) if o.kind == "quantity" and o.unit == "%" else None
    label = fold(o.indicator)
    if m is None or not label.endswith(fold(m.group("a"))):
        return o
    if any(label.startswith(v) for v in gw.frames().share_verbs):
        return o  # no statistic before the verb: nothing to name the share of
    de = max(0, o.value_begin - 16) + m.end("a")  # the 的 after the base place
    return replace(o, indicator=o.indicator + text[de] + gw.frames().share_noun)


def _place_topic(ft: str, o: Observation, earlier: list[Observation]) -> Observation:
    """贵州体量较小，但增速达到13.2%: a growth with no subject of its own after a clause that
    names a place and states no figure is that place's growth of the sentence's statistic;
    it grows no figure of the text (the figure before it is another place's)."""
    if o.kind != "growth":
        return o
    same = _same_sentence(ft, o, earlier)
    base = [x for x in same if x.kind == "quantity" and x.indicator]
    if not base or (o.indicator and fold(o.indicator) != fold(base[-1].indicator)):
        return o
    clause_b = max(ft.rfind(ch, 0, o.value_begin) for ch in CLAUSE_END) + 1
    prev_b = max(ft.rfind(ch, 0, clause_b - 1) for ch in CLAUSE_END) + 1
    if clause_b <= 0 or prev_b < _sentence_start(ft, o.value_begin):
        return o
    if any(prev_b <= x.value_begin < clause_b for x in same):
        return o  # the clause before states a figure: no topic of its own
    r = area_rules()
    m = r.area.match(
        ft, prev_b + len(ft[prev_b:clause_b]) - len(ft[prev_b:clause_b].lstrip(SPACES))
    )
    area = r.area_ids.get(m.group("w")) if m is not None else None
    if not area:
        return o
    return replace(o, indicator=base[-1].indicator, area=str(area), growth_of=None)


def _sentence_start(ft: str, at: int) -> int:
    return max(ft.rfind(ch, 0, at) for ch in SENTENCE_END) + 1


def _same_sentence(ft: str, o: Observation, earlier: list[Observation]) -> list[Observation]:
    b = _sentence_start(ft, o.value_begin)
    return [x for x in earlier if x.value_begin >= b]


def _rank_change(
    text: str, ft: str, o: Observation, earlier: list[Observation]
) -> tuple[Observation | None, Observation] | None:
    """(None: it grows no figure, the change as a growth in 位) or None if ``o`` is none.

    The change is ``N位`` (排名上升2位) or ``N个位次`` (提升3个位次: the count of positions,
    read in the same 位); its clause names a rank noun (排名, 位次) or follows the rank
    itself (居全国第8位，较上年前进3位).
    """
    f = gw.frames()
    if o.value is None:
        return None
    counted = next((n for n in f.rank_nouns if ft.startswith(n, o.value_end)), "")
    if not o.unit and ft.startswith(f.rank_change_unit, o.value_end):
        tail = len(f.rank_change_unit)
    elif counted and f.rank_change_counted and fold(o.unit) == f.rank_change_counted:
        tail = len(counted)
    else:
        return None
    clause_b = max(ft.rfind(ch, 0, o.value_begin) for ch in CLAUSE_END) + 1
    head = ft[clause_b : o.value_begin].rstrip(SPACES)
    up = next((w for w in f.rank_up if head.endswith(w)), "")
    down = next((w for w in f.rank_down if head.endswith(w)), "")
    noun = next((n for n in f.rank_nouns if n in head), "")
    same = _same_sentence(ft, o, earlier)
    ranks = [x for x in same if x.kind == "rank"]
    if not (up or down) or not ranks or not (noun or counted or same[-1].kind == "rank"):
        return None
    rank = ranks[-1]
    label = rank.indicator  # 位次较上年前移2位: the rank's statistic, 位次 is its position
    value = abs(o.value) if up and len(up) >= len(down) else -abs(o.value)
    end = o.value_end + tail
    change = replace(
        o,
        kind="growth",
        indicator=label,
        unit=text[o.value_end : end] if not counted else f.rank_change_unit,
        value=value,
        stated_value=o.stated_value + text[o.value_end : end],
        value_end=end,
        end=max(o.end, end),
        area=o.area or rank.area,
    )
    return None, change


def _ratio(ft: str, o: Observation, earlier: list[Observation]) -> Observation:
    """是全国平均水平的1.3倍: a growth in 倍 of the sentence's statistic, growing no figure."""
    multiple = gw.words().doubling_unit
    if o.kind != "quantity" or fold(o.unit) != multiple:
        return o
    r = area_rules()
    label = fold(o.indicator)
    m = re.fullmatch(rf"[是为](?P<a>{r.area.pattern})(?:平均水平|水平|平均)?的?", label)
    base = [x for x in _same_sentence(ft, o, earlier) if x.kind == "quantity"]
    if m is None or not base:
        return o
    return replace(o, kind="growth", indicator=base[-1].indicator, growth_of=None)


def _compared(ft: str, o: Observation, earlier: list[Observation]) -> Observation:
    """高于四川的28.6个和陕西的31.4个 / 陕西约1.3万亿元: the sentence's statistic."""
    if o.kind != "quantity":
        return o
    r = area_rules()
    label = fold(o.indicator)
    joiners = "|".join(re.escape(w) for w in gw.frames().parallel_joiners)
    place = rf"(?:{joiners})?(?:{r.area.pattern})的?"
    pointer = "|".join(re.escape(w) for w in gw.frames().pointers)
    if label and not re.fullmatch(rf"(?:{pointer})?(?:{place})?", label):
        return o
    before = ft[max(0, o.value_begin - 12) : o.value_begin]
    placed = re.search(rf"(?:{r.area.pattern})的?\s*$", before)
    if placed is None and label:
        return o
    if placed is None and not _place_subject(ft, o):
        return o
    base = [
        x
        for x in _same_sentence(ft, o, earlier)
        if x.kind == "quantity" and fold(x.unit) == fold(o.unit) and x.indicator
    ]
    if not base:
        return o
    return replace(o, indicator=base[-1].indicator)


def _place_subject(ft: str, o: Observation) -> bool:
    """陕西约1.3万亿元: the clause before the value is one area word and nothing else."""
    r = area_rules()
    clause_b = max(ft.rfind(ch, 0, o.value_begin) for ch in CLAUSE_END) + 1
    head = ft[clause_b : o.begin if o.begin < o.value_begin else o.value_begin].strip(SPACES)
    return bool(head) and r.area.fullmatch(head) is not None


def _pointed(o: Observation, earlier: list[Observation], ft: str) -> Observation:
    """这一指数的排名…第9位: the paragraph's statistic named with 指数, cut after it."""
    m = _POINTER.search(fold(o.indicator))
    if m is None:
        return o
    word = m.group("x")
    line_b = ft.rfind("\n", 0, o.value_begin) + 1
    for x in reversed(earlier):
        if x.value_begin < line_b:
            break
        k = fold(x.indicator).rfind(word)
        if k > 0 and not _POINTER.search(fold(x.indicator)):
            return replace(o, indicator=x.indicator[: k + len(word)])
    return o
