"""The entry point: one validation, set-wise, with pySHACL's answer (:func:`validate`).

Why: pySHACL validates every property shape once per focus node. Here a run
(:class:`_Run`) takes a shape with all its focus nodes at once: the values of every focus node
are read from the index together, each leaf component tests them in one pass
(:mod:`~graph.pipeline.shacl.components`), and a nested shape (``sh:property``, ``sh:node``,
``sh:or``, ``sh:qualifiedValueShape``) is validated once on the union of the value nodes, its
results shared back out per (focus, value) pair, so duplicates come out where pySHACL's do.
The nested results of a failed ``sh:node`` are kept (pySHACL reports them as results of their
own), those of ``sh:or`` and qualified value shapes dropped (they only decide conformance).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph

from graph.pipeline.shacl.components import leaf, row
from graph.pipeline.shacl.index import EMPTY, Data
from graph.pipeline.shacl.shapes import Program, Shape, program
from graph.pipeline.shacl.sparql import constraint_results, load_store, select
from graph.pipeline.shacl.terms import Owned, Row, Term


class _Run:
    """One validation: the program, the data and (when a shape needs it) a pyoxigraph store."""

    def __init__(self, prog: Program, data: Data, store: Any) -> None:
        self.prog = prog
        self.data = data
        self.store = store

    def values(self, s: Shape, f: Term) -> set[Term]:
        if s.path is None:
            return {f}
        if isinstance(s.path, tuple):
            return self.data.subjects(s.path[1], f)
        return self.data.objects(f, s.path)  # the predicate's string (``shapes._path``)

    def results(self, s: Shape, focus: Iterable[Term]) -> Owned:
        """Every result pySHACL gives for ``s`` on each focus node, with the node it belongs to."""
        focus = list(focus)
        if not focus:
            return []
        vals = self._values(s, focus)
        out: Owned = []
        for p, arg in s.leaf:
            out.extend(leaf(self.data, s, p, arg, vals))
        for child in s.properties:
            if s.path is None:  # a node shape's only value node is its focus node
                out.extend(self.results(child, focus))
            else:
                out.extend(self._each_value(child, vals))
        for nested in s.nodes:
            out.extend(self._node(s, nested, vals))
        for members in s.ors:
            out.extend(self._or(s, members, vals))
        for inner, low, high in s.qualified:
            out.extend(self._qualified(s, inner, low, high, vals))
        for q in s.sparql:
            out.extend(constraint_results(self.store, s.node, q, focus))
        return out

    def _values(self, s: Shape, focus: list[Term]) -> dict[Term, set[Term]]:
        """``values`` of every focus node (the common case, a predicate path, inlined)."""
        if s.path is None or isinstance(s.path, tuple):
            return {f: self.values(s, f) for f in focus}
        get = self.data.out.get
        key = s.path
        vals: dict[Term, set[Term]] = {}
        for f in focus:
            d = get(f)
            vals[f] = (d.get(key) or EMPTY) if d is not None else EMPTY
        return vals

    def failing(self, s: Shape, nodes: Iterable[Term]) -> set[Term]:
        """The nodes that do not conform to ``s`` (each was validated as its focus node)."""
        return {owner for owner, _ in self.results(s, nodes)}

    def _all_values(self, vals: dict[Term, set[Term]]) -> set[Term]:
        every: set[Term] = set()
        for v in vals.values():
            every |= v
        return every

    def _each_value(self, child: Shape, vals: dict[Term, set[Term]]) -> Owned:
        """sh:property: ``child`` validated on every value node of every focus node, once per
        (focus, value) pair as pySHACL does, computed once per distinct value."""
        every = self._all_values(vals)
        if not every:
            return []
        by: dict[Term, list[Row]] = {}
        for owner, r in self.results(child, every):
            by.setdefault(owner, []).append(r)
        out: Owned = []
        for f, vs in vals.items():
            for v in vs:
                out.extend((f, r) for r in by.get(v, ()))
        return out

    def _node(self, s: Shape, nested: Shape, vals: dict[Term, set[Term]]) -> Owned:
        every = self._all_values(vals)
        if not every:
            return []
        by: dict[Term, list[Row]] = {}
        for owner, r in self.results(nested, every):
            by.setdefault(owner, []).append(r)
        out: Owned = []
        for f, vs in vals.items():
            for v in vs:
                if v in by:  # the sh:node result, then the nested ones (pySHACL's sh:detail)
                    out.append((f, row(s, f)))
                    out.extend((f, r) for r in by[v])
        return out

    def _or(self, s: Shape, members: list[Shape], vals: dict[Term, set[Term]]) -> Owned:
        every = self._all_values(vals)
        if not every or not members:
            return []
        failed = [self.failing(m, every) for m in members]
        out: Owned = []
        for f, vs in vals.items():
            for v in vs:
                if all(v in fails for fails in failed):
                    out.append((f, row(s, f)))
        return out

    def _qualified(
        self,
        s: Shape,
        inner: Shape,
        low: int | None,
        high: int | None,
        vals: dict[Term, set[Term]],
    ) -> Owned:
        every = self._all_values(vals)
        fails = self.failing(inner, every) if every else set()
        out: Owned = []
        for f, vs in vals.items():
            n = sum(1 for v in vs if v not in fails)
            if high is not None and n > high:
                out.append((f, row(s, f)))
            if low is not None and n < low:
                out.append((f, row(s, f)))
        return out

    def focus(self, s: Shape) -> set[Term]:
        found: set[Term] = set(s.target_nodes)
        for c in s.target_classes:
            found |= self.data.instances(c)
        for p in s.subjects_of:
            found |= {subj for subj, d in self.data.out.items() if d.get(str(p))}
        for p in s.objects_of:
            for d in self.data.out.values():
                found |= d.get(str(p), EMPTY)
        for q in s.target_sparql:
            for hit in select(self.store, q.text):
                if "this" in hit:
                    found.add(hit["this"])
        return found


def validate(
    data: Graph, shapes: Graph, ontology: Graph | None, nt: str | bytes | None = None
) -> list[Row]:
    """Every violation pySHACL reports for ``data`` (mixed with ``ontology``) under ``shapes``;
    raises :class:`Unsupported` when the answer could differ from pySHACL's.

    ``nt`` is ``export.ntriples(data)`` when the caller has it (the SPARQL store is loaded from
    it); blank nodes in ``data`` are refused when SPARQL is needed (their labels would not
    survive the round trip to the store unchanged in every case).
    """
    prog = program(shapes)
    graphs = [data] if ontology is None else [data, ontology]
    index = Data(graphs)
    store = None
    if prog.needs_sparql:
        store = load_store(data, nt, ontology)
    run = _Run(prog, index, store)
    rows: list[Row] = []
    for s in prog.roots:
        rows.extend(r for _, r in run.results(s, run.focus(s)))
    return rows
