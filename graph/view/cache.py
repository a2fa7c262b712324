"""A big build's overview page, kept next to the build so it is computed once per build.

Why: the overview of a 1,000-article corpus is read from the build's on-disk store (tens of
thousands of entities and links, a few figures per drawn node), and pyoxigraph hands each
term to Python for microseconds, so computing it costs seconds of CPU even with every
whole-graph question asked once (``graph.view.store_index.StoreIndex``). But the page is a pure
function of the build's files, the code, the styles and the view's options, so the first
``cqkg view`` (or served ``/``) of a big build writes it to ``<build>/.cqkg-view/<key>.html``
and every later one reads it back.

The key covers everything the page depends on: the data and ontology files (names, sizes,
mtimes, as the store's key), the pyoxigraph and pyvis versions, the sha256 of every file of
the ``graph`` package (any code change is a miss, which only costs time), the styles as
loaded and the view's options. A missing or unreadable entry is a miss; a build directory that
cannot be written gets no cache (the page is computed each time, as for a small build). Only
builds the engine opens from an on-disk store use it: a small build renders in well under a
second. Entries of other versions of the files are removed when a new one is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from graph.model import InputError
from graph.sparql.disk_store import build_files, wants_store

__all__ = ["CACHE_DIR", "cached_page"]

CACHE_DIR = ".cqkg-view"
PACKAGE = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """sha256 of every file of the ``graph`` package (code, templates, curated data)."""
    h = hashlib.sha256()
    for f in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def _files_key(build_dir: Path) -> str:
    import pyoxigraph as ox
    import pyvis

    data, onto = build_files(build_dir)
    h = hashlib.sha256(f"pyoxigraph {ox.__version__} pyvis {pyvis.__version__}\n".encode())
    for f in [data] + ([onto] if onto is not None else []):
        st = f.stat()
        h.update(f"{f.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def cached_page(build_dir: Path, options: str, render: Callable[[], str]) -> str:
    """The page ``render()`` gives for this build and ``options`` (a canonical text of the
    view's options and styles), from the cache when the build is big and an entry matches."""
    build_dir = Path(build_dir)
    try:
        big = wants_store(build_dir)
    except InputError:  # no build here: the viewer's own message, from render()
        big = False
    if not big:
        return render()
    files = _files_key(build_dir)
    rest = hashlib.sha256(f"{_code_digest()}\n{options}".encode()).hexdigest()[:24]
    root = build_dir / CACHE_DIR
    entry = root / f"{files}-{rest}.html"
    try:
        return entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    html = render()
    try:
        from graph.view.render import write_html  # the atomic UTF-8 writer of the page

        root.mkdir(exist_ok=True)
        write_html(html, entry)
        for old in root.glob("*.html"):
            if not old.name.startswith(files + "-"):
                old.unlink(missing_ok=True)
    except OSError:  # a build directory we may not write: no cache, the page as computed
        pass
    return html
