"""Indicator identity and the label-trimming rules, written once for both scripts.

One ``cqo:Indicator`` per statistic across scripts and sources: its key is
``indicator_key(label) = fold(label)`` (NFKC, Simplified, casefold), so 網民數量 (zh-Hant) and
网民数量 (zh-Hans) are one indicator while each observation keeps the label as its source
wrote it. ``curated(label)`` finds the row of ``graph/curation/indicators.yaml`` by that key.

The trimming rules (``graph/curation/labels.yaml``, loaded and checked by
:mod:`graph.curation.labels`) are word lists and patterns written in either script; they are
folded once at load and matched against ``aligned_fold(text)``, a folded copy of the text with
exactly one character per source character, so every match offset is an offset into the
source text and labels are cut from the source (they keep the source's script).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from graph.curation.indicators import INDICATORS_FILE as INDICATORS_FILE  # metrics reads it here
from graph.curation.indicators import load_indicators as load_indicators
from graph.curation.labels import LABELS_FILE as LABELS_FILE
from graph.curation.labels import LabelRules as LabelRules
from graph.curation.labels import Rule as Rule
from graph.curation.labels import load_label_rules as _load_label_rules
from graph.pipeline.extract.grammar import fold_aligned
from graph.text import fold


def indicator_key(label: str) -> str:
    """The script-neutral identity of an indicator label (assemble keys indicators on it)."""
    return fold(label)


def aligned_fold(text: str) -> str:
    """``fold(text)`` with one output character per input character (offsets preserved).

    The same fold the figure grammar matches on (``graph.pipeline.extract.grammar.fold_aligned``): a
    character whose fold is not a single character (``ß`` -> ``ss``) is kept as it is.
    """
    return fold_aligned(text)


def load_label_rules(path: Path = LABELS_FILE) -> LabelRules:
    """``labels.yaml`` compiled with the area words of ``periods.yaml`` (a bad file is one
    ``InputError`` line naming it; the loader is :mod:`graph.curation.labels`)."""
    from graph.pipeline.extract import period  # late: period reads its own file

    return _load_label_rules(path, area=period.area_pattern())


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
