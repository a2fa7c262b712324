"""Input variants of the real report (docs/security.md A5): same text, same mentions, same figures.

The vendored page is one way of typing the report; these properties type it other ways
(zero-width characters sprinkled in, fullwidth ASCII, NFC/NFKC/NFD forms, compatibility
ideographs) and check that ingest and extraction cannot tell the difference.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.curation.registry import load_registry
from graph.model import CleanText, SourceDocument
from graph.pipeline import ingest, segment
from graph.pipeline.extract import entities, metrics
from graph.pipeline.sources import load_sources

GOLDEN = Path(__file__).parent / "golden" / "cleaned.txt"
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
HALF = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()"
TO_FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in HALF})
VARIANTS = settings(max_examples=50, deadline=5000, derandomize=True, database=None)


@cache
def _source() -> SourceDocument:
    return load_sources()[0]


@cache
def _raw() -> str:
    return _source().raw_bytes.decode("utf-8")


def _ingest(raw: str) -> CleanText:
    return ingest.run(dataclasses.replace(_source(), raw_bytes=raw.encode("utf-8")))


Figure = tuple[str, Decimal | None, str, str]


def _extract(clean: CleanText) -> tuple[list[tuple[str, int, int]], list[Figure]]:
    """Mentions as (entity id, clean begin, clean end); observations as the fact they state."""
    seg = segment.run(clean)
    mentions, _ = entities.run(clean, seg, load_registry())
    observations, _ = metrics.run(clean, seg, mentions)
    return (
        [(m.entity_id, m.begin, m.end) for m in mentions],
        [(o.indicator, o.value, o.unit, o.qualifier) for o in observations],
    )


@pytest.fixture(scope="module")
def reference() -> tuple[list[tuple[str, int, int]], list[Figure]]:
    return _extract(_ingest(_raw()))


# ------------------------------------------------------------------ (a) zero-width characters


@VARIANTS
@given(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(ZERO_WIDTH)), min_size=1, max_size=40))
def test_zero_width_characters_change_nothing(inserts: list[tuple[float, str]]) -> None:
    raw = _raw()
    for where, ch in sorted(inserts, reverse=True):  # from the end, so positions stay valid
        at = round(where * len(raw))
        raw = raw[:at] + ch + raw[at:]
    out = _ingest(raw)
    assert out.text == GOLDEN.read_text(encoding="utf-8")
    removed = sum(1 for e in out.report.edits if e.kind in ("invisible", "bom"))
    assert removed <= len(inserts)  # the rest went with a pinyin tag or a repair around them


def test_zero_width_in_every_mojibake_spot() -> None:
    """A joiner inside a reviewed mojibake snippet does not hide it from its correction."""
    raw = _raw()
    for e in sorted(_ingest(raw).report.edits, key=lambda e: -e.raw_begin):
        if e.kind == "mojibake":
            mid = (e.raw_begin + e.raw_end) // 2
            raw = raw[:mid] + "\u200b" + raw[mid:]
    out = _ingest(raw)
    assert out.text == GOLDEN.read_text(encoding="utf-8")
    assert out.report.counts["mojibake"] == 5
    assert "invisible" not in out.report.counts  # each joiner is part of its repair's edit
    assert all(e.removed.count("\u200b") == 1 for e in out.report.edits if e.kind == "mojibake")


# ------------------------------------------------------------------ (b) fullwidth ASCII


@pytest.fixture(scope="module")
def fullwidth() -> CleanText:
    return _ingest(_raw().translate(TO_FULLWIDTH))


def test_fullwidth_source_cleans_to_the_same_text(fullwidth: CleanText) -> None:
    assert fullwidth.raw_text != _raw()
    assert fullwidth.text == GOLDEN.read_text(encoding="utf-8")
    assert fullwidth.report.counts["pinyin-tag"] == 689
    assert fullwidth.report.counts["mojibake"] == 5
    # every fullwidth character outside the removed tags and the repairs is one nfkc edit
    spans = [(e.raw_begin, e.raw_end) for e in fullwidth.report.edits if e.kind != "nfkc"]
    kept = [
        i
        for i, ch in enumerate(fullwidth.raw_text)
        if "\uff01" <= ch <= "\uff5e" and not any(b <= i < e for b, e in spans)
    ]
    nfkc = [e.raw_begin for e in fullwidth.report.edits if e.kind == "nfkc"]
    assert nfkc == kept and len(nfkc) > 300


def test_fullwidth_source_same_mentions_and_figures(
    fullwidth: CleanText, reference: tuple[list[tuple[str, int, int]], list[Figure]]
) -> None:
    mentions, figures = _extract(fullwidth)
    assert mentions == reference[0]
    assert figures == reference[1]
    assert len(mentions) > 100 and len(figures) > 50


def test_fullwidth_raw_offsets_point_at_the_fullwidth_characters(fullwidth: CleanText) -> None:
    b = fullwidth.text.index("2362")
    rb, re_ = fullwidth.raw_span(b, b + 4)
    assert fullwidth.raw_text[rb:re_] == "２３６２"


# ------------------------------------------------------------------ (c) normalisation forms


def _compatibility_ideographs() -> dict[str, str]:
    """Unified Han -> a CJK compatibility ideograph NFC maps to it (U+F900..U+FAFF)."""
    out: dict[str, str] = {}
    for cp in range(0xF900, 0xFB00):
        ch = chr(cp)
        if unicodedata.category(ch) == "Lo":
            out.setdefault(unicodedata.normalize("NFC", ch), ch)
    return out


@pytest.mark.parametrize("form", ["as typed", "NFC", "NFKC", "NFD", "NFKD"])
def test_normalisation_forms_give_the_same_entities(
    form: str, reference: tuple[list[tuple[str, int, int]], list[Figure]]
) -> None:
    compat = _compatibility_ideographs()
    variant = "".join(compat.get(ch, ch) for ch in _raw())  # 數 -> U+F969 and the like
    assert sum(1 for ch in variant if ch in compat.values()) > 50
    if form != "as typed":  # every form folds the ideographs; NFD/NFKD split the tone marks
        variant = unicodedata.normalize(form, variant)
    out = _ingest(variant)
    assert out.text == GOLDEN.read_text(encoding="utf-8")
    mentions, _ = _extract(out)
    assert {m[0] for m in mentions} == {m[0] for m in reference[0]}
    assert mentions == reference[0]
