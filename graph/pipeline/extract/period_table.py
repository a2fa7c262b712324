"""Period and area of a flattened table's cell, for :mod:`graph.pipeline.extract.period`.

A table pasted as lines of ``|``-separated cells (``指標｜2021年｜2022年`` over bare cells) is
read as a reader reads it: a cell takes its column header's year or area, and a caption right
above the header dates every cell. Apart from :mod:`period` so each module stays small.
"""

from __future__ import annotations

from graph.curation.periods import rules
from graph.model import Observation
from graph.pipeline.extract import values_table
from graph.pipeline.extract.period_area import _resolve_word
from graph.pipeline.extract.period_time import _SENTENCE_END, _SPACES, time_expressions


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
