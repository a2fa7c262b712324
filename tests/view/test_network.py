"""The one entity network: the build's ``cqkg.graphml`` is what ``cqkg analyze`` exports and the
viewer draws, and no entity the text mentions is left out of it."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from graph.curation.styles import load_styles
from graph.namespaces import CQO_IRI
from graph.pipeline.run import BuildResult
from graph.view import analyze, graphml, load, network


def test_build_graphml_is_the_analyze_export(built: BuildResult, tmp_path: Path) -> None:
    result, g, idx, styles = analyze.run(built.out_dir)
    paths = analyze.export(g, idx, styles, tmp_path)
    shipped = (built.out_dir / "cqkg.graphml").read_bytes()
    assert paths[0].read_bytes() == shipped
    h = nx.read_graphml(built.out_dir / "cqkg.graphml")
    assert (h.number_of_nodes(), h.number_of_edges()) == (result.nodes, result.edges)
    assert {d["cls"] for _, d in h.nodes(data=True)} >= {"Theme", "Indicator"}


def test_every_mentioned_entity_is_a_node(built: BuildResult) -> None:
    _store, idx = load.load_build(built.out_dir)
    g = network.build_network(idx, load_styles())
    store = ox.Store()
    store.load(path=str(built.out_dir / "cqkg.nt"), format=ox.RdfFormat.N_TRIPLES)
    q = f"SELECT DISTINCT ?e WHERE {{ ?span <{CQO_IRI}refersTo> ?e }}"
    mentioned = {row["e"].value for row in store.query(q)}  # type: ignore[union-attr]
    assert mentioned and mentioned <= set(g)


def test_graphml_of_a_text_graph_matches_the_store_path(tmp_path: Path) -> None:
    """``from_ntriples`` (the build, no store) and ``load_build`` (a store) give one file."""
    data = Path(__file__).parents[1] / "data" / "view_fixture.ttl"
    store = ox.Store()
    store.load(path=str(data), format=ox.RdfFormat.TURTLE)
    nt = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode()
    (tmp_path / "cqkg.nt").write_text(nt, encoding="utf-8")
    _store, idx = load.load_build(tmp_path)
    styles = load_styles()
    via_store = graphml.graphml(network.build_network(idx, styles), idx, styles)
    g2, idx2, styles2 = graphml.from_ntriples(nt, styles=styles)
    assert graphml.graphml(g2, idx2, styles2) == via_store
    assert "platform/yukuaiban" in via_store
