"""The shapes evaluated set by set: pySHACL's answer at a fraction of its cost (issue 11).

Why: pySHACL validates every property shape once per focus node (a fresh ``Shape.validate``
call, constraint objects rebuilt each time, every nested ``sh:or`` and qualified shape once per
value node) and runs each SPARQL constraint once per focus node with rdflib's SPARQL engine.
That made SHACL cost in proportion to the corpus at a high constant (50k triples, 30
articles: about 6 s CPU; 1,000 articles would take minutes). Here the shapes graph is read once
into a small program; the data graph (with the ontology mixed in, as pySHACL sees it) is read
once into dictionaries; each constraint then runs over all its focus nodes at once; SPARQL
targets and constraints run once per shape in pyoxigraph, the focus nodes of a constraint
bound by one ``VALUES`` block.

What it must give is pySHACL's answer, not SHACL's as we read the spec: the same multiset of
violations, each with the same focus node, message, result path and source shape (so the same
``validate.Problem`` list), and the same ``conforms``. So each component below follows
pySHACL 0.40's own code (``pyshacl/constraints/core``): one result per focus node and failing
value, duplicates where pySHACL validates a shared shape twice (a property shape that two node
shapes reference), the nested results of a failed ``sh:node`` kept (pySHACL adds them to the
report as results of their own), those of ``sh:or`` and ``sh:qualifiedValueShape`` dropped.
Literal-level answers (datatype well-formedness, string form, ordering) call pySHACL's own
helpers on the same rdflib terms.

Anything outside the subset ``ontology/shapes.ttl`` uses raises :class:`Unsupported` - while the
shapes are read (a constraint parameter not implemented, a severity other than violation,
``sh:deactivated``, a path other than a predicate or its inverse, a shape that reports without
exactly one ``sh:message``, SPARQL the one-query rewriting cannot keep exact), or while the data
is (a blank node where pySHACL would raise) - and the caller runs pySHACL instead. The results
are compared with pySHACL as shipped on the seed, the fixtures corpus, every valid and invalid
example and graphs broken on purpose (``tests/pipeline/test_validate_engine.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from graph.namespaces import SH


class Unsupported(Exception):
    """The shapes or the data use something this engine does not reproduce: run pySHACL."""


Term = Any  # an rdflib node: URIRef, BNode or Literal
Row = tuple[Term, Term, Term, str]  # (focus node, result path or None, source shape, message)
Owned = list[tuple[Term, Row]]  # (the focus node of the shape that owns the result, result)

_RDF_LANG = RDF.langString
_NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_LEAF = (
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH["in"],
    SH.languageIn,
    SH.uniqueLang,
    SH.minLength,
    SH.minInclusive,
    SH.lessThan,
    SH.lessThanOrEquals,
)
_NESTING = (SH.property, SH.node, SH["or"], SH.qualifiedValueShape, SH.sparql)
_PARAMETERS = frozenset(_LEAF + _NESTING + (SH.qualifiedMinCount, SH.qualifiedMaxCount))
#: sh: predicates that only describe (never change a result) or that the components above read
_DESCRIBING = frozenset(
    {
        SH.path,
        SH.inversePath,
        SH.message,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.select,
        SH.prefixes,
        SH.declare,
        SH.prefix,
        SH.namespace,
        *_TARGETS,
    }
)
_TYPES = frozenset({SH.NodeShape, SH.PropertyShape, SH.SPARQLTarget, SH.SPARQLConstraint})


@dataclass(slots=True)
class _Sparql:
    """One SELECT (a SPARQL target or constraint) ready for pyoxigraph."""

    text: str  # with its PREFIX lines
    node: Term  # the sh:SPARQLTarget / sh:SPARQLConstraint node
    message: Literal | None = None


@dataclass(slots=True, eq=False)
class _Shape:
    node: Term
    path: Any = None  # None: a node shape; a predicate's string; ("inverse", predicate string)
    path_node: Term = None  # the sh:path object (what pySHACL reports as sh:resultPath)
    message: str | None = None
    leaf: list[tuple[URIRef, Any]] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    nodes: list[_Shape] = field(default_factory=list)
    ors: list[list[_Shape]] = field(default_factory=list)
    qualified: list[tuple[_Shape, int | None, int | None]] = field(default_factory=list)
    sparql: list[_Sparql] = field(default_factory=list)
    target_classes: list[Term] = field(default_factory=list)
    target_nodes: list[Term] = field(default_factory=list)
    subjects_of: list[Term] = field(default_factory=list)
    objects_of: list[Term] = field(default_factory=list)
    target_sparql: list[_Sparql] = field(default_factory=list)

    @property
    def targeted(self) -> bool:
        return bool(
            self.target_classes
            or self.target_nodes
            or self.subjects_of
            or self.objects_of
            or self.target_sparql
        )


class Program:
    """The shapes graph read once: every shape, and which of them have targets."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        _check_vocabulary(shapes)
        self._shapes: dict[Term, _Shape] = {}
        roots = {s for p in _TARGETS for s in shapes.subjects(p, None)}
        roots |= set(_implicit_class_shapes(shapes))
        self.roots = [self.shape(s) for s in sorted(roots, key=str)]
        self.needs_sparql = any(s.sparql or s.target_sparql for s in self._shapes.values())
        for s in self.roots:
            _acyclic(s, ())
        for s in _reported(self.roots):
            if (s.leaf or s.nodes or s.ors or s.qualified) and s.message is None:
                raise Unsupported(f"{s.node}: reports without sh:message (no generic texts here)")

    def shape(self, node: Term) -> _Shape:
        found = self._shapes.get(node)
        if found is not None:
            return found
        g = self.g
        s = _Shape(node)
        self._shapes[node] = s  # before the children: a recursive shape ends here
        paths = list(g.objects(node, SH.path))
        if len(paths) > 1:
            raise Unsupported(f"{node}: several sh:path")
        if paths:
            s.path_node = paths[0]
            s.path = _path(g, paths[0])
        messages = list(g.objects(node, SH.message))
        if len(messages) > 1:
            raise Unsupported(f"{node}: several sh:message (pySHACL reports one at random)")
        if messages:
            s.message = str(messages[0])
        pairs: list[tuple[Any, Any]] = list(g.predicate_objects(node))
        for p, o in sorted(pairs, key=lambda po: (str(po[0]), str(po[1]))):
            if p in _LEAF:
                s.leaf.append((p, self._leaf_argument(node, p, o)))
            elif p == SH.property:
                s.properties.append(self.shape(o))
            elif p == SH.node:
                s.nodes.append(self.shape(o))
            elif p == SH["or"]:
                s.ors.append([self.shape(m) for m in _items(g, o)])
            elif p == SH.qualifiedValueShape:
                s.qualified.append((self.shape(o), *self._qualified_counts(node)))
            elif p == SH.sparql:
                s.sparql.append(self._constraint(node, o))
            elif p == SH.targetClass:
                s.target_classes.append(o)
            elif p == SH.targetNode:
                s.target_nodes.append(o)
            elif p == SH.targetSubjectsOf:
                s.subjects_of.append(o)
            elif p == SH.targetObjectsOf:
                s.objects_of.append(o)
            elif p == SH.target:
                s.target_sparql.append(self._target(o))
        if node in set(_implicit_class_shapes(g)):
            s.target_classes.append(node)
        if s.path is None and any(p in (SH.lessThan, SH.lessThanOrEquals) for p, _ in s.leaf):
            raise Unsupported(f"{node}: sh:lessThan on a node shape (pySHACL refuses it)")
        if s.sparql and s.message is not None:
            raise Unsupported(f"{node}: sh:sparql on a shape with its own sh:message")
        return s

    def _leaf_argument(self, node: Term, p: URIRef, o: Term) -> Any:
        g = self.g
        if len(list(g.objects(node, p))) > 1:
            raise Unsupported(f"{node}: several {p}")
        if p in (SH.minCount, SH.maxCount):
            if not (isinstance(o, Literal) and o.datatype == XSD.integer):
                raise Unsupported(f"{node}: {p} is not an xsd:integer")
            return int(o.value)
        if p == SH.minLength:
            if not (isinstance(o, Literal) and isinstance(o.value, int) and o.value >= 0):
                raise Unsupported(f"{node}: sh:minLength is not a non-negative integer")
            return int(o.value)
        if p == SH["in"]:
            return set(_items(g, o))
        if p == SH.languageIn:
            langs = list(_items(g, o))
            if not all(isinstance(x, Literal) and isinstance(x.value, str) for x in langs):
                raise Unsupported(f"{node}: sh:languageIn holds a non-string")
            return {str(x.value).lower() for x in langs}
        if p == SH.uniqueLang:
            return bool(o.value) if isinstance(o, Literal) else False
        if p in (SH.lessThan, SH.lessThanOrEquals) and not isinstance(o, URIRef):
            raise Unsupported(f"{node}: {p} must be an IRI")
        if p == SH.minInclusive and not isinstance(o, Literal):
            raise Unsupported(f"{node}: sh:minInclusive must be a literal")
        if p == SH.datatype:
            return _DatatypeTest(o)
        return o

    def _qualified_counts(self, node: Term) -> tuple[int | None, int | None]:
        def one(p: URIRef) -> int | None:
            values = list(self.g.objects(node, p))
            if not values:
                return None
            if len(values) > 1 or not isinstance(values[0], Literal):
                raise Unsupported(f"{node}: {p}")
            return int(values[0].value)

        low, high = one(SH.qualifiedMinCount), one(SH.qualifiedMaxCount)
        if low is None and high is None:
            raise Unsupported(f"{node}: sh:qualifiedValueShape without counts")
        return low, high

    def _select(self, node: Term) -> str:
        texts = list(self.g.objects(node, SH.select))
        if len(texts) != 1:
            raise Unsupported(f"{node}: not exactly one sh:select")
        return _prefixes(self.g, node) + "\n" + str(texts[0])

    def _target(self, node: Term) -> _Sparql:
        if (node, RDF.type, SH.SPARQLTarget) not in self.g:
            raise Unsupported(f"{node}: a sh:target other than a sh:SPARQLTarget")
        text = self._select(node)
        _check_sparql(text, node, constraint=False)
        return _Sparql(text, node)

    def _constraint(self, shape: Term, node: Term) -> _Sparql:
        if list(self.g.objects(shape, SH.path)):
            raise Unsupported(f"{shape}: sh:sparql on a property shape")
        text = self._select(node)
        _check_sparql(text, node, constraint=True)
        messages = list(self.g.objects(node, SH.message))
        if len(messages) != 1 or not isinstance(messages[0], Literal):
            raise Unsupported(f"{node}: a SPARQL constraint needs exactly one sh:message here")
        return _Sparql(_bind_this(text, node), node, messages[0])


