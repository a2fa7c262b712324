"""分别 parallels: ``A和B分别达到X、Y`` gives the n-th value the n-th item's indicator.

The most common structure of real coverage: ``A和B分别达到X、Y`` / ``A、B及C分别为X、Y和Z`` /
``同比分别增长3.4%和9.7%`` (a growth list after a parallel grows its figures in order) /
``四川、陕西分别居第7位和第14位`` (items that are places give each value its area, and the
values measure the sentence's statistic). :mod:`metrics` reads figures clause by clause, so an
item list cut by its 、 or a growth list with no items of its own lost the pairing; this pass
runs over the finished observations of :func:`metrics.run_with_accounting` and pairs them
again, sentence-wide. The respectively words are labels.yaml ``respectively``; items are
joined by 、/和/及/与 (grammar.yaml ``frames.parallel_joiners``), values by the same words.

When the number of items and values differ the observations stay as read and an INFO
finding ``respectively-mismatch`` names the statement (a reader must pair them by hand).
"""

from __future__ import annotations

import re
from dataclasses import replace

from graph.curation.periods import rules as area_rules
from graph.model import Finding, Level, Observation
from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import (
    indicators,
    values_compare,
    values_frames,
    values_predicate,
    values_sequence,
)
from graph.pipeline.extract.metrics_clauses import SPACES, _clean_left, _strip

STAGE = "extract.metrics"
# the full sentence: a parallel's ；-half (同期四川、陕西分别居…) goes on in its sentence
SENTENCE_END = "。！？!?\n"
CLAUSE_END = SENTENCE_END + ",，;；:："


def _joiners() -> tuple[str, ...]:
    """Words joining the items and the values of a parallel, longest first (以及 before 及)."""
    return tuple(sorted(gw.frames().parallel_joiners, key=lambda w: (-len(w), w)))


def _joined_by(ft: str, b: int, e: int) -> bool:
    """Whether only one joiner (and spaces) stands in ``ft[b:e]``."""
    return ft[b:e].strip(SPACES) in _joiners()


def _sentence(ft: str, at: int) -> tuple[int, int]:
    b = max(ft.rfind(ch, 0, at) for ch in SENTENCE_END) + 1
    ends = [i for i in (ft.find(ch, at) for ch in SENTENCE_END) if i >= 0]
    return b, min(ends) if ends else len(ft)


def _split(ft: str, b: int, e: int, n: int) -> list[tuple[int, int]] | None:
    """The items of ``ft[b:e]``, ``n`` of them, or None.

    Tried in turn: every joiner splits; only 、 splits and the last piece splits at its last
    joiner (软件和信息服务业收入和电信业务收入: a 和 inside a name stays); only 、 splits.
    """
    cuts = _cuts(ft, b, e)
    spans: list[list[tuple[int, int]]] = []
    spans.append(_pieces(b, e, cuts))
    comma = [(i, i + 1) for i in range(b, e) if ft[i] == "、"]
    last_b = comma[-1][1] if comma else b
    inner = [c for c in cuts if c[0] >= last_b and ft[c[0] : c[1]] != "、"]
    spans.append(_pieces(b, e, comma + inner[-1:]))
    spans.append(_pieces(b, e, comma))
    for pieces in spans:
        cleaned = [_clean_left(ft, pb, pe) for pb, pe in pieces]
        if cleaned:
            cleaned[-1] = _without_count(ft, *cleaned[-1], n)
        if len(cleaned) == n and all(pe - pb >= 2 for pb, pe in cleaned):
            return cleaned  # (a one-character item is a word's end: 普及率 is no 普 and 率)
    return None


def _shared_head(text: str, ft: str, items: list[tuple[int, int]]) -> list[str]:
    """The items' labels; bare modifiers share the last item's head noun (城鎮和農村網民 ->
    城鎮網民, 農村網民): every item but the last is a labels.yaml ``head_modifiers`` word,
    and the last one starts with one and goes on with at least two characters."""
    labels = [text[b:e] for b, e in items]
    mods = indicators.label_rules().head_modifiers
    lb, le = items[-1]
    first = next((m for m in mods if ft.startswith(m, lb)), "")
    if not first or le - lb - len(first) < 2:
        return labels
    if not all(ft[b:e] in mods for b, e in items[:-1]):
        return labels
    head = text[lb + len(first) : le]
    return [x + head for x in labels[:-1]] + labels[-1:]


