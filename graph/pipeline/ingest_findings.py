"""Ingest, what is left: anything that still looks damaged after cleaning, and brackets without
their partner on their line. Each is a WARNING ``Finding`` with clean and raw offsets (the build
writes them to ``quarantine.jsonl``); nothing is removed here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from graph.model import Finding, Level
from graph.pipeline.ingest_offsets import STAGE
from graph.pipeline.mojibake import (
    find_cp1252_mojibake,
    suspicious_char,
)
from graph.pipeline.mojibake_gbk import find_gbk_suspects

# Punctuation the page uses, weakest first; a run with commas keeps its strongest mark.
# ``!`` is the NFKC form of ``！`` (the cleaner folds before collapsing).
PUNCT_RANK = {",": 0, "，": 0, "、": 1, ":": 2, "：": 2, ";": 3, "；": 3, "。": 4, "！": 4, "？": 4}


def suspicious_leftovers(text: str, offsets: Sequence[int], traditional: bool) -> list[Finding]:
    """Anything still suspicious after cleaning, grouped into spans (the quarantine).

    A cp1252 mojibake run that could not be repaired is one finding for the whole run (its
    characters are not flagged a second time); so is a run that has the byte pattern of UTF-8
    read as GBK but whose repair does not read better (``graph.pipeline.mojibake_gbk``).
    """
    out: list[Finding] = []
    inside: set[int] = set()

    def run_finding(b: int, e: int, why: str) -> None:
        inside.update(range(b, e))
        out.append(
            Finding(
                Level.WARNING,
                STAGE,
                "unrepaired-mojibake",
                f"{text[b:e]!r}: {why}; kept as it is",
                begin=b,
                end=e,
                raw_begin=offsets[b],
                raw_end=offsets[e - 1] + 1,
            )
        )

    for run in find_cp1252_mojibake(text):
        run_finding(
            run.begin,
            run.end,
            "UTF-8 read as Windows-1252, but its bytes do not decode (a byte was lost)",
        )
    for sus in find_gbk_suspects(text):
        run_finding(
            sus.begin,
            sus.end,
            f"may be UTF-8 read as GBK (its bytes decode to {sus.reading!r}), but that reading "
            "is not common words",
        )
    flagged = [
        (i, why)
        for i in range(len(text))
        if i not in inside and (why := suspicious_char(text, i, traditional))
    ]
    group: list[tuple[int, str]] = []
    for item in [*flagged, (10**12, "")]:
        if group and item[0] - group[-1][0] > 3:
            b, e = group[0][0], group[-1][0] + 1
            reasons = "; ".join(dict.fromkeys(w for _, w in group))
            out.append(
                Finding(
                    Level.WARNING,
                    STAGE,
                    "unrepaired-mojibake",
                    f"{text[b:e]!r}: {reasons}",
                    begin=b,
                    end=e,
                    raw_begin=offsets[b],
                    raw_end=offsets[e - 1] + 1,
                )
            )
            group = []
        group.append(item)
    marks = re.escape("".join(PUNCT_RANK))
    for m in re.finditer(f"[{marks}]{{2,}}", text):
        b, e = m.span()
        out.append(
            Finding(
                Level.WARNING,
                STAGE,
                "doubled-punctuation",
                f"{m.group()!r} left after cleaning",
                begin=b,
                end=e,
                raw_begin=offsets[b],
                raw_end=offsets[e - 1] + 1,
            )
        )
    return sorted(out, key=lambda f: (f.begin or 0, f.code))


BRACKETS = {"(": ")", "（": "）", "《": "》", "【": "】", "「": "」", "『": "』"}
_CLOSERS = {v: k for k, v in BRACKETS.items()} | {"）": "(", ")": "（"}


def unbalanced_brackets(text: str, offsets: Sequence[int], raw_text: str) -> list[Finding]:
    """A WARNING for every bracket without its partner on the same line (docs/security.md #6).

    Checked on the cleaned text (a pinyin remnant ``shù)`` that a repair removed is not a
    bracket any more), located by line:col of the raw text. ``(`` and ``（`` close each
    other (NFKC folds one into the other anyway). Nothing is removed: this only reports.
    """
    out: list[Finding] = []
    stack: list[int] = []

    def report(i: int, what: str) -> None:
        rb = offsets[i]
        line = raw_text.count("\n", 0, rb) + 1
        col = rb - (raw_text.rfind("\n", 0, rb) + 1) + 1
        out.append(
            Finding(
                Level.WARNING,
                STAGE,
                "unbalanced-bracket",
                f"{raw_text[rb]!r} at line {line}:{col} of the raw text {what}; kept",
                begin=i,
                end=i + 1,
                raw_begin=rb,
                raw_end=rb + 1,
            )
        )

    for i, ch in enumerate(text):
        if ch == "\n":
            for j in stack:
                report(j, "is never closed on its line")
            stack = []
        elif ch in BRACKETS:
            stack.append(i)
        elif ch in _CLOSERS:
            partners = {_CLOSERS[ch], *(o for o, c in BRACKETS.items() if c == ch)}
            if stack and text[stack[-1]] in partners:
                stack.pop()
            else:
                report(i, "closes nothing")
    for j in stack:
        report(j, "is never closed")
    return out
