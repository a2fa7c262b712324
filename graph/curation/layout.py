"""``layout.yaml``: the line rules of the news-page layout, read once, strictly.

Why here: the loader used to sit in ``pipeline.segment``; the curation package holds every
loader (and ``CURATION_DIR``), so the segmenter only reads these compiled, frozen rules.
Words are folded (``fold_aligned``) and matched on the folded line, one rule for both scripts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.curation import CURATION_DIR
from graph.curation.grammar import fold_aligned
from graph.curation.schema import read_yaml
from graph.model import InputError

__all__ = ["LAYOUT_FILE", "Layout", "layout", "load_layout"]

LAYOUT_FILE = CURATION_DIR / "layout.yaml"


@dataclass(frozen=True, slots=True)
class Layout:
    """The compiled line rules of ``layout.yaml`` (all matched on the folded line)."""

    byline: re.Pattern[str]
    credit: re.Pattern[str]
    headline: re.Pattern[str]
    figure_with_unit: re.Pattern[str]
    related: re.Pattern[str]
    subhead: re.Pattern[str] = re.compile("(?!)")


def _alt(words: list[str]) -> str:
    folded = sorted({fold_aligned(str(w)) for w in words}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in folded) or "(?!)"


def load_layout(path: Path = LAYOUT_FILE) -> Layout:
    """Read ``layout.yaml``; a bad file is a one-line ``InputError`` naming it."""
    data = read_yaml(path)
    keys = ("byline_words", "credit_words", "headline_words", "figure_units", "related_words")
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in keys):
        raise InputError(f"{path.name}: expected lists {', '.join(keys)}")
    colon = r"[:：]"
    return Layout(
        byline=re.compile(rf"^(?:{_alt(data['byline_words'])})(?:\s|{colon}|$)"),
        credit=re.compile(rf"^(?:{_alt(data['credit_words'])})\s*{colon}"),
        headline=re.compile(rf"^(?:{_alt(data['headline_words'])})\s*{colon}"),
        figure_with_unit=re.compile(rf"\d[\d.]*\s*(?:{_alt(data['figure_units'])})"),
        related=re.compile(
            # up to 3 marks around the word (【相關閱讀】, ▼往期推薦, >> 延伸閱讀), no letters
            rf"^[^\w\s]{{0,3}}\s*(?:{_alt(data['related_words'])})\s*[^\w\s:：]{{0,3}}\s*(?:{colon}|$)"
        ),
        subhead=_subhead(data.get("subhead_brackets") or [], path),
    )


def _subhead(pairs: list[str], path: Path) -> re.Pattern[str]:
    """A whole line inside one pair of brackets (【軟件業收入按年增逾一成】), folded."""
    if not all(isinstance(p, str) and len(p) == 2 for p in pairs):
        raise InputError(f"{path.name}: subhead_brackets are two-character strings (open, close)")
    alts = [
        f"{re.escape(fold_aligned(p[0]))}[^{re.escape(fold_aligned(p[1]))}]{{2,40}}"
        f"{re.escape(fold_aligned(p[1]))}"
        for p in pairs
    ]
    return re.compile(rf"^(?:{'|'.join(alts)})$" if alts else "(?!)")


@lru_cache(maxsize=1)
def layout() -> Layout:
    """The shipped line rules, loaded once per process."""
    return load_layout()
