"""Short names an article defines for a name it has just written in full:
``<full name>(以下簡稱“<short>”)`` (also 「」, no quotes, or 簡稱 without 以下).

Why a rule of its own: the short form is the article's own statement that two spans are one
entity, so it is the most precise evidence of an alias there is; without it 雲嶺數據 (of
重慶雲嶺數據科技有限公司) is no name any suffix rule finds, and 天津市委網信辦 reads as 天津 plus
the curated 市委網信辦 of Chongqing. ``find_aliases`` only reads the text; which entity the full
name is (a candidate or a curated entity) is decided by ``candidates.run`` after the overlaps
are settled. 《…》 short names of documents are ``candidates_titled``'s (``以下簡稱《報告》``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.pipeline.extract.candidates_finder import Finder

__all__ = ["Alias", "find_aliases"]

# folded text: 简称 is the folded 簡稱; the short name is 2-16 characters with no punctuation
_DEFINITION = re.compile(
    r"[(（]\s*(?:以下)?简称\s*[“「『\"]?([^“”「」『』\"《》()（）\n，,。、；;：:]{2,16}?)[”」』\"]?\s*[)）]"
)


@dataclass(frozen=True, slots=True)
class Alias:
    """``(以下簡稱“short”)`` at ``[begin, end)``; ``short`` folded; every occurrence of it in the
    text that may start a name (the one inside the parentheses too)."""

    begin: int
    end: int
    short: str
    occurrences: tuple[tuple[int, int], ...]


def find_aliases(fd: Finder) -> list[Alias]:
    """Every short-name definition of the text, in text order."""
    out: list[Alias] = []
    for m in _DEFINITION.finditer(fd.n):
        short = m.group(1).strip()
        if len(short) < 2 or m.start() == 0:
            continue
        occurrences = tuple(
            (o.start(), o.end())
            for o in re.finditer(re.escape(short), fd.n)
            if fd.left_ok(o.start()) or o.start() == m.start(1)
        )
        out.append(Alias(m.start(), m.end(), short, occurrences))
    return out
