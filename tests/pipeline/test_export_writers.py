"""The direct writers give rdflib's bytes: N-Triples, longturtle, JSON-LD and indented JSON.

Each writer replaced an rdflib serializer for speed (graph/pipeline/export_writers.py); the
published files must not change, so every test compares with what rdflib (or ``json``) writes
for the same graph: invented graphs in both scripts with the term kinds our graphs use, the
seed's graph and the seed + fixtures corpus graph.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from graph.namespaces import CQR, NIF, PROV, bind_all
from graph.pipeline import export, export_writers
from graph.vocab import CQO


def _rdflib_ntriples(g: Graph) -> str:
    text = g.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return "\n".join(sorted({line for line in text.splitlines() if line.strip()})) + "\n"


def _rdflib_jsonld(g: Graph) -> str:
    """export.jsonld as it was before the direct writers (rdflib text, parsed, canonical)."""
    ctx = export.jsonld_context()["@context"]
    doc = json.loads(g.serialize(format="json-ld", context=ctx, auto_compact=False))
    if isinstance(doc, list):
        doc = {"@context": ctx, "@graph": doc}
    doc["@context"] = ctx
    doc["@graph"] = sorted(
        (export._canonical(n) for n in doc.get("@graph", [])), key=lambda n: str(n.get("@id", ""))
    )
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _invented(script: str) -> Graph:
    """A small graph with every kind of term our graphs carry, written in one script."""
    hant = script == "zh-Hant"
    words = ("數據中心", "雲計算", "網絡") if hant else ("数据中心", "云计算", "网络")
    g = bind_all(Graph())
    src = CQR["source/test-src"]
    g.add((src, RDF.type, CQO.Document))
    g.add((src, RDF.type, NIF.Context))
    text = f'{words[0]}建成"三座"\n第二行 \\ 反斜線\r\n{words[1]}'
    g.add((src, NIF.isString, Literal(text)))
    g.add((src, RDFS.label, Literal(words[0], lang=script)))
    g.add((src, RDFS.label, Literal(words[2], lang=script)))  # two in one language: a list
    g.add((src, RDFS.label, Literal(words[1], lang="en")))
    g.add((src, RDFS.label, Literal(words[1])))  # no language: not in the language map
    for i, word in enumerate(words):
        obs = CQR[f"obs/test/{i}"]
        g.add((obs, RDF.type, CQO.Observation))
        g.add((obs, CQO.value, Literal(f"{i * 3}.5", datatype=XSD.decimal)))
        g.add((obs, CQO.rank, Literal(i + 1, datatype=XSD.integer)))
        g.add((obs, CQO.period, Literal("2023", datatype=XSD.gYear)))
        g.add((obs, CQO.statedValue, Literal(f"{word}{i}")))
        g.add((obs, PROV.wasDerivedFrom, src))
        g.add((obs, PROV.wasDerivedFrom, CQR[f"span/test-src/{i}-{i + 2}"]))
        g.add((obs, SKOS.altLabel, Literal(word, lang=script)))
        g.add((obs, SKOS.altLabel, Literal(f"{word}乙", lang=script)))
        g.add((obs, CQO.consecutiveYears, Literal(True)))
        g.add((obs, RDFS.comment, Literal(1.25)))
    g.add((CQO.Observation, RDF.type, RDFS.Class))  # a class comes first in longturtle
    g.add((URIRef("http://example.org/other#x"), RDFS.seeAlso, src))
    return g


@pytest.mark.parametrize("script", ["zh-Hant", "zh-Hans"])
def test_invented_graph_same_bytes_as_rdflib(script: str) -> None:
    g = _invented(script)
    assert export_writers.ntriples(g) == _rdflib_ntriples(g)
    assert export_writers.turtle(g) == g.serialize(format="longturtle")
    assert export.jsonld(g) == _rdflib_jsonld(g)


def test_blank_nodes_and_lists_are_left_to_rdflib() -> None:
    """A layout that depends on blank nodes or lists is rdflib's own, not an imitation."""
    g = _invented("zh-Hans")
    node = BNode("b0")
    g.add((CQR["obs/test/0"], CQO.about, node))
    g.add((node, RDFS.label, Literal("匿名節點", lang="zh-Hant")))
    items = BNode("l0")
    Collection(g, items, [Literal("甲"), Literal("乙")])
    g.add((CQR["obs/test/1"], CQO.about, items))
    assert export_writers.turtle(g) == g.serialize(format="longturtle")
    assert export.jsonld(g) == _rdflib_jsonld(g)
    assert export_writers.ntriples(g) == _rdflib_ntriples(g)


def test_empty_graph() -> None:
    g = bind_all(Graph())
    assert export_writers.ntriples(g) == _rdflib_ntriples(g) == "\n"
    assert export_writers.turtle(g) == g.serialize(format="longturtle")


