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


def test_same_data_in_a_new_version_copies_the_previous_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild whose data bytes did not change (other metadata, so another version) gets
    the previous build's store and answers, copied, not loaded again; other data is loaded."""
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    out = tmp_path / "b"
    nt = "<https://e.x/a> <https://e.x/p> <https://e.x/b> .\n"

    def build(data: str, stamp: str) -> Path:
        previous = out.resolve() if out.is_dir() else None
        files = {**_files(data), "build-metadata.ttl": lambda: stamp}
        return export.publish(out, files, finish=lambda d: export.query_store(d, previous))  # type: ignore[arg-type]

    first = build(nt, "# built at 1\n")
    (old_store,) = _stores(out)
    loads: list[object] = []
    real = disk_store.load_into
    monkeypatch.setattr(disk_store, "load_into", lambda *a: (loads.append(a), real(*a)))
    second = build(nt, "# built at 2\n")
    assert second != first and loads == []
    (store,) = _stores(out)
    assert store.name == old_store.name and store.resolve().parent.parent == second
    assert (first / STORE_DIR / store.name).is_dir()  # a copy: each version keeps its own
    assert (store.parent / f"{store.name}{ANSWERS_SUFFIX}").is_dir()
    _no_loading(monkeypatch)
    (row,) = run_query(OxigraphEngine(out), COUNT).rows
    assert row[0] is not None and int(row[0].value) == 1
    monkeypatch.setattr(disk_store, "load_into", lambda *a: (loads.append(a), real(*a)))
    build(nt.replace("/b>", "/c>"), "# built at 3\n")  # other data: loaded, not copied
    assert len(loads) == 1


def test_big_build_reads_report_html_from_the_store_it_publishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big build loads its data into a query store once: ``report.html`` is read from the
    store published for ``cqkg serve`` (not from a store of its own), with the bytes an
    in-memory load of the same data gives; a rebuild of the same data loads nothing."""
    from rdflib import Graph

    from graph.serve import report

    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    loads: list[Path] = []
    real = disk_store.load_into
    in_memory = engines.load_into

    def counted(store: object, data: Path, onto: Path | None) -> None:
        loads.append(data)
        real(store, data, onto)

    def refuse(*_args: object) -> None:
        raise AssertionError("the data was loaded in memory")

    monkeypatch.setattr(disk_store, "load_into", counted)
    monkeypatch.setattr(engines, "load_into", refuse)
    built = run(tmp_path / "build", cache_dir=tmp_path / "cache")
    assert [p.name for p in loads] == ["cqkg.nt"]
    assert loads[0].parent.parent == built.version_dir.parent  # the version being written
    (store,) = _stores(built.out_dir)
    assert store.parent.parent.resolve() == built.version_dir.resolve()
    again = run(tmp_path / "build", cache_dir=tmp_path / "cache")  # same data: page cached,
    assert len(loads) == 1 and len(_stores(again.out_dir)) == 1  # store copied, not loaded
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 1 << 60)
    monkeypatch.setattr(engines, "load_into", in_memory)
    nt = (built.out_dir / "cqkg.nt").read_bytes()
    page = (built.out_dir / "report.html").read_bytes()
    assert report.static_page(Graph(), nt).encode("utf-8") == page
