"""The pySHACL speed-ups in ``validate`` change nothing: same results as pySHACL as shipped.

The reference is ``CQKG_FULL_VALIDATION=1`` (pySHACL untouched). Compared: the set of
(focus node, source shape, path, severity, value) of every result, and ``conforms``, on the
seed build, the seed with every fixture article, every hand-written invalid example of
``tests/data/invalid`` and graphs broken on purpose (a local shape in one source, a
SPARQL constraint, a one-label-per-language shape and a cross-source shape).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from graph.namespaces import NIF
from graph.pipeline import validate
from graph.pipeline.run import BuildResult
from graph.vocab import CQO

ROOT = Path(__file__).resolve().parents[2]
INVALID = sorted((ROOT / "tests" / "data" / "invalid").glob("*.ttl"))

Result = tuple[str, str, str, str, str]


def _results(data: Graph, monkeypatch: pytest.MonkeyPatch, full: bool) -> tuple[bool, set[Result]]:
    if full:
        monkeypatch.setenv(validate.FULL_VALIDATION_ENV, "1")
    else:
        monkeypatch.delenv(validate.FULL_VALIDATION_ENV, raising=False)
    conforms, results, _ = validate.pyshacl_results(data)
    found: set[Result] = set()
    for r in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(r, SH.resultPath)
        inverse = results.value(path, SH.inversePath) if path is not None else None
        found.add(
            (
                str(results.value(r, SH.focusNode)),
                str(results.value(r, SH.sourceShape))
                if isinstance(results.value(r, SH.sourceShape), URIRef)
                else "_:anon",
                f"^{inverse}" if inverse is not None else str(path),
                str(results.value(r, SH.resultSeverity)),
                str(results.value(r, SH.value)),
            )
        )
    return conforms, found


def _same(data: Graph, monkeypatch: pytest.MonkeyPatch) -> set[Result]:
    fast = _results(data, monkeypatch, full=False)
    full = _results(data, monkeypatch, full=True)
    assert fast == full
    return fast[1]


@pytest.fixture(scope="module")
def seed(built: BuildResult) -> Graph:
    return Graph().parse(built.out_dir / "cqkg.nt", format="nt")


def _copy(g: Graph) -> Graph:
    out = Graph()
    out += g
    return out


def test_seed_same_and_clean(seed: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _same(seed, monkeypatch) == set()


def test_seed_with_every_fixture_article_same(
    corpus_graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = corpus_graph
    assert _same(data, monkeypatch) == set()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_examples_same(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _same(Graph().parse(path, format="turtle"), monkeypatch)  # each one fails


def test_broken_local_shapes_in_one_source_same(
    seed: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = _copy(seed)
    obs = sorted(g.subjects(RDF.type, CQO.Observation), key=str)[0]
    g.remove((obs, CQO.indicator, None))  # ObservationShape
    span = sorted(g.subjects(RDF.type, CQO.Span), key=str)[0]
    g.set((span, NIF.anchorOf, Literal("假的引文")))  # the SPARQL constraint SpanOffsetsMatchQuote
    found = _same(g, monkeypatch)
    assert {f[0] for f in found} >= {str(obs)}
    assert any(f[4] == str(span) for f in found)


def test_broken_label_and_cross_source_shapes_same(
    seed: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = _copy(seed)
    curated = sorted(
        s for s in g.subjects(CQO.curationStatus, CQO.Curated) if (s, RDF.type, CQO.Agency) in g
    )[0]
    g.add((curated, RDFS.label, Literal("第二個名字", lang="zh-Hant")))  # LabelZhHant max 1
    for label in list(g.objects(curated, RDFS.label)):
        if isinstance(label, Literal) and label.language == "en":
            g.remove((curated, RDFS.label, label))  # CuratedEnglishShape / LabelEn
    doc = sorted(g.subjects(RDF.type, NIF.Context), key=str)[0]
    g.remove((doc, CQO.about, None))  # SourceArticleShape: the edition link across sources
    found = _same(g, monkeypatch)
    shapes = {f[1].rsplit("#", 1)[-1] for f in found}
    assert {"LabelZhHant", "LabelEn"} <= shapes
    assert str(doc) in {f[0] for f in found}