def _without_count(ft: str, b: int, e: int, n: int) -> tuple[int, int]:
    """普及率、满意度两项指标: the last item without the count of the items (grammar.yaml
    ``shared.items`` after the numeral of ``n``), which names no statistic of its own."""
    w = gw.words()
    for word in w.items:
        for k in range(e - len(word) - 1, max(b, e - len(word) - 3) - 1, -1):
            if ft.endswith(word, b, e) and gw.parse_cn_int(ft[k : e - len(word)], w) == n:
                return _strip(ft, b, k)
    return b, e


def _cuts(ft: str, b: int, e: int) -> list[tuple[int, int]]:
    """The joiners of ``ft[b:e]`` that join: not inside a joiner word (普及, 参与)."""
    every = re.compile("|".join(re.escape(w) for w in _joiners()))
    inside = [
        (m.start(), m.end())
        for w in gw.frames().joiner_words
        for m in re.finditer(re.escape(w), ft[b:e])
    ]
    return [
        (m.start(), m.end())
        for m in every.finditer(ft, b, e)
        if not any(wb <= m.start() - b < we for wb, we in inside)
    ]


def _pieces(b: int, e: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, start = [], b
    for cb, ce in sorted(cuts):
        out.append((start, cb))
        start = ce
    out.append((start, e))
    return out


def _places(ft: str, b: int, e: int, n: int) -> tuple[list[str], tuple[int, int] | None] | None:
    """The area ids of ``ft[b:e]`` when every item is an area word (四川、陕西), and the
    statistic the last one carries (北京、上海的普及率: 普及率; None when it carries none),
    else None.

    The first item may carry leading context (同期四川): what stands before its area word
    must clean away as a label's leading context does.
    """
    r = area_rules()
    pieces = _pieces(b, e, _cuts(ft, b, e))
    if len(pieces) != n:
        return None
    ids: list[str] = []
    statistic = None
    for k, (pb, pe) in enumerate(pieces):
        pb, pe = _strip(ft, pb, pe)
        hits = list(r.area.finditer(ft, pb, pe))
        hit = hits[-1] if hits else None
        if k == n - 1 and hits and hit is not None and hit.end() != pe:
            hit = hits[0]  # 广东的普及率: the place, then the statistic of every item
            rest = _clean_left(ft, hit.end(), pe)
            if rest[1] - rest[0] < 2:
                return None
            statistic = rest
        if hit is None or (statistic is None and hit.end() != pe):
            return None
        if not r.area_ids.get(hit.group("w")):
            return None
        before = _clean_left(ft, pb, hit.start())
        if hit.start() > pb and (k > 0 or before[1] > before[0]):
            return None
        ids.append(str(r.area_ids[hit.group("w")]))
    return ids, statistic


def _values_after(ft: str, at: int, obs: list[Observation], order: list[int]) -> list[int]:
    """The observations listed right after the respectively word at ``at``: the first within
    its clause after a verb, each next one after a joiner, all of one kind."""
    out: list[int] = []
    for i in order:
        o = obs[i]
        if o.value_begin < at:
            continue
        if not out:
            gap = ft[at : o.value_begin]
            if any(ch in CLAUSE_END or ch == "、" for ch in gap) or len(gap) > 16:
                return []
        elif not _joined_by(ft, obs[out[-1]].value_end, o.value_begin) or not _same_kind(
            obs[out[0]], o
        ):
            break
        out.append(i)
    return out


def _same_kind(first: Observation, o: Observation) -> bool:
    """One kind, or a bare value of the first growth's unit (分别增长12%、8%: the 8% after the
    、 opened a clause of its own and was read as a quantity)."""
    return o.kind == first.kind or (
        first.kind == "growth" and o.kind == "quantity" and o.unit == first.unit
    )


def _as_growth(first: Observation, o: Observation) -> Observation:
    """A follower of a growth list as a growth, signed as the first (分别下降3%和5%: -5; only
    a joiner stands between them, so no direction word of its own)."""
    if o.value is None:
        return o
    value = -o.value if first.value is not None and first.value < 0 < o.value else o.value
    return replace(o, kind="growth", value=value)


def apply(text: str, ft: str, obs: list[Observation]) -> tuple[list[Observation], list[Finding]]:
    """Pair every 分别 parallel of the text (see the module docstring); same order and length.

    The frames of :mod:`values_frames` are read first (a pointing-back rank names the
    statistic a place list after it measures)."""
    out = values_compare.compared_areas(ft, values_frames.apply(text, ft, list(obs)))
    findings: list[Finding] = []
    order = sorted(range(len(obs)), key=lambda i: obs[i].value_begin)
    words = indicators.label_rules().respectively
    if not words:
        return out, findings
    found = sorted((m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), ft))
    paired: list[tuple[int, list[int]]] = []  # (sentence start, items' quantities in order)
    for at, we in found:
        vals = _values_after(ft, we, out, order)
        if len(vals) < 2:
            continue
        sent_b, _ = _sentence(ft, at)
        clause_b = max(sent_b, max(ft.rfind(ch, 0, at) for ch in CLAUSE_END) + 1)
        n = len(vals)
        kind = out[vals[0]].kind
        for i in vals[1:]:
            out[i] = _as_growth(out[vals[0]], out[i]) if kind == "growth" else out[i]
        places = _places(ft, *_strip(ft, clause_b, at), n)
        if places is not None:
            stat = places[1]
            _give_places(out, vals, places[0], sent_b, text[stat[0] : stat[1]] if stat else "")
            continue
        lb, le = _clean_left(ft, clause_b, at)
        if le <= lb and kind == "quantity":  # 网民规模和普及率持续增长,分别达到X和Y
            lb, le = values_predicate.subject_before(ft, clause_b) or (lb, le)
        items = _split(ft, lb, le, n) if le > lb else None
        if items is not None:
            labels = _shared_head(text, ft, items)
            for k, i in enumerate(vals):
                label = labels[k]
                grown = None
                if kind == "growth":
                    grown = _last_figure(out, order, sent_b, out[i].value_begin, label)
                out[i] = replace(out[i], indicator=label, growth_of=grown)
            if kind == "quantity":
                paired.append((sent_b, vals))
            continue
        ranked = values_sequence.ranked_places(out, sent_b, at, n) if le <= lb else None
        if kind == "quantity" and ranked is not None:
            for k, i in enumerate(vals):  # 依次是A、B和C,分別達到X、Y和Z: each place's figure
                r = out[ranked[k]]
                out[i] = replace(out[i], indicator=r.indicator, area=r.area)
            continue
        base = next((v for s, v in reversed(paired) if s == sent_b), None)
        if kind == "growth" and le <= lb and base is not None and len(base) == n:
            for k, i in enumerate(vals):  # 同比分别增长3.4%和9.7%: grows the items in order
                q = out[base[k]]
                out[i] = replace(out[i], indicator=q.indicator, growth_of=base[k])
            continue
        share = _share_of_items(out[vals[0]].indicator, words)
        if kind == "quantity" and share and base is not None and len(base) == n:
            for k, i in enumerate(vals):  # 分别占网民总数的77%和23%: each item's share
                out[i] = replace(out[i], indicator=out[base[k]].indicator + share)
            continue
        findings.append(
            Finding(
                Level.INFO,
                STAGE,
                "respectively-mismatch",
                f"{text[clause_b : out[vals[-1]].value_end]!r}: {n} values after"
                f" {text[at:we]!r} and no list of {n} items to pair them with; read as written",
                "",
                clause_b,
                out[vals[-1]].value_end,
            )
        )
    return out, findings


