"""Per-source cache: what ingest -> segment -> extract made of one source, keyed by content.

A build of a 1,000-article corpus redoes every source unless the results of the per-source
stages (``graph.pipeline.run.extract_bundle``: everything of a ``Bundle`` except the document, which
is read anyway) are kept. An entry is keyed by

* the sha256 of the raw bytes and the sha256 of the manifest file (``source.toml``),
* the digest of the code and curation that produced it (:func:`code_digest`: every source
  file of the ``graph/`` modules the per-source stages import, every file under
  ``graph/curation/``, the registry file, the cqkg/Python/OpenCC/pypinyin versions).

So any change to the text, the manifest, a rule, a word list or a library that shapes the
result gives another key, and the old entry is simply never looked up again. An entry is
never trusted: one that does not parse, carries another key or format, or holds the wrong
type is ignored and rebuilt. Writes are atomic (temporary file + ``os.replace``), so a killed
build leaves either the old entry, the new one or none.

Format: pickle. The cache holds only what this user's own build wrote into a directory this
user owns (created 0700; a directory owned by someone else or writable by group/others is
not used at all, because unpickling runs code), and the objects are plain dataclasses with
Decimals, tuples and enums: a JSON form would need a hand-written codec for each of them and
would be several times slower to load, for no gain on a private local cache.

Location: ``.cqkg-cache/`` next to the output directory (``build/`` -> ``./.cqkg-cache/``),
so it lives and dies with the project's build output (``make clean`` removes it, git ignores
it); ``cqkg build --cache-dir`` picks another place, ``--no-cache`` builds cold.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import platform
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata as importlib_metadata
from pathlib import Path

from graph import __version__
from graph.model import CleanText, Extraction, Segmentation

FORMAT = b"cqkg-source-cache 1\n"
PACKAGE = Path(__file__).resolve().parents[1]
#: the modules ``extract_bundle`` runs or imports (directly or not); graph/pipeline/extract/ and
#: graph/curation/ are hashed whole. A module added to the per-source stages goes here.
CODE_FILES = (
    "__init__.py",
    "model.py",
    "namespaces.py",
    "pipeline/__init__.py",
    "pipeline/ingest.py",
    "pipeline/ingest_findings.py",
    "pipeline/ingest_offsets.py",
    "pipeline/ingest_rules.py",
    "pipeline/markup.py",
    "pipeline/mojibake.py",
    "pipeline/mojibake_gbk.py",
    "pipeline/run.py",
    "pipeline/segment.py",
    "pipeline/sources.py",
    "text.py",
    "vocab.py",
)
CODE_DIRS = ("pipeline/extract", "curation")
_LIBRARIES = ("opencc", "pypinyin", "pyyaml")


@dataclass(frozen=True, slots=True)
class Entry:
    """The per-source part of a ``Bundle`` (the document itself is not stored)."""

    clean: CleanText
    seg: Segmentation
    extraction: Extraction
    edition: str
    numbers: object  # graph.pipeline.extract.metrics.Accounting | None


def _files() -> list[Path]:
    paths = [PACKAGE / name for name in CODE_FILES]
    for d in CODE_DIRS:
        paths += [
            p for p in (PACKAGE / d).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ]
    return sorted(p for p in paths if p.is_file())


def _versions(libraries: Iterable[str]) -> list[str]:
    """cqkg's, Python's and each library's version ("-" when not installed): part of every
    cache key, so an upgrade is a miss, never a stale hit."""
    versions = [f"cqkg {__version__}", f"python {platform.python_version()}"]
    for name in libraries:
        try:
            versions.append(f"{name} {importlib_metadata.version(name)}")
        except importlib_metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    return versions


@cache
def code_digest(registry_path: Path | None = None) -> str:
    """Digest of everything besides the source that shapes a per-source result."""
    h = hashlib.sha256()
    versions = _versions(_LIBRARIES)
    h.update("\n".join(versions).encode() + b"\0")
    files = _files()
    if registry_path is not None:
        files.append(Path(registry_path).resolve())
    for p in files:
        rel = p.relative_to(PACKAGE) if p.is_relative_to(PACKAGE) else p
        h.update(str(rel).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def source_key(raw_sha256: str, manifest_bytes: bytes, code: str) -> str:
    h = hashlib.sha256()
    for part in (raw_sha256.encode(), hashlib.sha256(manifest_bytes).digest(), code.encode()):
        h.update(part + b"\0")
    return h.hexdigest()


def default_dir(out_dir: Path) -> Path:
    return Path(out_dir).absolute().parent / ".cqkg-cache"


class SourceCache:
    """Load and store :class:`Entry` objects under ``directory`` (see the module docstring).

    The same directory also keeps whole-graph results (:meth:`load_blob` / :meth:`store_blob`:
    the SHACL result of a graph, the rendered files of a graph), keyed by the digest of
    everything that decides them; their hits and misses are counted apart (``blob_hits``), so
    ``hits`` / ``misses`` stay the per-source counts ``BuildResult.cache`` reports.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.hits = 0
        self.misses = 0
        self.blob_hits = 0
        self.blob_misses = 0
        self.usable = self._prepare()

    def _prepare(self) -> bool:
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            st = self.directory.stat()
        except OSError:
            return False
        owned = st.st_uid == os.getuid()
        private = not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        return stat.S_ISDIR(st.st_mode) and owned and private

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def load(self, key: str) -> Entry | None:
        """The entry stored under ``key``, or None when there is none or it does not check."""
        if not self.usable:
            return None
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        header = FORMAT + key.encode() + b"\n"
        entry: object = None
        if blob.startswith(header):
            try:
                entry = pickle.loads(blob[len(header) :])
            except Exception:  # a damaged or foreign entry: ignored, rebuilt
                entry = None
        if not isinstance(entry, Entry) or not isinstance(entry.clean, CleanText):
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def store(self, key: str, entry: Entry) -> None:
        """Write atomically; a cache that cannot be written only costs time, never the build."""
        if not self.usable:
            return
        path = self._path(key)
        blob = FORMAT + key.encode() + b"\n" + pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)
        _atomic_write(path, blob)

    def _blob_path(self, kind: str, key: str) -> Path:
        return self.directory / kind / f"{key}.blob"

    def load_blob(self, kind: str, key: str) -> bytes | None:
        """The bytes stored under (``kind``, ``key``), or None when absent or not checking.

        A blob starts with the format line, its kind and its full key, so a truncated file, a
        file renamed or copied under another key, or one of an older format is a miss, never
        a wrong answer. The caller still parses it and treats a parse failure as a miss.
        """
        if not self.usable:
            return None
        try:
            blob = self._blob_path(kind, key).read_bytes()
        except OSError:
            self.blob_misses += 1
            return None
        header = FORMAT + f"{kind} {key}\n".encode()
        if not blob.startswith(header) or not blob.endswith(b"\n" + END):
            self.blob_misses += 1
            return None
        self.blob_hits += 1
        return blob[len(header) : -len(END) - 1]

    def store_blob(self, kind: str, key: str, payload: bytes) -> None:
        """Write atomically (temporary file + ``os.replace``); a failure only costs time."""
        if not self.usable:
            return
        path = self._blob_path(kind, key)
        # written in parts: a rendered file of a 1,000-article build is hundreds of MB, and
        # joining it to its header first was one more copy of it in memory
        _atomic_write(path, FORMAT + f"{kind} {key}\n".encode(), payload, b"\n" + END)

    def forget_blob(self, kind: str, key: str) -> None:
        """Drop an entry the caller found unusable, so it is rewritten, not read again."""
        with contextlib.suppress(OSError):
            self._blob_path(kind, key).unlink()


