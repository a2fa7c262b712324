"""Indicator identity and the label-trimming rules, written once for both scripts.

One ``cqo:Indicator`` per statistic across scripts and sources: its key is
``indicator_key(label) = fold(label)`` (NFKC, Simplified, casefold), so 網民數量 (zh-Hant) and
网民数量 (zh-Hans) are one indicator while each observation keeps the label as its source
wrote it. ``curated(label)`` finds the row of ``graph/curation/indicators.yaml`` by that key.

The trimming rules (``graph/curation/labels.yaml``) are word lists and patterns written in
either script; they are folded once at load and matched against ``aligned_fold(text)``, a
folded copy of the text with exactly one character per source character, so every match
offset is an offset into the source text and labels are cut from the source (they keep the
source's script).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.curation import CURATION_DIR
from graph.curation.indicators import INDICATORS_FILE as INDICATORS_FILE  # metrics reads it here
from graph.curation.indicators import load_indicators as load_indicators
from graph.curation.schema import read_yaml
from graph.model import InputError
from graph.pipeline.extract.grammar import fold_aligned
from graph.text import fold, to_hans

LABELS_FILE = CURATION_DIR / "labels.yaml"


def indicator_key(label: str) -> str:
    """The script-neutral identity of an indicator label (assemble keys indicators on it)."""
    return fold(label)


def aligned_fold(text: str) -> str:
    """``fold(text)`` with one output character per input character (offsets preserved).

    The same fold the figure grammar matches on (``graph.pipeline.extract.grammar.fold_aligned``): a
    character whose fold is not a single character (``ß`` -> ``ss``) is kept as it is.
    """
    return fold_aligned(text)


def _fold_pattern(pattern: str) -> str:
    """Fold a regex's literal characters to Simplified (no casefold: ``\\D`` stays ``\\D``)."""
    return to_hans(unicodedata.normalize("NFKC", pattern))


def _alternation(words: list[str], patterns: list[str]) -> Rule | None:
    folded = {fold_aligned(w) for w in words}
    alts = [re.escape(w) for w in sorted(folded, key=lambda w: (-len(w), w))]
    alts += [_fold_pattern(p) for p in patterns]
    return Rule(tuple(re.compile(a) for a in alts)) if alts else None


@dataclass(frozen=True, slots=True)
class Rule:
    """A set of alternatives; the LONGEST match wins (so 重庆市 beats 重庆, 截至…底 beats 截至)."""

    alternatives: tuple[re.Pattern[str], ...]

    def match(self, text: str, begin: int, end: int) -> tuple[int, int] | None:
        """Longest alternative matching at ``begin`` (within ``[begin, end)``), or None."""
        best: tuple[int, int] | None = None
        for p in self.alternatives:
            m = p.match(text, begin, end)
            if m and m.end() > begin and (best is None or m.end() > best[1]):
                best = (m.start(), m.end())
        return best

    def suffix(self, text: str, begin: int, end: int) -> tuple[int, int] | None:
        """Longest alternative that ends exactly at ``end`` (and starts at or after ``begin``)."""
        best: tuple[int, int] | None = None
        for p in self.alternatives:
            for start in range(max(begin, end - 40), end):
                m = p.fullmatch(text, start, end)
                if m:
                    if best is None or start < best[0]:
                        best = (start, end)
                    break
        return best


