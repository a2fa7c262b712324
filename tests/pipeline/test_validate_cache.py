"""The SHACL result cache and the rendered-file cache: a hit is what a fresh run gives, and an
entry that does not check is ignored and recomputed, never trusted.

Keys are content (sorted N-Triples of the graph, every package file, library versions), so
the tests below change each part and damage entries in every way the loader must catch.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from graph.pipeline import cache, export, validate

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "tests" / "data" / "valid" / "assertion.ttl"
INVALID_DIR = ROOT / "tests" / "data" / "invalid"
INVALID = [
    *sorted(INVALID_DIR.glob("span_*.ttl"))[:2],
    INVALID_DIR / "entity_two_zh_hant_labels.ttl",
]


def _graph(path: Path) -> tuple[Graph, str]:
    g = Graph().parse(path, format="turtle")
    return g, export.ntriples(g)


def _store(tmp_path: Path) -> cache.SourceCache:
    store = cache.SourceCache(tmp_path / "cache")
    assert store.usable
    return store


def _blob(store: cache.SourceCache, kind: str) -> Path:
    (path,) = sorted((store.directory / kind).glob("*.blob"))
    return path


@pytest.mark.parametrize("path", [VALID, *INVALID], ids=lambda p: p.stem)
def test_hit_equals_fresh_and_full_pyshacl(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    g, nt = _graph(path)
    store = _store(tmp_path)
    monkeypatch.delenv(validate.FULL_VALIDATION_ENV, raising=False)
    miss = validate.shacl(g, nt, store)
    misses = store.blob_misses  # the whole graph's entry, and its parts' when it splits
    assert store.blob_hits == 0 and misses >= 1
    hit = validate.shacl(g, nt, store)
    assert (store.blob_hits, store.blob_misses) == (1, misses)  # one lookup
    monkeypatch.setenv(validate.FULL_VALIDATION_ENV, "1")
    reference = validate.shacl(g)  # pySHACL as shipped, no cache
    assert hit == miss
    assert hit[:2] == reference[:2]
    assert hit[0] == (path == VALID)
    assert (path == VALID) == (hit[1] == [])


def test_a_changed_graph_never_gets_the_stored_result(tmp_path: Path) -> None:
    good, good_nt = _graph(VALID)
    bad, bad_nt = _graph(INVALID[0])
    store = _store(tmp_path)
    assert validate.shacl(good, good_nt, store)[0]
    conforms, problems, _ = validate.shacl(bad, bad_nt, store)
    assert not conforms and problems
    assert validate.shacl_key(good_nt) != validate.shacl_key(bad_nt)
    assert store.blob_hits == 0


def test_entry_under_another_key_is_ignored(tmp_path: Path) -> None:
    """A conforming result copied to an invalid graph's file name is not read as its result."""
    good, good_nt = _graph(VALID)
    bad, bad_nt = _graph(INVALID[0])
    store = _store(tmp_path)
    validate.shacl(good, good_nt, store)
    forged = store.directory / "shacl" / f"{validate.shacl_key(bad_nt)}.blob"
    forged.write_bytes(_blob(store, "shacl").read_bytes())
    conforms, problems, _ = validate.shacl(bad, bad_nt, store)
    assert not conforms and problems
    assert store.blob_hits == 0


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # cut short
        lambda b: b.replace(b'"conforms": false', b'"conforms": "no"'),  # wrong type
        lambda b: b.replace(b'"problems"', b'"problemz"'),  # missing field
        lambda b: b.replace(b'"conforms": false', b'"conforms": true'),  # contradicts itself
        lambda b: b.replace(b"cqkg-source-cache 1", b"cqkg-source-cache 0"),  # old format
        lambda b: b.replace(b"{", b"\xff{", 1),  # not UTF-8
    ],
    ids=["truncated", "wrong-type", "missing-field", "self-contradicting", "format", "bytes"],
)
def test_damaged_entry_is_recomputed(tmp_path: Path, damage: object) -> None:
    bad, nt = _graph(INVALID[0])
    store = _store(tmp_path)
    fresh = validate.shacl(bad, nt, store)
    path = _blob(store, "shacl")
    damaged = damage(path.read_bytes())  # type: ignore[operator]
    assert damaged != path.read_bytes()
    path.write_bytes(damaged)
    again = validate.shacl(bad, nt, store)
    assert again == fresh
    assert not again[0]
    assert validate.shacl(bad, nt, store) == fresh  # rewritten: now a good hit
    assert store.blob_hits >= 1


