"""A build's files and, for a big build, the on-disk pyoxigraph store the engine opens it from.

Why a store on disk: a 1,000-article corpus takes about a minute to bulk-load, which every
``cqkg serve`` worker and every ``cqkg query`` would pay again; a build whose data file is at
least ``PERSISTENT_STORE_MIN_BYTES`` is loaded once into a store next to its files (``cqkg build``
writes it before publishing: :func:`write_store`) and opened read-only afterwards. The store
comes with the shipped queries' answers (:mod:`graph.sparql.kept_answers`). The engines
(:mod:`graph.sparql.engines`) and the worker pool read the build's files through
:func:`build_files`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.model import InputError
from graph.sparql.kept_answers import answers_current, keep_answers
from graph.sparql.safety import DATA_GRAPH, ONTOLOGY_GRAPH

__all__ = [
    "ANSWERS_SUFFIX",
    "PERSISTENT_STORE_MIN_BYTES",
    "STORE_DIR",
    "build_files",
    "has_store",
    "load_into",
    "persistent_store",
    "reuse_store",
    "wants_store",
    "write_store",
]


def build_files(build_dir: Path) -> tuple[Path, Path | None]:
    """``cqkg.nt`` (or a Turtle ``cqkg.ttl``, as the viewer's fixtures are) and the ontology;
    the worker pool calls it too, to fail fast with the same one-line message."""
    data = build_dir / "cqkg.nt"
    if not data.is_file():
        if (build_dir / "cqkg.ttl").is_file():
            data = build_dir / "cqkg.ttl"
        else:
            raise InputError(f"{data}: not found; run `cqkg build` first")
    onto = build_dir / "ontology.ttl"
    return data, onto if onto.is_file() else None


PERSISTENT_STORE_MIN_BYTES = 64 * 1024**2
"""Data files at least this big (~45 report-sized articles of N-Triples) are loaded once into an
on-disk store next to them and opened read-only afterwards: a 1,000-article corpus takes about a
minute to bulk-load, which every ``cqkg serve`` worker and every ``cqkg query`` would pay again.
Smaller builds load in memory in well under a second, as before."""

STORE_DIR = ".oxigraph-store"
ANSWERS_SUFFIX = ".answers"
"""``<store key>.answers/``: the shipped queries' answers on that store (``keep_answers``)."""


def _store_key(files: Sequence[Path]) -> str:
    """Names the store after what it was loaded from (file names, sizes, mtimes, pyoxigraph)."""
    import hashlib

    import pyoxigraph as ox

    h = hashlib.sha256(f"pyoxigraph {ox.__version__}\n".encode())
    for f in files:
        st = f.stat()
        h.update(f"{f.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


#: bytes of N-Triples per bulk load (whole lines): Oxigraph's bulk loader holds about four
#: times its input, so one load of a 1,000-article build's 287 MB cqkg.nt peaked at 1.3 GB on
#: top of the build; in 32 MiB parts it peaks at ~0.3 GB in the same time (17.8 s load + 3.7 s
#: optimize vs 15.2 + 5.7 s, measured with scripts/bench_corpus.py's corpus)
LOAD_CHUNK = 32 << 20


def load_into(store: Any, data: Path, onto: Path | None) -> None:
    import pyoxigraph as ox

    graph = ox.NamedNode(DATA_GRAPH)
    if data.suffix == ".nt":  # line-based: loaded in parts of whole lines (LOAD_CHUNK)
        with open(data, "rb") as fh:
            rest = b""
            while block := fh.read(LOAD_CHUNK):
                block = rest + block
                cut = block.rfind(b"\n") + 1
                rest = block[cut:]
                if cut:
                    store.bulk_load(block[:cut], format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            if rest:
                store.bulk_load(rest, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    else:
        store.bulk_load(path=str(data), format=ox.RdfFormat.TURTLE, to_graph=graph)
    if onto is not None:
        store.bulk_load(
            path=str(onto), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH)
        )


def persistent_store(build_dir: Path) -> Any | None:
    """The build as a read-only on-disk pyoxigraph store, built on first use; None if the build
    directory cannot hold one (read-only), so the caller loads in memory instead.

    ``cqkg build`` writes this store into a big build before publishing it
    (:func:`write_store`), so ``cqkg serve``'s workers open it instead of each loading the data;
    one is built here only when none matches the files (an older build, a changed file).
    """
    import pyoxigraph as ox

    final = write_store(build_dir)
    return None if final is None else ox.Store.read_only(str(final))


def wants_store(build_dir: Path) -> bool:
    """Whether the engine opens this build from an on-disk store (its data file is big)."""
    data, _ = build_files(build_dir)
    return data.stat().st_size >= PERSISTENT_STORE_MIN_BYTES


def has_store(build_dir: Path) -> bool:
    """Whether ``build_dir`` holds a store for its files as they are now (their key).

    ``cqkg build`` asks before it copies the previous build's store: the build's
    ``report.html`` may have built this one already (it queries it), and a copy would move the
    files' mtimes, so the key, away from it."""
    data, onto = build_files(build_dir)
    key = _store_key([data] + ([onto] if onto is not None else []))
    return (build_dir / STORE_DIR / key).is_dir()


def write_store(build_dir: Path) -> Path | None:
    """Make sure ``<build>/.oxigraph-store/<key>`` holds the build; its path, or None if the
    build directory cannot hold one.

    The store lives in ``<build>/.oxigraph-store/<key>`` (pruned with its build version), is
    built in a hidden temporary directory under an exclusive lock (two workers starting together
    build it once) and renamed into place only when complete, so a half-built store is never
    opened. Stores for other keys (an older file version) are removed.
    """
    import fcntl
    import shutil
    import tempfile

    import pyoxigraph as ox

    data, onto = build_files(build_dir)
    key = _store_key([data] + ([onto] if onto is not None else []))
    root = build_dir / STORE_DIR
    final = root / key
    if not final.is_dir():
        try:
            root.mkdir(exist_ok=True)
            with open(root / ".lock", "w", encoding="utf-8") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not final.is_dir():
                    for old in root.iterdir():
                        if old.is_dir():
                            shutil.rmtree(old, ignore_errors=True)
                    tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root))
                    kept = Path(tempfile.mkdtemp(prefix=f".{key}.answers.", dir=root))
                    try:
                        store = ox.Store(str(tmp))
                        load_into(store, data, onto)
                        store.flush()
                        store.optimize()  # compacted: ~1.5x faster queries than as loaded
                        keep_answers(store, kept)
                        del store  # closes the database before it is renamed and reopened
                        for d in (tmp, kept):  # mkdtemp makes 0700; the build is world-readable
                            os.chmod(d, 0o755)
                        os.replace(kept, root / f"{key}{ANSWERS_SUFFIX}")
                        os.replace(tmp, final)
                    except BaseException:
                        shutil.rmtree(tmp, ignore_errors=True)
                        shutil.rmtree(kept, ignore_errors=True)
                        raise
        except PermissionError:
            return None
        except OSError as exc:
            if exc.errno in (13, 30):  # EACCES, EROFS: a build directory we may not write
                return None
            raise
    return final


def _manifest_rows(build_dir: Path) -> dict[str, str]:
    """name -> sha256 from a build's ``MANIFEST.sha256`` ({} when it has none)."""
    try:
        text = (build_dir / "MANIFEST.sha256").read_text(encoding="utf-8")
    except OSError:
        return {}
    rows = (line.split("  ", 1) for line in text.splitlines() if "  " in line)
    return {name: digest for digest, name in rows}


def reuse_store(previous: Path, build_dir: Path) -> bool:
    """Give ``build_dir`` the store of ``previous`` when both hold the same data bytes; whether
    it did.

    Why: a rebuild whose data did not change (a warm rebuild; one that changed only the report
    or the metadata) wrote the same store again: bulk load, ``optimize`` and the shipped
    queries' answers, most of a warm 1,000-article rebuild. Taken only when the data file and
    the ontology have the same names, sizes and sha256 (``MANIFEST.sha256`` of both builds) and
    ``previous`` holds its store under its current key and this code's answers to every
    shipped query (``kept_answers.answers_current``). The new files then get the
    previous files' mtimes (the bytes are the same), so the store's key, which names the files
    it was loaded from, is the same, and the store and answers are copied (never linked: each
    build's directory stays its own). Anything else, or any error, returns False and the caller
    writes the store as before.
    """
    import shutil
    import tempfile

    try:
        data, onto = build_files(build_dir)
        files = [data] + ([onto] if onto is not None else [])
        olds = [previous / f.name for f in files]
        new_rows, old_rows = _manifest_rows(build_dir), _manifest_rows(previous)
        for f, old in zip(files, olds, strict=True):
            if not old.is_file() or old.stat().st_size != f.stat().st_size:
                return False
            if new_rows.get(f.name) is None or new_rows.get(f.name) != old_rows.get(f.name):
                return False
        key = _store_key(olds)
        store, answers = previous / STORE_DIR / key, previous / STORE_DIR / f"{key}{ANSWERS_SUFFIX}"
        if not (store.is_dir() and answers.is_dir()) or not answers_current(answers):
            return False
        for f, old in zip(files, olds, strict=True):
            st = old.stat()
            os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
        if _store_key(files) != key:
            return False
        root = build_dir / STORE_DIR
        root.mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.copy.", dir=root))
        try:
            shutil.copytree(store, tmp / "store")
            shutil.copytree(answers, tmp / "answers")
            for d in (tmp / "store", tmp / "answers"):
                os.chmod(d, 0o755)
            os.replace(tmp / "answers", root / f"{key}{ANSWERS_SUFFIX}")
            os.replace(tmp / "store", root / key)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError:
        return False
    return True
