"""Flattened tables: a bare cell takes the unit its row header states in parentheses.

A column header that states a unit of its own (``指標｜2022年｜2023年｜增速（%）``) wins over the
row's: a growth column in per cent under rows in 億元 is per cent, not 億元.

A table flattened to lines ``指標（萬人）｜2021年｜2022年`` / ``網民規模（萬人）｜2208｜2285``
writes the unit and multiplier once, in the row header's parentheses, and leaves the cells
bare. A reader multiplies every bare cell of that row by it (2208 under （萬人） is 22080000
人); read alone, 2208 would be a unitless count off by 10⁴ and 1980 a year. Only a cell that
is a bare number is read so (a cell with its own unit keeps it), and only when the
parenthesised text is itself a unit or multiplier of the number grammar (``units.yaml``:
``1`` + the text parses as a figure with a unit or multiplier), so （含5G） or （個人） in a
label change nothing. Cells are separated by ``|`` (``｜`` folds to it) or a tab; matching is
on the folded text, so both scripts and both kinds of parentheses read alike.

The column header's year is the other half of such a table: :mod:`period` reads it. A
column header that is a growth (``項目｜數值｜按年增長``) makes its cells growths
(:func:`column_header` finds it; :mod:`metrics` reads it with the growth words).
"""

from __future__ import annotations

import re

from graph.pipeline.extract import numbers

CELL_SEPS = "|\t"
_CELL_SPLIT = re.compile(r"[|\t]")
_BARE = re.compile(r"\d+(?:\.\d+)?")
_HEADER_UNIT = re.compile(r"\(([^()]+)\)$")


def line_span(folded: str, pos: int) -> tuple[int, int]:
    """The line of ``folded`` that holds ``pos`` (without its newline)."""
    b = folded.rfind("\n", 0, pos) + 1
    e = folded.find("\n", pos)
    return b, len(folded) if e < 0 else e


def cells(folded: str, b: int, e: int) -> list[tuple[int, int]]:
    """The cells of the line ``folded[b:e]`` (spaces stripped); one cell = not a table row."""
    out, start = [], b
    for m in _CELL_SPLIT.finditer(folded, b, e):
        out.append(_strip(folded, start, m.start()))
        start = m.end()
    out.append(_strip(folded, start, e))
    return out


def _strip(f: str, b: int, e: int) -> tuple[int, int]:
    while b < e and f[b] in numbers.SPACE_CHARS:
        b += 1
    while e > b and f[e - 1] in numbers.SPACE_CHARS:
        e -= 1
    return b, e


def row_unit(folded: str, pos: int, g: numbers.Grammar) -> str | None:
    """The (folded) unit text of the row header when ``pos`` starts a bare cell, else None.

    ``pos`` is a digit run's start; its cell must be that number alone, not the row's first
    cell, and the first cell must end in ``(…)`` holding a unit or multiplier.
    """
    b, e = line_span(folded, pos)
    row = cells(folded, b, e)
    if len(row) < 2:
        return None
    k = next((i for i, (cb, ce) in enumerate(row) if cb <= pos < ce), 0)
    cb, ce = row[k]
    if k == 0 or cb != pos or not _BARE.fullmatch(folded, cb, ce):
        return None
    head = column_header(folded, pos)
    if head is not None:  # 增速（%）over a row of （億元）: the column's own unit wins
        own = _cell_unit(folded, *head, g)
        if own is not None:
            return own
    return _cell_unit(folded, *row[0], g)


def _cell_unit(folded: str, b: int, e: int, g: numbers.Grammar) -> str | None:
    """The unit or multiplier a header cell ``folded[b:e]`` ends with in ``(…)``, else None."""
    m = _HEADER_UNIT.search(folded, b, e)
    if m is None:
        return None
    unit = m.group(1).strip(numbers.SPACE_CHARS)
    fig = g.pattern.fullmatch("1" + unit)
    if fig is None or not (fig.group("unit") or fig.group("mult")):
        return None
    return unit


def scaled(digits: str, unit: str, g: numbers.Grammar) -> numbers.NumberMatch | None:
    """``digits`` read with the row header's ``unit`` (2208 + 萬人 -> 22080000 人)."""
    stated = digits + unit
    found = [m for m in numbers.find_all(stated, g) if m.begin == 0 and m.end == len(stated)]
    return found[0] if found else None


def column_header(folded: str, pos: int) -> tuple[int, int] | None:
    """The header cell of the column whose cell starts at ``pos``, else None.

    The header is the first line of the block of table lines (two cells or more) above the
    row, its cells aligned with the row's last cells (a row may have a title cell more);
    None when ``pos`` opens no cell of a row under such a header (or the row is the header).
    """
    lb, le = line_span(folded, pos)
    row = cells(folded, lb, le)
    col = next((i for i, (cb, _) in enumerate(row) if cb == pos), None)
    if len(row) < 2 or not col:
        return None
    head_b = lb
    while head_b > 0:
        pb, pe = line_span(folded, head_b - 1)
        if len(cells(folded, pb, pe)) < 2:
            break
        head_b = pb
    if head_b == lb:
        return None
    head = cells(folded, *line_span(folded, head_b))
    k = col - (len(row) - len(head))
    if not 0 < k < len(head):
        return None
    return head[k]