END = b"cqkg-blob-end\n"
"""Last line of a blob: a file cut short by a full disk is recognised and ignored."""


def _atomic_write(path: Path, *parts: bytes) -> None:
    """``parts`` one after the other into ``path``, atomically (temporary file + rename)."""
    tmp = None
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            for part in parts:
                fh.write(part)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def digest(*parts: bytes | str) -> str:
    """sha256 of ``parts``, each length-prefixed (so no two part lists give one byte string)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(f"{len(data)}:".encode())  # the same bytes as one update of prefix + data,
        h.update(data)  # without a copy of a part that may be a whole graph's N-Triples
    return h.hexdigest()


@cache
def package_digest(libraries: tuple[str, ...]) -> str:
    """Digest of every file of the ``graph`` package and the ontology, plus library versions.

    For whole-graph results (validation, rendered files) whose code spans many modules: hashing
    all of it (about 1 MB, a few ms) means no module that shapes a result can be left out of
    the key by mistake; the price is a miss after any code change, which only costs time.
    """
    paths = {
        p.resolve()
        for root in (PACKAGE, PACKAGE.parent / "ontology")
        if root.is_dir()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    versions = _versions(libraries)
    parts: list[bytes | str] = ["\n".join(versions)]
    for p in sorted(paths):
        rel = p.relative_to(PACKAGE.parent) if p.is_relative_to(PACKAGE.parent) else p
        parts += [str(rel), p.read_bytes()]
    return digest(*parts)
