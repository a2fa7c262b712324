"""The overview above the node budget: which nodes stay, what is folded, where they go."""

from __future__ import annotations

from graph.curation.styles import load_styles
from graph.view import aggregate as view_aggregate
from graph.view.layout import overview_layout


def test_aggregate_keeps_best_connected_and_few_themes() -> None:
    styles = {c.key: c for c in load_styles().classes}
    theme, company = styles["Theme"], styles["Company"]
    nodes = {f"t{i}": theme for i in range(30)} | {f"c{i}": company for i in range(100)}
    # every company in 3 themes; c0..c9 also linked to each other (best connected)
    edges = [(f"c{i}", f"t{(i + k) % 30}", "m") for i in range(100) for k in range(3)]
    edges += [(f"c{i}", f"c{j}", "r") for i in range(10) for j in range(10) if i != j]
    g, aggs = view_aggregate.aggregate(nodes, edges, budget=25)
    kept = {n for n in g if n not in aggs}
    assert len(g) <= 25
    assert sum(1 for n in kept if n.startswith("t")) <= 25 // view_aggregate.HUB_SHARE
    assert {f"c{i}" for i in range(10)} <= kept
    assert sorted(aggs) == [
        view_aggregate.AGGREGATE_PREFIX + "Company",
        view_aggregate.AGGREGATE_PREFIX + "Theme",
    ]
    folded = sum(len(a.members) for a in aggs.values())
    assert folded + len(kept) == len(nodes)
    counted = sum(
        n for _a, _b, k, n in g.edges(keys=True, data="n") if k == view_aggregate.AGGREGATE_EDGE
    )
    direct = sum(1 for *_x, k in g.edges(keys=True) if k != view_aggregate.AGGREGATE_EDGE)
    inside = sum(
        1 for s, o, _p in edges if s not in kept and o not in kept and nodes[s].key == nodes[o].key
    )
    assert counted + direct + inside == len(edges)  # every relation is drawn or counted


def test_overview_layout_is_linear_and_spread() -> None:
    styles = {c.key: c for c in load_styles().classes}
    nodes = {f"e{i:05d}": styles["Company" if i % 2 else "Agency"] for i in range(20_000)}
    edges = [(f"e{i:05d}", f"e{(i * 7 + 1) % 20_000:05d}", "r") for i in range(20_000)]
    g, aggs = view_aggregate.aggregate(nodes, edges, budget=1500)
    pos = overview_layout(g, aggs, [c for c in styles])
    assert set(pos) == set(g) and len(set(pos.values())) == len(pos)
