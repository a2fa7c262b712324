"""``graph.triple_index.TripleIndex`` answers every triple pattern as rdflib's own store does.

The build's graph lives on it from assemble to export, so a pattern it answered differently
would change a check, a validation or a file without any error. Each test compares it with a
``Graph`` on rdflib's default store holding the same triples.
"""

from __future__ import annotations

import itertools
import random
import subprocess
import sys

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from graph.triple_index import TripleIndex, index_graph, index_of, on_memory

_S = [URIRef(f"https://example.org/s{i}") for i in range(6)]
_P = [URIRef(f"https://example.org/p{i}") for i in range(4)]
_O = [*_S[:3], Literal("x"), Literal("x", lang="zh-Hans"), Literal(3), Literal("3")]


def _pair(seed: int, n: int = 60) -> tuple[Graph, Graph]:
    rng = random.Random(seed)
    ours, theirs = index_graph(), Graph()
    for _ in range(n):
        t = (rng.choice(_S), rng.choice(_P), rng.choice(_O))
        ours.add(t)
        theirs.add(t)
    return ours, theirs


def test_every_pattern_gives_rdflibs_answer() -> None:
    for seed in range(5):
        ours, theirs = _pair(seed)
        assert len(ours) == len(theirs) > 0
        for s, p, o in itertools.product([None, *_S], [None, *_P], [None, *_O]):
            assert set(ours.triples((s, p, o))) == set(theirs.triples((s, p, o))), (s, p, o)


def test_inverse_index_follows_later_adds_and_removes() -> None:
    ours, theirs = _pair(7)
    list(ours.subjects(_P[0], _O[0]))  # builds the inverse index of p0
    extra = (_S[5], _P[0], _O[0])
    for g in (ours, theirs):
        g.add(extra)
        g.remove((_S[1], None, None))
        g.remove((None, _P[0], _O[3]))
    assert set(ours.subjects(_P[0], _O[0])) == set(theirs.subjects(_P[0], _O[0]))
    assert set(ours) == set(theirs)
    assert len(ours) == len(theirs)


def test_value_is_graph_value_and_adding_twice_counts_once() -> None:
    ours, _ = _pair(3)
    own = index_of(ours)
    assert own is not None
    for s, p in itertools.product(_S, _P):
        assert own.value(s, p) == ours.value(s, p)
    n = len(ours)
    s, p, o = next(iter(ours))
    own.add_triple(s, p, o)
    assert len(ours) == n


def test_orders_do_not_depend_on_the_string_hash() -> None:
    """Insertion order at every level (dicts, not sets): two hash seeds, one iteration order."""
    code = (
        "from rdflib import URIRef, Literal\n"
        "from graph.triple_index import index_graph\n"
        "g = index_graph()\n"
        "for i in range(200):\n"
        "    g.add((URIRef(f'https://e.org/s{i % 7}'), URIRef(f'https://e.org/p{i % 3}'),"
        " Literal(f'v{i}')))\n"
        "print([str(o) for o in g.objects(None, URIRef('https://e.org/p1'))][:40])\n"
        "print([str(t[0]) for t in g][:40])\n"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outs) == 1


def test_pyshacl_gets_a_copy_on_rdflibs_store() -> None:
    """pySHACL wraps a data graph in a Dataset over its store, which must be context-aware."""
    g = index_graph()
    g.bind("ex", "https://example.org/")
    g.add((_S[0], RDF.type, _S[1]))
    copy = on_memory(g)
    assert not isinstance(copy.store, TripleIndex)
    assert set(copy) == set(g)
    assert dict(copy.namespaces())["ex"] == URIRef("https://example.org/")
    conforms, _, _ = pyshacl.validate(copy, shacl_graph=Graph())
    assert conforms
    plain = Graph()
    assert on_memory(plain) is plain
