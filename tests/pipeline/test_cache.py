"""The per-source cache (graph.pipeline.cache): a warm or incremental build is byte-identical to a
cold
one, and an entry that does not check is ignored and rebuilt, never trusted."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.pipeline import cache as source_cache
from graph.pipeline.run import run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
ARTICLES = ("fx-a-bayu-2023-cq2022-hans", "fx-b-jialing-2023-cq2022-hant")
ADDED = "fx-f-bashan-2023-cq2022-hant"


def _corpus(root: Path, names: tuple[str, ...]) -> Path:
    for name in names:
        (root / name).mkdir(parents=True, exist_ok=True)
        for f in ("raw.txt", "source.toml"):
            shutil.copyfile(FIXTURES / name / f, root / name / f)
    return root


def _manifest(out: Path) -> str:
    return (out / "MANIFEST.sha256").read_text(encoding="utf-8")


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.pickle"))


@pytest.mark.slow
def test_cold_warm_incremental_and_larger_cold_builds_are_identical(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "src", ARTICLES)
    cache = tmp_path / "cache"
    cold = run(tmp_path / "cold", src, use_cache=False)
    assert cold.cache == {}
    first = run(tmp_path / "first", src, cache_dir=cache)  # fills the cache
    assert first.cache == {"hits": 0, "misses": 2}
    warm = run(tmp_path / "warm", src, cache_dir=cache)
    assert warm.cache == {"hits": 2, "misses": 0}
    assert _manifest(tmp_path / "cold") == _manifest(tmp_path / "first")
    assert _manifest(tmp_path / "warm") == _manifest(tmp_path / "cold")
    _corpus(src, (ADDED,))
    incremental = run(tmp_path / "incr", src, cache_dir=cache)
    assert incremental.cache == {"hits": 2, "misses": 1}
    run(tmp_path / "big", src, use_cache=False)
    assert _manifest(tmp_path / "incr") == _manifest(tmp_path / "big")
    assert _manifest(tmp_path / "incr") != _manifest(tmp_path / "cold")
    assert len(_entries(cache)) == 3


@pytest.mark.slow
def test_a_damaged_or_foreign_entry_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "src", ARTICLES[:1])
    cache = tmp_path / "cache"
    run(tmp_path / "a", src, cache_dir=cache)
    (entry,) = _entries(cache)
    good = entry.read_bytes()
    header = good.split(b"\n", 2)
    damaged = [
        good[: len(good) // 2],  # truncated
        b"x" + good,  # not our format
        source_cache.FORMAT + b"0" * 64 + b"\n" + header[2],  # written under another key
        good.split(b"\n", 1)[0].replace(b" 1", b" 0") + b"\n" + good.split(b"\n", 1)[1],
        good[: len(good) - len(header[2])] + pickle.dumps({"not": "an entry"}),  # wrong type
    ]
    for i, blob in enumerate(damaged):
        entry.write_bytes(blob)
        result = run(tmp_path / f"b{i}", src, cache_dir=cache)
        assert result.cache == {"hits": 0, "misses": 1}, i
        assert _manifest(tmp_path / f"b{i}") == _manifest(tmp_path / "a"), i
        assert entry.read_bytes() == good, i  # rewritten whole


def test_the_key_covers_text_manifest_and_code(tmp_path: Path) -> None:
    code = source_cache.code_digest()
    key = source_cache.source_key("ab" * 32, b"id = 'x'\n", code)
    assert key != source_cache.source_key("cd" * 32, b"id = 'x'\n", code)
    assert key != source_cache.source_key("ab" * 32, b"id = 'y'\n", code)
    assert key != source_cache.source_key("ab" * 32, b"id = 'x'\n", "0" * 64)
    hashed = {p.relative_to(source_cache.PACKAGE).as_posix() for p in source_cache._files()}
    assert {
        "pipeline/ingest.py",
        "pipeline/segment.py",
        "pipeline/extract/metrics.py",
        "curation/entities.yaml",
    } <= hashed
    registry = tmp_path / "entities.yaml"
    registry.write_text("{}\n", encoding="utf-8")
    assert source_cache.code_digest(registry) != code


def test_a_cache_directory_others_can_write_is_not_used(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    store = source_cache.SourceCache(shared)
    assert not store.usable
    assert store.load("0" * 64) is None
    own = source_cache.SourceCache(tmp_path / "own")
    assert own.usable
    assert (tmp_path / "own").stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_no_cache_flag_builds_cold_and_writes_nothing(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "src", ARTICLES[:1])
    cmd = [sys.executable, "-m", "graph.cli", "build", "--quiet", "--sources", str(src)]
    res = subprocess.run(
        [*cmd, "--out", str(tmp_path / "out"), "--no-cache"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert not (tmp_path / ".cqkg-cache").exists()
    res = subprocess.run(
        [*cmd, "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stderr
    assert len(_entries(tmp_path / ".cqkg-cache")) == 1


def test_every_module_the_per_source_stages_import_is_hashed() -> None:
    """A module the per-source stages import but the key does not cover would let a code
    change reuse stale entries; import them in a fresh interpreter and compare."""
    code = (
        "import sys, pkgutil, importlib, graph.pipeline.extract\n"
        "import graph.pipeline.ingest, graph.pipeline.segment, graph.pipeline.sources\n"
        "import graph.curation.vocabularies, graph.curation.registry\n"
        "for m in pkgutil.iter_modules(graph.pipeline.extract.__path__):\n"
        "    importlib.import_module('graph.pipeline.extract.' + m.name)\n"
        "print('\\n'.join(sorted(n for n in sys.modules if n.startswith('graph.'))))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    hashed = {p.relative_to(source_cache.PACKAGE).as_posix() for p in source_cache._files()}
    for name in res.stdout.split():
        rel = name.removeprefix("graph.").replace(".", "/")
        assert f"{rel}.py" in hashed or f"{rel}/__init__.py" in hashed, name