def _children(s: _Shape) -> list[_Shape]:
    return [
        *s.properties,
        *s.nodes,
        *(m for members in s.ors for m in members),
        *(q for q, _, _ in s.qualified),
    ]


def _reported(roots: list[_Shape]) -> list[_Shape]:
    """The shapes whose results reach the report: the targeted ones, their sh:property shapes
    and the sh:node shapes below them (pySHACL keeps those as sh:detail); the members of sh:or
    and qualified value shapes only decide conformance, their results are dropped."""
    found: dict[Term, _Shape] = {}
    todo = list(roots)
    while todo:
        s = todo.pop()
        if s.node not in found:
            found[s.node] = s
            todo.extend([*s.properties, *s.nodes])
    return list(found.values())


def _acyclic(s: _Shape, above: tuple[Term, ...]) -> None:
    """Refuse recursive shapes: pySHACL cuts a recursion with a warning at a depth of its own."""
    if s.node in above:
        raise Unsupported(f"{s.node}: a recursive shape")
    for child in _children(s):
        _acyclic(child, (*above, s.node))


def _items(g: Graph, head: Term) -> list[Term]:
    if head == RDF.nil:
        return []
    if (head, RDF.first, None) not in g:
        raise Unsupported(f"{head}: not an RDF list")
    return list(Collection(g, head))


