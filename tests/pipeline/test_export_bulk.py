"""A big build writes ``cqkg.ttl`` and ``cqkg.jsonld`` with Oxigraph's serializers.

"Big" is ``disk_store.PERSISTENT_STORE_MIN_BYTES`` of N-Triples; the test lowers it so the seed
counts as big. What must hold: both files hold exactly the triples of ``cqkg.nt`` (language
tags compared in lower case, their RDF value), a second build writes the same bytes, and a
small build keeps the rdflib layout.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.pipeline import export_bulk
from graph.pipeline.run import run
from graph.sparql import disk_store


def _quads(path: Path, fmt: ox.RdfFormat) -> set[str]:
    return {str(t) for t in ox.parse(path=str(path), format=fmt)}


@pytest.fixture(scope="module")
def big_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
        root = tmp_path_factory.mktemp("bulk")
        return run(root / "build", cache_dir=root / "cache").out_dir


def test_big_build_files_hold_the_ntriples(big_build: Path) -> None:
    want = _quads(big_build / "cqkg.nt", ox.RdfFormat.N_TRIPLES)
    assert len(want) > 1000
    assert _quads(big_build / "cqkg.ttl", ox.RdfFormat.TURTLE) == want
    assert _quads(big_build / "cqkg.jsonld", ox.RdfFormat.JSON_LD) == want
    assert (big_build / "cqkg.ttl").read_text(encoding="utf-8").startswith("@prefix ")
    doc = json.loads((big_build / "cqkg.jsonld").read_text(encoding="utf-8"))
    assert isinstance(doc, list) and all("@id" in node for node in doc)  # expanded form


def test_big_build_bytes_are_a_function_of_the_ntriples(big_build: Path) -> None:
    nt = (big_build / "cqkg.nt").read_bytes()
    assert (big_build / "cqkg.ttl").read_bytes() == export_bulk.turtle(nt)
    assert (big_build / "cqkg.jsonld").read_bytes() == export_bulk.jsonld(nt)


def test_a_small_build_keeps_the_rdflib_layout(tmp_path: Path) -> None:
    built = run(tmp_path / "build", cache_dir=tmp_path / "cache").out_dir
    nt = (built / "cqkg.nt").read_bytes()
    assert (built / "cqkg.ttl").read_bytes() != export_bulk.turtle(nt)
    assert '"@context"' in (built / "cqkg.jsonld").read_text(encoding="utf-8")
