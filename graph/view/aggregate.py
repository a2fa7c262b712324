"""A readable overview of a network too big to draw node by node.

Why: a corpus of a thousand articles has tens of thousands of entities. Drawn one by one they
are an unreadable hairball that takes the browser and the layout many seconds. Above a node
budget the full view therefore draws the best-connected entities as themselves and folds
every other entity into one *aggregate* node per class ("Company, 12,345 more"), with the
relations to and between aggregates summed into one counted edge per pair. Nothing is
dropped: each aggregate lists its members (best connected first) in the details panel, and
``cqkg view --focus`` / ``--section`` (or the served ``/view?focus=``) draw any part in full.

The choice is deterministic: nodes are ranked by degree, ties by IRI; themes (hubs) take at
most a fifth of the budget so they cannot crowd out the entities.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:
    from graph.curation.styles import ClassStyle

__all__ = ["AGGREGATE_EDGE", "AGGREGATE_PREFIX", "NODE_BUDGET", "Aggregate", "aggregate"]

NODE_BUDGET = 1500
"""Most nodes the full view draws one by one (5,000 draw in the browser in < 2 s; 1,500 keep
the layout under a second and the picture legible)."""

AGGREGATE_PREFIX = "urn:cqkg:aggregate:"
AGGREGATE_EDGE = "urn:cqkg:aggregate-edge"
HUB_SHARE = 5  # themes may take at most 1/HUB_SHARE of the budget


@dataclass(frozen=True, slots=True)
class Aggregate:
    """The entities of one class folded into one node, best connected first."""

    key: str
    members: tuple[str, ...]


def aggregate(
    nodes: dict[str, ClassStyle],
    edges: Iterable[tuple[str, str, str]],
    budget: int = NODE_BUDGET,
) -> tuple[nx.MultiDiGraph, dict[str, Aggregate]]:
    """The network of ``nodes`` (id -> class) and ``edges`` (subject, object, predicate): all of
    it when it fits ``budget`` (or ``budget`` is 0), else the aggregated network.

    In the aggregated network kept nodes keep their class and the edges between them; an
    aggregate node (id ``AGGREGATE_PREFIX + class key``) carries its members' ``cls`` and
    ``agg`` (the :class:`Aggregate`); every other edge becomes one ``AGGREGATE_EDGE`` edge per
    ordered pair of endpoints with ``n`` = the number of relations it stands for. It works on
    plain data: building a 50,000-node networkx graph only to fold it costs seconds.
    """
    edge_list = list(edges)
    g = nx.MultiDiGraph()
    if budget <= 0 or len(nodes) <= budget:
        g.add_nodes_from((n, {"cls": c}) for n, c in nodes.items())
        g.add_edges_from((s, o, p, {"predicate": p}) for s, o, p in edge_list)
        return g, {}
    degree: dict[str, int] = dict.fromkeys(nodes, 0)
    for s, o, _p in edge_list:
        degree[s] += 1
        degree[o] += 1
    order = sorted(nodes, key=lambda n: (-degree[n], n))
    classes = {c.key for c in nodes.values()}
    room = max(1, budget - len(classes))
    hub_room = max(1, budget // HUB_SHARE)
    keep: set[str] = set()
    hubs_kept = 0
    for n in order:
        if len(keep) >= room:
            break
        if nodes[n].hub:
            if hubs_kept >= hub_room:
                continue
            hubs_kept += 1
        keep.add(n)
    groups: dict[str, list[str]] = defaultdict(list)
    for n in order:
        if n not in keep:
            groups[nodes[n].key].append(n)
    g.add_nodes_from((n, {"cls": nodes[n]}) for n in sorted(keep))
    aggs: dict[str, Aggregate] = {}
    rep = {n: n for n in keep}
    for key in sorted(groups):
        members = groups[key]
        aid = AGGREGATE_PREFIX + key
        aggs[aid] = Aggregate(key, tuple(members))
        g.add_node(aid, cls=nodes[members[0]], agg=aggs[aid])
        rep.update((m, aid) for m in members)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for s, o, p in edge_list:
        a, b = rep[s], rep[o]
        if a == b:
            continue
        if a == s and b == o:
            g.add_edge(s, o, key=p, predicate=p)
        else:
            counts[(a, b)] += 1
    for (a, b), count in sorted(counts.items()):
        g.add_edge(a, b, key=AGGREGATE_EDGE, predicate=AGGREGATE_EDGE, n=count)
    return g, aggs
