"""One build of the seed plus the two editions' fixture articles a (2022) and c (2023).

Issue 10's series, checks and ledger are measured on it; the hand-computed expectations are
``tests/fixtures/articles/series.tsv``. Built once per test session (``series_build``), in a
temporary directory.
"""

from __future__ import annotations

import pytest
from fixture_support import ARTICLES, GoldRow, copy_sources, load_fixture

from graph.pipeline.run import BuildResult, run

FIXTURE_A = "fx-a-bayu-2023-cq2022-hans"
FIXTURE_C = "fx-c-shancheng-2024-cq2023-hans"
_BUILDS: dict[str, BuildResult] = {}


def series_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The seed + fixtures a and c, built once per session."""
    if "ac" not in _BUILDS:
        root = tmp_path_factory.mktemp("series-build")
        corpus = copy_sources(root / "sources", [ARTICLES / FIXTURE_A, ARTICLES / FIXTURE_C])
        _BUILDS["ac"] = run(out_dir=root / "build", sources_root=corpus)
    return _BUILDS["ac"]


def series_rows(relation: str) -> list[dict[str, str]]:
    """Rows of ``series.tsv`` for one relation (growth-check, same-figure, conflict)."""
    text = (ARTICLES / "series.tsv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    rows = [dict(zip(header, ln.split("\t"), strict=True)) for ln in lines[1:]]
    return [r for r in rows if r["relation"] == relation]


def gold(ref: str) -> GoldRow:
    """The gold row named ``a/a06`` (fixture letter / gold id)."""
    letter, gid = ref.split("/")
    fid = {"a": FIXTURE_A, "c": FIXTURE_C}[letter]
    [row] = [r for r in load_fixture(fid).gold if r.id == gid]
    return row


def in_build(row: dict[str, str]) -> bool:
    """True when every figure a series row names is in the a + c build."""
    refs = [row[k] for k in ("subject", "object", "base") if row.get(k)]
    return all(r.split("/")[0] in {"a", "c"} for r in refs)
