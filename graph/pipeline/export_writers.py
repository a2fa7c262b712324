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
import re
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

from graph.triple_index import index_of

_SURROGATE = re.compile("[\ud800-\udfff]")
"""A code point UTF-8 cannot encode (only a lone surrogate: Python joins no pairs in a str)."""

__all__ = [
    "canonical_json",
    "dump_json",
    "dump_json_at",
    "jsonld_data",
    "nt_lines",
    "ntriples",
    "ntriples_utf8",
    "triples_of",
    "turtle",
    "turtle_block",
]


def triples_of(g: Graph) -> Iterable[tuple[Any, Any, Any]]:
    """Every triple of ``g``, as ``iter(g)`` gives them (in some order).

    Why not ``iter(g)``: rdflib's in-memory store makes a generator of contexts for every
    triple it yields, which was a fifth of the Turtle writer and most of the N-Triples one. For
    a plain ``Graph`` on rdflib's ``Memory`` store the set of its own triples is read directly
    (the store keeps one per graph); any other graph or store, or an rdflib whose store is laid
    out otherwise, is iterated the ordinary way.
    """
    own = index_of(g)
    if own is not None:  # the build's store: its index, read without a generator per triple
        return own.triples_list()
    store = g.store
    if type(g) is Graph and type(store).__name__ == "Memory":
        try:
            key = store._Memory__ctx_to_str(g)  # type: ignore[attr-defined]
            own = store._Memory__contextTriples[key]  # type: ignore[attr-defined]
        except (AttributeError, KeyError, TypeError):
            own = None
        if isinstance(own, set) and len(own) == len(g):
            return list(own)
    return list(g)


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
    lines = sorted(nt_lines(triples_of(g)))
    return "\n".join(lines) + "\n"


def ntriples_utf8(g: Graph) -> bytes:
    """``ntriples(g).encode("utf-8")``, each line encoded alone: the lines are mostly ASCII
    (one byte a character as ``str``) while the whole text as one ``str`` is four bytes a
    character once any line holds a character beyond U+FFFF. UTF-8 keeps code-point order, so
    sorting the encoded lines gives the same order."""
    lines = sorted(line.encode("utf-8") for line in nt_lines(triples_of(g)))
    return b"\n".join(lines) + b"\n"


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
    for s, p, o in triples_of(g):
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
    out = [f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in sorted(ser.namespaces.items())]
    write: Callable[[str], None] = out.append
    for s in order:
        write(turtle_block(s, by_subject[s], label))
    text = "".join(out)
    # rdflib writes through ``encode("utf-8", "replace")``: the same for every string but one
    # holding a lone surrogate, so only such a string makes the round trip (two more copies
    # of a text that is hundreds of MB at corpus size)
    if _SURROGATE.search(text) is None:
        return text
    buf = BytesIO(text.encode("utf-8", "replace"))
    return buf.getvalue().decode("utf-8")


_FIRST_PROPS = (RDF.type, RDFS.label)


def turtle_block(s: Any, props: dict[Any, list[Any]], label: Callable[..., str]) -> str:
    """One subject's text in the longturtle layout: ``a``, ``rdfs:label``, then the other
    predicates by IRI, each one's objects in rdflib's term order. A pure function of the
    subject's triples (``label`` is the writer's term text), which is what lets
    ``graph.pipeline.export_blocks`` keep it between builds."""
    names = [p for p in _FIRST_PROPS if p in props]
    names += sorted(p for p in props if p not in _FIRST_PROPS)
    parts = []
    for p in names:
        objects = props[p]
        if len(objects) == 1:
            parts.append(f"{label(p, verb=True)} {label(objects[0])}")
        else:
            joined = " ,\n        ".join(label(o) for o in sorted(objects))
            parts.append(f"{label(p, verb=True)}\n        {joined}")
    return f"\n{label(s)}\n    " + " ;\n    ".join(parts) + " ;\n.\n"


