"""The build's in-memory triple store: one graph, one subject index, no contexts.

Why: the build holds one data graph from assemble to export, and rdflib's default ``Memory``
store is made for many named graphs. It keeps three indexes of every triple plus a context
record per triple, which cost ~15 µs and ~0.9 KB a triple (measured: 18.6 µs an add on the
default store, 12.4 µs on ``SimpleMemory``, 1.4 µs into a plain ``set``): at 1,000 articles,
1.3 million triples, that was most of assemble's time and about 1.2 GB of the build's peak
memory. :class:`TripleIndex` is an rdflib ``Store`` (``Graph(store=TripleIndex())``), so every
rdflib API keeps working on it (``value``, ``objects``, ``subjects``, ``serialize``, rdflib's
SPARQL), but it keeps only ``subject -> predicate -> objects``, builds the ``predicate ->
object -> subjects`` index of a predicate when a pattern first asks for it, and answers an
object-only pattern by a scan (nothing in the build asks one).

Orders are what ``Memory`` gives: insertion order at every level (the levels are dicts, not
sets), so nothing that reads the graph depends on the string hash (``PYTHONHASHSEED``).

The build writes through :meth:`TripleIndex.add_triple` (no ``Graph.add`` type assertions, no
event dispatch: nothing subscribes to a build graph's events) and readers that want every
triple at once use :meth:`TripleIndex.spo` (``graph.pipeline.shacl.index``,
``graph.pipeline.export_writers``) instead of a generator per triple.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

__all__ = ["TripleIndex", "index_graph", "index_of", "on_memory"]

_Triple = tuple[Node, Node, Node]
_Objects = dict[Node, None]


def _none() -> Iterator[Any]:
    return iter(())


class TripleIndex(SimpleMemory):
    """A context-free store: ``spo[s][p]`` is a dict of objects (a set kept in order).

    ``SimpleMemory`` is the base for its namespace bindings and its ``query``/``update`` (which
    defer to rdflib's engine); its own three indexes stay empty."""

    def __init__(self) -> None:
        super().__init__()
        self._spo: dict[Node, dict[Node, _Objects]] = {}
        self._pos: dict[Node, dict[Node, dict[Node, None]]] = {}  # built per predicate on use
        self._n = 0

    # -- writing --------------------------------------------------------------------------
    def add_triple(self, s: Node, p: Node, o: Node) -> None:
        """Add one triple (a no-op when it is there)."""
        by_p = self._spo.get(s)
        if by_p is None:
            by_p = self._spo[s] = {}
        objs = by_p.get(p)
        if objs is None:
            objs = by_p[p] = {}
        elif o in objs:
            return
        objs[o] = None
        self._n += 1
        inv = self._pos.get(p)
        if inv is not None:
            subs = inv.get(o)
            if subs is None:
                inv[o] = {s: None}
            else:
                subs[s] = None

    def add(self, triple: _Triple, context: Any, quoted: bool = False) -> None:  # type: ignore[override]
        s, p, o = triple
        self.add_triple(s, p, o)

    def remove(self, triple_pattern: Any, context: Any = None) -> None:  # type: ignore[override]
        for (s, p, o), _ in list(self.triples(triple_pattern)):
            by_p = self._spo[s]
            objs = by_p[p]
            del objs[o]
            if not objs:
                del by_p[p]
                if not by_p:
                    del self._spo[s]
            self._n -= 1
            inv = self._pos.get(p)
            if inv is not None:
                subs = inv[o]
                del subs[s]
                if not subs:
                    del inv[o]

    # -- reading --------------------------------------------------------------------------
    def spo(self) -> dict[Node, dict[Node, _Objects]]:
        """The index itself (subject -> predicate -> objects), for readers of every triple.
        Read only: writing to it bypasses the count and the inverse indexes."""
        return self._spo

    def value(self, s: Node, p: Node) -> Node | None:
        """``Graph.value(s, p)``: the first object (in insertion order, as ``Graph.value``
        finds it on this store), without a generator per call."""
        by_p = self._spo.get(s)
        objs = by_p.get(p) if by_p is not None else None
        return next(iter(objs)) if objs else None

    def _inverse(self, p: Node) -> dict[Node, dict[Node, None]]:
        inv = self._pos.get(p)
        if inv is None:
            inv = {}
            for s, by_p in self._spo.items():
                objs = by_p.get(p)
                if objs:
                    for o in objs:
                        subs = inv.get(o)
                        if subs is None:
                            inv[o] = {s: None}
                        else:
                            subs[s] = None
            self._pos[p] = inv
        return inv

    def triples(  # type: ignore[override]
        self, triple_pattern: Any, context: Any = None
    ) -> Iterator[tuple[_Triple, Iterator[Any]]]:
        s, p, o = triple_pattern
        spo = self._spo
        if s is not None:
            by_p = spo.get(s)
            if not by_p:
                return
            if p is not None:
                objs = by_p.get(p)
                if not objs:
                    return
                if o is not None:
                    if o in objs:
                        yield (s, p, o), _none()
                    return
                for obj in list(objs):
                    yield (s, p, obj), _none()
                return
            for pred, objs in list(by_p.items()):
                if o is not None:
                    if o in objs:
                        yield (s, pred, o), _none()
                else:
                    for obj in list(objs):
                        yield (s, pred, obj), _none()
            return
        if p is not None:
            inv = self._inverse(p)
            if o is not None:
                for subj in list(inv.get(o, ())):
                    yield (subj, p, o), _none()
                return
            for obj, subs in list(inv.items()):
                for subj in list(subs):
                    yield (subj, p, obj), _none()
            return
        for subj, by_p in list(spo.items()):
            for pred, objs in list(by_p.items()):
                if o is not None:
                    if o in objs:
                        yield (subj, pred, o), _none()
                else:
                    for obj in list(objs):
                        yield (subj, pred, obj), _none()

    def __len__(self, context: Any = None) -> int:
        return self._n


def index_graph() -> Graph:
    """An empty ``Graph`` on a :class:`TripleIndex`."""
    return Graph(store=TripleIndex())


def index_of(g: Graph) -> TripleIndex | None:
    """``g``'s :class:`TripleIndex` when ``g`` is a plain ``Graph`` on one (its triples are
    exactly the store's), else None."""
    store = g.store
    if type(g) is Graph and isinstance(store, TripleIndex):
        return store
    return None


def on_memory(g: Graph) -> Graph:
    """``g`` on rdflib's default store: ``g`` itself unless it is on a :class:`TripleIndex`,
    else a copy (the same triples and prefixes).

    Why: pySHACL wraps the data graph it is given in an rdflib ``Dataset`` over the graph's own
    store, which must be context- and graph-aware; a single-graph store is neither, so what
    hands a build graph to pySHACL as it is hands it this."""
    if not isinstance(g.store, TripleIndex):
        return g
    out = Graph(identifier=g.identifier)
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns, override=True, replace=True)
    out.addN((s, p, o, out) for s, p, o in g)
    return out
