"""The on-disk read-only store big builds are opened from
(graph.sparql.disk_store.persistent_store)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from query_support import make_build_dir

from graph.model import InputError
from graph.sparql import disk_store, engines
from graph.sparql.catalogue import list_queries
from graph.sparql.disk_store import ANSWERS_SUFFIX, STORE_DIR
from graph.sparql.engines import OxigraphEngine, run_query


@pytest.fixture()
def build_dir(tmp_path: Path) -> Path:
    return make_build_dir(tmp_path / "build")


def _stores(build_dir: Path) -> list[Path]:
    root = build_dir / STORE_DIR
    return [p for p in root.iterdir() if p.is_dir() and not p.name.endswith(ANSWERS_SUFFIX)]


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
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    first = OxigraphEngine(build_dir)
    stores = _stores(build_dir)
    assert len(stores) == 1 and not stores[0].name.startswith(".")
    kept = stores[0].parent / f"{stores[0].name}{ANSWERS_SUFFIX}"
    assert len(list(kept.glob("*.json"))) == len(list_queries())  # every shipped query kept
    assert _answers(first) == in_memory  # the kept answers are the engine's own
    stamp = stores[0].stat().st_mtime_ns
    second = OxigraphEngine(build_dir)  # opened, not rebuilt
    assert stores[0].stat().st_mtime_ns == stamp
    assert _answers(second) == in_memory


def test_a_changed_data_file_gets_a_new_store(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    OxigraphEngine(build_dir)
    data = build_dir / "cqkg.nt"
    extra = '<https://w3id.org/cqkg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    data.write_text(data.read_text(encoding="utf-8") + extra, encoding="utf-8")
    engine = OxigraphEngine(build_dir)
    ask = "ASK { <https://w3id.org/cqkg/id/x> rdfs:label 'x' }"
    assert run_query(engine, ask, max_rows=1).boolean is True
    assert len(_stores(build_dir)) == 1  # the stale store was removed
    assert len(list((build_dir / STORE_DIR).glob(f"*{ANSWERS_SUFFIX}"))) == 1  # and its answers


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only directory")
def test_read_only_build_falls_back_to_memory(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
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
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "cqkg.nt").write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot load the build"):
        OxigraphEngine(bad)
    leftovers = [p for p in (bad / STORE_DIR).iterdir() if p.is_dir()]
    assert leftovers == []  # a failed build leaves no store behind


def test_kept_answers_only_for_their_own_text_and_code(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shipped query's own text is answered from the kept answers (the store is not asked);
    other bindings, or an answer file another version of the code wrote (or a damaged one),
    are evaluated by the store."""
    from graph.sparql.catalogue import bind_query, load_query

    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    engine = OxigraphEngine(build_dir)
    text = load_query("yukuaiban")
    own = run_query(engine, text)
    assert own.rows
    other_text = bind_query(text, {"platform": ["渝快政"]})
    other = run_query(engine, other_text)

    class Refuses:
        def query(self, *_a: object, **_k: object) -> object:
            raise RuntimeError("the store was asked")

    engine.store = Refuses()
    assert run_query(engine, text).rows == own.rows  # kept: the store is not asked
    with pytest.raises(engines.TooManyRows):
        run_query(engine, text, max_rows=len(own.rows) - 1)  # the row cap still holds
    with pytest.raises(engines.QueryError, match="the store was asked"):
        run_query(engine, other_text)  # other bindings: evaluated
    kept = next((build_dir / STORE_DIR).glob(f"*{ANSWERS_SUFFIX}"))
    for damage in ("other code", "not json"):
        for f in kept.glob("*.json"):
            body = json.loads(f.read_text(encoding="utf-8"))
            body["code"] = "another version"
            f.write_text(json.dumps(body) if damage == "other code" else damage, "utf-8")
        fresh = OxigraphEngine(build_dir)
        assert run_query(fresh, text).rows == own.rows
        assert run_query(fresh, other_text).rows == other.rows
        fresh.store = Refuses()
        with pytest.raises(engines.QueryError, match="the store was asked"):
            run_query(fresh, text)  # not ours: evaluated