@dataclass(frozen=True, slots=True)
class LabelRules:
    """Compiled trimming rules; every pattern matches folded text (see ``aligned_fold``)."""

    leading: Rule | None  # dropped from the start of a subject, repeatedly
    trailing: Rule | None  # dropped from the end of a subject
    right_magnitudes: Rule | None  # with the unit after it, from the start of a counted noun
    right_leading: Rule | None  # dropped from the start of a counted noun
    topic_marker: str  # 對: what follows is the measured phrase (市民對X滿意度 -> X滿意度)
    anaphora: frozenset[str]  # a subject that points back (這一數字): the previous statistic
    relative: Rule | None  # a share or rate of the previous statistic (占比, 占GDP的比重)
    respectively: tuple[str, ...]  # A和B分别 x、y: one name per value
    right_stop: tuple[str, ...]  # a counted noun ends before one of these (…项目纳入…)
    subset_markers: tuple[str, ...]  # 其中: what follows is a part of the previous statistic
    subset: Rule | None  # a bare modifier after 其中 (国家级): a part of the previous statistic
    opening: re.Pattern[str] | None  # actor + an opening verb (新建, 归集) at a subject's start
    flow_context: Rule | None  # what before an opening verb keeps it (全市, 全年, 累计)

    def opening_end(self, ft: str, begin: int, end: int) -> int:
        """Where an opening verb (and its actor) ends at ``begin``; ``begin`` if it stays."""
        m = self.opening.match(ft, begin, end) if self.opening else None
        if not m:
            return begin
        b, e = m.start("actor"), m.end("actor")
        while b < e and ft[b].isspace():
            b += 1
        if b < e and self.flow_context is not None:
            while b < e:
                c = self.flow_context.match(ft, b, e)
                if not c:
                    break
                b = c[1]
            if b == e:
                return begin  # only an area / period / 累计 before it: the verb names a flow
        return m.end()

    def leading_end(self, ft: str, begin: int, end: int) -> int:
        """Where the leading context of ``ft[begin:end]`` ends (dropped repeatedly)."""
        b = begin
        while b < end:
            while b < end and ft[b].isspace():
                b += 1
            m = self.leading.match(ft, b, end) if self.leading else None
            if not m:
                break
            b = m[1]
        return b

    def is_subset(self, folded_label: str) -> bool:
        """True when the label is only a modifier (国家级) naming a part of a statistic."""
        if self.subset is None or not folded_label:
            return False
        return any(p.fullmatch(folded_label) for p in self.subset.alternatives)

    def is_relative(self, folded_label: str) -> bool:
        """True when the label names a share/rate whose base is the previous figure."""
        if self.relative is None or not folded_label:
            return False
        return any(p.fullmatch(folded_label) for p in self.relative.alternatives)


def _section(data: dict[str, Any], key: str) -> tuple[list[str], list[str]]:
    sec = data.get(key) or {}
    if not isinstance(sec, dict):
        raise InputError(f"{LABELS_FILE.name}: {key!r} must be a mapping of words/patterns")
    words, patterns = sec.get("words") or [], sec.get("patterns") or []
    if not all(isinstance(w, str) for w in [*words, *patterns]):
        raise InputError(f"{LABELS_FILE.name}: {key!r} words and patterns must be strings")
    return list(words), list(patterns)


def load_label_rules(path: Path = LABELS_FILE) -> LabelRules:
    """Read and compile ``labels.yaml``; a bad file is a one-line ``InputError``."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(f"{path.name}: expected a mapping")
    try:
        leading = _alternation(*_section(data, "leading"))
        if leading is not None:  # area words, listed once in periods.yaml, lead a label too
            from graph.pipeline.extract import period  # late: period reads its own file

            leading = Rule((*leading.alternatives, period.area_pattern()))
        trailing = _alternation(*_section(data, "trailing"))
        right = _alternation(*_section(data, "right_leading"))
        magnitudes = _alternation(*_section(data, "right_magnitudes"))
        relative = _alternation(*_section(data, "relative"))
        subset = _alternation(*_section(data, "subset"))
        verbs = [fold_aligned(str(w)) for w in data.get("opening_verbs") or []]
        opening = (
            re.compile(r"(?P<actor>[^,，、;；]{0,30}?)(?:" + "|".join(map(re.escape, verbs)) + ")")
            if verbs
            else None
        )
        flow = _alternation(*_section(data, "flow_context"))
        if flow is not None:
            from graph.pipeline.extract import period

            flow = Rule((*flow.alternatives, period.area_pattern()))
    except re.error as exc:
        raise InputError(f"{path.name}: bad pattern ({exc})") from exc
    return LabelRules(
        leading=leading,
        trailing=trailing,
        right_magnitudes=magnitudes,
        right_leading=right,
        anaphora=frozenset(fold_aligned(str(w)) for w in data.get("anaphora") or []),
        relative=relative,
        respectively=tuple(fold_aligned(str(w)) for w in data.get("respectively") or []),
        right_stop=tuple(fold_aligned(str(w)) for w in data.get("right_stop") or []),
        subset_markers=tuple(fold_aligned(str(w)) for w in data.get("subset_markers") or []),
        subset=subset,
        opening=opening,
        flow_context=flow,
        topic_marker=fold_aligned(str(data.get("topic_marker", ""))),
    )


@lru_cache(maxsize=1)
def label_rules() -> LabelRules:
    """The shipped rules, loaded once per process."""
    return load_label_rules()


@lru_cache(maxsize=1)
def _curated() -> dict[str, dict[str, str]]:
    return load_indicators()


def curated(label: str) -> dict[str, str] | None:
    """The curated row of an indicator label in either script, or None (a review item)."""
    return _curated().get(indicator_key(label))
