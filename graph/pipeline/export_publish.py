"""Publishing a build: its files written into a fresh version directory and swapped in atomically.

Atomicity: the files are written into a fresh directory ``.<out>.versions/<digest>`` (fsync'd),
then the path ``<out>`` - a symlink - is swapped to it with ``os.replace``, which is atomic on
POSIX. At every instant ``build/`` is either the previous complete build or the new one, so a
crash (or SIGKILL) mid-build leaves the previous build intact; stale temporary directories are
removed by the next successful run. Only the current and the previous version are kept. Split
from :mod:`graph.pipeline.export` (which renders the files and re-exports these names) to keep
each module small.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.atomic import fsync_dir

VOLATILE = frozenset({"build-metadata.ttl", "MANIFEST.sha256"})


def utf8(text: str | bytes) -> bytes:
    """``text`` as UTF-8 bytes (bytes are taken as they are)."""
    return text if isinstance(text, bytes) else text.encode("utf-8")


def _write(path: Path, text: str | bytes) -> bytes:
    """Write ``text`` as UTF-8 (no newline translation; bytes as they are), fsync'd; the bytes
    written."""
    data = utf8(text)
    _write_hashed(path, data)
    return data


Content = str | bytes | Iterable[bytes]
"""A file's content: text (written as UTF-8), bytes, or byte chunks written in order."""


@dataclass(frozen=True, slots=True)
class InVersionDir:
    """A file produced from files written before it into the version directory.

    :func:`publish` writes files in sorted order and calls ``make(version_dir)`` when it comes
    to this one, after checking that every file named in ``after`` is already there (they
    sort before it). Why: a big build's ``report.html`` (sorted after ``cqkg.nt`` and
    ``ontology.ttl``) is read from the query store built from those files, the store the
    build publishes anyway, instead of loading the data a second time."""

    make: Callable[[Path], Content]
    after: tuple[str, ...] = ()


Producer = Callable[[], Content] | InVersionDir
"""What :func:`publish` writes a file from."""


def _write_hashed(path: Path, content: Content, *hashes: Any) -> None:
    """Write ``content`` fsync'd, feeding every byte written to each of ``hashes`` (a sha256 of
    chunks is the sha256 of their concatenation, so no file is read back or joined first)."""
    chunks = (utf8(content),) if isinstance(content, str | bytes) else content
    with open(path, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
            for h in hashes:
                h.update(chunk)
        fh.flush()
        os.fsync(fh.fileno())


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(directory: Path) -> str:
    rows = [
        f"{sha256_file(p)}  {p.name}"
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name not in VOLATILE
    ]
    return "\n".join(rows) + "\n"


def _manifest_of(hashes: Mapping[str, str]) -> str:
    """:func:`manifest` of a directory holding exactly these files, from their sha256."""
    rows = [f"{hashes[name]}  {name}" for name in sorted(hashes) if name not in VOLATILE]
    return "\n".join(rows) + "\n"


def query_store(version_dir: Path, previous: Path | None = None) -> None:
    """The on-disk query store of a big build, written before the build is published.

    Why here: ``cqkg serve`` on a fresh big build used to have each worker bulk-load the data
    (a minute for a 1,000-article corpus) and time out. The store is built exactly when the
    engine would open one (``graph.sparql.disk_store.wants_store``: the same size threshold),
    inside the not-yet-published version directory, so it is published with the files it was
    loaded from, under the key (file names, sizes, mtimes, pyoxigraph version) the engine
    checks; a store that does not match is rebuilt by the engine, never used. It is a
    directory, so ``MANIFEST.sha256`` and the version digest (files only) leave it out.

    ``previous`` is the build published until now: when it holds the same data bytes, its
    store and answers are copied instead (``disk_store.reuse_store``: a warm rebuild wrote the
    same store again, most of its time at 1,000 articles). A store that is there already (the
    build's ``report.html`` was read from it: :class:`InVersionDir`) is kept as it is.
    """
    from graph.sparql import disk_store  # imported only when publishing

    if disk_store.wants_store(version_dir):
        if disk_store.has_store(version_dir):
            return
        if previous is not None and disk_store.reuse_store(previous, version_dir):
            return
        disk_store.write_store(version_dir)


def publish(
    out: Path,
    files: Mapping[str, Producer],
    finish: Callable[[Path], None] | None = None,
) -> Path:
    """Write ``files`` into a new version directory and atomically point ``out`` at it.

    ``finish(version_dir)`` runs after the files are written and before the directory is
    published (``query_store`` for ``cqkg build``); what it adds is published with them.

    A ``dict`` given is emptied as its files are written: each producer (and what it holds:
    at 1,000 articles the graph, its N-Triples and the rendered files, ~1.2 GB) is released
    once its file is on disk, so the query store ``finish`` loads does not come on top of
    them (the build's peak memory was that bulk load over everything it had rendered).
    """
    out = Path(out)
    versions = out.parent / f".{out.name}.versions"
    versions.mkdir(parents=True, exist_ok=True)
    with open(versions / "LOCK", "w") as lock:  # one publisher at a time per output path
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _publish_locked(out, versions, files, finish)


def _publish_locked(
    out: Path,
    versions: Path,
    files: Mapping[str, Producer],
    finish: Callable[[Path], None] | None = None,
) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=versions))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes 0700; a published build is world-readable
        # Each file is hashed as it is written (for MANIFEST.sha256 and the version name)
        # instead of being read back twice: at corpus size the files are hundreds of MB.
        digest = hashlib.sha256()
        hashes: dict[str, str] = {}
        release = isinstance(files, dict)
        for name in sorted(files):
            own = hashlib.sha256()
            digest.update(name.encode() + b"\0")
            producer = files.pop(name) if release else files[name]  # type: ignore[attr-defined]
            _write_hashed(tmp / name, _produce(producer, tmp, name), own, digest)
            del producer
            digest.update(b"\0")
            hashes[name] = own.hexdigest()
        _write(tmp / "MANIFEST.sha256", _manifest_of(hashes))
        if finish is not None:
            finish(tmp)
        fsync_dir(tmp)
        final = versions / digest.hexdigest()[:16]
        if final.exists():
            # The same bytes are already published. A digest-named directory only ever comes
            # into being whole (by rename) and only ever leaves whole (renamed to trash first),
            # so it is complete; never delete it: it may be what build/ points at right now.
            shutil.rmtree(tmp)
        else:
            os.replace(tmp, final)
        fsync_dir(versions)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap_link(out, final)
    _prune(versions, keep={final.name, *_previous(out)})
    return final


