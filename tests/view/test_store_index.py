"""The store-backed index of a big build answers exactly as the full in-memory index, and the
aggregated overview lists a bounded part of each node's evidence (the focus view all of it).

Why: above ``disk_store.PERSISTENT_STORE_MIN_BYTES`` the viewer reads resources from the build's
store on demand (``store_index.StoreIndex``) instead of copying every quad into Python, so every
page it draws must be the page the full index draws for the same graph.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from query_support import make_build_dir
from view_support import IND, R, indicator_graph

from graph.curation.styles import load_styles
from graph.sparql.engines import OxigraphEngine
from graph.view import aggregate as view_aggregate
from graph.view import load, network, render, resource_index, store_index
from graph.view import page_data as view_page_data

DATA = Path(__file__).parents[1] / "data"


def _build(tmp: Path, fixture: str) -> Path:
    if fixture == "fixture_graph.ttl":  # the report-shaped fixture, as sorted N-Triples
        return make_build_dir(tmp / "build")
    tmp.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / fixture, tmp / "cqkg.ttl")
    return tmp


def _indexes(build: Path) -> tuple[resource_index.ResourceIndex, store_index.StoreIndex]:
    store = OxigraphEngine(build).store
    return load._index(store), store_index.StoreIndex(store)


@pytest.mark.parametrize("fixture", ["view_fixture.ttl", "fixture_graph.ttl", "xss_graph.ttl"])
def test_store_index_lookups_equal_the_full_index(tmp_path: Path, fixture: str) -> None:
    full, lazy = _indexes(_build(tmp_path, fixture))
    styles = load_styles()
    resources = sorted(set(full.out) | set(full.inc))
    assert resources
    for iri in resources:
        assert lazy.types.get(iri, set()) == full.types.get(iri, set()), iri
        assert sorted(lazy.out.get(iri, ())) == sorted(full.out.get(iri, ())), iri
        assert sorted(lazy.inc.get(iri, ())) == sorted(full.inc.get(iri, ())), iri
        assert (iri in lazy.out) == (iri in full.out), iri
        assert lazy.labels(iri) == full.labels(iri), iri
    assert lazy.style_classes(styles) == full.style_classes(styles)
    assert lazy.editions() == full.editions()
    obs = frozenset(c.iri for c in styles.classes if c.observation)
    assert lazy.instances(obs) == full.instances(obs)
    assert [set(x) for x in lazy.figure_links(obs)] == [set(x) for x in full.figure_links(obs)]
    nodes = list(full.style_classes(styles))
    assert lazy.assertions_touching(nodes) == full.assertions_touching(nodes)
    assert lazy.mention_editions(nodes) == full.mention_editions(nodes)
    ent_l, ent_f = lazy.entity_inc(nodes, styles), full.entity_inc(nodes, styles)
    hidden = resource_index.HIDDEN_PREDICATES
    for n in nodes:  # the store reads them from the links, which leave out names and loops
        want = {(p, s) for p, s in ent_f[n] if p not in hidden and s != n}
        assert {(p, s) for p, s in ent_l[n] if p not in hidden and s != n} == want, n
    for iri in ("", "not an iri", "_:nothing"):
        assert lazy.out.get(iri, ()) == [] and iri not in lazy.out


@pytest.mark.parametrize("fixture", ["view_fixture.ttl", "fixture_graph.ttl", "xss_graph.ttl"])
@pytest.mark.parametrize("observations", [False, True])
def test_store_index_draws_the_same_pages(tmp_path: Path, fixture: str, observations: bool) -> None:
    full, lazy = _indexes(_build(tmp_path, fixture))
    styles = load_styles()
    nodes_f, edges_f = network.network_parts(full, styles, observations=observations)
    nodes_l, edges_l = network.network_parts(lazy, styles, observations=observations)
    assert nodes_l == nodes_f and set(edges_l) == set(edges_f)
    heading = styles.ui["title"]
    for budget in (0, 12):
        pages = []
        for idx, nodes, edges in ((full, nodes_f, edges_f), (lazy, nodes_l, edges_l)):
            g, aggs = view_aggregate.aggregate(nodes, edges, budget)
            pages.append(
                render.render_html(idx, styles, g, heading, observations=observations, aggs=aggs)
            )
        assert pages[0] == pages[1]


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="cqkg-data">(.*?)</script>', html, re.S)
    assert m, "data block missing"
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def _node(data: dict, iri: str) -> dict:
    return next(n for n in data["nodes"] if n["id"] == iri)


def test_overview_lists_the_first_figures_and_counts_them_all(tmp_path: Path) -> None:
    build = indicator_graph(tmp_path / "b", view_page_data.FIGURE_LIST + 5)
    ind = IND
    overview = page_data(render.render_view(build, render.ViewSpec(budget=8)))
    assert overview["aggregated"]
    node = _node(overview, ind)
    assert len(node["fig"]) == view_page_data.FIGURE_LIST
    assert node["nf"] == view_page_data.FIGURE_LIST + 5
    listed = [overview["figures"][i]["id"] for i in node["fig"]]
    assert listed == sorted(listed)  # the first ones, in IRI order
    # full detail on focus: every figure of the node, in both scripts' names
    for name in ("測試指標", "测试指标"):
        focus = page_data(render.render_view(build, render.ViewSpec(focus=name, budget=8)))
        assert not focus["aggregated"]
        node = _node(focus, ind)
        assert len(node["fig"]) == node["nf"] == view_page_data.FIGURE_LIST + 5


def test_big_build_overview_is_computed_once_per_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build the engine opens from an on-disk store (every build, with the threshold at 0)
    draws through the store index, and its overview is kept in ``.cqkg-view/``: the same
    page again, and recomputed when the data file changes."""
    from graph.sparql import disk_store
    from graph.view import cache

    small = _build(tmp_path / "small", "view_fixture.ttl")
    expected = render.render_view(small, render.ViewSpec(budget=12))
    big = _build(tmp_path / "big", "view_fixture.ttl")
    monkeypatch.setattr(disk_store, "PERSISTENT_STORE_MIN_BYTES", 0)
    load._cached_build.cache_clear()
    first = render.render_view(big, render.ViewSpec(budget=12))
    assert isinstance(load.load_engine(big)[1], store_index.StoreIndex)
    assert first == expected  # the store index draws the page the full index draws
    entries = list((big / cache.CACHE_DIR).glob("*.html"))
    assert len(entries) == 1
    entries[0].write_text(first.replace("</body>", "<!-- kept --></body>"), encoding="utf-8")
    assert "<!-- kept -->" in render.render_view(big, render.ViewSpec(budget=12))
    assert "<!-- kept -->" not in render.render_view(big, render.ViewSpec(budget=11))
    data = big / "cqkg.ttl"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load._cached_build.cache_clear()
    again = render.render_view(big, render.ViewSpec(budget=12))
    assert "<!-- kept -->" not in again and again == expected
    now = list((big / cache.CACHE_DIR).glob("*.html"))
    assert len(now) == 1  # the entries of the earlier file version (budgets 12, 11) are gone
    assert now[0].name.split("-")[0] != entries[0].name.split("-")[0]
    load._cached_build.cache_clear()


