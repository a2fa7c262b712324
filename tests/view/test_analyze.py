"""``cqkg analyze``: counts, components, centrality, paths and exports over the fixture."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.model import InputError
from graph.view import analyze as an

DATA = Path(__file__).parents[1] / "data"
EVENT = "https://w3id.org/cqkg/id/event/press-conference"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("analyze") / "build"
    d.mkdir()
    shutil.copy(DATA / "view_fixture.ttl", d / "cqkg.ttl")
    return d


def test_counts_components_and_centrality(build: Path) -> None:
    result, g, _idx, _styles = an.run(build)
    assert result.nodes_per_class["Platform"] == 2
    assert result.nodes_per_class["Theme"] == 2
    assert "Observation" not in result.nodes_per_class
    assert result.edges_per_relation["organizer"] == 2
    assert result.nodes == g.number_of_nodes() and result.edges == g.number_of_edges()
    assert result.relation_components >= result.components >= 1
    assert result.top_degree[0].iri == EVENT  # organizers + speaker
    assert result.top_betweenness[0].iri == EVENT
    assert all(not r.iri.startswith("https://w3id.org/cqkg/id/theme/") for r in result.top_degree)
    text = an.format_report(result)
    assert "top 10 by betweenness" in text and "新聞發布會" in text


def test_path_names_relations_in_both_directions(build: Path) -> None:
    _r, g, idx, styles = an.run(build)
    steps = an.shortest_chain(g, idx, styles, "吴勇军", "Yukuaiban", "en")
    assert [s.relation for s in steps] == ["speaker", "organizer", "operated by"]
    assert [s.forward for s in steps] == [False, True, False]
    chain = an.format_chain(steps)
    assert chain.startswith("Wu Yongjun ←speaker— ") and chain.endswith("Yukuaiban")


def test_path_without_relations_goes_through_a_theme(build: Path) -> None:
    _r, g, idx, styles = an.run(build)
    steps = an.shortest_chain(g, idx, styles, "渝快辦", "渝快政", "en")
    assert [s.relation for s in steps] == ["mentioned in", "mentioned in"]


def test_path_to_isolated_entity_is_an_input_error(build: Path) -> None:
    _r, g, idx, styles = an.run(build)
    with pytest.raises(InputError, match="no chain"):
        an.shortest_chain(g, idx, styles, "渝快辦", "place/china")


def test_exports_are_readable_and_reproducible(build: Path, tmp_path: Path) -> None:
    _r, g, idx, styles = an.run(build)
    first = [p.read_bytes() for p in an.export(g, idx, styles, tmp_path / "a")]
    second = [p.read_bytes() for p in an.export(g, idx, styles, tmp_path / "b")]
    assert first == second
    assert b"lastmodifieddate" not in first[1]
    gm = nx.read_graphml(tmp_path / "a" / "cqkg-network.graphml")
    gx = nx.read_gexf(tmp_path / "a" / "cqkg-network.gexf")
    for h in (gm, gx):
        assert h.number_of_nodes() == g.number_of_nodes()
        assert h.number_of_edges() == g.number_of_edges()
    ykb = gm.nodes["https://w3id.org/cqkg/id/platform/yukuaiban"]
    assert (ykb["label_zh_Hant"], ykb["label_zh_Hans"], ykb["cls"]) == (
        "渝快辦",
        "渝快办",
        "Platform",
    )


def test_cli_analyze(build: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app,
        [
            "analyze",
            "--build-dir",
            str(build),
            "--path",
            "吳勇軍",
            "渝快辦",
            "--export-dir",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "path (3 steps): 吳勇軍 ←發言人— " in res.output
    assert (tmp_path / "cqkg-network.gexf").is_file()
    bad = CliRunner().invoke(
        app, ["analyze", "--build-dir", str(build), "--path", "渝快辦", "nothing-like-this"]
    )
    assert bad.exit_code == 2 and "no matching node" in bad.output