def _path(g: Graph, node: Term) -> Term:
    if isinstance(node, URIRef):
        return str(node)
    inverse = list(g.objects(node, SH.inversePath))
    others = [p for p, _ in g.predicate_objects(node) if p != SH.inversePath]
    if len(inverse) == 1 and isinstance(inverse[0], URIRef) and not others:
        return ("inverse", str(inverse[0]))
    raise Unsupported(f"{node}: a path other than a predicate or its inverse")


def _implicit_class_shapes(g: Graph) -> Iterable[Term]:
    classes = {RDFS.Class, OWL.Class, *g.subjects(RDFS.subClassOf, RDFS.Class)}
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    return (s for s in shapes if any(t in classes for t in g.objects(s, RDF.type)))


def _check_vocabulary(shapes: Graph) -> None:
    """Refuse a shapes graph that says anything in ``sh:`` this engine does not implement."""
    sh = str(SH)
    for s, p, o in shapes:
        if str(p).startswith(sh) and p not in _PARAMETERS and p not in _DESCRIBING:
            raise Unsupported(f"{s}: {p} is not implemented (e.g. sh:severity, sh:rule)")
        if p == RDF.type and str(o).startswith(sh) and o not in _TYPES:
            raise Unsupported(f"{s}: a {o} is not implemented")


