"""Drafts of the figures of one sentence, for :mod:`graph.pipeline.extract.metrics`.

A sentence's clauses are read value by value: each value's subject (left of it) and counted
noun (right of it) are trimmed to a label, its kind settled (a growth word, a rate gap, a
table's growth column, a multiple of an earlier figure), and the draft is resolved against the
sentence's earlier drafts (:mod:`metrics_shared`). Apart from :mod:`metrics` so the module that
runs the stage stays small; the rules themselves are described in the :mod:`metrics` docstring.
"""

from __future__ import annotations

import re
from dataclasses import replace

from graph.model import Finding
from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import indicators, numbers, values
from graph.pipeline.extract.grammar import fold_aligned
from graph.pipeline.extract.metrics_clauses import (
    CONJUNCTIONS,
    SPACES,
    TABLE_CELL,
    _clauses,
    _clean_left,
    _clean_right,
    _Draft,
    _label,
    _respectively,
    _row_header,
    _shared_head,
    _strip,
    _value_first,
)
from graph.pipeline.extract.metrics_shared import _resolve, _without_base_area


def unit_drafts(
    text: str,
    ub: int,
    ue: int,
    g: numbers.Grammar,
    excluded: dict[int, str],
    findings: list[Finding],
    folded: str,
    carried: _Draft | None = None,
) -> list[_Draft]:
    """The drafts of the figures in the sentence ``text[ub:ue]``, in text order."""
    clauses = _clauses(text, ub, ue)
    out: list[_Draft] = []
    pats = values.patterns()
    pops = values.populations(folded, ub, ue, excluded)
    respective: list[tuple[int, int]] = []  # A和B分別達到 x、y: the names still to assign
    for ci, clause in enumerate(clauses):
        vals = values.values_in(text, folded, clause.begin, clause.end, g, excluded, pops)
        # a clause that states a ranked population (在全國31個省中,) names no indicator
        clause.has_value = bool(vals) or any(clause.begin <= x.begin < clause.end for x in pops)
        prev_left: tuple[int, int] | None = None
        prev_right_end = clause.begin
        for k, v in enumerate(vals):
            right_limit = vals[k + 1].match_begin if k + 1 < len(vals) else clause.end
            lb, le = prev_right_end, min(v.match_begin, v.begin)
            between = folded[lb:le].strip(SPACES)
            if k > 0 and between in CONJUNCTIONS and prev_left is not None:
                lb, le = prev_left
            rb, re_ = max(v.end, v.tail_end), right_limit
            if text[lb:le].rstrip(SPACES).endswith("“") and text[rb:re_].startswith("”"):
                le = text.rfind("“", lb, le)
                rb += 1
            duration = None
            row_growth_of: _Draft | None = None
            gap: tuple[int, bool] | None = None
            dm: re.Match[str] | None = None
            kind = v.kind
            if v.kind in ("rank", "tier"):
                # the rank verb, scope and ranked population are in v.match_begin already
                dm = pats.duration_tail.search(folded[lb:le].rstrip(SPACES))
                if dm:
                    duration = int(dm.group("n"))
                    le = lb + dm.start()
            left = _clean_left(folded, lb, le)
            names = _respectively(folded, left)
            if names:
                left, respective = names[0], names[1:]
            elif left[1] <= left[0] and respective and ci > 0 and clause.sep_before == "、":
                left, respective = respective[0], respective[1:]
            frame = (
                values.multiple_frame_at(folded, *_strip(folded, lb, le))
                if v.kind == "quantity"
                else None
            )
            if frame is not None and frame == _strip(folded, lb, le)[0]:
                kind, left = "growth", (left[0], left[0])  # 是2021年底的3倍
            elif frame is not None:  # 智能算力规模是上年的2.4倍: the statistic before 是
                kind, left = "growth", _clean_left(folded, lb, frame)
            elif v.kind == "quantity":
                rate_change = fold_aligned(v.unit) in indicators.label_rules().rate_change_units
                # a range of rates keeps its noun when it is a spread over several units
                # (增速介于8%至19%之间: grammar.yaml range_frame_open / range_frame_close); a
                # forecast range (增幅可达15%至20%) is one growth
                spread = v.value_max is not None and _range_framed(folded, lb, le, v.end)
                grown = values.growth_word(
                    folded, left[0], left[1], keep_nouns=spread or rate_change
                )
                if grown is None:  # 增速高於全國2.3個百分點, 普及率高於全市2.4個百分點
                    gap = values.rate_gap(folded, *_strip(folded, lb, le), points=rate_change)
                    grown = gap
                column = (
                    values.column_growth(folded, v.begin)
                    if grown is None and clause.sep_before == TABLE_CELL
                    else None
                )
                if column is not None:  # 項目｜數值｜按年增長: a cell of the growth column
                    kind = "growth"
                    if column and v.value is not None:
                        v = replace(v, value=-v.value)
                elif grown is not None:
                    kind = "growth"
                    left = _clean_left(folded, left[0], grown[0])
                    down = grown[1] or values.declines(folded, *_strip(folded, lb, le))
                    if down and v.value is not None:  # 下降5%: a growth of -5
                        v = replace(
                            v,
                            value=-v.value,
                            value_max=-v.value_max if v.value_max is not None else None,
                        )
            if (
                kind == "quantity"
                and left[1] <= left[0]
                and clause.sep_before == "、"
                and out
                and out[-1].kind == "growth"
                and out[-1].val.unit == v.unit
            ):
                kind = "growth"  # 分別增長8%、9%: a 、-list of growths stays growths
            right = _clean_right(folded, rb, re_, g)
            first = _value_first(folded, v, rb, re_, g) if left[1] <= left[0] else None
            if first is not None:  # 8.2万个——累计建成5G基站: the statistic after the mark
                right, v = first
            label = _without_base_area(_label(text, folded, left, right, re_))
            head = _shared_head(folded, clauses, ci, right)
            if head is not None:  # 2個千億元級、6個百億元級數字產業集群: the shared head
                label += text[head[0] : head[1]]
            if not label.strip(SPACES) and clause.sep_before == TABLE_CELL:
                row = _row_header(folded, clauses, ci)
                if row is not None:
                    left, label = row, text[row[0] : row[1]]
                    grows = next((x for x in reversed(out) if x.kind == "quantity"), None)
                    if kind == "growth" and grows is not None and grows.indicator == label:
                        row_growth_of = grows  # 9.6｜45.5%: the row's value cell grows
            d = _Draft(
                indicator=label,
                val=v,
                kind=kind,
                begin=left[0] if left[1] > left[0] else v.begin,
                end=max(v.end, right[1]),
                right_end=right[1],
                clause_begin=clause.begin,
                duration=duration,
                about_end=le if v.kind in ("rank", "tier") else v.match_begin,
            )
            if row_growth_of is not None:
                d.growth_of, row_growth_of = row_growth_of, None
            if dm is not None:
                db = lb + dm.start("n")
                d.extra_digits.append((db, db + len(dm.group("n"))))
            prev_left = (lb, le)
            prev_right_end = right[1] if right[1] > right[0] else v.end
            resolved = _resolve(text, d, out, clauses, ci, findings, folded, carried)
            if gap is not None:  # a gap compares two places: it grows no figure of the text
                for x in resolved:
                    x.growth_of = None
            out.extend(resolved)
    return out


def _range_framed(folded: str, lb: int, le: int, value_end: int) -> bool:
    """A range's frame around the value ending at ``value_end``: an opener (介於) in the
    subject ``folded[lb:le]`` or a closer (之間) right after the value (grammar.yaml
    ``range_frame_open`` / ``range_frame_close``, the words the range reader consumes)."""
    w = gw.words()
    if any(folded.find(x, lb, le) >= 0 for x in w.range_frame_open):
        return True
    return folded.startswith(w.range_frame_close, value_end)
