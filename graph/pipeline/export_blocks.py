"""Turtle and JSON-LD assembled from per-subject blocks kept between builds.

Why: adding one article to a built corpus changed the graph, so ``cqkg.ttl`` and
``cqkg.jsonld`` were rendered again from every triple (a third of a 100-article rebuild's
CPU), although almost every subject's triples were the same as in the previous build. Both
files are a header plus one block per subject in an order that the blocks themselves decide:

* Turtle (``export_writers.turtle``): the ``PREFIX`` lines of the prefixes the terms use, then
  each subject's text (:func:`export_writers.turtle_block`), classes first, then by (times the
  subject is an object, IRI). A block is a pure function of its subject's triples, and so are
  the prefixes it uses and the IRIs it points at.
* JSON-LD (``export.jsonld``): the context, then each subject's canonical node
  (:func:`export_writers.dump_json_at` at the ``@graph`` list's depth) sorted by ``@id``.

So a block is kept under the digest of its subject's lines in the sorted N-Triples (which the
build has anyway, and which fix the subject's triples exactly), with what the order and the
header need. A build renders only the subjects whose lines are new, from the graph, by the
same writer functions, and joins. Whatever the fast writers hand to rdflib (a blank node, a
list, a base IRI, a prefix rdflib would have to invent) makes :class:`Fallback` and the caller
renders the whole file the ordinary way; so the bytes are the writers' in every case (tested
against them on the seed, the fixtures corpus and invented graphs, incrementally too:
``tests/pipeline/test_export_blocks.py``).

The memo (digest -> block) is a plain dict the caller loads from and stores to the private
build cache (``graph.pipeline.export.rendered_utf8``) under the package digest, so any code
change starts it empty.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.serializers.longturtle import LongTurtleSerializer

from graph.pipeline import export_writers

#: a Turtle block: (text, is an rdfs:Class, prefixes its terms use, IRIs it points at)
TurtleBlock = tuple[bytes, bool, tuple[str, ...], tuple[str, ...]]
#: a JSON-LD block: (text of the node, its @id)
JsonBlock = tuple[bytes, str]
#: the share of new subjects above which the whole graph is walked once instead of one
#: index lookup per new subject (a cold build: every subject is new)
_WALK_SHARE = 0.2


_LIST_TERMS = frozenset({RDF.first, RDF.rest, RDF.nil})
"""A list in the graph: rdflib's converter and serializer lay it out (hashed, so a set test
costs no ``__eq__`` per term)."""
_TYPE, _CLASS = RDF.type, RDFS.Class


class Fallback(Exception):
    """The graph has something only rdflib's own serializer lays out: render it whole."""


