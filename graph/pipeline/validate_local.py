"""SHACL in two parts: the span shapes per source, the rest on the merged graph; both cached.

This is pySHACL's path: the build takes it only when the set-wise engine
(``graph.pipeline.shacl``) cannot promise pySHACL's answer on the shapes. With the
engine the split does not pay: cutting a 100-article graph into parts (rdflib, in Python) took
1.4 s, more than the span shapes it spares the engine, so the engine validates the whole graph.

Why: the span shapes (``cqs:SpanShape``, ``cqs:SentenceShape``, ``cqs:SpanQuoteShape``) were
half of pySHACL's time on the seed, and every article adds hundreds of spans. They are *local*
(decision 0009): their focus nodes and every path they follow lie in one source's own
triples. So each source's part is validated alone and its result cached under the digest of
exactly that part; a build in which one article changed revalidates only that article's spans,
plus the other shapes on the merged graph (cached under the merged graph's digest).

How the shapes are split: each part gets the whole shapes graph with the *targets* of the
other part's shapes removed. A shape without targets has no focus nodes and gives no results,
while every definition a shape refers to stays in place; blank-node ids are kept, so results
name the same shapes as a run on the whole graph.

What a source's part holds (document ``D``): every triple of ``D`` and of every span whose
``nif:referenceContext`` is ``D``, plus the ``rdf:type`` triples of the nodes those spans point
to (``sh:class`` on ``cqo:section`` needs the theme's type), with the ontology mixed in as for
the whole graph. The split is taken only when it provably gives the whole graph's results
(:func:`partition`); otherwise (a span without exactly one context, a span pointing to another
source's span, blank nodes, ``rdfs:subClassOf`` in the data, ...) the whole graph is
validated at once, as before. ``tests/pipeline/test_validate_local.py`` compares the results
with pySHACL as shipped on valid, invalid and broken-on-purpose graphs.

Parts not in the cache are validated together in one pySHACL run (:func:`_run_together`),
each part's share stored apart. The one difference from a whole run: ``shacl_text`` (the prose
report, only in ``build.failed.md``) is pySHACL's report of the other shapes followed by each
part's summary; the problems, which gate the build, are the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from graph.namespaces import NIF, SH
from graph.vocab import CQO

CQS = "https://w3id.org/cqkg/shapes#"
LOCAL_SHAPES = frozenset(
    URIRef(CQS + name) for name in ("SpanShape", "SentenceShape", "SpanQuoteShape")
)
"""The shapes validated per source (decision 0009 says why each is local)."""

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)

Result = tuple[bool, list[Any], str]  # conforms, validate.Problem list, pySHACL's text
Part = list[tuple[Any, Any, Any]]  # one source's triples for the local shapes, sorted


def shapes_without_targets(shapes: Graph, keep: Callable[[Any], bool]) -> Graph:
    """``shapes`` minus the target triples of every shape ``keep`` rejects (ids unchanged)."""
    out = Graph(identifier=shapes.identifier)
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns, override=True)
    out.addN((s, p, o, out) for s, p, o in shapes if not (p in _TARGETS and not keep(s)))
    return out


def _subclasses(graphs: Iterable[Graph], root: URIRef) -> set[Any]:
    found: set[Any] = {root}
    todo: list[Any] = [root]
    while todo:
        c = todo.pop()
        for g in graphs:
            for sub in g.subjects(RDFS.subClassOf, c):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
    return found


def partition(data: Graph, ontology: Graph) -> dict[Any, Part] | None:
    """Each source document's part of ``data`` for the local shapes, or None when splitting
    could change a result (then the caller validates the whole graph at once).

    The conditions make every focus node of a local shape fall in exactly one part, with
    everything it is checked against: each span has exactly one context, an IRI, that is not
    itself a span; every subject of ``nif:referenceContext`` is a span; a span points to a span
    only of its own source; no blank nodes; no ``rdfs:subClassOf`` in the data.
    """
    if any(True for _ in data.triples((None, RDFS.subClassOf, None))):
        return None
    if any(isinstance(t, BNode) for triple in data for t in triple):
        return None
    span_classes = _subclasses((ontology,), CQO.Span)
    spans = {s for c in span_classes for s in data.subjects(RDF.type, c)}
    context: dict[Any, Any] = {}
    for s, doc in data.subject_objects(NIF.referenceContext):
        if s not in spans or s in context or not isinstance(doc, URIRef) or doc in spans:
            return None
        context[s] = doc
    if len(context) != len(spans):
        return None
    rows: dict[Any, list[tuple[Any, Any, Any]]] = {
        doc: [(doc, p, o) for p, o in data.predicate_objects(doc)]
        for doc in sorted(set(context.values()), key=str)
    }
    types: dict[Any, list[Any]] = {}
    for s, t in data.subject_objects(RDF.type):
        types.setdefault(s, []).append(t)
    for span in sorted(spans, key=str):
        doc = context[span]
        out = rows[doc]
        for p, o in data.predicate_objects(span):
            out.append((span, p, o))
            if o in spans:
                if context[o] != doc:
                    return None
            elif isinstance(o, URIRef):
                out.extend((o, RDF.type, t) for t in types.get(o, ()))
    return {doc: sorted(set(triples)) for doc, triples in rows.items()}


def _text(part: Part) -> str:
    """A part's canonical text, its cache key's input: sorted N3 triples (as ``cqkg.nt``)."""
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in part)


def _load(store: Any, kind: str, key: str) -> Result | None:
    """A stored result, or None when absent or not one (then dropped, never trusted)."""
    from graph.pipeline.validate import Problem

    blob = store.load_blob(kind, key)
    if blob is None:
        return None
    try:
        doc = json.loads(blob.decode("utf-8"))
        conforms, text, rows = doc["conforms"], doc["text"], doc["problems"]
        if not isinstance(conforms, bool) or not isinstance(text, str):
            raise TypeError("not a SHACL result")
        problems = [Problem(str(r), str(n), str(m)) for r, n, m in rows]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        store.forget_blob(kind, key)
        return None
    if conforms and problems:  # a result contradicting itself is not one pySHACL gives
        store.forget_blob(kind, key)
        return None
    return conforms, problems, text


def cached(store: Any, kind: str, key: str, compute: Callable[[], Result]) -> Result:
    """``compute()`` through the result cache (``store=None``: always computed)."""
    if store is None:
        return compute()
    hit = _load(store, kind, key)
    if hit is not None:
        return hit
    result = compute()
    _store(store, kind, key, result)
    return result


def _store(store: Any, kind: str, key: str, result: Result) -> None:
    conforms, problems, text = result
    doc = {
        "conforms": conforms,
        "problems": [[p.rule, p.node, p.message] for p in problems],
        "text": text,
    }
    store.store_blob(kind, key, json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def split_run(
    data: Graph,
    nt: str | bytes,
    store: Any,
    run_shapes: Callable[[Graph, Graph, str | bytes | None], Result],
    key: Callable[[str, str | bytes], str],
) -> Result | None:
    """Local shapes per source, the others on ``data``; None when :func:`partition` refuses.

    ``run_shapes(graph, shapes, nt)`` validates one graph (``nt``: its N-Triples when known,
    else None); ``key(kind, nt)`` the cache key of a graph's result (``validate.shacl_key``).
    """
    from graph.vocab import load_ontology, load_shapes

    parts = partition(data, load_ontology())
    if parts is None or len(parts) < 2:
        # One source: its part could only be reused with the same spans in a changed graph of
        # the same code, which a one-article corpus hardly ever is; two pySHACL runs instead of
        # one cost 0.35 s CPU on the seed.
        return None
    shapes = load_shapes()
    local = shapes_without_targets(shapes, lambda s: s in LOCAL_SHAPES)
    rest = shapes_without_targets(shapes, lambda s: s not in LOCAL_SHAPES)
    results = [cached(store, "shacl-global", key("global", nt), lambda: run_shapes(data, rest, nt))]
    keys = {doc: key("local", _text(part)) for doc, part in parts.items()}
    missed: dict[Any, Part] = {}
    for doc in sorted(parts, key=str):
        hit = _load(store, "shacl-local", keys[doc])
        if hit is None:
            missed[doc] = parts[doc]
        else:
            results.append(hit)
    if missed:
        results.extend(_run_together(missed, local, run_shapes, store, keys))
    problems = sorted(
        (p for _, found, _ in results for p in found), key=lambda p: (p.node, p.message)
    )
    conforms = all(c for c, _, _ in results)
    return conforms, problems, "\n".join(text for _, _, text in results)


def _run_together(
    missed: dict[Any, Part],
    local: Graph,
    run_shapes: Callable[[Graph, Graph, str | None], Result],
    store: Any,
    keys: dict[URIRef, str],
) -> list[Result]:
    """The local shapes on the union of the parts not in the cache, in one pySHACL run, each
    part's share stored under its own key.

    Why one run: pySHACL's fixed cost per run (about 0.1 s) times every source made a cold
    split 28 % slower than the whole graph on 16 articles. The union of parts is sound for the
    same reason a part is (:func:`partition`): each focus node has in it exactly the triples it
    has in its own part. A problem is assigned to the part of its focus node (a span by its
    context, a document by itself); the local shapes give only violations, so a part conforms
    exactly when it has no problem. Each part's stored text is a summary of its own problems
    (pySHACL's prose report is of the union). If a problem's focus node belongs to no part,
    nothing is stored and the union's result is returned as it is.
    """
    union = Graph()
    union.addN((s, p, o, union) for part in missed.values() for s, p, o in part)
    conforms, problems, text = run_shapes(union, local, "".join(map(_text, missed.values())))
    owner: dict[str, Any] = {}
    for doc, part in missed.items():
        owner[str(doc)] = doc
        owner.update((str(s), doc) for s, p, o in part if p == NIF.referenceContext)
    if any(p.node not in owner for p in problems):
        return [(conforms, problems, text)]
    shares: dict[Any, list[Any]] = {doc: [] for doc in missed}
    for p in problems:
        shares[owner[p.node]].append(p)
    out: list[Result] = []
    for doc in sorted(missed, key=str):
        found = shares[doc]
        result = (not found, found, _summary(doc, found))
        _store(store, "shacl-local", keys[doc], result)
        out.append(result)
    return out


def _summary(doc: URIRef, problems: list[Any]) -> str:
    lines = [f"Local shapes of {doc}: {'conforms' if not problems else 'does not conform'}"]
    lines += [f"  {p.node}: {p.message}" for p in problems]
    return "\n".join(lines)
