"""``cqkg build`` writes the on-disk query store of a big build before publishing it, and the
engine (what every ``cqkg serve`` worker opens: ``graph.sparql.workers`` calls
``engines.open_engine``) uses that store as it is, rebuilding only one that does not match.

"Big" is ``disk_store.PERSISTENT_STORE_MIN_BYTES`` (64 MiB of N-Triples); the tests lower it so
a small build counts as big, and make ``load_into`` fail where a rebuild must not happen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.pipeline import export
from graph.pipeline.run import run
from graph.sparql import disk_store, engines
from graph.sparql.disk_store import ANSWERS_SUFFIX, STORE_DIR
from graph.sparql.engines import OxigraphEngine, run_query

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _stores(build: Path) -> list[Path]:
    root = build / STORE_DIR
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.endswith(ANSWERS_SUFFIX))


def _no_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("the store was rebuilt")

    for module in (disk_store, engines):  # the store's rebuild and the in-memory load
        monkeypatch.setattr(module, "load_into", refuse)


def _files(nt: str) -> dict[str, object]:
    return {"cqkg.nt": lambda: nt, "ontology.ttl": lambda: ""}


def test_build_writes_the_store_serve_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    built = run(tmp_path / "build", cache_dir=tmp_path / "cache")
    out = built.out_dir
    (store,) = _stores(out)
    assert store.parent.parent.resolve() == built.version_dir.resolve()  # published with it
    data, onto = disk_store.build_files(out)
    assert store.name == disk_store._store_key([data] + ([onto] if onto else []))
    assert STORE_DIR not in (out / "MANIFEST.sha256").read_text(encoding="utf-8")
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 1 << 60)
    in_memory = run_query(OxigraphEngine(out), COUNT).rows  # data + ontology, loaded afresh
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    _no_loading(monkeypatch)
    engine = OxigraphEngine(out)  # what a serve worker does: opened, not rebuilt
    (row,) = run_query(engine, COUNT).rows
    assert row == in_memory[0]
    assert row[0] is not None and int(row[0].value) > built.stats["triples"]


def test_small_build_writes_no_store(tmp_path: Path) -> None:
    out = tmp_path / "b"
    export.publish(out, _files("<a:x> <a:y> <a:z> .\n"), finish=export.query_store)  # type: ignore[arg-type]
    assert _stores(out) == []


def test_a_store_that_does_not_match_the_build_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    out = tmp_path / "b"
    nt = "<https://e.x/a> <https://e.x/p> <https://e.x/b> .\n"
    export.publish(out, _files(nt), finish=export.query_store)  # type: ignore[arg-type]
    (written,) = _stores(out)
    data = out / "cqkg.nt"
    data.write_text(nt + "<https://e.x/c> <https://e.x/p> <https://e.x/d> .\n", encoding="utf-8")
    engine = OxigraphEngine(out)  # the files changed under the store: rebuilt, old one removed
    (row,) = run_query(engine, COUNT).rows
    assert row[0] is not None and int(row[0].value) == 2
    (rebuilt,) = _stores(out)
    assert rebuilt.name != written.name


def test_same_bytes_republished_keeps_its_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second build with the same bytes reuses the digest directory and the store in it."""
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    out = tmp_path / "b"
    nt = "<https://e.x/a> <https://e.x/p> <https://e.x/b> .\n"
    first = export.publish(out, _files(nt), finish=export.query_store)  # type: ignore[arg-type]
    (store,) = _stores(out)
    second = export.publish(out, _files(nt), finish=export.query_store)  # type: ignore[arg-type]
    assert first == second and _stores(out) == [store]
    _no_loading(monkeypatch)
    (row,) = run_query(OxigraphEngine(out), COUNT).rows
    assert row[0] is not None and int(row[0].value) == 1
