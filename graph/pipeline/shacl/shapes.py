"""Reading the shapes: the shapes graph turned once into a small program of :class:`Shape`.

Why: pySHACL re-reads a shape's constraints each time it validates the shape on a focus node.
Here the shapes graph is read once (:func:`program`, cached per graph object) into plain
objects: each shape's path, message, leaf constraint arguments (already checked and converted),
nested shapes, SPARQL constraints and targets. Reading is also where the engine refuses what it
does not reproduce exactly (:class:`Unsupported`, and the caller runs pySHACL): a constraint
parameter not implemented, a severity other than violation, ``sh:deactivated``, a path other
than a predicate or its inverse, a recursive shape, a reported shape without exactly one
``sh:message``, SPARQL outside the rewritable subset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from graph.namespaces import SH
from graph.pipeline.shacl.components import DatatypeTest
from graph.pipeline.shacl.sparql import Sparql, bind_this, check_sparql, prefixes
from graph.pipeline.shacl.terms import Term, Unsupported

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


@dataclass(slots=True, eq=False)
class Shape:
    node: Term
    path: Any = None  # None: a node shape; a predicate's string; ("inverse", predicate string)
    path_node: Term = None  # the sh:path object (what pySHACL reports as sh:resultPath)
    message: str | None = None
    leaf: list[tuple[URIRef, Any]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    nodes: list[Shape] = field(default_factory=list)
    ors: list[list[Shape]] = field(default_factory=list)
    qualified: list[tuple[Shape, int | None, int | None]] = field(default_factory=list)
    sparql: list[Sparql] = field(default_factory=list)
    target_classes: list[Term] = field(default_factory=list)
    target_nodes: list[Term] = field(default_factory=list)
    subjects_of: list[Term] = field(default_factory=list)
    objects_of: list[Term] = field(default_factory=list)
    target_sparql: list[Sparql] = field(default_factory=list)

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
        self._shapes: dict[Term, Shape] = {}
        roots = {s for p in _TARGETS for s in shapes.subjects(p, None)}
        roots |= set(_implicit_class_shapes(shapes))
        self.roots = [self.shape(s) for s in sorted(roots, key=str)]
        self.needs_sparql = any(s.sparql or s.target_sparql for s in self._shapes.values())
        for s in self.roots:
            _acyclic(s, ())
        for s in _reported(self.roots):
            if (s.leaf or s.nodes or s.ors or s.qualified) and s.message is None:
                raise Unsupported(f"{s.node}: reports without sh:message (no generic texts here)")

    def shape(self, node: Term) -> Shape:
        found = self._shapes.get(node)
        if found is not None:
            return found
        g = self.g
        s = Shape(node)
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
            return DatatypeTest(o)
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

    def select(self, node: Term) -> str:
        texts = list(self.g.objects(node, SH.select))
        if len(texts) != 1:
            raise Unsupported(f"{node}: not exactly one sh:select")
        return prefixes(self.g, node) + "\n" + str(texts[0])

    def _target(self, node: Term) -> Sparql:
        if (node, RDF.type, SH.SPARQLTarget) not in self.g:
            raise Unsupported(f"{node}: a sh:target other than a sh:SPARQLTarget")
        text = self.select(node)
        check_sparql(text, node, constraint=False)
        return Sparql(text, node)

    def _constraint(self, shape: Term, node: Term) -> Sparql:
        if list(self.g.objects(shape, SH.path)):
            raise Unsupported(f"{shape}: sh:sparql on a property shape")
        text = self.select(node)
        check_sparql(text, node, constraint=True)
        messages = list(self.g.objects(node, SH.message))
        if len(messages) != 1 or not isinstance(messages[0], Literal):
            raise Unsupported(f"{node}: a SPARQL constraint needs exactly one sh:message here")
        return Sparql(bind_this(text, node), node, messages[0])


def _children(s: Shape) -> list[Shape]:
    return [
        *s.properties,
        *s.nodes,
        *(m for members in s.ors for m in members),
        *(q for q, _, _ in s.qualified),
    ]


def _reported(roots: list[Shape]) -> list[Shape]:
    """The shapes whose results reach the report: the targeted ones, their sh:property shapes
    and the sh:node shapes below them (pySHACL keeps those as sh:detail); the members of sh:or
    and qualified value shapes only decide conformance, their results are dropped."""
    found: dict[Term, Shape] = {}
    todo = list(roots)
    while todo:
        s = todo.pop()
        if s.node not in found:
            found[s.node] = s
            todo.extend([*s.properties, *s.nodes])
    return list(found.values())


def _acyclic(s: Shape, above: tuple[Term, ...]) -> None:
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