def test_seed_graph_same_bytes_as_rdflib(built_dir) -> None:  # type: ignore[no-untyped-def]
    g = bind_all(Graph().parse(built_dir / "cqkg.nt", format="nt"))
    assert export_writers.ntriples(g) == _rdflib_ntriples(g)
    assert export_writers.turtle(g) == g.serialize(format="longturtle")
    assert export.jsonld(g) == _rdflib_jsonld(g)
    assert (built_dir / "cqkg.ttl").read_text(encoding="utf-8") == export.turtle(g)


def test_corpus_graph_same_bytes_as_rdflib(corpus_graph: Graph) -> None:
    """The seed and every fixture article (both scripts, many sources sharing nodes)."""
    g = bind_all(corpus_graph)
    assert export_writers.ntriples(g) == _rdflib_ntriples(g)
    assert export_writers.turtle(g) == g.serialize(format="longturtle")
    assert export.jsonld(g) == _rdflib_jsonld(g)


def _value(rng: random.Random, depth: int) -> object:
    kind = rng.randrange(8 if depth < 4 else 5)
    if kind == 0:
        return rng.choice(["", "網絡", "网络", 'a"b\\c\n', "\u2028", "x" * rng.randrange(5)])
    if kind == 1:
        return rng.randrange(-1000, 1000)
    if kind == 2:
        return rng.choice([0.1, -2.5e-7, 1e21, 3.0])
    if kind == 3:
        return rng.choice([True, False, None])
    if kind == 4:
        return str(Decimal(rng.randrange(10_000)) / 100)
    if kind == 5:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {
        rng.choice(["@id", "label", "b", "數", "a"]) + str(i): _value(rng, depth + 1)
        for i in range(rng.randrange(4))
    }


def test_dump_json_is_json_dumps_with_indent_one() -> None:
    rng = random.Random(11)
    for _ in range(300):
        obj = _value(rng, 0)
        assert export_writers.dump_json(obj) == json.dumps(
            obj, ensure_ascii=False, indent=1, sort_keys=True
        )


def test_triples_of_is_the_graph_on_every_store() -> None:
    """The direct read of rdflib's Memory store gives the graph's triples and only them: on a
    graph of its own, on one named graph of a store shared with another, on another store."""
    from rdflib import ConjunctiveGraph

    own = _invented("zh-Hant")
    assert sorted(export_writers.triples_of(own)) == sorted(own)
    shared = ConjunctiveGraph()
    one = shared.get_context(CQR["graph/one"])
    two = shared.get_context(CQR["graph/two"])
    for s, p, o in _invented("zh-Hans"):
        one.add((s, p, o))
    two.add((CQR["obs/other"], RDFS.label, Literal("另一個", lang="zh-Hant")))
    assert sorted(export_writers.triples_of(one)) == sorted(one)
    assert (CQR["obs/other"], RDFS.label, Literal("另一個", lang="zh-Hant")) not in set(
        export_writers.triples_of(one)
    )
    simple = Graph(store="SimpleMemory")
    for triple in own:
        simple.add(triple)
    assert sorted(export_writers.triples_of(simple)) == sorted(own)
    assert export_writers.ntriples(simple) == _rdflib_ntriples(own)


def test_the_utf8_forms_are_the_texts_encoded_beyond_the_bmp_too(tmp_path: Path) -> None:
    """The build keeps N-Triples, N-Quads and the rendered files as UTF-8 (a ``str`` with one
    emoji is four bytes a character): the same bytes as the texts encoded, line order
    included, on invented lines in both scripts with characters of every width."""
    g = bind_all(Graph())
    doc = CQR["source/s1"]
    for i, text in enumerate(
        ["网民数量增长📈", "網民數量增長", "plain ascii", "é ü", "𠀋字 line\nbreak"]
    ):
        span = CQR[f"span/s1/{i}-{i + 3}"]
        g.add((span, NIF.anchorOf, Literal(text)))
        g.add((span, NIF.referenceContext, doc))
        g.add((CQR[f"obs/{i}"], PROV.wasDerivedFrom, span))
        g.add((CQR[f"obs/{i}"], RDFS.label, Literal(text, lang="zh-Hant")))
    g.add((CQR["obs/shared"], PROV.wasDerivedFrom, CQR["span/s1/0-3"]))
    g.add((CQR["obs/shared"], PROV.wasDerivedFrom, CQR["span/s2/0-3"]))
    text = export_writers.ntriples(g)
    assert max(map(ord, text)) > 0xFFFF
    assert export.ntriples_utf8(g) == text.encode("utf-8")
    assert export.nquads_utf8(g, export.ntriples_utf8(g)) == export.nquads(g, text).encode()
    assert export.nquads(g) == export.nquads(g, text) == export.nquads(g, text.encode())
    from graph.pipeline.cache import SourceCache, digest

    assert digest("k", text) == digest("k", text.encode("utf-8"))
    store = SourceCache(tmp_path / "cache")
    first = export.rendered_utf8(store, "cqkg.ttl", text, lambda: "重慶 📈\n")
    again = export.rendered_utf8(store, "cqkg.ttl", text.encode(), lambda: "never\n")
    assert first == again == "重慶 📈\n".encode()
    assert export.rendered(store, "cqkg.ttl", text, lambda: "never\n") == "重慶 📈\n"