def _produce(producer: Producer, tmp: Path, name: str) -> Content:
    """A file's content; an :class:`InVersionDir` from the files written before it."""
    if not isinstance(producer, InVersionDir):
        return producer()
    missing = [f for f in producer.after if not (tmp / f).is_file()]
    if missing:  # a file it reads sorts after it, or is not published: a programming error
        raise RuntimeError(f"{name} needs {', '.join(missing)} written before it")
    return producer.make(tmp)


def _previous(out: Path) -> set[str]:
    marker = out.parent / f".{out.name}.versions" / "PREVIOUS"
    return {marker.read_text().strip()} if marker.exists() else set()


def _swap_link(out: Path, target: Path) -> None:
    rel = os.path.relpath(target, out.parent)
    versions = target.parent
    if out.is_symlink():
        (versions / "PREVIOUS").write_text(Path(os.readlink(out)).name + "\n")
    elif out.exists():
        # A real directory from an older layout or made by hand: keep it aside, never delete it.
        aside = versions / "legacy-build"
        if aside.exists():
            shutil.rmtree(aside)
        os.replace(out, aside)
    for stale in out.parent.glob(f".{out.name}.link-*"):  # left by a killed build
        stale.unlink(missing_ok=True)
    link_tmp = out.parent / f".{out.name}.link-{os.getpid()}"
    os.symlink(rel, link_tmp)
    os.replace(link_tmp, out)
    fsync_dir(out.parent)


def _prune(versions: Path, keep: set[str]) -> None:
    """Remove old versions; each is renamed to ``trash-…`` first, so a kill mid-delete never
    leaves a half-deleted directory under a version name that a later build could reuse."""
    for child in sorted(versions.iterdir()):
        if child.name in keep or child.name in {"PREVIOUS", "LOCK", "legacy-build"}:
            continue
        if not child.is_dir():
            continue
        if not child.name.startswith("trash-"):
            trash = versions / f"trash-{child.name}-{os.getpid()}"
            os.replace(child, trash)
            child = trash
        shutil.rmtree(child, ignore_errors=True)