def test_full_validation_neither_reads_nor_writes_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad, nt = _graph(INVALID[0])
    store = _store(tmp_path)
    store.store_blob(
        "shacl",
        validate.shacl_key(nt),
        b'{"conforms": true, "problems": [], "text": "poisoned"}',
    )
    monkeypatch.setenv(validate.FULL_VALIDATION_ENV, "1")
    conforms, problems, text = validate.shacl(bad, nt, store)
    assert not conforms and problems and text != "poisoned"
    assert (store.blob_hits, store.blob_misses) == (0, 0)


def test_key_follows_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, nt = _graph(VALID)
    before = validate.shacl_key(nt)
    monkeypatch.setattr(cache, "package_digest", lambda libraries: "another code version")
    assert validate.shacl_key(nt) != before


def test_package_digest_covers_shapes_and_this_module() -> None:
    """The key must change when the shapes or validation code change: both are hashed."""
    cache.package_digest.cache_clear()
    seen: list[str] = []
    real = Path.read_bytes

    def spy(self: Path) -> bytes:
        seen.append(self.name)
        return real(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Path, "read_bytes", spy)
        cache.package_digest(validate.SHACL_LIBRARIES)
    cache.package_digest.cache_clear()
    assert {"shapes.ttl", "cqkg.ttl", "validate.py", "export.py", "report.py"} <= set(seen)


def test_rendered_file_hit_miss_and_bad_blob(tmp_path: Path) -> None:
    store = _store(tmp_path)
    calls: list[str] = []

    def render() -> str:
        calls.append("x")
        return "重慶 turtle\n"

    assert export.rendered(store, "cqkg.ttl", "<a> <b> <c> .\n", render) == "重慶 turtle\n"
    assert export.rendered(store, "cqkg.ttl", "<a> <b> <c> .\n", render) == "重慶 turtle\n"
    assert len(calls) == 1
    assert export.rendered(store, "cqkg.ttl", "<a> <b> <d> .\n", render) == "重慶 turtle\n"
    assert export.rendered(store, "cqkg.jsonld", "<a> <b> <c> .\n", render) == "重慶 turtle\n"
    assert len(calls) == 3  # another graph or another file: rendered, not reused
    for path in (store.directory / "export").glob("*.blob"):
        blob = path.read_bytes()
        path.write_bytes(blob.replace("重".encode(), b"\xff\xfe\xfd"))
    assert export.rendered(store, "cqkg.ttl", "<a> <b> <c> .\n", render) == "重慶 turtle\n"
    assert len(calls) == 4
    assert export.rendered(None, "cqkg.ttl", "<a> <b> <c> .\n", render) == "重慶 turtle\n"
    assert len(calls) == 5


def test_unusable_cache_directory_is_not_used(tmp_path: Path) -> None:
    """Group-writable: someone else could plant entries; the cache is not read at all."""
    d = tmp_path / "shared"
    d.mkdir(mode=0o777)
    d.chmod(0o777)
    store = cache.SourceCache(d)
    assert not store.usable
    good, nt = _graph(VALID)
    store.store_blob("shacl", validate.shacl_key(nt), b"x")
    assert store.load_blob("shacl", validate.shacl_key(nt)) is None
    assert validate.shacl(good, nt, store)[0]
    assert not list(d.rglob("*.blob"))
