"""The index of a big build, answered from its on-disk store when a resource is asked for.

Why: copying every quad of a 1,000-article corpus into Python dicts took longer than the whole
page may (issue 11); :class:`StoreIndex` gives exactly the answers of
:class:`graph.view.resource_index.ResourceIndex` for the same store, looked up on demand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import pyoxigraph as ox

from graph.curation.styles import ClassStyle, Styles
from graph.namespaces import CQO_IRI, RDF
from graph.view.resource_index import ResourceIndex

__all__ = ["StoreIndex"]

_TYPE = str(RDF.type)
_CQO = CQO_IRI

_V = TypeVar("_V")


class _Lazy(dict[str, _V]):
    """A dict filled on first lookup by ``fetch`` (a store lookup), each answer memoised.

    ``get`` and ``in`` fetch too. Iterating it yields only what was looked up, which is why the
    code that needs every resource of a class asks :meth:`ResourceIndex.instances` instead.
    """

    __slots__ = ("_fetch",)

    def __init__(self, fetch: Callable[[str], _V]) -> None:
        super().__init__()
        self._fetch = fetch

    def __missing__(self, key: str) -> _V:
        value = self._fetch(key)
        self[key] = value
        return value

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return self[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self[key])


class StoreIndex(ResourceIndex):
    """The index of a big build, answered from its (on-disk) store when a resource is asked for.

    Why: copying every quad of a 1,000-article corpus (millions) into Python dicts took longer
    than the whole page may (issue 11: HTML < 3 s); the overview reads a few thousand
    resources. Lookups give exactly what :class:`ResourceIndex` would hold for the same store
    (the same quads, canonicalised by the store); the whole-graph questions (instances of
    classes, the links between entities, the figure links, mention editions) are asked of the
    store in one pattern or SPARQL query each instead of a Python loop over every resource.
    """

    def __init__(self, store: ox.Store) -> None:
        ResourceIndex.__init__(
            self, types=_Lazy(self._types), out=_Lazy(self._out), inc=_Lazy(self._inc)
        )
        self.store = store

    @staticmethod
    def _node(iri: str) -> ox.NamedNode | ox.BlankNode | None:
        try:
            return ox.BlankNode(iri[2:]) if iri.startswith("_:") else ox.NamedNode(iri)
        except ValueError:  # not a term of the store (a literal's text, an empty string)
            return None

    def _types(self, s: str) -> set[str]:
        node = self._node(s)
        if node is None:
            return set()
        quads = self.store.quads_for_pattern(node, ox.NamedNode(_TYPE), None, None)
        return {q.object.value for q in quads if isinstance(q.object, ox.NamedNode)}

    def _out(self, s: str) -> list[tuple[str, str, bool, str]]:
        node = self._node(s)
        if node is None:
            return []
        out: list[tuple[str, str, bool, str]] = []
        named, blank, literal = ox.NamedNode, ox.BlankNode, ox.Literal
        for q in self.store.quads_for_pattern(node, None, None, None):
            o = q.object
            if isinstance(o, named):
                out.append((q.predicate.value, o.value, True, ""))
            elif isinstance(o, literal):
                out.append((q.predicate.value, o.value, False, o.language or ""))
            elif isinstance(o, blank):
                out.append((q.predicate.value, f"_:{o.value}", True, ""))
        return out

    def _inc(self, o: str) -> list[tuple[str, str]]:
        node = self._node(o)
        if node is None:
            return []
        out: list[tuple[str, str]] = []
        for q in self.store.quads_for_pattern(None, None, node, None):
            p, s = q.predicate.value, q.subject
            if p == _TYPE:
                continue
            if isinstance(s, ox.NamedNode):
                out.append((p, s.value))
            elif isinstance(s, ox.BlankNode):
                out.append((p, f"_:{s.value}"))
        return out

    def _subjects(self, cls: str) -> list[str]:
        """Instances of one class, memoised (the style classes and the observations ask)."""
        key = ("subjects", cls)
        hit = self.memo.get(key)
        if hit is None:
            hit = []
            for q in self.store.quads_for_pattern(
                None, ox.NamedNode(_TYPE), ox.NamedNode(cls), None
            ):
                if isinstance(q.subject, (ox.NamedNode, ox.BlankNode)):
                    hit.append(_term_id(q.subject))
            self.memo[key] = hit
        return hit  # type: ignore[no-any-return]

    def _instances(self, classes: frozenset[str]) -> frozenset[str]:
        return frozenset(s for c in classes for s in self._subjects(c))

    def _style_classes(self, rank: dict[str, tuple[int, ClassStyle]]) -> dict[str, ClassStyle]:
        out: dict[str, ClassStyle] = {}
        for iri, (_i, cls) in sorted(rank.items(), key=lambda kv: kv[1][0]):
            for s in self._subjects(iri):
                out.setdefault(s, cls)  # the best-ranked class comes first
        return out

    def _objects(self, s: str, p: str) -> Iterator[str]:
        node = self._node(s)
        if node is None:
            return
        for q in self.store.quads_for_pattern(node, ox.NamedNode(p), None, None):
            o = q.object
            if isinstance(o, ox.BlankNode):
                yield f"_:{o.value}"
            elif isinstance(o, (ox.NamedNode, ox.Literal)):
                yield o.value

    def values(self, s: str, p: str) -> list[str]:
        """As :meth:`ResourceIndex.values`; one pattern lookup unless ``s`` was read whole."""
        if dict.__contains__(self.out, s):
            return ResourceIndex.values(self, s, p)
        return sorted(self._objects(s, p))

    def subjects(self, p: str, o: str) -> list[str]:
        node = self._node(o)
        if node is None:
            return []
        out: list[str] = []
        for q in self.store.quads_for_pattern(None, ox.NamedNode(p), node, None):
            s = q.subject
            if isinstance(s, ox.NamedNode):
                out.append(s.value)
            elif isinstance(s, ox.BlankNode):
                out.append(f"_:{s.value}")
        return out

    def _editions(self) -> frozenset[str]:
        edition = ox.NamedNode(_CQO + "edition")
        quads = self.store.quads_for_pattern(None, edition, None, None)
        return frozenset(q.object.value for q in quads if not isinstance(q.object, ox.Triple))

    def links(self, nodes: dict[str, ClassStyle]) -> list[tuple[str, str, str]]:
        """As :meth:`ResourceIndex.links`, memoised (the network and the panels both ask)."""
        key = ("links", frozenset(nodes))
        hit = self.memo.get(key)
        if hit is None:
            hit = ResourceIndex.links(self, nodes)
            self.memo[key] = hit
        return hit  # type: ignore[no-any-return]

    def figure_links(
        self, classes: frozenset[str]
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """As :meth:`ResourceIndex.figure_links` as sets of pairs (sorted), read predicate by
        predicate: every observation's indicator, then every ``cqo:about``, then each
        observation's sections."""
        every = self.instances(classes)
        inds: dict[str, list[str]] = defaultdict(list)
        for obs, ind in self._select(f"SELECT ?obs ?i WHERE {{ ?obs <{_CQO}indicator> ?i }}"):
            if obs in every:
                inds[obs].append(ind)
        about: set[tuple[str, str]] = set()
        for obs, x in self._select(f"SELECT ?obs ?x WHERE {{ ?obs <{_CQO}about> ?x }}"):
            for i in inds.get(obs, ()):
                about.add((x, i))
        section: set[tuple[str, str]] = set()
        query = f"SELECT ?obs ?sec WHERE {{ ?obs <{_CQO}indicator> ?i ; <{_CQO}section> ?sec }}"
        for obs, sec in self._select(query):  # one query, not one lookup per observation
            for i in inds.get(obs, ()):
                section.add((i, sec))
        return sorted(about), sorted(section)

    def entity_inc(self, nodes: Iterable[str], styles: Styles) -> dict[str, list[tuple[str, str]]]:
        """As :meth:`ResourceIndex.entity_inc`: the links among entities read in reverse (a
        hub's own incoming quads are mostly spans and figures, hundreds of thousands)."""
        classes = self.style_classes(styles)
        entities = {s: c for s, c in classes.items() if not c.observation}
        rev: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for s, o, p in self.links(entities):
            rev[o].append((p, s))
        return {
            n: rev.get(n, []) if n in entities else ResourceIndex.entity_inc(self, [n], styles)[n]
            for n in nodes
        }

    def _select(self, query: str) -> Iterator[tuple[str, ...]]:
        """Rows of an internal SELECT over the union of the build's graphs, as the index names
        terms (IRIs, ``_:`` blank nodes, literal values; an unbound one as "")."""
        res = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(res, ox.QuerySolutions)
        for sol in res:
            yield tuple("" if t is None else _term_id(t) for t in sol)

    def assertions_touching(self, nodes: Iterable[str]) -> list[tuple[str, str, str, str]]:
        """As :meth:`ResourceIndex.assertions_touching`: the assertions found by pattern from
        each node, then each read in one lookup (a corpus has one assertion per relation
        stated per article; a SPARQL join of the same was ten times slower here)."""
        rdf_s, rdf_p, rdf_o = str(RDF.subject), str(RDF.predicate), str(RDF.object)
        found: set[str] = set()
        for n in set(nodes):
            found.update(self.subjects(rdf_s, n))
            found.update(self.subjects(rdf_o, n))
        out = []
        for a in sorted(found):
            quads = self._out(a)  # not kept: each assertion is read once
            if (_TYPE, _CQO + "Assertion", True, "") not in quads:
                continue
            parts = [
                min((o for pp, o, _, _ in quads if pp == p), default="")
                for p in (rdf_s, rdf_p, rdf_o)
            ]
            out.append((a, parts[0], parts[1], parts[2]))
        return out


def _term_id(term: Any) -> str:
    """A quad term as the index names it (IRI, ``_:`` blank node, literal value)."""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)