def test_overview_lists_the_first_relations_and_counts_them_all(tmp_path: Path) -> None:
    """A node related to more entities than ``REL_LIST`` lists that many in the overview,
    drawn neighbours first, and counts them all; its focus view lists every one."""
    many = view_page_data.REL_LIST + 7
    lines = [
        "@prefix cqo: <https://w3id.org/cqkg/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        f'<{R}platform/zong-tai> a cqo:Platform ; rdfs:label "總台"@zh-Hant, "总台"@zh-Hans .',
    ]
    lines += [
        f'<{R}product/chan-pin-{i:03d}> a cqo:Product ; rdfs:label "產品{i}"@zh-Hant,'
        f' "产品{i}"@zh-Hans ; cqo:madeBy <{R}platform/zong-tai> .'
        for i in range(many)
    ]
    build = tmp_path / "b"
    build.mkdir()
    (build / "cqkg.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    hub = R + "platform/zong-tai"
    overview = page_data(render.render_view(build, render.ViewSpec(budget=10)))
    assert overview["aggregated"]
    node = _node(overview, hub)
    assert node["nr"] == many and len(node["rel"]) == view_page_data.REL_LIST
    drawn = [r[3] for r in node["rel"]]
    assert drawn == sorted(drawn, reverse=True)  # drawn neighbours first
    for name in ("總台", "总台"):
        focus = page_data(render.render_view(build, render.ViewSpec(focus=name, hops=1)))
        node = _node(focus, hub)
        assert len(node["rel"]) == node["nr"] == many


def test_overview_leaves_quotes_to_the_focus_view(tmp_path: Path) -> None:
    """Relation quotes (every article's assertion of it) are listed in full detail only."""
    build = _build(tmp_path, "fixture_graph.ttl")

    def quotes(spec: render.ViewSpec) -> int:
        return sum(
            len(r[4]) for n in page_data(render.render_view(build, spec))["nodes"] for r in n["rel"]
        )

    assert quotes(render.ViewSpec(budget=0)) > 0  # the report's relations have their quotes
    assert quotes(render.ViewSpec(budget=12)) == 0
