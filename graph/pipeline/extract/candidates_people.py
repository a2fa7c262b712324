"""The rules of ``extract.candidates`` that read people and their outlets: officials after an
agency and a post title (``title-person``), bylines (``byline-person``) and the outlet of a
source line (``outlet``). Functions of a ``Finder``, apart from the suffix rules because they
share the name reader (surname + 1-2 given characters) and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from graph.pipeline.extract.candidates_finder import Finder, Hit
from graph.text import is_han

__all__ = ["byline_hits", "person_hits"]


def person_hits(fd: Finder, agencies: Sequence[Hit], named: Iterable[int] = ()) -> list[Hit]:
    """Officials: a title of ``titles.yaml`` after an agency (found or curated), or after another
    end in ``named`` (a company, a defined short name or its parenthesis: 雲嶺數據)總經理X), or
    a title of ``standalone_titles`` (副市長) at a left boundary, then a name."""
    n, r = fd.n, fd.r
    agency_ends = {h.end for h in agencies} | {e for e, cls in fd.ends.items() if cls == "agency"}
    agency_ends |= set(named)
    hits: list[Hit] = []
    for label, _tid in r.titles:
        for m in re.finditer(re.escape(label), n):
            if not _after_agency(fd, m.start(), agency_ends):
                continue
            q = m.end()
            conc = re.match(r"[(（]兼[)）]", n[q:])
            if conc:
                q += conc.end()
            end = _name_end(fd, q)
            if end is not None and fd.free(q, end):
                hits.append(fd.hit(q, end, "person", "title-person", priority=1))
    return hits


def _after_agency(fd: Finder, tb: int, agency_ends: set[int]) -> bool:
    """An agency ends at ``tb``, possibly before a unit (…電子政務處) or further titles
    joined by 、."""
    if tb and tb not in agency_ends and fd.n[tb - 1] in fd.r.agency_units:
        for k in range(2, fd.r.agency_unit_max + 1):
            if tb - k in agency_ends and fd.clause_body(tb - k, tb):
                return all(is_han(c) for c in fd.n[tb - k : tb])
    while tb not in agency_ends:
        if tb == 0 or fd.n[tb - 1] != "、":
            return False
        prev = next(
            (lab for lab, _ in fd.r.titles if fd.n.startswith(lab, tb - 1 - len(lab))), None
        )
        if prev is None:
            return False
        tb = tb - 1 - len(prev)
    return True


def _name_end(fd: Finder, q: int) -> int | None:
    n, r = fd.n, fd.r
    surname = next((s for s in r.surnames if n.startswith(s, q)), None)
    if surname is None:
        return None
    for given in (1, 2):
        e = q + len(surname) + given
        if e > len(n) or not all(is_han(c) for c in n[q:e]):
            return None
        if e == len(n) or not is_han(n[e]) or fd.taken[e]:
            return e
        if any(n.startswith(w, e) for w in r.name_followers):
            return e
    return None


def byline_hits(fd: Finder) -> list[Hit]:
    n, r = fd.n, fd.r
    hits: list[Hit] = []
    for role in r.byline_roles:
        for m in re.finditer(re.escape(role) + r"[\s:：]*", n):
            q = m.end()
            if q == m.start() + len(role) and q < len(n) and is_han(n[q]):
                continue  # 記者招待會: the role word runs on into another word
            end = _name_end(fd, q)
            if end is not None:
                hits.append(fd.hit(q, end, "person", "byline-person", priority=1))
    for marker in r.outlet_markers:
        for m in re.finditer(re.escape(marker) + r"\s*[:：]?\s*", n):
            hits += _outlet(fd, m.end())
    for m in re.finditer(r"(?m)^[ \t]*(?=\S)", n):
        line_end = n.find("\n", m.end())
        line = n[m.end() : line_end if line_end >= 0 else len(n)]
        if re.match(r"^\S{2,12}\s+\d{4}[-年]", line):
            hits += _outlet(fd, m.end())
    return hits


def _outlet(fd: Finder, q: int) -> list[Hit]:
    e = q
    while e < len(fd.n) and is_han(fd.n[e]) and e - q < 12:
        e += 1
    name = fd.n[q:e]
    if len(name) < 3 or not any(name.endswith(s) for s in fd.r.outlet_suffixes):
        return []
    return [fd.hit(q, e, "company", "outlet", priority=1)]
