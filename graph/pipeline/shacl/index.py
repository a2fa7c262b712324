"""The data index: the data graph with the ontology mixed in, read once into dictionaries.

Why: every constraint asks for the values of a path at many focus nodes, and rdflib answers
each such question through generators and term comparisons in Python. Read once into
``subject -> predicate string -> objects`` (:class:`Data`), a value lookup is two dictionary
reads; the inverse index of a predicate and the superclasses of a class are built on first use.
The index holds what pySHACL reads: the data graph with the ontology mixed in.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from graph.pipeline.shacl.terms import Term
from graph.triple_index import index_of

_TYPE = str(RDF.type)
_SUBCLASS = str(RDFS.subClassOf)


class Data:
    """The data graph with the ontology mixed in, as dictionaries (what pySHACL reads).

    Subjects are keyed by their rdflib term, predicates by their plain string (a predicate is
    always an IRI): an rdflib term compares in Python, a ``str`` in C, and every value lookup
    compares a predicate of the shapes with one of the data.
    """

    def __init__(self, graphs: Sequence[Graph]) -> None:
        out: dict[Term, dict[str, set[Term]]] = {}
        for g in graphs:
            if _read_memory_store(g, out):
                continue
            for s, p, o in g:
                d = out.get(s)
                if d is None:
                    d = out[s] = {}
                key = str(p)
                vals = d.get(key)
                if vals is None:
                    d[key] = {o}
                else:
                    vals.add(o)
        self.out = out
        self._inv: dict[str, dict[Term, set[Term]]] = {}
        self._supers: dict[str, set[str]] = {}

    def objects(self, s: Term, p: str) -> set[Term]:
        d = self.out.get(s)
        return (d.get(p) or EMPTY) if d is not None else EMPTY

    def subjects(self, p: str, o: Term) -> set[Term]:
        """Subjects of ``p`` by object; the index of ``p`` is built on first use (few paths
        are inverse, so no full inverse index is kept)."""
        by = self._inv.get(p)
        if by is None:
            by = self._inv[p] = {}
            for s, d in self.out.items():
                for obj in d.get(p, ()):
                    subs = by.get(obj)
                    if subs is None:
                        by[obj] = {s}
                    else:
                        subs.add(s)
        return by.get(o) or EMPTY

    def supers(self, c: Term) -> set[str]:
        """``c`` and everything ``rdfs:subClassOf+`` reaches (rdflib's transitive_objects), as
        strings of IRIs (a class that is not an IRI reaches nothing an ``sh:class`` names)."""
        key = str(c)
        got = self._supers.get(key) if isinstance(c, URIRef) else None
        if got is None:
            seen = {c}
            todo = [c]
            while todo:
                for sup in self.objects(todo.pop(), _SUBCLASS):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            got = {str(x) for x in seen if isinstance(x, URIRef)}
            if isinstance(c, URIRef):
                self._supers[key] = got
        return got

    def instances(self, c: Term) -> set[Term]:
        """Focus nodes of ``sh:targetClass c``: instances of ``c`` or of any subclass."""
        classes = {c}
        todo = [c]
        while todo:
            for sub in self.subjects(_SUBCLASS, todo.pop()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        found: set[Term] = set()
        for k in classes:
            found |= self.subjects(_TYPE, k)
        return found

    def is_instance(self, v: Term, c: str) -> bool:
        """pySHACL's sh:class test; ``c`` is the class IRI as a string."""
        if isinstance(v, Literal):
            return False
        return any(c in self.supers(t) for t in self.objects(v, _TYPE))


EMPTY: set[Term] = set()  # never modified: what a missing key answers


def _read_memory_store(g: Graph, out: dict[Term, dict[str, set[Term]]]) -> bool:
    """Copy ``g``'s triples into ``out`` from the store's index itself, if ``g`` is on the
    build's :class:`~graph.triple_index.TripleIndex` or rdflib's ``Memory`` (False: the caller
    iterates ``g``).

    Why: iterating a Graph goes through a Python generator and a context lookup per triple,
    most of the time of a validation otherwise. The index (``Memory``'s subject -> predicate
    -> object dictionaries) is rdflib's internal; it is used only when it holds exactly
    ``g``'s triples: the index is the union of the store's graphs, which contains ``g``'s
    triples, so equal counts mean equal sets. ``test_validate_engine.py`` compares both ways.
    """
    own = index_of(g)
    if own is not None:  # the build's own store: its index holds exactly g's triples
        _merge(out, own.as_sets())
        return True
    spo = getattr(g.store, "_Memory__spo", None)
    if not isinstance(spo, dict):
        return False
    part: dict[Term, dict[str, set[Term]]] = {}
    n = 0
    for s, by_p in spo.items():
        d: dict[str, set[Term]] = {}
        for p, objs in by_p.items():
            if objs:
                d[str(p)] = set(objs)
                n += len(objs)
        if d:
            part[s] = d
    if n != len(g):
        return False
    _merge(out, part)
    return True


def _merge(out: dict[Term, dict[str, set[Term]]], part: dict[Term, dict[str, set[Term]]]) -> None:
    """Add ``part``'s index to ``out`` (its dictionaries are taken over, not copied)."""
    if not out:
        out.update(part)
        return
    for s, d in part.items():
        mine = out.get(s)
        if mine is None:
            out[s] = d
        else:
            for p, objs in d.items():
                mine.setdefault(p, set()).update(objs)
