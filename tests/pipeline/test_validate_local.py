"""Span shapes per source + the other shapes on the merged graph (graph.pipeline.validate_local)
give exactly pySHACL's answer on the whole graph as shipped (``CQKG_FULL_VALIDATION=1``), and
each part's cached result is reused only for the same part.

Compared: ``conforms`` and the sorted problem list (focus node, message with path and source
shape) on the seed, the seed with every fixture article, every example of
``tests/data/invalid``, and graphs broken on purpose in local and cross-source ways (some of
which the split must refuse, falling back to the whole graph).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from graph.namespaces import NIF
from graph.pipeline import cache, export, validate, validate_local
from graph.pipeline.run import BuildResult
from graph.vocab import CQO, load_ontology

ROOT = Path(__file__).resolve().parents[2]
INVALID = sorted((ROOT / "tests" / "data" / "invalid").glob("*.ttl"))
VALID = sorted((ROOT / "tests" / "data" / "valid").glob("*.ttl"))


def _store(tmp_path: Path) -> cache.SourceCache:
    return cache.SourceCache(tmp_path / "cache")


def _compare(
    g: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, split: bool | None = None
) -> tuple[bool, list[validate.Problem]]:
    """Both build paths (cached, cold then warm) vs. pySHACL as shipped: the set-wise engine on
    the whole graph, and pySHACL with the split (``CQKG_SHACL_ENGINE=pyshacl``, the path taken
    when the engine cannot promise pySHACL's answer); ``split`` asserts the partition."""
    nt = export.ntriples(g)
    if split is not None:
        assert (validate_local.partition(g, load_ontology()) is not None) == split
    monkeypatch.setenv(validate.FULL_VALIDATION_ENV, "1")
    reference = validate.shacl(g, nt, _store(tmp_path / "reference"))
    monkeypatch.delenv(validate.FULL_VALIDATION_ENV)
    answers = []
    for engine in ("", "pyshacl"):
        monkeypatch.setenv(validate.ENGINE_ENV, engine)
        store = _store(tmp_path / (engine or "engine"))
        cold = validate.shacl(g, nt, store)
        warm = validate.shacl(g, nt, store)
        assert cold[:2] == reference[:2], engine or "engine"
        assert warm == cold
        assert store.blob_hits >= 1
        answers.append(cold[:2])
    monkeypatch.delenv(validate.ENGINE_ENV)
    return answers[0][0], answers[0][1]


@pytest.fixture(scope="module")
def seed(built: BuildResult) -> Graph:
    return Graph().parse(built.out_dir / "cqkg.nt", format="nt")


def _copy(g: Graph) -> Graph:
    out = Graph()
    out += g
    return out


def test_seed_same_and_clean(seed: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One source: the split would be pure overhead, so the whole graph is validated."""
    assert validate_local.partition(seed, load_ontology()) is not None
    assert _compare(seed, tmp_path, monkeypatch) == (True, [])
    monkeypatch.setenv(validate.ENGINE_ENV, "pyshacl")
    store = _store(tmp_path / "again")
    validate.shacl(seed, export.ntriples(seed), store)
    assert not (store.directory / "shacl-local").exists()


def test_two_sources_split_same_and_clean(
    seed: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    g, _doc, _other = _two_sources(seed)
    assert _compare(g, tmp_path, monkeypatch, split=True) == (True, [])
    split_cache = _store(tmp_path / "pyshacl").directory
    assert len(list((split_cache / "shacl-local").glob("*.blob"))) == 2
    assert not (_store(tmp_path / "engine").directory / "shacl-local").exists()  # whole graph


@pytest.mark.slow
def test_seed_with_every_fixture_article_split_same(
    corpus_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = corpus_graph
    parts = validate_local.partition(data, load_ontology())
    assert parts is not None and len(parts) > 10  # one part per article
    assert _compare(data, tmp_path, monkeypatch) == (True, [])


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.stem)
def test_examples_same(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conforms, problems = _compare(Graph().parse(path, format="turtle"), tmp_path, monkeypatch)
    assert conforms == (path in VALID) and bool(problems) == (path in INVALID)


def _two_sources(seed: Graph) -> tuple[Graph, URIRef, URIRef]:
    """The seed plus a copy of a few of its spans under a second source document."""
    g = _copy(seed)
    doc = sorted(g.subjects(RDF.type, NIF.Context), key=str)[0]
    other = URIRef(str(doc) + "-copy")
    for p, o in list(g.predicate_objects(doc)):
        g.add((other, p, o))
    spans = sorted(g.subjects(NIF.referenceContext, doc), key=str)[:5]
    for span in spans:
        twin = URIRef(str(span) + "-copy")
        for p, o in list(g.predicate_objects(span)):
            if p == NIF.sentence:
                continue
            g.add((twin, p, other if p == NIF.referenceContext else o))
    return g, doc, other


def test_broken_spans_in_one_of_two_sources_same(
    seed: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    g, _doc, other = _two_sources(seed)
    spans = sorted(g.subjects(NIF.referenceContext, other), key=str)
    g.set((spans[0], NIF.anchorOf, Literal("假的引文")))  # SpanOffsetsMatchQuote
    g.set((spans[1], NIF.endIndex, Literal(0)))  # datatype, lessThan
    g.add((spans[2], CQO.section, spans[3]))  # sh:class cqo:Theme on a span of the same source
    obs = sorted(g.subjects(RDF.type, CQO.Observation), key=str)[0]
    g.remove((obs, CQO.indicator, None))  # a global shape
    conforms, problems = _compare(g, tmp_path, monkeypatch, split=True)
    nodes = {p.node for p in problems}
    assert not conforms and {str(other), str(spans[1]), str(spans[2]), str(obs)} <= nodes


@pytest.mark.parametrize(
    "breakage",
    ["cross-source-sentence", "second-context", "context-less-span", "blank-node", "subclass"],
)
def test_graphs_the_split_refuses_are_validated_whole(
    seed: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breakage: str
) -> None:
    g, doc, other = _two_sources(seed)
    span = sorted(g.subjects(NIF.referenceContext, other), key=str)[0]
    sentence = sorted(g.subjects(RDF.type, CQO.Sentence), key=str)[0]
    if breakage == "cross-source-sentence":
        g.add((span, NIF.sentence, sentence))
    elif breakage == "second-context":
        g.add((span, NIF.referenceContext, doc))
    elif breakage == "context-less-span":
        g.remove((span, NIF.referenceContext, None))
    elif breakage == "blank-node":
        g.add((span, CQO.section, BNode()))
    else:
        g.add((CQO.Sentence, RDFS.subClassOf, CQO.Document))
    conforms, problems = _compare(g, tmp_path, monkeypatch, split=False)
    if breakage in ("second-context", "context-less-span", "blank-node"):
        assert not conforms and str(span) in {p.node for p in problems}


def test_only_the_changed_source_is_revalidated(
    seed: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(validate.FULL_VALIDATION_ENV, raising=False)
    monkeypatch.setenv(validate.ENGINE_ENV, "pyshacl")  # the split is pySHACL's path
    g, _doc, other = _two_sources(seed)
    store = _store(tmp_path)
    validate.shacl(g, export.ntriples(g), store)
    assert (store.blob_hits, store.blob_misses) == (0, 4)  # whole, global, two sources
    span = sorted(g.subjects(NIF.referenceContext, other), key=str)[0]
    g.set((span, NIF.anchorOf, Literal("假的引文")))
    conforms, problems, _ = validate.shacl(g, export.ntriples(g), store)
    assert (store.blob_hits, store.blob_misses) == (1, 7)  # the unchanged source's part hit
    assert not conforms and str(other) in {p.node for p in problems}


def test_local_and_global_shapes_cover_every_target_once() -> None:
    from graph.vocab import load_shapes

    shapes = load_shapes()
    targets = {
        (s, p, o) for s, p, o in shapes if p in validate_local._TARGETS
    }  # every targeting triple of the shipped shapes
    local = validate_local.shapes_without_targets(
        shapes, lambda s: s in validate_local.LOCAL_SHAPES
    )
    rest = validate_local.shapes_without_targets(
        shapes, lambda s: s not in validate_local.LOCAL_SHAPES
    )
    in_local = {t for t in local if t in targets}
    in_rest = {t for t in rest if t in targets}
    assert in_local and in_rest and not in_local & in_rest
    assert in_local | in_rest == targets
    assert {s for s, _, _ in in_local} == set(validate_local.LOCAL_SHAPES)
    assert len(local) == len(shapes) - len(in_rest)
