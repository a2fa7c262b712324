"""The on-disk read-only store big builds are opened from
(graph.sparql.engines.persistent_store)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from query_support import make_build_dir

from graph.model import InputError
from graph.sparql import engines
from graph.sparql.catalogue import list_queries
from graph.sparql.engines import STORE_DIR, OxigraphEngine, run_query


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    return make_build_dir(tmp_path / "build")


def _answers(engine: OxigraphEngine) -> dict[str, object]:
    out: dict[str, object] = {}
    for q in list_queries():
        res = run_query(engine, q.text, max_rows=100_000)
        out[q.name] = (res.variables, res.rows, sorted(map(repr, res.triples)), res.boolean)
    return out


def test_small_builds_stay_in_memory(build_dir: Path) -> None:
    OxigraphEngine(build_dir)
    assert not (build_dir / STORE_DIR).exists()


def test_big_build_answers_like_memory_and_is_built_once(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_memory = _answers(OxigraphEngine(build_dir))
    assert any(rows for _v, rows, _t, _b in in_memory.values())  # the fixture answers something
    monkeypatch.setattr(engines, "PERSISTENT_STORE_MIN_BYTES", 0)
    first = OxigraphEngine(build_dir)
    stores = [p for p in (build_dir / STORE_DIR).iterdir() if p.is_dir()]
    assert len(stores) == 1 and not stores[0].name.startswith(".")
    assert _answers(first) == in_memory
    stamp = stores[0].stat().st_mtime_ns
    second = OxigraphEngine(build_dir)  # opened, not rebuilt
    assert stores[0].stat().st_mtime_ns == stamp
    assert _answers(second) == in_memory


def test_a_changed_data_file_gets_a_new_store(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engines, "PERSISTENT_STORE_MIN_BYTES", 0)
    OxigraphEngine(build_dir)
    data = build_dir / "cqkg.nt"
    extra = '<https://w3id.org/cqkg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    data.write_text(data.read_text(encoding="utf-8") + extra, encoding="utf-8")
    engine = OxigraphEngine(build_dir)
    ask = "ASK { <https://w3id.org/cqkg/id/x> rdfs:label 'x' }"
    assert run_query(engine, ask, max_rows=1).boolean is True
    stores = [p for p in (build_dir / STORE_DIR).iterdir() if p.is_dir()]
    assert len(stores) == 1  # the stale store was removed


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only directory")
def test_read_only_build_falls_back_to_memory(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engines, "PERSISTENT_STORE_MIN_BYTES", 0)
    build_dir.chmod(0o555)
    try:
        engine = OxigraphEngine(build_dir)
        assert run_query(engine, "ASK { ?s ?p ?o }", max_rows=1).boolean is True
        assert not (build_dir / STORE_DIR).exists()
    finally:
        build_dir.chmod(0o755)


def test_bad_data_in_a_big_build_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engines, "PERSISTENT_STORE_MIN_BYTES", 0)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "cqkg.nt").write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot load the build"):
        OxigraphEngine(bad)
    leftovers = [p for p in (bad / STORE_DIR).iterdir() if p.is_dir()]
    assert leftovers == []  # a failed build leaves no store behind