def subject_groups(nt: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(subject term, digest of its lines) for each subject of sorted N-Triples, in order.

    Sorted lines of one subject are contiguous (they share the prefix ``<subject> ``), so one
    pass finds every group."""
    lines = nt.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    start = 0
    n = len(lines)
    while start < n:
        line = lines[start]
        cut = line.find(b" ")
        if cut <= 0:
            raise Fallback("not an N-Triples line")
        head = line[: cut + 1]
        end = start + 1
        while end < n and lines[end].startswith(head):
            end += 1
        group = b"\n".join(lines[start:end])
        yield line[:cut], hashlib.blake2b(group, digest_size=16).digest()
        start = end


def _iri(term: bytes) -> URIRef:
    if not (term.startswith(b"<") and term.endswith(b">")):
        raise Fallback("a subject that is not an IRI")
    return URIRef(term[1:-1].decode("utf-8"))


def _pairs(g: Graph, wanted: list[URIRef]) -> dict[URIRef, list[tuple[Any, Any]]]:
    """(predicate, object) of each subject in ``wanted``, from the graph, in ``wanted``'s order.

    Many subjects (a cold build): one walk over every triple, as the whole-file writers do;
    a few (one article added): an index lookup per subject."""
    out: dict[URIRef, list[tuple[Any, Any]]] = {}
    if len(wanted) > _WALK_SHARE * max(len(g), 1) / 8:  # ~8 triples a subject
        every: defaultdict[Any, list[tuple[Any, Any]]] = defaultdict(list)
        for s, p, o in export_writers.triples_of(g):
            every[s].append((p, o))
        for s in wanted:
            got = every.get(s)
            if got:
                out[s] = got
    else:
        for s in wanted:
            out[s] = list(g.predicate_objects(s))
    if len(out) != len(wanted) or not all(out.values()):
        raise Fallback("a subject of the N-Triples that the graph does not have")
    return out


def _prefix(name: str | None) -> str | None:
    return None if name is None else name.split(":", 1)[0]


def turtle(
    g: Graph, nt: bytes, memo: dict[bytes, TurtleBlock]
) -> tuple[bytes, dict[bytes, TurtleBlock]]:
    """``export_writers.turtle(g)`` as UTF-8, and the memo of this graph's blocks.

    ``g`` has its prefixes bound (``bind_all``) and ``nt`` is its sorted N-Triples."""
    if g.base is not None:
        raise Fallback("a base IRI")
    groups = list(subject_groups(nt))
    missing = {_iri(s): key for s, key in groups if key not in memo}
    bound = {prefix: str(ns) for prefix, ns in g.namespace_manager.namespaces()}
    made: dict[bytes, TurtleBlock] = {}
    if missing:
        made = _turtle_blocks(g, missing, bound)
    blocks: dict[bytes, TurtleBlock] = {}
    kept = {**memo, **made}
    references: Counter[str] = Counter()
    used: set[str] = set()
    top: list[tuple[str, bytes]] = []
    rest: list[tuple[str, bytes]] = []
    for s, key in groups:
        block = kept[key]
        blocks[key] = block
        references.update(block[3])
        used.update(block[2])
        iri = s[1:-1].decode("utf-8")
        (top if block[1] else rest).append((iri, key))
    if any(prefix not in bound for prefix in used):
        raise Fallback("a prefix rdflib would have made up")
    order = sorted(top)
    order += sorted(rest, key=lambda item: (references.get(item[0], 0), item[0]))
    head = "".join(f"PREFIX {prefix}: <{bound[prefix]}>\n" for prefix in sorted(used))
    text = b"".join([head.encode("utf-8"), *(blocks[key][0] for _, key in order)])
    return text, blocks


def _turtle_blocks(
    g: Graph, subjects: dict[URIRef, bytes], bound: dict[str, str]
) -> dict[bytes, TurtleBlock]:
    """The blocks of ``subjects`` (IRI -> digest of its lines), made by the writer's own
    functions, keyed by digest.

    Predicates take their prefixed name without generating a prefix: where rdflib would
    make one up (``ns1``, numbered in the order it meets them, so not a per-subject fact),
    and would bind it into the graph, :class:`Fallback` is raised first."""
    ser = LongTurtleSerializer(g)
    ser.reset()
    keywords = ser.keywords
    pnames: tuple[dict[Any, str | None], dict[Any, str | None]] = ({}, {})

    def pname(node: Any, gen: bool) -> str | None:
        known = pnames[gen]
        if node not in known:
            known[node] = ser.get_pname(node, gen_prefix=gen)
        return known[node]

    labels: dict[Any, str] = {}

    def dt_pname(dt: URIRef) -> str | None:
        return pname(dt, False)

    def label(node: Any, verb: bool = False) -> str:
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

    prefixes: dict[Any, str | None] = {}

    def prefix(node: Any) -> str | None:
        """The prefix ``node``'s name uses (None: written whole), once per term."""
        if node in prefixes:
            return prefixes[node]
        if node in _LIST_TERMS:
            raise Fallback("a list")
        got = prefixes[node] = _prefix(pname(node, False))
        return got

    out: dict[bytes, TurtleBlock] = {}
    for s, pairs in _pairs(g, list(subjects)).items():
        props: dict[Any, list[Any]] = {}
        for p, o in pairs:
            props.setdefault(p, []).append(o)
        # the writer's preprocessing pass, for this subject's terms: which prefixes they use
        used: set[str | None] = {prefix(s)}
        points: list[str] = []
        for p, objects in props.items():
            if isinstance(p, BNode):
                raise Fallback("a blank node")
            if p not in keywords:
                if pname(p, False) is None:
                    raise Fallback("a predicate without a bound prefix")
                used.add(prefix(p))
            for o in objects:
                if isinstance(o, URIRef):
                    used.add(prefix(o))
                    points.append(str(o))
                elif isinstance(o, Literal):
                    if o.datatype:
                        used.add(prefix(o.datatype))
                else:
                    raise Fallback("a blank node")
        used.discard(None)
        text = export_writers.turtle_block(s, props, label).encode("utf-8")
        is_class = _CLASS in props.get(_TYPE, ())
        out[subjects[s]] = (text, is_class, tuple(sorted(u for u in used if u)), tuple(points))
    if any(str(ns) != bound.get(prefix) for prefix, ns in ser.namespaces.items()):
        raise Fallback("a prefix rdflib would have made up")
    return out


def jsonld(
    g: Graph, nt: bytes, memo: dict[bytes, JsonBlock], context: dict[str, Any]
) -> tuple[bytes, dict[bytes, JsonBlock]]:
    """``export.jsonld(g)`` as UTF-8 (``context`` its embedded ``@context``), and the memo."""
    groups = list(subject_groups(nt))
    if len(groups) < 2:
        raise Fallback("fewer than two subjects: rdflib's converter")
    missing = {_iri(s): key for s, key in groups if key not in memo}
    kept = dict(memo)
    if missing:
        kept.update(_json_blocks(g, missing, context))
    blocks = {key: kept[key] for _, key in groups}
    nodes = sorted((block[1], key) for key, block in blocks.items())
    if any(a[0] == b[0] for a, b in itertools.pairwise(nodes)):
        raise Fallback("two subjects with one @id")
    head = '{\n "@context": ' + export_writers.dump_json_at(context, 1) + ',\n "@graph": '
    parts = [head.encode("utf-8"), b"[\n  "]
    parts.append(b",\n  ".join(blocks[key][0] for _, key in nodes))
    parts.append(b"\n ]\n}\n")
    return b"".join(parts), blocks


def _json_blocks(
    g: Graph, subjects: dict[URIRef, bytes], context: dict[str, Any]
) -> dict[bytes, JsonBlock]:
    """The nodes of ``subjects`` (IRI -> digest of its lines) by rdflib's converter rules
    (``export_writers.JsonLdNodes``), canonical and written at the ``@graph`` list's depth."""
    by_subject = _pairs(g, list(subjects))
    for pairs in by_subject.values():
        for p, o in pairs:
            if p in _LIST_TERMS or isinstance(p, BNode) or isinstance(o, BNode):
                raise Fallback("a blank node or a list")
            if isinstance(o, URIRef) and o in _LIST_TERMS:
                raise Fallback("a list")
    doc = export_writers.JsonLdNodes(context).convert(by_subject)
    if not isinstance(doc, dict):
        raise Fallback("a term rdflib's converter decides")
    nodes = json.loads(json.dumps(doc.get("@graph"), ensure_ascii=False))
    if not isinstance(nodes, list) or len(nodes) != len(by_subject):
        raise Fallback("not one node a subject")
    out: dict[bytes, JsonBlock] = {}
    for s, node in zip(by_subject, nodes, strict=True):
        canon = export_writers.canonical_json(node)
        text = export_writers.dump_json_at(canon, 2).encode("utf-8")
        out[subjects[s]] = (text, str(canon.get("@id", "")))
    return out
