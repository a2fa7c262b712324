"""Shared inputs for the extraction tests: the golden cleaned text, segmented.

Uses the real ``graph.pipeline.ingest.run`` / ``graph.pipeline.segment.run`` when they exist (so
these tests
exercise the pipeline as built), and otherwise a minimal stand-in built from
``tests/golden/cleaned.txt`` (headings = short lines without sentence punctuation).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from graph.curation.registry import Entity, load_registry
from graph.model import CleaningReport, CleanText, Section, Segmentation, Sentence
from graph.text import slug

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = ROOT / "tests" / "golden"
SOURCE_ID = "hualong-2024-10-12-cq-internet-report-2023"
_SENT_END = re.compile(r"[^。;；!！?？]*(?:[。;；!！?？]|$)")


def golden_text() -> str:
    return (GOLDEN / "cleaned.txt").read_text(encoding="utf-8")


def _has_run(module: str) -> bool:
    try:
        return callable(getattr(importlib.import_module(module), "run", None))
    except ImportError:
        return False


def stand_in(text: str, source_id: str = SOURCE_ID) -> tuple[CleanText, Segmentation]:
    """A CleanText + Segmentation of ``text`` without the ingest/segment stages."""
    clean = CleanText(source_id, text, text, tuple(range(len(text) + 1)), CleaningReport())
    sections: list[Section] = []
    sentences: list[Sentence] = []
    heads: list[tuple[int, int, str, int]] = []  # begin, end, heading, level
    lines: list[tuple[int, str, bool]] = []  # begin, line, preceded by a blank line
    pos, blank = 0, False
    for line in text.split("\n"):
        if line.strip():
            lines.append((pos, line, blank))
        blank = not line.strip()
        pos += len(line) + 1
    for i, (begin, line, after_blank) in enumerate(lines):
        if i >= 2 and len(line) <= 25 and not re.search(r"[,，。:/：]", line):
            heads.append((begin, begin + len(line), line, 2 if after_blank else 1))
    bounds = [*(h[0] for h in heads), len(text)]
    sections.append(Section("front-matter", "", 0, bounds[0], level=0))
    for (b, e, heading, level), end in zip(heads, bounds[1:], strict=True):
        sections.append(Section(slug(heading), heading, b, end, b, e, level))
    for para, (begin, line, _) in enumerate(lines, 1):
        sec = next(s for s in reversed(sections) if s.begin <= begin)
        n = 0
        for m in _SENT_END.finditer(line):
            if not m.group().strip():
                continue
            n += 1
            b, e = begin + m.start(), begin + m.end()
            sentences.append(
                Sentence(f"{source_id}/s{para:03d}.{n:02d}", sec.id, para, b, e, text[b:e])
            )
    return clean, Segmentation(source_id, tuple(sections), tuple(sentences))


def pipeline() -> tuple[CleanText, Segmentation]:
    """The golden text through the real stages when available, else the stand-in."""
    if _has_run("graph.pipeline.ingest") and _has_run("graph.pipeline.segment"):
        from graph.pipeline import ingest, segment
        from graph.pipeline.sources import load_sources

        doc = next(d for d in load_sources() if d.id == SOURCE_ID)
        clean = ingest.run(doc)
        return clean, segment.run(clean)
    return stand_in(golden_text())


@pytest.fixture(scope="session")
def registry() -> dict[str, Entity]:
    return load_registry()


@pytest.fixture(scope="session")
def golden() -> tuple[CleanText, Segmentation]:
    return pipeline()
