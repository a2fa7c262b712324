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
triple at once use :meth:`TripleIndex.triples_list` or :meth:`TripleIndex.as_sets`
(``graph.pipeline.export_writers``, ``graph.pipeline.shacl.index``) instead of a generator per
triple.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

__all__ = ["TripleIndex", "index_graph", "index_of", "on_memory"]

_Triple = tuple[Node, Node, Node]
_Many = dict[Node, None]  # several objects of one (subject, predicate): a set kept in order


def _none() -> Iterator[Any]:
    return iter(())


def _each(v: Node | _Many) -> Iterable[Node]:
    """The objects of one slot: the object itself, or the keys of a ``_Many``."""
    return v if type(v) is dict else (v,)  # type: ignore[return-value]


def _slot(s: Node, p: Node, v: Node | _Many, o: Node | None) -> Iterator[tuple[_Triple, Any]]:
    """The triples of one ``(s, p)`` slot that match object ``o`` (None: any), as
    ``Store.triples`` yields them (a copy of the objects: the caller may add meanwhile)."""
    if o is not None:
        if (o in v) if type(v) is dict else (v == o):
            yield (s, p, o), _none()
        return
    for obj in list(_each(v)):
        yield (s, p, obj), _none()


class TripleIndex(SimpleMemory):
    """A context-free store: ``spo[s][p]`` is the object, or a dict of objects when there are
    several (most subject-predicate pairs have one: a dict per pair was ~230 bytes a triple,
    about 280 MB of a 1,000-article graph).

    ``SimpleMemory`` is the base for its namespace bindings and its ``query``/``update`` (which
    defer to rdflib's engine); its own three indexes stay empty."""

    def __init__(self) -> None:
        super().__init__()
        self._spo: dict[Node, dict[Node, Node | _Many]] = {}
        self._pos: dict[Node, dict[Node, dict[Node, None]]] = {}  # built per predicate on use
        self._n = 0

    # -- writing --------------------------------------------------------------------------
    def add_triple(self, s: Node, p: Node, o: Node) -> None:
        """Add one triple (a no-op when it is there)."""
        by_p = self._spo.get(s)
        if by_p is None:
            self._spo[s] = {p: o}
        else:
            cur = by_p.get(p)
            if cur is None:
                by_p[p] = o
            elif type(cur) is dict:
                if o in cur:
                    return
                cur[o] = None
            elif cur == o:  # the same term (what a dict key lookup would decide)
                return
            else:
                by_p[p] = {cur: None, o: None}  # type: ignore[dict-item]
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
            cur = by_p[p]
            if type(cur) is dict:
                del cur[o]
                if len(cur) == 1:
                    by_p[p] = next(iter(cur))
            else:
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
    def triples_list(self) -> list[_Triple]:
        """Every triple, in index order, without a generator per triple."""
        out: list[_Triple] = []
        for s, by_p in self._spo.items():
            for p, v in by_p.items():
                if type(v) is dict:
                    out.extend((s, p, o) for o in v)
                else:
                    out.append((s, p, v))  # type: ignore[arg-type]
        return out

    def as_sets(self) -> dict[Node, dict[str, set[Node]]]:
        """``subject -> predicate IRI (a str) -> set of objects``: the SHACL engine's index
        (``graph.pipeline.shacl.index``), made in one pass."""
        return {
            s: {str(p): set(v) if type(v) is dict else {v} for p, v in by_p.items()}  # type: ignore[arg-type]
            for s, by_p in self._spo.items()
        }

    def value(self, s: Node, p: Node) -> Node | None:
        """``Graph.value(s, p)``: the first object (in insertion order, as ``Graph.value``
        finds it on this store), without a generator per call."""
        by_p = self._spo.get(s)
        v = by_p.get(p) if by_p is not None else None
        if type(v) is dict:
            return next(iter(v))
        return v  # type: ignore[return-value]

    def _inverse(self, p: Node) -> dict[Node, dict[Node, None]]:
        inv = self._pos.get(p)
        if inv is None:
            inv = {}
            for s, by_p in self._spo.items():
                v = by_p.get(p)
                if v is not None:
                    for o in _each(v):
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
                v = by_p.get(p)
                if v is not None:
                    yield from _slot(s, p, v, o)
                return
            for pred, v in list(by_p.items()):
                yield from _slot(s, pred, v, o)
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
            for pred, v in list(by_p.items()):
                yield from _slot(subj, pred, v, o)

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