def _prefixes(g: Graph, node: Term) -> str:
    """PREFIX lines as pySHACL builds them (``SPARQLQueryHelper.collect_prefixes``)."""
    declares: set[Term] = set()
    onts = set(g.subjects(RDF.type, OWL.Ontology))
    if set(g.objects(g.identifier, SH.declare)):
        raise Unsupported("sh:declare on the shapes graph's own name")
    for value in g.objects(node, SH.prefixes):
        own = set(g.objects(value, SH.declare))
        if own and value in onts:
            declares |= own
        else:
            for o in onts:
                declares |= set(g.objects(o, SH.declare))
            declares |= own
    lines: dict[str, str] = {}
    for d in declares:
        prefix = list(g.objects(d, SH.prefix))
        ns = list(g.objects(d, SH.namespace))
        if len(prefix) != 1 or len(ns) != 1:
            raise Unsupported(f"{d}: a sh:declare needs one sh:prefix and one sh:namespace")
        if str(prefix[0]) in lines and lines[str(prefix[0])] != str(ns[0]):
            raise Unsupported(f"prefix {prefix[0]} declared twice")
        lines[str(prefix[0])] = str(ns[0])
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(lines.items()))


_WORDS = re.compile(r"\b(MINUS|SERVICE|VALUES|GRAPH|FROM|BIND\s*\([^)]*\bAS\s+[?$]this)\b", re.I)
_PRE_BOUND = re.compile(r"[?$](PATH|currentShape|shapesGraph|failure)\b")
"""Variables pySHACL binds or reads specially in a constraint (``$value`` is not bound there)."""


def _check_sparql(text: str, node: Term, *, constraint: bool) -> None:
    """Refuse a SPARQL constraint whose one-query evaluation could differ from pySHACL's
    per-node runs: a second SELECT (a subquery does not see ``$this``), MINUS, SERVICE, VALUES,
    GRAPH, FROM, or a pre-bound variable other than ``$this``. A target runs as written (no
    pre-binding), so it only has to project ``$this``."""
    # strings, IRIs (which may hold a '#') and comments out of the way of the keyword search
    body = re.sub(r'"""[\s\S]*?"""|"[^"\n]*"|<[^<>"\s]*>|#[^\n]*', " ", text)
    if constraint and (len(re.findall(r"\bSELECT\b", body, re.I)) != 1 or _WORDS.search(body)):
        raise Unsupported(f"{node}: SPARQL outside the rewritable subset")
    if constraint and _PRE_BOUND.search(body):
        raise Unsupported(f"{node}: SPARQL with a pre-bound variable other than $this")
    head = re.search(r"\bSELECT\b(.*?)(\bWHERE\b|\{)", body, re.I | re.S)
    if head is None or not re.search(r"[?$]this\b", head.group(1)):
        raise Unsupported(f"{node}: the SELECT does not project $this")


