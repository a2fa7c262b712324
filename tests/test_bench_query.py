"""The synthetic corpus of ``scripts/bench_query.py`` (and ``bench_view.py``) has the shape of a
real one: per-source parts new per article, registry entities shared, valid N-Triples.

Why tested: the issue 11 numbers (queries and viewer at 1,000 articles) are measured on it, so
a generator that silently shared or duplicated the wrong nodes would make them meaningless.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from query_support import make_build_dir

ROOT = Path(__file__).resolve().parents[1]
CQR = "https://w3id.org/cqkg/id/"


@pytest.fixture(scope="module")
def bench_query():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "bench_query", ROOT / "scripts" / "bench_query.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_query"] = module
    spec.loader.exec_module(module)
    return module


def _iris(text: str, kind: str) -> set[str]:
    return set(re.findall(rf"<{re.escape(CQR)}({kind}/[^>]*)>", text))


def test_corpus_renames_per_source_parts_and_shares_the_registry(  # type: ignore[no-untyped-def]
    bench_query, tmp_path: Path
) -> None:
    report = make_build_dir(tmp_path / "report")
    seed = (report / "cqkg.nt").read_text(encoding="utf-8")
    out = bench_query.corpus_build(report, 4, tmp_path / "corpus")
    text = (out / "cqkg.nt").read_text(encoding="utf-8")
    assert text.startswith(seed)  # article 0 is the report itself
    n_seed = seed.count("\n")
    assert n_seed < text.count("\n") < 4 * n_seed  # repeated registry lines are not rewritten
    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)  # valid N-Triples
    for kind in ("source", "span", "obs"):
        seen = _iris(text, kind)
        assert seen, kind
        assert len(seen) == 4 * len(_iris(seed, kind)), kind  # each article has its own
    for kind in ("agency", "theme", "unit", "qualifier", "place"):
        assert _iris(text, kind) == _iris(seed, kind), kind  # the registry is shared
    # some entities are new in later articles; their names say which (both scripts)
    new = sorted(i for i in _iris(text, "platform") | _iris(text, "project") if "-c" in i)
    assert new
    for iri in new[:5]:
        k = iri.rsplit("-c", 1)[1]
        for lang in ("zh-Hant", "zh-Hans"):
            pattern = rf"<{re.escape(CQR + iri)}> <[^>]*#label> \"[^\"]*\"@{lang} \."
            line = re.search(pattern, text, re.IGNORECASE)  # the store writes tags lower case
            assert line is not None and f' c{k}"@' in line.group(0), (iri, lang)
    again = bench_query.corpus_build(report, 4, tmp_path / "again")
    assert (again / "cqkg.nt").read_bytes() == (out / "cqkg.nt").read_bytes()  # seeded
