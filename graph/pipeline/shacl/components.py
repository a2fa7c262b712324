"""The leaf constraint components: each one test of a shape's value nodes, all focus nodes at once.

Why: pySHACL builds a constraint object per shape and focus node and tests each value node
through it. Here :func:`leaf` runs one component (``sh:minCount``, ``sh:datatype``,
``sh:class``, ``sh:lessThan``, ...) over the values of every focus node in one pass. Each branch
follows pySHACL 0.40's own code (``pyshacl/constraints/core``): one result per focus node and
failing value, as pySHACL counts them. Literal-level answers (datatype well-formedness, string
form, ordering) call pySHACL's own helpers on the same rdflib terms, so they cannot drift from
its answers; where pySHACL would raise, :class:`Unsupported` hands the graph to pySHACL.
The nesting components (``sh:property``, ``sh:node``, ``sh:or``, qualified value shapes) recurse
through a run and live in :mod:`graph.pipeline.shacl.engine`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.namespaces import SH
from graph.pipeline.shacl.terms import Owned, Row, Term, Unsupported

if TYPE_CHECKING:  # the shapes module reads sh:datatype into a DatatypeTest of this module
    from graph.pipeline.shacl.index import Data
    from graph.pipeline.shacl.shapes import Shape

_RDF_LANG = RDF.langString
_NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


def row(s: Shape, f: Term) -> Row:
    """A result of ``s`` itself (the program checked it has its message)."""
    return (f, s.path_node, s.node, s.message or "")


def leaf(data: Data, s: Shape, p: URIRef, arg: Any, vals: dict[Term, set[Term]]) -> Owned:
    """The results of the leaf constraint ``p`` (argument ``arg``, as the program read it) of
    ``s`` on every focus node, ``vals`` giving each focus node's value nodes."""
    from pyshacl.constraints.core.string_based_constraints import StringBasedConstraintBase
    from pyshacl.rdfutil.compare import compare_literal

    out: Owned = []
    if p == SH.minCount:
        if arg != 0:
            out.extend((f, row(s, f)) for f, vs in vals.items() if len(vs) < arg)
    elif p == SH.maxCount:
        out.extend((f, row(s, f)) for f, vs in vals.items() if len(vs) > arg)
    elif p == SH["class"]:
        is_instance = data.is_instance
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
            others = data.objects(f, str(arg))
            for v in vs:
                for o in others:
                    if not _ordered(v, o, strict):
                        out.append((f, row(s, f)))
    else:  # pragma: no cover - shapes._LEAF and this chain are the same list
        raise Unsupported(str(p))
    return out


class DatatypeTest:
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