def _bind_this(text: str, node: Term) -> str:
    """The constraint with a ``VALUES ?this`` placeholder opening its WHERE group: joined first,
    it binds ``$this`` before every other pattern, as pySHACL's pre-binding does."""
    m = re.search(r"\bWHERE\s*\{", text, re.I) or re.search(r"\bSELECT\b[^{]*\{", text, re.I)
    if m is None:
        raise Unsupported(f"{node}: no WHERE group")
    return text[: m.end()] + " VALUES ?this { %FOCUS% } " + text[m.end() :]


_PROGRAMS: dict[int, tuple[Graph, Program | Unsupported]] = {}


def program(shapes: Graph) -> Program:
    """The program of ``shapes`` (read once per graph object; raises :class:`Unsupported`)."""
    got = _PROGRAMS.get(id(shapes))
    if got is None or got[0] is not shapes:
        try:
            made: Program | Unsupported = Program(shapes)
        except Unsupported as e:
            made = e
        _PROGRAMS.clear()  # one shapes graph at a time: a build validates with one
        _PROGRAMS[id(shapes)] = got = (shapes, made)
    if isinstance(got[1], Unsupported):
        raise got[1]
    return got[1]


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
        return (d.get(p) or _EMPTY) if d is not None else _EMPTY

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
        return by.get(o) or _EMPTY

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


_EMPTY: set[Term] = set()  # never modified: what a missing key answers


def _read_memory_store(g: Graph, out: dict[Term, dict[str, set[Term]]]) -> bool:
    """Copy ``g``'s triples into ``out`` from rdflib's in-memory index itself, if ``g`` is
    stored there (False: the caller iterates ``g``).

    Why: iterating a Graph goes through a Python generator and a context lookup per triple,
    most of the time of a validation otherwise. The index (``Memory``'s subject -> predicate
    -> object dictionaries) is rdflib's internal; it is used only when it holds exactly
    ``g``'s triples: the index is the union of the store's graphs, which contains ``g``'s
    triples, so equal counts mean equal sets. ``test_validate_engine.py`` compares both ways.
    """
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
    for s, d in part.items():
        mine = out.get(s)
        if mine is None:
            out[s] = d
        else:
            for p, objs in d.items():
                mine.setdefault(p, set()).update(objs)
    return True


