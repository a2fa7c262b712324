"""A build as the viewer reads it: the checked query engine and its index, loaded once per
version of the build's files.

Why: the page, ``cqkg analyze`` and ``cqkg view --query`` all read the build through
``graph.sparql.engines`` (the engine every query of every entry point uses), so the viewer's
``--query`` goes through the same checked path as ``cqkg query`` and the endpoint; the index
is read from that engine's store (:class:`~graph.view.store_index.StoreIndex` for a big build,
else a :class:`~graph.view.resource_index.ResourceIndex` copy).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from graph.model import InputError
from graph.sparql.disk_store import wants_store
from graph.sparql.engines import OxigraphEngine, open_engine
from graph.view.resource_index import ResourceIndex, index_quads
from graph.view.store_index import StoreIndex

__all__ = ["load_build", "load_engine"]


def _data_file(build_dir: Path) -> Path:
    for name in ("cqkg.nt", "cqkg.ttl"):
        if (build_dir / name).is_file():
            return build_dir / name
    raise InputError(f"{build_dir}: no cqkg.nt or cqkg.ttl (run `cqkg build` first)")


def _load_engine(build_dir: Path) -> OxigraphEngine:
    """The build in ``graph.sparql.engines``'s engine, the one every query of every entry point uses
    (data and ontology in their named graphs, the default graph their union)."""
    _data_file(build_dir)  # the viewer's own one-line message for a missing build
    engine = open_engine("oxigraph", build_dir)
    assert isinstance(engine, OxigraphEngine)
    return engine


def _index(store: ox.Store) -> ResourceIndex:
    idx = ResourceIndex()
    index_quads(idx, store.quads_for_pattern(None, None, None, None))
    return idx


def _stamp(build_dir: Path) -> tuple[str, int, int]:
    data = _data_file(build_dir)
    st = data.stat()
    return (str(data.resolve()), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _cached_build(stamp: tuple[str, int, int]) -> tuple[OxigraphEngine, ResourceIndex]:
    # the index is read from the engine's store, not straight from the parser: the store
    # canonicalises literals (150000000.0 -> 150000000), and the page shows them as it does
    build_dir = Path(stamp[0]).parent
    engine = _load_engine(build_dir)
    if wants_store(build_dir):  # a big build: read resources from its store when asked
        return engine, StoreIndex(engine.store)
    return engine, _index(engine.store)


def load_build(build_dir: Path) -> tuple[ox.Store, ResourceIndex]:
    """Load ``build/`` (data graph plus ontology) once per file version (cached by mtime)."""
    engine, idx = _cached_build(_stamp(Path(build_dir)))
    return engine.store, idx


def load_engine(build_dir: Path) -> tuple[OxigraphEngine, ResourceIndex]:
    """The cached build as the checked query engine (for ``--query``) and its index."""
    return _cached_build(_stamp(Path(build_dir)))
