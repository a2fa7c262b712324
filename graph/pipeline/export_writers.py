"""Direct writers for sorted N-Triples and rdflib's ``longturtle``, byte for byte the same.

Why: at corpus size the serializers were most of the export (a 30-article corpus: rdflib's
``longturtle`` about 120 ms per article, its N-Triples plus the sort about 30 ms). Both spend
their time per token: a store lookup per subject, a prefix computation per term occurrence, a
write and an encode per token. The writers here walk the triples once, compute each distinct
term's text once (through rdflib's own functions, so escaping, prefixes and plain literals are
rdflib's) and join strings. What they write is what rdflib writes, tested byte for byte on the
seed, the fixtures corpus and a synthetic corpus (``tests/pipeline/test_export_writers.py``).

Where the rdflib layout depends on something our graphs never have (a blank node, a base IRI,
an ``rdf:nil``), :func:`turtle` hands the graph to rdflib itself, so the bytes stay rdflib's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from io import BytesIO
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.serializers.longturtle import LongTurtleSerializer
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Node

__all__ = ["dump_json", "jsonld_data", "nt_lines", "ntriples", "turtle"]


def nt_lines(triples: Iterable[tuple[Node, Node, Node]]) -> set[str]:
    """The N-Triples line (no newline) of every triple, as rdflib's ``nt`` serializer writes
    it (``_nt_row``): ``n3()`` for IRIs, its ``_quoteLiteral`` for literals."""
    text: dict[Node, str] = {}

    def term(node: Node) -> str:
        got = text.get(node)
        if got is None:
            got = _quoteLiteral(node) if isinstance(node, Literal) else node.n3()
            text[node] = got
        return got

    return {f"{term(s)} {term(p)} {term(o)} ." for s, p, o in triples}


def ntriples(g: Graph) -> str:
    """Sorted, unique N-Triples lines: what ``export.ntriples`` always gave, faster."""
    lines = sorted(nt_lines(g))
    return "\n".join(lines) + "\n"


def _rdflib_longturtle(g: Graph) -> str:
    return g.serialize(format="longturtle")


def turtle(g: Graph) -> str:
    """``g.serialize(format="longturtle")``, the same text, written directly.

    The layout rdflib's LongTurtleSerializer gives a graph without blank nodes: the prefixes
    its terms use, sorted; subjects of ``rdf:type rdfs:Class`` first, then every subject by
    (times it is an object, IRI); per subject ``rdf:type`` (``a``), ``rdfs:label``, then the
    other predicates by IRI, each one's objects in rdflib's term order.
    """
    if g.base is not None:
        return _rdflib_longturtle(g)
    ser = LongTurtleSerializer(g)
    ser.reset()
    keywords = ser.keywords
    # rdflib terms (typed ``Any``: rdflib's ``Node`` declares no order, its subclasses do)
    by_subject: dict[Any, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
    references: dict[Any, int] = defaultdict(int)
    pnames: tuple[dict[Node, str | None], dict[Node, str | None]] = ({}, {})

    def pname(node: Node, gen: bool) -> str | None:
        known = pnames[gen]
        if node not in known:
            known[node] = ser.get_pname(node, gen_prefix=gen)
        return known[node]

    datatypes: set[URIRef] = set()
    for s, p, o in g:
        references[o] += 1
        by_subject[s][p].append(o)
    terms = {*by_subject, *references}
    # the prefix computations of rdflib's preprocess pass, in its positions (they decide
    # which namespaces the document declares); only IRIs have one
    if RDF.nil in terms or any(isinstance(t, BNode) for t in terms):
        return _rdflib_longturtle(g)
    for props in by_subject.values():  # first: a predicate may generate a prefix
        for p in props:
            if p not in keywords and p not in pnames[True]:
                if isinstance(p, BNode):
                    return _rdflib_longturtle(g)
                pname(p, True)
    for node in terms:
        if isinstance(node, URIRef):
            pname(node, False)
        elif isinstance(node, Literal) and node.datatype:
            datatypes.add(node.datatype)
    for dt in datatypes:
        pname(dt, False)
    labels: dict[Node, str] = {}

    def dt_pname(dt: URIRef) -> str | None:
        return pname(dt, False)

    def label(node: Node, verb: bool = False) -> str:
        if verb and node in keywords:
            return keywords[node]
        if not verb and node in labels:
            return labels[node]
        if isinstance(node, Literal):
            text = node._literal_n3(use_plain=True, qname_callback=dt_pname)
        else:
            text = pname(node, verb) or node.n3()
        if not verb:
            labels[node] = text
        return text

    top = sorted(s for s in by_subject if RDFS.Class in by_subject[s].get(RDF.type, ()))
    seen = set(top)
    rest = sorted((references.get(s, 0), s) for s in by_subject if s not in seen)
    order = [*top, *(s for _, s in rest)]
    first_props = (RDF.type, RDFS.label)
    out = [f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in sorted(ser.namespaces.items())]
    write: Callable[[str], None] = out.append
    for s in order:
        props = by_subject[s]
        names = [p for p in first_props if p in props]
        names += sorted(p for p in props if p not in first_props)
        parts = []
        for p in names:
            objects = props[p]
            if len(objects) == 1:
                parts.append(f"{label(p, verb=True)} {label(objects[0])}")
            else:
                joined = " ,\n        ".join(label(o) for o in sorted(objects))
                parts.append(f"{label(p, verb=True)}\n        {joined}")
        write(f"\n{label(s)}\n    " + " ;\n    ".join(parts) + " ;\n.\n")
    text = "".join(out)
    # rdflib writes through ``encode("utf-8", "replace")``: the same for every valid string
    buf = BytesIO(text.encode("utf-8", "replace"))
    return buf.getvalue().decode("utf-8")


class _Indexed:
    """The read side of an rdflib graph that rdflib's JSON-LD converter uses, over triples
    grouped once by subject: the converter asks the store per subject and per object (is it
    a list?), which was most of its time. Only for graphs without blank nodes and lists
    (:func:`jsonld_data` checks); anything else goes to rdflib's graph itself."""

    context_aware = False

    def __init__(self, g: Graph, by_subject: dict[Node, list[tuple[Node, Node]]]) -> None:
        self.identifier = g.identifier
        self._by_subject = by_subject

    def subjects(self, predicate: Node | None = None, obj: Node | None = None) -> Iterable[Node]:
        if predicate is not None or obj is not None:
            raise NotImplementedError("only blank nodes need this; they go to rdflib")
        return iter(self._by_subject)

    def predicate_objects(self, subject: Node) -> Iterable[tuple[Node, Node]]:
        return iter(self._by_subject.get(subject, ()))

    def value(self, subject: Node, predicate: Node) -> None:
        """No node is an ``rdf:first`` of a list here (the check is in :func:`jsonld_data`)."""
        return None