class _Run:
    """One validation: the program, the data and (when a shape needs it) a pyoxigraph store."""

    def __init__(self, prog: Program, data: Data, store: Any) -> None:
        self.prog = prog
        self.data = data
        self.store = store

    def values(self, s: _Shape, f: Term) -> set[Term]:
        if s.path is None:
            return {f}
        if isinstance(s.path, tuple):
            return self.data.subjects(s.path[1], f)
        return self.data.objects(f, s.path)  # the predicate's string (``_path``)

    def row(self, s: _Shape, f: Term) -> Row:
        """A result of ``s`` itself (the program checked it has its message)."""
        return (f, s.path_node, s.node, s.message or "")

    def results(self, s: _Shape, focus: Iterable[Term]) -> Owned:
        """Every result pySHACL gives for ``s`` on each focus node, with the node it belongs to."""
        focus = list(focus)
        if not focus:
            return []
        vals = self._values(s, focus)
        out: Owned = []
        for p, arg in s.leaf:
            out.extend(self._leaf(s, p, arg, vals))
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
            out.extend(self._sparql_constraint(s, q, focus))
        return out

    def _values(self, s: _Shape, focus: list[Term]) -> dict[Term, set[Term]]:
        """``values`` of every focus node (the common case, a predicate path, inlined)."""
        if s.path is None or isinstance(s.path, tuple):
            return {f: self.values(s, f) for f in focus}
        get = self.data.out.get
        key = s.path
        vals: dict[Term, set[Term]] = {}
        for f in focus:
            d = get(f)
            vals[f] = (d.get(key) or _EMPTY) if d is not None else _EMPTY
        return vals

    def failing(self, s: _Shape, nodes: Iterable[Term]) -> set[Term]:
        """The nodes that do not conform to ``s`` (each was validated as its focus node)."""
        return {owner for owner, _ in self.results(s, nodes)}

    def _all_values(self, vals: dict[Term, set[Term]]) -> set[Term]:
        every: set[Term] = set()
        for v in vals.values():
            every |= v
        return every

    def _each_value(self, child: _Shape, vals: dict[Term, set[Term]]) -> Owned:
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

    def _node(self, s: _Shape, nested: _Shape, vals: dict[Term, set[Term]]) -> Owned:
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
                    out.append((f, self.row(s, f)))
                    out.extend((f, r) for r in by[v])
        return out

    def _or(self, s: _Shape, members: list[_Shape], vals: dict[Term, set[Term]]) -> Owned:
        every = self._all_values(vals)
        if not every or not members:
            return []
        failed = [self.failing(m, every) for m in members]
        out: Owned = []
        for f, vs in vals.items():
            for v in vs:
                if all(v in fails for fails in failed):
                    out.append((f, self.row(s, f)))
        return out

    def _qualified(
        self,
        s: _Shape,
        inner: _Shape,
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
                out.append((f, self.row(s, f)))
            if low is not None and n < low:
                out.append((f, self.row(s, f)))
        return out

    def _leaf(self, s: _Shape, p: URIRef, arg: Any, vals: dict[Term, set[Term]]) -> Owned:
        from pyshacl.constraints.core.string_based_constraints import StringBasedConstraintBase
        from pyshacl.rdfutil.compare import compare_literal

        out: Owned = []
        row = self.row
        if p == SH.minCount:
            if arg != 0:
                out.extend((f, row(s, f)) for f, vs in vals.items() if len(vs) < arg)
        elif p == SH.maxCount:
            out.extend((f, row(s, f)) for f, vs in vals.items() if len(vs) > arg)
        elif p == SH["class"]:
            is_instance = self.data.is_instance
            c = str(arg)
            for f, vs in vals.items():
                for v in vs:
                    if not is_instance(v, c):
                        out.append((f, row(s, f)))
        elif p == SH.datatype:
            ok = arg
            for f, vs in vals.items():
                for v in vs:
                    if not ok(v):
                        out.append((f, row(s, f)))
        elif p == SH.nodeKind:
            kinds = _NODE_KINDS.get(arg)
            if kinds is None:
                raise Unsupported(f"sh:nodeKind {arg}")
            for f, vs in vals.items():
                out.extend((f, row(s, f)) for v in vs if not isinstance(v, kinds))
        elif p == SH["in"]:
            for f, vs in vals.items():
                out.extend((f, row(s, f)) for v in vs if v not in arg)
        elif p == SH.languageIn:
            for f, vs in vals.items():
                out.extend((f, row(s, f)) for v in vs if not _language_ok(v, arg))
        elif p == SH.uniqueLang:
            if arg:
                for f, vs in vals.items():
                    seen: set[str] = set()
                    dups: set[str] = set()
                    for v in vs:
                        if isinstance(v, Literal) and v.language:
                            low = str(v.language).lower()
                            (dups if low in seen else seen).add(low)
                    out.extend((f, row(s, f)) for _ in dups)
        elif p == SH.minLength:
            text = StringBasedConstraintBase.value_node_to_string
            for f, vs in vals.items():
                for v in vs:
                    ok = arg == 0 or (not isinstance(v, BNode) and len(text(v)) >= arg)
                    if not ok:
                        out.append((f, row(s, f)))
        elif p == SH.minInclusive:
            for f, vs in vals.items():
                out.extend((f, row(s, f)) for v in vs if not _min_ok(v, arg, compare_literal))
        elif p in (SH.lessThan, SH.lessThanOrEquals):
            strict = p == SH.lessThan
            for f, vs in vals.items():
                others = self.data.objects(f, str(arg))
                for v in vs:
                    for o in others:
                        if not _ordered(v, o, strict):
                            out.append((f, row(s, f)))
        else:  # pragma: no cover - _LEAF and this chain are the same list
            raise Unsupported(str(p))
        return out

    def _sparql_constraint(self, s: _Shape, q: _Sparql, focus: list[Term]) -> Owned:
        """One pyoxigraph query for every focus node (``VALUES ?this``), rows grouped back by
        focus node and de-duplicated per node as pySHACL does; the message's ``{?var}`` filled
        the way pySHACL fills it (``re.sub`` with ``str`` of the binding)."""
        if any(not isinstance(f, (URIRef, Literal)) for f in focus):
            raise Unsupported("a SPARQL constraint on a blank node")
        out: Owned = []
        assert q.message is not None
        template = str(q.message.value)
        for chunk in _chunks(sorted(focus, key=str), 2000):
            text = q.text.replace("%FOCUS%", " ".join(f.n3() for f in chunk))
            seen: set[tuple[Any, ...]] = set()
            for row in _select(self.store, text):
                t = row.pop("this", None)
                path = row.pop("path", None)
                value = row.pop("value", None)
                if t is None:
                    raise Unsupported("a constraint row without $this")
                key = (t, path, value, tuple(sorted(row.items(), key=lambda kv: kv[0])))
                if key in seen:
                    continue
                seen.add(key)
                if value is None:
                    value = t
                fdict: dict[str, Term] = dict(row)
                fdict["this"] = t
                if path is not None:
                    fdict["path"] = path
                fdict["value"] = value
                msg = template
                for var, val in fdict.items():
                    msg = re.sub(f"{{[?$]{var}}}", str(val), msg)
                out.append((t, (t, path, s.node, msg)))
        return out

    def focus(self, s: _Shape) -> set[Term]:
        found: set[Term] = set(s.target_nodes)
        for c in s.target_classes:
            found |= self.data.instances(c)
        for p in s.subjects_of:
            found |= {subj for subj, d in self.data.out.items() if d.get(str(p))}
        for p in s.objects_of:
            for d in self.data.out.values():
                found |= d.get(str(p), _EMPTY)
        for q in s.target_sparql:
            for row in _select(self.store, q.text):
                if "this" in row:
                    found.add(row["this"])
        return found


def _chunks(items: list[Term], n: int) -> Iterable[list[Term]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


class _DatatypeTest:
    """pySHACL's DatatypeConstraintComponent for one ``sh:datatype`` (same branches, same
    helper), made cheap: which branch applies depends on ``dt`` alone, decided once here, and
    pySHACL's ``_assert_actual_datatype`` depends only on ``dt`` and the Python type of the
    literal's value, so its answer is kept per type. (rdflib compares terms in Python; a span
    has five typed offsets and a build hundreds of thousands of spans.)"""

    def __init__(self, dt: Term) -> None:
        from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent

        self.dt = dt
        self.text = str(dt)
        self.any_literal = dt == RDFS.Literal
        self.any_typed = dt == RDFS.Datatype
        self.string = dt == XSD.string
        self.lang = dt == _RDF_LANG
        # an instance method that reads nothing of its instance (pySHACL 0.40)
        self._check: Any = DatatypeConstraintComponent._assert_actual_datatype
        self._by_type: dict[type, bool] = {}

    def _actual(self, v: Literal) -> bool:
        kind = type(v.value)
        got = self._by_type.get(kind)
        if got is None:
            got = self._by_type[kind] = bool(self._check(None, v, self.dt))
        return got

    def __call__(self, v: Term) -> bool:
        if not isinstance(v, Literal):
            return False
        vd = v.datatype
        if vd is not None and str.__eq__(vd, self.text):  # both IRIs: URIRef equality
            if getattr(v, "ill_typed", None) is True:
                return False
            return self._actual(v)
        if self.any_literal:
            return True
        if self.any_typed and vd:
            return True
        if vd is None and v.language is None and self.string:
            return self._actual(v)
        if self.lang and v.language:
            return self._actual(v)
        return False


def _language_ok(v: Term, allowed: set[str]) -> bool:
    if not isinstance(v, Literal) or not v.language:
        return False
    lang = str(v.language).lower()
    return "*" in allowed or lang in allowed or lang.split("-")[0] in allowed


def _min_ok(v: Term, m: Literal, compare: Any) -> bool:
    if not isinstance(v, Literal):
        return False
    if isinstance(m.value, str) != isinstance(v.value, str):
        return False
    try:
        return bool(compare(v, m) >= 0)
    except (TypeError, NotImplementedError):
        return False


def _ordered(v: Term, o: Term, strict: bool) -> bool:
    """pySHACL's ``_compare_lt`` / ``_compare_ltoe`` for one pair (True: no result)."""
    if isinstance(v, BNode) or isinstance(o, BNode):
        raise Unsupported("sh:lessThan with a blank node (pySHACL raises)")
    a: Any = v
    b: Any = o
    a_str = b_str = False
    if isinstance(v, URIRef):
        a, a_str = str(v), True
    elif isinstance(v, Literal) and isinstance(v.value, str):
        a, a_str = v.value, True
    if isinstance(o, URIRef):
        b, b_str = str(o), True
    elif isinstance(o, Literal) and isinstance(o.value, str):
        b, b_str = o.value, True
    if a_str != b_str:
        return False
    try:
        return bool(a < b) if strict else bool(a <= b)
    except TypeError as e:  # pySHACL does not catch it either: let pySHACL give its answer
        raise Unsupported(f"sh:lessThan cannot compare {v!r} and {o!r}") from e


def _select(store: Any, text: str) -> Iterable[dict[str, Term]]:
    """Rows of a SELECT as dicts of rdflib terms (unbound variables left out)."""
    if store is None:
        raise Unsupported("SPARQL without a store")
    solutions = store.query(text)
    names = [v.value for v in solutions.variables]
    for sol in solutions:
        row: dict[str, Term] = {}
        for name in names:
            term = sol[name]
            if term is not None:
                row[name] = _to_rdflib(term)
        yield row


def _to_rdflib(term: Any) -> Term:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):  # its label need not survive the store: refuse
        raise Unsupported("a blank node in a SPARQL result")
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise Unsupported(f"a SPARQL result that is no RDF term: {term!r}")


def _store(data: Graph, nt: str | None, ontology: Graph | None) -> Any:
    """A pyoxigraph store of ``data`` (from ``nt`` when given) and ``ontology``."""
    import pyoxigraph as ox

    from graph.pipeline.export import ntriples

    texts = [nt if nt is not None else ntriples(data)]
    if ontology is not None:
        texts.append(ntriples(ontology))
    try:
        return _loaded(texts, ox.RdfFormat.N_TRIPLES)
    except SyntaxError:
        # A part's text (``validate_local._text``) is rdflib's N3 form of each term, which
        # writes a string with a line break in triple quotes: Turtle, not N-Triples.
        return _loaded(texts, ox.RdfFormat.TURTLE)


def _loaded(texts: list[str], fmt: Any) -> Any:
    import pyoxigraph as ox

    store = ox.Store()
    for text in texts:
        store.load(input=text.encode("utf-8"), format=fmt)
    return store


def validate(
    data: Graph, shapes: Graph, ontology: Graph | None, nt: str | None = None
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
        store = _store(data, nt, ontology)
    run = _Run(prog, index, store)
    rows: list[Row] = []
    for s in prog.roots:
        rows.extend(r for _, r in run.results(s, run.focus(s)))
    return rows