def _last_figure(
    obs: list[Observation], order: list[int], sent_b: int, before: int, label: str
) -> int | None:
    """The last quantity of the sentence before ``before`` measuring ``label`` (None if none)."""
    from graph.text import fold

    hits = [
        i
        for i in order
        if sent_b <= obs[i].value_begin < before
        and obs[i].kind == "quantity"
        and fold(obs[i].indicator) == fold(label)
    ]
    return hits[-1] if hits else None


def _give_places(
    obs: list[Observation], vals: list[int], places: list[str], sent_b: int, label: str
) -> None:
    """四川、陕西分别居第7位和第14位: each value is its place's; the statistic (unless the list
    names it: 北京、上海的普及率), scope and ranked population are those of the sentence's
    figure of the same kind before the list."""
    first = obs[vals[0]]
    earlier = [
        o for o in obs if sent_b <= o.value_begin < first.value_begin and o.kind == first.kind
    ]
    prev = max(earlier, key=lambda o: o.value_begin) if earlier else None
    for k, i in enumerate(vals):
        o = replace(obs[i], area=places[k])
        if label:
            o = replace(o, indicator=label)
        elif prev is not None:
            o = replace(
                o,
                indicator=prev.indicator,
                rank_scope=o.rank_scope or prev.rank_scope,
                rank_of=o.rank_of if o.rank_of is not None else prev.rank_of,
            )
        obs[i] = o


def _share_of_items(label: str, words: tuple[str, ...]) -> str:
    """分别占网民总数: the share a no-item list states of a parallel's items (占网民总数,
    labels.yaml ``relative``), cut from the label in its script, or ""."""
    f = gw.fold_aligned(label)
    word = next((w for w in words if f.startswith(w)), "")
    rest = label[len(word) :] if word else ""
    return rest if rest and indicators.label_rules().is_relative(gw.fold_aligned(rest)) else ""
