"""A rank clause naming only another place carries the paragraph's ranking.

``在全国31个省（区、市）中，重庆互联网发展综合指数排名第8位，较上年上升2位；四川排名第6位``:
after the ；the sentence is new (segment splits there), and its subject is only a place, an
area word the label rules trim, so the rank has no statistic, scope or population of its own.
The writer states a second place's position in the same ranking: the rank takes the
statistic, the scope and the ranked population of the paragraph's previous rank, and its area
stays its own place (read by period.py from the clause). Only a rank with an empty label is
read so; one that names a statistic (四川数字经济规模排名第6位) is its own ranking.
"""

from __future__ import annotations

from dataclasses import replace

from graph.model import Observation, Segmentation


def parallel_ranks(observations: list[Observation], seg: Segmentation) -> list[Observation]:
    """The observations, each empty-label rank given its paragraph's previous ranking."""
    paragraph = {s.id: s.paragraph for s in seg.sentences}
    out = list(observations)
    order = sorted(range(len(out)), key=lambda i: out[i].value_begin)
    last: dict[int, Observation] = {}  # paragraph -> its latest rank with a statistic
    for i in order:
        o = out[i]
        if o.kind != "rank":
            continue
        para = paragraph.get(o.sentence_id)
        if para is None:
            continue
        prev = last.get(para)
        fits = prev is not None and (
            prev.rank_of is None or o.rank is None or o.rank <= prev.rank_of
        )  # 40個城市中排名第41: a rank past the population belongs to another ranking
        if not o.indicator.strip() and prev is not None and fits:
            o = replace(
                o,
                indicator=prev.indicator,
                rank_scope=o.rank_scope or prev.rank_scope,
                rank_of=o.rank_of if o.rank_of is not None else prev.rank_of,
            )
            out[i] = o
        if o.indicator.strip():
            last[para] = o
    return out