def canonical_json(obj: Any) -> Any:
    """``obj`` with dict keys sorted and every list sorted by its items' JSON text: the
    order-free form the published JSON-LD takes of each node."""
    if isinstance(obj, dict):
        return {k: canonical_json(v) for k, v in sorted(obj.items())}
    if isinstance(obj, list):
        items = [canonical_json(v) for v in obj]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return obj


def jsonld_data(g: Graph, context: dict[str, object]) -> object:
    """What ``json.loads(g.serialize(format="json-ld", context=context, auto_compact=False))``
    gives, without rdflib's store lookups per object and without writing and reparsing the
    indented text in between.

    The nodes are made by rdflib's own JSON-LD converter rules (``Converter.add_to_node``),
    followed step by step below, with each rule's decision for a (predicate, kind of object)
    taken once from rdflib's ``Context`` instead of once per triple. A graph with a blank node,
    a list or fewer than two subjects goes to rdflib's converter itself. The C-speed compact
    JSON round trip turns literal objects into the strings, numbers and booleans the parse gave.
    """
    from rdflib.plugins.serializers.jsonld import from_rdf

    by_subject: dict[Any, list[tuple[Any, Any]]] = defaultdict(list)
    plain = not any(
        triple in g
        for triple in ((None, RDF.first, None), (None, RDF.rest, None), (None, None, RDF.nil))
    )
    if plain:
        for s, p, o in triples_of(g):
            if isinstance(o, BNode):
                plain = False
                break
            by_subject[s].append((p, o))
    if not plain or len(by_subject) < 2 or any(isinstance(s, BNode) for s in by_subject):
        # rdflib's serializer passes use_native_types as a one-element tuple (always true)
        obj = from_rdf(g, context, None, (False,), False, auto_compact=False)
        return json.loads(json.dumps(obj, ensure_ascii=False))
    nodes = _JsonLdNodes(context).convert(by_subject)
    if nodes is None:
        obj = from_rdf(g, context, None, (False,), False, auto_compact=False)
        return json.loads(json.dumps(obj, ensure_ascii=False))
    return json.loads(json.dumps(nodes, ensure_ascii=False))


