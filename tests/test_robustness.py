"""The robustness corpus (tests/data/robustness/): invented articles in every shape the genre takes.

Each was written to break the build: a table flattened with tabs (3987<TAB>-0.6%), full-width
digits, 1,234.5亿元 and 0.5‰, negative growth, ranks 第0位 and 第41 of 40, another province and
the national report with a manifest ``area``, a 《…报告》 with no year, a January article, a GBK
file, the seed's scrape damage, emoji, URLs, repeated paragraphs, pairs that state the same
indicators with different values, periods and qualifiers. No gold: the contract is only that
all of them build next to the seed (exit 0, SHACL conforms, every figure quoted) and that the
build is deterministic.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from graph.pipeline import run as build
from graph.pipeline.sources import DEFAULT_ROOT, load_sources

CORPUS = Path(__file__).resolve().parent / "data" / "robustness"

pytestmark = pytest.mark.slow


def _corpus(tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    shutil.copytree(DEFAULT_ROOT, root)
    for d in sorted(CORPUS.iterdir()):
        if d.is_dir():
            shutil.copytree(d, root / d.name)
    return root


def test_corpus_is_varied_and_in_both_scripts() -> None:
    docs = load_sources(CORPUS)
    assert len(docs) >= 12
    assert {d.language for d in docs} == {"zh-Hans", "zh-Hant"}
    assert any(d.encoding == "gb18030" for d in docs)
    assert {d.area for d in docs} >= {"place/chongqing", "place/sichuan", "place/china"}


def test_seed_and_whole_corpus_build_validly_and_deterministically(tmp_path: Path) -> None:
    root = _corpus(tmp_path)
    results = [
        build.run(out_dir=tmp_path / f"b{i}", sources_root=root, use_cache=False) for i in (0, 1)
    ]
    a, b = results
    assert a.stats["shacl_conforms"] is True
    assert a.stats["counts"]["observations"] > 91  # the seed's alone, plus the corpus's figures
    g = Graph()
    g.parse(a.out_dir / "cqkg.ttl")
    unquoted = list(
        g.query(
            """PREFIX cqo: <https://w3id.org/cqkg/ontology#>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            SELECT ?o WHERE { ?o a cqo:Observation .
              FILTER NOT EXISTS { ?o prov:wasDerivedFrom ?s . ?s a cqo:Span } }"""
        )
    )
    assert unquoted == []
    sources_with_figures = {
        str(r[0])
        for r in g.query(
            """PREFIX cqo: <https://w3id.org/cqkg/ontology#>
            PREFIX prov: <http://www.w3.org/ns/prov#>
            PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
            SELECT DISTINCT ?d WHERE { ?o a cqo:Observation ; prov:wasDerivedFrom ?s .
              ?s nif:referenceContext ?d }"""
        )
    }
    assert len(sources_with_figures) == len(load_sources(root))  # no article lost its figures
    manifest = (a.out_dir / "MANIFEST.sha256").read_text(encoding="utf-8")
    assert manifest == (b.out_dir / "MANIFEST.sha256").read_text(encoding="utf-8")
