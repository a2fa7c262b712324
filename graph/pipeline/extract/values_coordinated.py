"""均 over coordinated items in one clause: ``移动宽带和固定宽带平均下载速率均位列西部第一``.

The 、-list form (``A、B均达100%``: one clause per item) is read in
:mod:`metrics_shared`; here the items are joined inside one subject by a joiner of grammar.yaml
``frames.parallel_joiners`` (和, 及, 与, 、), and each gets the figure (two rank rows, each rank 1,
one value span). The items may share a head noun written once, after the last one: when every
item before the last ends in the same character as a word inside the last (移动宽带 / 固定宽带…),
what follows that word in the last item is the shared head (平均下载速率), so the items are
移动宽带平均下载速率 and 固定宽带平均下载速率. Without such a head every item must name a
statistic of its own (it ends in a measure noun: labels.yaml ``inner_light_keep`` or
``generic_heads``, 网民规模和互联网普及率均…); otherwise the joiner is read as part of one name
(软件和信息服务业收入均…) and the figure keeps the subject as written.
"""

from __future__ import annotations

from dataclasses import replace

from graph.pipeline.extract import indicators
from graph.pipeline.extract.metrics_clauses import _clean_left, _Draft, _strip
from graph.pipeline.extract.values_parallel import _cuts, _pieces


def each_item(text: str, ft: str, d: _Draft, end: int) -> list[_Draft]:
    """The drafts of ``d`` for each coordinated item of its subject ``ft[d.clause_begin:end]``
    (``end`` is where 均 stands), or [] when the subject is no such list."""
    b, e = _clean_left(ft, d.clause_begin, end)
    if e <= b:
        return []
    pieces = [_strip(ft, pb, pe) for pb, pe in _pieces(b, e, _cuts(ft, b, e))]
    if len(pieces) < 2 or any(pe - pb < 2 for pb, pe in pieces):
        return []
    items = _with_head(text, ft, pieces)
    if items is None:
        return []
    return [
        replace(d, indicator=label, begin=ib, about_end=ie, extra_digits=list(d.extra_digits))
        for label, ib, ie in items
    ]


def _with_head(
    text: str, ft: str, pieces: list[tuple[int, int]]
) -> list[tuple[str, int, int]] | None:
    """(label, begin, end) per item: a shared head after the last item's matching word joins
    every earlier item; else each item must end in a measure noun; else None."""
    lb, le = pieces[-1]
    mark = ft[pieces[0][1] - 1]
    if all(ft[pe - 1] == mark for _, pe in pieces[:-1]):
        k = ft.find(mark, lb, le)
        if k >= 0 and le - (k + 1) >= 2:
            head = text[k + 1 : le]
            firsts = [(text[pb:pe] + head, pb, pe) for pb, pe in pieces[:-1]]
            return [*firsts, (text[lb:le], lb, le)]
    rules = indicators.label_rules()
    endings = (*rules.inner_light_keep, *rules.generic_heads)
    if all(ft.endswith(endings, pb, pe) for pb, pe in pieces):
        return [(text[pb:pe], pb, pe) for pb, pe in pieces]
    return None