class _JsonLdNodes:
    """rdflib's ``Converter.from_graph`` for a graph of IRIs and literals, memoised per term."""

    def __init__(self, context_data: dict[str, object]) -> None:
        from rdflib.plugins.serializers.jsonld import PLAIN_LITERAL_TYPES
        from rdflib.plugins.shared.jsonld.context import UNDEF, Context
        from rdflib.plugins.shared.jsonld.keys import ID, LANG, LIST, SET, VOCAB

        self.data = context_data
        self.ctx = ctx = Context(context_data)
        self.keys = (ID, VOCAB, UNDEF)
        self.lang, self.list, self.set = LANG, LIST, SET
        self.plain_types = PLAIN_LITERAL_TYPES
        self.id_key, self.type_key = ctx.id_key, ctx.type_key
        self.value_key, self.lang_key = ctx.value_key, ctx.lang_key
        self.decisions: dict[tuple[Any, ...], Any] = {}
        self.shrunk: dict[Any, str] = {}
        self.symbols: dict[Any, str | None] = {}

    def shrink(self, iri: Any) -> str:
        got = self.shrunk.get(iri)
        if got is None:
            got = self.shrunk[iri] = self.ctx.shrink_iri(iri)
        return got

    def symbol(self, iri: Any) -> str | None:
        if iri not in self.symbols:
            self.symbols[iri] = self.ctx.to_symbol(iri)
        return self.symbols[iri]

    def term(self, p: Any, o: Any) -> Any:
        """``find_term`` as ``add_to_node`` asks it, for this predicate and kind of object."""
        if isinstance(o, Literal):
            key: tuple[Any, ...] = (p, o.datatype, o.language)
        else:
            key = (p,)
        if key in self.decisions:
            return self.decisions[key]
        ctx = self.ctx
        if isinstance(o, Literal):
            datatype = str(o.datatype) if o.datatype else None
            term = ctx.find_term(str(p), datatype, language=o.language)
        else:
            for coercion in self.keys:
                term = ctx.find_term(str(p), coercion, None)  # type: ignore[arg-type]
                if term:
                    break
        self.decisions[key] = term
        return term

    def raw(self, o: Any) -> Any:
        """``Converter.to_raw_value`` for an IRI or a literal (the context is active)."""
        if isinstance(o, URIRef):
            return {self.id_key: self.shrink(o)}
        native = o.datatype in self.plain_types
        v = o.toPython() if native else str(o)
        if o.datatype:
            if native:
                return v
            return {self.type_key: self.symbol(o.datatype), self.value_key: v}
        if o.language and o.language != self.ctx.language:
            return {self.lang_key: o.language, self.value_key: v}
        if self.ctx.language and not o.language:
            return {self.value_key: v}
        return v

    def coerce(self, o: Any, coerce_type: str) -> Any:
        """``Converter.type_coerce``."""
        if coerce_type == self.keys[0]:
            return self.shrink(o) if isinstance(o, URIRef) else o
        if coerce_type == self.keys[1] and isinstance(o, URIRef):
            return self.symbol(o)
        if isinstance(o, Literal) and str(o.datatype) == coerce_type:
            return o
        return None

    def convert(self, by_subject: dict[Any, list[tuple[Any, Any]]]) -> object | None:
        """The document ``from_rdf`` returns, or None when a rule here does not apply."""
        ctx = self.ctx
        nodemap: dict[str, dict[Any, Any]] = {}
        for s, pos in by_subject.items():
            node_id = self.shrink(s)
            if node_id in nodemap:
                continue
            s_node: dict[Any, Any] = {self.id_key: node_id}
            nodemap[node_id] = s_node
            for p, o in pos:
                term = self.term(p, o)
                node: Any = None
                if term:
                    if self.list in term.container:
                        return None  # a list-valued term: rdflib's converter decides
                    p_key: Any = term.name
                    if term.type:
                        node = self.coerce(o, term.type)
                    elif (term.language and getattr(o, "language", None) == term.language) or (
                        ctx.language
                        and term.language is None
                        and isinstance(o, Literal)
                        and o.language is None
                    ):
                        node = str(o)
                    language = o.language if isinstance(o, Literal) else None
                    if self.lang in term.container and language:
                        value = s_node.setdefault(p_key, {})
                        values = value.get(language)
                        node = str(o)
                        if values or self.set in term.container:
                            if not isinstance(values, list):
                                value[language] = values = [values]
                            values.append(node)
                        else:
                            value[language] = node
                        continue
                    use_set = self.set in term.container
                else:
                    use_set = False
                    p_key = self.symbol(p)
                    key_term = ctx.terms.get(p_key)
                    if key_term and (key_term.type or key_term.container):
                        p_key = p
                    if p == RDF.type:
                        if isinstance(o, URIRef):
                            node = self.symbol(o)
                        p_key = self.type_key
                if node is None:
                    node = self.raw(o)
                value = s_node.get(p_key)
                if value:
                    if not isinstance(value, list):
                        value = [value]
                    value.append(node)
                elif use_set:
                    value = [node]
                else:
                    value = node
                s_node[p_key] = value
        return {ctx.get_key("@graph"): list(nodemap.values()), "@context": self.data}


JsonLdNodes = _JsonLdNodes
"""The converter, for ``graph.pipeline.export_blocks`` (one subject's node at a time)."""


def dump_json(obj: object) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)``, the same text.

    Why: with an indent the standard library falls back from its C encoder to a generator
    per value, which was a third of the JSON-LD export; strings are still escaped by the C
    ``encode_basestring``, and numbers are written as ``json`` writes them.
    """
    return dump_json_at(obj, 0)


def dump_json_at(obj: object, level: int) -> str:
    """:func:`dump_json`'s text of ``obj`` as it stands at nesting ``level`` of a document
    (its first line unindented, the others indented for that level): a node of the JSON-LD
    ``@graph`` list is ``dump_json_at(node, 2)``, whatever the other nodes are."""
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

    one(obj, level)
    return "".join(out)