def jsonld_data(g: Graph, context: dict[str, object]) -> object:
    """What ``json.loads(g.serialize(format="json-ld", context=context, auto_compact=False))``
    gives, without writing and reparsing the indented text in between.

    rdflib's own converter (``from_rdf``) still decides every key and value; it reads a
    :class:`_Indexed` view of the graph when the graph has no blank node and no list, the
    graph itself otherwise. The C-speed compact JSON round trip turns its literal objects
    into the plain strings, numbers and booleans the old parse gave.
    """
    from rdflib.plugins.serializers.jsonld import from_rdf

    by_subject: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    plain = True
    for s, p, o in g:
        if isinstance(s, BNode) or isinstance(o, BNode) or p in (RDF.first, RDF.rest):
            plain = False
            break
        by_subject[s].append((p, o))
    if plain and (
        RDF.nil in by_subject or any(RDF.nil in po for v in by_subject.values() for po in v)
    ):
        plain = False
    source: Any = _Indexed(g, by_subject) if plain else g
    # rdflib's serializer passes use_native_types as a one-element tuple (always true)
    obj = from_rdf(source, context, None, (False,), False, auto_compact=False)
    return json.loads(json.dumps(obj, ensure_ascii=False))


def dump_json(obj: object) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)``, the same text.

    Why: with an indent the standard library falls back from its C encoder to a generator
    per value, which was a third of the JSON-LD export; strings are still escaped by the C
    ``encode_basestring``, and numbers are written as ``json`` writes them.
    """
    out: list[str] = []
    write = out.append
    enc = encode_basestring

    def one(o: object, level: int) -> None:
        if isinstance(o, str):
            write(enc(o))
        elif isinstance(o, dict):
            if not o:
                write("{}")
                return
            pad = "\n" + " " * (level + 1)
            first = True
            for k in sorted(o):
                write(("{" if first else ",") + pad + enc(k) + ": ")
                first = False
                one(o[k], level + 1)
            write("\n" + " " * level + "}")
        elif isinstance(o, list):
            if not o:
                write("[]")
                return
            pad = "\n" + " " * (level + 1)
            for i, v in enumerate(o):
                write(("[" if i == 0 else ",") + pad)
                one(v, level + 1)
            write("\n" + " " * level + "]")
        else:
            write(json.dumps(o))

    one(obj, 0)
    return "".join(out)
