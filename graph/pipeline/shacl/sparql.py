"""SPARQL in pyoxigraph: targets and constraints read from the shapes, then run set-wise.

Why: pySHACL runs each SPARQL constraint once per focus node with rdflib's SPARQL engine (the
node pre-bound as ``$this``). Here a constraint runs once per shape in pyoxigraph, every focus
node bound by one ``VALUES ?this`` block that opens the WHERE group (:func:`bind_this`). That is
exact only for the subset :func:`check_sparql` lets through; anything else raises
:class:`Unsupported` and pySHACL decides. The PREFIX lines are built as pySHACL builds them
(:func:`prefixes`), the rows de-duplicated and the messages filled as pySHACL does
(:func:`constraint_results`), and the store's terms turned back into rdflib's
(:func:`select`), so the results are pySHACL's to the character.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from graph.namespaces import SH
from graph.pipeline.shacl.terms import Owned, Term, Unsupported


@dataclass(slots=True)
class Sparql:
    """One SELECT (a SPARQL target or constraint) ready for pyoxigraph."""

    text: str  # with its PREFIX lines
    node: Term  # the sh:SPARQLTarget / sh:SPARQLConstraint node
    message: Literal | None = None


def prefixes(g: Graph, node: Term) -> str:
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


def check_sparql(text: str, node: Term, *, constraint: bool) -> None:
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


def bind_this(text: str, node: Term) -> str:
    """The constraint with a ``VALUES ?this`` placeholder opening its WHERE group: joined first,
    it binds ``$this`` before every other pattern, as pySHACL's pre-binding does."""
    m = re.search(r"\bWHERE\s*\{", text, re.I) or re.search(r"\bSELECT\b[^{]*\{", text, re.I)
    if m is None:
        raise Unsupported(f"{node}: no WHERE group")
    return text[: m.end()] + " VALUES ?this { %FOCUS% } " + text[m.end() :]


def constraint_results(store: Any, shape: Term, q: Sparql, focus: list[Term]) -> Owned:
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
        for row in select(store, text):
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
            out.append((t, (t, path, shape, msg)))
    return out


def _chunks(items: list[Term], n: int) -> Iterable[list[Term]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def select(store: Any, text: str) -> Iterable[dict[str, Term]]:
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


def load_store(data: Graph, nt: str | bytes | None, ontology: Graph | None) -> Any:
    """A pyoxigraph store of ``data`` (from ``nt`` when given) and ``ontology``."""
    import pyoxigraph as ox

    from graph.pipeline.export import ntriples

    texts: list[str | bytes] = [nt if nt is not None else ntriples(data)]
    if ontology is not None:
        texts.append(ntriples(ontology))
    try:
        return _loaded(texts, ox.RdfFormat.N_TRIPLES)
    except SyntaxError:
        # A part's text (``validate_local._text``) is rdflib's N3 form of each term, which
        # writes a string with a line break in triple quotes: Turtle, not N-Triples.
        return _loaded(texts, ox.RdfFormat.TURTLE)


def _loaded(texts: list[str | bytes], fmt: Any) -> Any:
    import pyoxigraph as ox

    store = ox.Store()
    for text in texts:
        store.load(input=text if isinstance(text, bytes) else text.encode("utf-8"), format=fmt)
    return store
