"""One graph from many sources, scripts and editions, end to end.

The corpus: (i) the vendored seed (zh-Hant, 2023 edition); (ii) the seed converted to
simplified script with OpenCC (made here, never stored), as a zh-Hans source; (iii) and (iv) the
team's hand-written articles on the 2022 edition in tests/data/editions/ (one per script; their
README is the hand-read gold). The build must conform, merge what agrees, keep what disagrees
side by side, keep periods apart and be byte-identical when repeated.

Assertions about the simplified seed hold whatever the extractors find in it (other work makes
simplified magnitudes and labels right): they pin how assemble joins what it is given.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from graph.namespaces import CQR, NIF, PROV
from graph.pipeline.run import BuildResult, run
from graph.text import fold, to_hans
from graph.vocab import CQO

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SEED = "hualong-2024-10-12-cq-internet-report-2023"
HANS = "hualong-2024-10-12-cq-internet-report-2023-hans"
F22_HANS = "fixture-2023-09-15-report-2022-hans"
F22_HANT = "fixture-2023-09-16-report-2022-hant"
SOURCES = [F22_HANS, F22_HANT, SEED, HANS]


def _corpus(root: Path) -> Path:
    shutil.copytree(REPO / "graph" / "sources" / SEED, root / SEED)
    for sid in (F22_HANS, F22_HANT):
        shutil.copytree(REPO / "tests" / "data" / "editions" / sid, root / sid)
    raw = to_hans((root / SEED / "raw.txt").read_text(encoding="utf-8"))
    (root / HANS).mkdir()
    (root / HANS / "raw.txt").write_text(raw, encoding="utf-8")
    sha = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    title = to_hans("《重慶市互聯網發展報告(2023)》發布")
    (root / HANS / "source.toml").write_text(
        f'id = "{HANS}"\nfile = "raw.txt"\nsha256 = "{sha}"\ntitle = "{title}"\n'
        'publisher = "华龙网"\ndate = "2024-10-12"\nlanguage = "zh-Hans"\n',
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def multi(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return run(out_dir=tmp_path_factory.mktemp("multi") / "build", sources_root=corpus)


@pytest.fixture(scope="module")
def graph(multi: BuildResult) -> Graph:
    return Graph().parse(multi.out_dir / "cqkg.nt", format="nt")


@pytest.fixture(scope="module")
def stats(multi: BuildResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((multi.out_dir / "stats.json").read_text("utf-8"))
    return data


def _sources_of(g: Graph, obs: URIRef) -> set[str]:
    return {
        str(g.value(span, NIF.referenceContext)).rsplit("/", 1)[-1]
        for span in g.objects(obs, PROV.wasDerivedFrom)
    }


def _zh(g: Graph, node: object, lang: str) -> str:
    [label] = [x for x in g.objects(node, RDFS.label) if getattr(x, "language", None) == lang]
    return str(label)


def test_the_four_sources_build_and_validate(multi: BuildResult, stats: dict[str, Any]) -> None:
    assert stats["sources"] == SOURCES
    assert stats["shacl_conforms"] is True
    assert not [f for f in multi.findings if f.level.value == "ERROR"]


def test_seed_observation_iris_are_stable_when_sources_are_added(
    built: BuildResult, graph: Graph
) -> None:
    seed = Graph().parse(built.out_dir / "cqkg.nt", format="nt")
    before = set(seed.subjects(RDF.type, CQO.Observation))
    assert len(before) == 91
    assert before <= set(graph.subjects(RDF.type, CQO.Observation))


def test_the_simplified_seed_merges_into_the_seeds_observations_where_they_agree(
    graph: Graph,
) -> None:
    """Wherever a figure of the simplified seed and one of the seed agree on indicator (up to
    script), kind, value, unit, qualifier, rank, scope, tier, period, area and subject, they
    are one node with a span in each source; no two such nodes exist."""

    def signature(obs: URIRef) -> tuple[object, ...]:
        ind = graph.value(obs, CQO.indicator)
        return (
            fold(_zh(graph, ind, "zh-Hans")),
            tuple(sorted(map(str, graph.objects(obs, RDF.type)))),
            *(
                graph.value(obs, p)
                for p in (
                    CQO.value,
                    CQO.valueMax,
                    CQO.unit,
                    CQO.qualifier,
                    CQO.rank,
                    CQO.rankScope,
                    CQO.tier,
                    CQO.period,
                    CQO.refArea,
                    CQO.about,
                )
            ),
        )

    seed: dict[tuple[object, ...], set[URIRef]] = {}
    hans: dict[tuple[object, ...], set[URIRef]] = {}
    both = 0
    for obs in set(graph.subjects(RDF.type, CQO.Observation)):
        assert isinstance(obs, URIRef)
        sources = _sources_of(graph, obs)
        if SEED in sources:
            seed.setdefault(signature(obs), set()).add(obs)
        if HANS in sources:
            hans.setdefault(signature(obs), set()).add(obs)
        both += {SEED, HANS} <= sources
    for sig, nodes in hans.items():
        if sig in seed:
            assert nodes == seed[sig] and len(nodes) == 1, sig
    # today: the figures without 萬/億 and whose label needs no trimming (23 of 91)
    assert both >= 20
    ind = CQR["indicator/hu-lian-wang-pu-ji-lv"]  # 超74%: one curated indicator, one node
    obs = CQR["obs/hu-lian-wang-pu-ji-lv/quantity-74-more-than"]
    assert graph.value(obs, CQO.indicator) == ind
    assert _sources_of(graph, obs) == {SEED, HANS}


def test_two_articles_that_disagree_are_linked_and_reported_with_quotes(
    multi: BuildResult, graph: Graph, stats: dict[str, Any]
) -> None:
    a = CQR["obs/hu-lian-wang-pu-ji-lv/quantity-72.5"]  # the zh-Hans article
    b = CQR["obs/hu-lian-wang-pu-ji-lv/quantity-73.2"]  # the zh-Hant article
    assert (a, CQO.conflictsWith, b) in graph and (b, CQO.conflictsWith, a) in graph
    assert _sources_of(graph, a) == {F22_HANS} and _sources_of(graph, b) == {F22_HANT}
    assert graph.value(a, CQO.period) == graph.value(b, CQO.period)
    assert str(graph.value(a, CQO.period)) == "2022"
    [row] = [c for c in stats["conflicts"] if c["first"]["observation"] == str(a)]
    assert row["second"]["observation"] == str(b)
    assert row["indicator"] == "互聯網普及率" and row["period"] == "2022"
    assert [s["quote"] for s in row["first"]["statements"]] == ["互联网普及率72.5%"]
    assert [s["quote"] for s in row["second"]["statements"]] == ["互聯網普及率73.2%"]
    assert stats["counts"]["conflicts"] == len(stats["conflicts"])
    report = (multi.out_dir / "report.md").read_text("utf-8")
    section = report.split("## Conflicts", 1)[1].split("## Findings", 1)[0]
    assert "“互联网普及率72.5%”" in section and "“互聯網普及率73.2%”" in section


def test_the_same_value_in_another_period_is_another_observation(graph: Graph) -> None:
    """23.3 hours: the seed's 2023 figure keeps its IRI, the 2022 article's gets its period."""
    nodes = {
        o
        for o in graph.subjects(CQO.statedValue, None)
        if any(str(v).replace(" ", "") == "23.3小時" for v in graph.objects(o, CQO.statedValue))
    }
    periods = {str(graph.value(o, CQO.period)): o for o in nodes}
    assert set(periods) == {"2022", "2023"}
    assert str(periods["2022"]).endswith("-2022")
    assert not str(periods["2023"]).endswith("-2023")
    assert SEED in _sources_of(graph, periods["2023"])
    assert _sources_of(graph, periods["2022"]) == {F22_HANT}


def test_editions_are_their_own_documents_and_articles_are_about_them(graph: Graph) -> None:
    e22, e23 = CQR["document/cq-internet-report-2022"], CQR["document/cq-internet-report-2023"]
    about = {str(s).rsplit("/", 1)[-1]: o for s, o in graph.subject_objects(CQO.about)}
    assert {sid: about[sid] for sid in SOURCES} == {
        F22_HANS: e22,
        F22_HANT: e22,
        SEED: e23,
        HANS: e23,
    }
    assert (e23, CQO.previousEdition, e22) in graph
    assert (e22, CQO.curationStatus, CQO.Candidate) in graph
    assert (e23, CQO.curationStatus, CQO.Curated) in graph
    # 《报告》 in the 2022 article names the 2022 report, not the registry's 2023 one
    short = [
        s
        for s in graph.subjects(CQO.refersTo, None)
        if graph.value(s, NIF.referenceContext) == CQR[f"source/{F22_HANS}"]
        and str(graph.value(s, NIF.anchorOf)) == "《报告》"
    ]
    assert short and all(graph.value(s, CQO.refersTo) == e22 for s in short)


def test_labels_carry_the_source_script(graph: Graph) -> None:
    src = CQR[f"source/{F22_HANS}"]
    assert _zh(graph, src, "zh-Hans") == "《重庆市互联网发展报告(2022)》发布"
    obs = CQR["obs/hu-lian-wang-pu-ji-lv/quantity-72.5"]
    assert _zh(graph, obs, "zh-Hans") == "互联网普及率 72.5%"
    assert _zh(graph, obs, "zh-Hant") == "互聯網普及率 72.5%"
    [title] = graph.objects(src, URIRef("http://purl.org/dc/terms/title"))
    assert getattr(title, "language", None) == "zh-Hans"


def test_repeated_multi_source_builds_are_byte_identical(
    multi: BuildResult, corpus: Path, tmp_path: Path
) -> None:
    again = run(out_dir=tmp_path / "build", sources_root=corpus)
    for name in ("cqkg.nt", "cqkg.ttl", "stats.json", "report.md", "MANIFEST.sha256"):
        assert (again.out_dir / name).read_bytes() == (multi.out_dir / name).read_bytes(), name
