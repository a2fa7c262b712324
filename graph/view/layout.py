"""Positions of the drawn nodes, computed once here so the page opens laid out, physics off.

Why here and not in the browser: vis-network's physics on a few thousand nodes takes the page
many seconds and never settles to the same picture twice; networkx with a fixed seed gives the
same positions on every run (deterministic output), and above the node budget
(``graph.view.aggregate.NODE_BUDGET``) the overview uses a linear-time disc layout instead.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from graph.view.aggregate import Aggregate

__all__ = ["SEED", "layout", "overview_layout"]

SEED = 7
"""The one seed of every layout (and of vis-network's own, unused, layout)."""


Box = tuple[float, dict[str, tuple[float, float]]]
"""A group laid out on its own: its radius and its members' positions around (0, 0)."""


def _pack_rows(boxes: list[Box], gap: float) -> dict[str, tuple[float, float]]:
    """Pack groups in rows, in the given order, into a roughly square picture (rounded
    positions: the page's data must not change with float noise)."""
    area = sum((2 * r) ** 2 for r, _ in boxes)
    row_width = max(math.sqrt(area) * 1.3, max((2 * r for r, _ in boxes), default=0.0))
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for r, pos in boxes:
        if x > 0 and x + 2 * r > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for k, (px, py) in pos.items():
            out[k] = (round(x + r + px, 1), round(y + r + py, 1))
        x += 2 * r + gap
        row_h = max(row_h, 2 * r + gap)
    return out


def _spring(h: nx.Graph, seed: int) -> dict[str, tuple[float, float]]:
    """Positions in roughly [-1, 1]; dense Fruchterman-Reingold, or communities for big graphs.

    networkx's sparse solver takes ~40 s on 5,000 nodes, so large components are split into
    Louvain communities (fixed seed), the community graph is laid out, then each community.
    """
    n = len(h)
    if n == 1:
        return {next(iter(h)): (0.0, 0.0)}
    if n <= 400:
        pos = nx.spring_layout(h, seed=seed, iterations=60)
        return {k: (float(v[0]), float(v[1])) for k, v in pos.items()}
    parts = [sorted(c) for c in nx.community.louvain_communities(h, seed=seed)]
    parts.sort(key=lambda c: (-len(c), c[0]))
    if len(parts) == 1:  # no community structure: fall back to the slow exact solver
        pos = nx.spring_layout(h, seed=seed, iterations=30)
        return {k: (float(v[0]), float(v[1])) for k, v in pos.items()}
    # the community graph, weighted by the edges between communities (nx.quotient_graph's
    # result, without its all-pairs block scan)
    part_of = {k: i for i, part in enumerate(parts) for k in part}
    weights: dict[tuple[int, int], int] = defaultdict(int)
    for a, b in h.edges():
        i, j = sorted((part_of[a], part_of[b]))
        if i != j:
            weights[(i, j)] += 1
    q = nx.Graph()
    q.add_nodes_from(range(len(parts)))
    q.add_weighted_edges_from((i, j, w) for (i, j), w in sorted(weights.items()))
    cpos = _spring(q, seed)
    total = math.sqrt(n)
    out: dict[str, tuple[float, float]] = {}
    for i, part in enumerate(parts):
        sub = _spring(nx.Graph(h.subgraph(part)), seed)
        r = 0.8 * math.sqrt(len(part)) / total
        cx, cy = cpos[i]  # type: ignore[index]
        for k, (x, y) in sub.items():
            out[k] = (cx + x * r, cy + y * r)
    return out


def layout(g: nx.MultiDiGraph | nx.Graph, seed: int = SEED) -> dict[str, tuple[float, float]]:
    """Deterministic pixel positions: each component laid out alone, then packed in rows.

    Packing components (largest first, isolated nodes last in a grid) keeps small groups
    from being flung to the rim, which is what a single spring layout does.
    """
    u = nx.Graph()
    u.add_nodes_from(sorted(g))
    u.add_edges_from(sorted((a, b) for a, b in g.edges() if a != b))
    comps = sorted((sorted(c) for c in nx.connected_components(u)), key=lambda c: (-len(c), c[0]))
    big = [c for c in comps if len(c) > 1]
    singles = [c[0] for c in comps if len(c) == 1]
    boxes: list[Box] = []
    for comp in big:
        sub = nx.Graph()
        sub.add_nodes_from(comp)
        sub.add_edges_from(sorted(u.subgraph(comp).edges()))
        radius = 110.0 * math.sqrt(len(comp)) + 60.0
        pos = _spring(sub, seed)
        boxes.append((radius, {k: (x * radius, y * radius) for k, (x, y) in pos.items()}))
    if singles:
        cols = max(1, math.ceil(math.sqrt(len(singles))))
        step = 170.0
        half = (cols - 1) * step / 2
        grid = {
            n: ((i % cols) * step - half, (i // cols) * step - half) for i, n in enumerate(singles)
        }
        boxes.append((half + step / 2, grid))
    return _pack_rows(boxes, gap=40.0)


GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def overview_layout(
    g: nx.MultiDiGraph, aggs: dict[str, Aggregate], order: Iterable[str] = ()
) -> dict[str, tuple[float, float]]:
    """Positions for an aggregated overview without a force simulation (linear time).

    Each class is a disc: its aggregate node in the centre, its drawn members around it on a
    sunflower spiral, best connected innermost; discs are packed in rows in ``order`` (the
    styles' class order), biggest class first within it. A force layout of the same 1,500
    nodes costs seconds and draws the aggregates as one hairball, since they touch everything.
    """
    rank = {k: i for i, k in enumerate(order)}
    groups: dict[str, list[str]] = defaultdict(list)
    centre: dict[str, str] = {}
    for n in g:
        key = g.nodes[n]["cls"].key
        if n in aggs:
            centre[key] = n
        else:
            groups[key].append(n)
    degree = dict(g.degree())
    step = 75.0
    discs: list[Box] = []
    keys = sorted(set(groups) | set(centre), key=lambda k: (rank.get(k, len(rank)), k))
    for key in keys:
        members = sorted(groups.get(key, []), key=lambda n: (-degree[n], n))
        pos: dict[str, tuple[float, float]] = {}
        start = 0
        if key in centre:
            pos[centre[key]] = (0.0, 0.0)
            start = 2  # leave room for the aggregate's bigger circle and label
        for i, n in enumerate(members, start):
            r = step * math.sqrt(i + 0.5)
            pos[n] = (r * math.cos(i * GOLDEN_ANGLE), r * math.sin(i * GOLDEN_ANGLE))
        radius = step * math.sqrt(len(members) + start + 0.5) + step
        discs.append((radius, pos))
    return _pack_rows(discs, gap=80.0)
