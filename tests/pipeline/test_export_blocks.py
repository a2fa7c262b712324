"""Turtle and JSON-LD from kept per-subject blocks are the whole-file writers' bytes.

``graph.pipeline.export_blocks`` renders only the subjects whose N-Triples lines are new and
joins them with the blocks of the last build; every test compares with ``export.turtle`` and
``export.jsonld`` of the same graph: cold (no blocks), after a change (blocks of another
graph: a subject added, one changed, one removed), on the fixtures corpus, and where the
blocks must hand over to the whole-file writers (a blank node, a prefix rdflib would invent,
a damaged memo).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.namespaces import CQR, PROV, bind_all
from graph.pipeline import export, export_blocks
from graph.pipeline.cache import SourceCache
from graph.vocab import CQO

CONTEXT = export.jsonld_context()["@context"]


def _graph(script: str, n: int) -> Graph:
    """Invented observations of one source in ``script``, pointing at a shared indicator."""
    hant = script == "zh-Hant"
    word = "網絡用戶" if hant else "网络用户"
    g = bind_all(Graph())
    src = CQR["source/blocks-test"]
    indicator = CQR["indicator/test-users"]
    g.add((CQO.Observation, RDF.type, RDFS.Class))
    g.add((src, RDF.type, CQO.Document))
    g.add((src, RDFS.label, Literal(f"{word}報告" if hant else f"{word}报告", lang=script)))
    g.add((indicator, RDF.type, CQO.Indicator))
    g.add((indicator, RDFS.label, Literal(word, lang=script)))
    g.add((indicator, RDFS.label, Literal("test users", lang="en")))
    for i in range(n):
        obs = CQR[f"obs/blocks-test/{i}"]
        g.add((obs, RDF.type, CQO.Observation))
        g.add((obs, CQO.indicator, indicator))
        g.add((obs, CQO.value, Literal(f"{i}.25", datatype=XSD.decimal)))
        g.add((obs, CQO.period, Literal("2024", datatype=XSD.gYear)))
        g.add((obs, CQO.statedValue, Literal(f"{word}{i}萬" if hant else f"{word}{i}万")))
        g.add((obs, PROV.wasDerivedFrom, CQR[f"span/blocks-test/{i}-{i + 4}"]))
    return g


def _nt(g: Graph) -> bytes:
    return export.ntriples_utf8(g)


def _both(g: Graph, ttl: dict, js: dict) -> tuple[dict, dict]:  # type: ignore[type-arg]
    """Assert both files equal the whole-file writers'; the new memos."""
    nt = _nt(g)
    text, ttl = export_blocks.turtle(g, nt, ttl)
    assert text == export.turtle(g).encode("utf-8")
    data, js = export_blocks.jsonld(g, nt, js, CONTEXT)
    assert data == export.jsonld(g).encode("utf-8")
    return ttl, js


@pytest.mark.parametrize("script", ["zh-Hant", "zh-Hans"])
def test_cold_and_after_a_change_the_writers_bytes(script: str) -> None:
    g = _graph(script, 6)
    ttl, js = _both(g, {}, {})
    assert len(ttl) == len(js) == 9  # a block per subject: class, source, indicator, 6 figures
    g.add((CQR["obs/blocks-test/9"], RDF.type, CQO.Observation))  # added
    g.add((CQR["obs/blocks-test/9"], CQO.indicator, CQR["indicator/test-users"]))
    g.set((CQR["obs/blocks-test/2"], CQO.value, Literal("7.5", datatype=XSD.decimal)))  # changed
    g.remove((CQR["obs/blocks-test/4"], None, None))  # removed
    new_ttl, new_js = _both(g, ttl, js)
    assert len(new_ttl) == len(new_js) == 9  # only this graph's blocks are kept
    assert len(set(new_ttl) - set(ttl)) == 2  # the added figure and the changed one were made


def test_a_reference_count_change_reorders_unchanged_blocks() -> None:
    """longturtle orders subjects by how often they are objects: a kept block can move."""
    g = _graph("zh-Hans", 3)
    ttl, js = _both(g, {}, {})
    for i in range(3):
        g.add((CQR[f"obs/blocks-test/{i}"], CQO.about, CQR["source/blocks-test"]))
    _both(g, ttl, js)


def test_fixtures_corpus_incrementally(corpus_graph: Graph) -> None:
    """The seed and every fixture article, cold, then after one source's subjects are gone."""
    g = bind_all(Graph())
    for t in corpus_graph:
        g.add(t)
    ttl, js = _both(g, {}, {})
    one = next(s for s in g.subjects(RDF.type, CQO.Observation))
    for t in list(g.triples((one, None, None))):
        g.remove(t)
    _both(g, ttl, js)


def test_blank_nodes_and_invented_prefixes_fall_back() -> None:
    g = _graph("zh-Hant", 2)
    node = BNode("b0")
    g.add((CQR["obs/blocks-test/0"], CQO.about, node))
    with pytest.raises(export_blocks.Fallback):
        export_blocks.turtle(g, _nt(g), {})
    g.remove((None, None, node))
    g.add((CQR["obs/blocks-test/0"], URIRef("http://example.org/unbound/p"), Literal("甲")))
    before = dict(g.namespace_manager.namespaces())
    with pytest.raises(export_blocks.Fallback):
        export_blocks.turtle(g, _nt(g), {})
    assert dict(g.namespace_manager.namespaces()) == before  # no prefix was bound on the way


def test_by_blocks_through_the_cache_and_a_damaged_memo(tmp_path: Path) -> None:
    store = SourceCache(tmp_path / "cache")
    g = _graph("zh-Hans", 4)
    nt = _nt(g)
    for name, whole in (("cqkg.ttl", export.turtle), ("cqkg.jsonld", export.jsonld)):
        assert export.by_blocks(store, name, g, nt) == whole(g).encode("utf-8")  # cold
        assert export.by_blocks(store, name, g, nt) == whole(g).encode("utf-8")  # from blocks
        assert store.blob_hits >= 1
        for blob in (tmp_path / "cache" / "export-blocks").iterdir():
            raw = blob.read_bytes()
            blob.write_bytes(raw.replace(b"obs/blocks-test", b"obs/damaged-xxx"))  # not a pickle
        assert export.by_blocks(store, name, g, nt) == whole(g).encode("utf-8")
        assert export.by_blocks(None, name, g, nt) == whole(g).encode("utf-8")
