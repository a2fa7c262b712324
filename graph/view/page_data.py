"""The data of the viewer's page: every drawn node's options, panel and search key, its
figures, and the names of the terms the page shows.

Why it is built this way: entities are nodes, coloured and shaped by class
(``graph/curation/styles.yaml``); observations are listed in the details panel of the entity
they are about, with their quoted sentence; the layout is computed here with networkx (fixed
seed) so the page opens laid out with physics off. In the aggregated overview of a corpus each
panel lists a capped number of relations and figures (``REL_LIST``, ``FIGURE_LIST``); the
node's own focus view lists them all. ``graph.view.render`` puts the data on the page.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx
from pyvis.edge import Edge as PyvisEdge
from pyvis.network import Network

from graph.curation.styles import FALLBACK_STYLE, ClassStyle, Labels, Styles
from graph.namespaces import CQO_IRI, CQR, RDF
from graph.text import fold, to_hans
from graph.view import evidence
from graph.view.aggregate import AGGREGATE_EDGE, Aggregate
from graph.view.layout import SEED, layout, overview_layout
from graph.view.network import hubs, term_labels
from graph.view.resource_index import HIDDEN_PREDICATES, ResourceIndex, local_name

__all__ = ["AGGREGATE_LIST", "FIGURE_LIST", "LANGS", "REL_LIST", "page_data"]

LANGS = ("hant", "hans", "en")
"""The page's language switch, in the order of ``LANG_TAGS``."""

_CQO = CQO_IRI


def _nfkc_lower(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _fold_table(strings: Iterable[str]) -> dict[str, str]:
    """Per-character Traditional -> Simplified map for every character the page can match.

    The browser has no OpenCC, but a query can only match characters that occur in some
    label, so mapping those characters is enough to make 渝快辦 and 渝快办 find the same node.
    """
    chars = sorted({ch for s in strings for ch in _nfkc_lower(s)})
    table = {}
    for ch in chars:
        simp = to_hans(ch).lower()
        if simp != ch and len(simp) == 1:
            table[ch] = simp
    return table


def page_data(
    idx: ResourceIndex,
    styles: Styles,
    g: nx.MultiDiGraph,
    heading: Labels,
    lang: str,
    observations: bool,
    aggs: dict[str, Aggregate] | None = None,
) -> tuple[dict[str, Any], Network]:
    """The page's data for network ``g`` (nodes, edges, figures, terms, the search fold) and
    the pyvis network it was laid out in; ``aggs`` names the aggregate nodes of the overview."""
    aggs = aggs or {}
    pos = overview_layout(g, aggs, (c.key for c in styles.classes)) if aggs else layout(g)
    if aggs:
        figures, fig_by_node, fig_count = _overview_figures(idx, styles, g, aggs)
    else:
        figures, fig_by_node, fig_count = _figures(idx, styles, g, observations)
    # the overview of a corpus lists a few relations per node and no quotes (a shared relation
    # is stated by every article: reading its assertions was a third of the overview's time);
    # the focus and section views list every relation with every quote
    quotes = {} if aggs else evidence.assertion_quotes(idx, g)
    drawn_nodes = [n for n in g if n not in aggs]
    mention_eds = idx.mention_editions(drawn_nodes)
    node_set = set(g)
    incoming = _incoming(idx, styles, g, drawn_nodes)
    rel_cap = REL_LIST if aggs else 0
    terms: set[str] = set()
    li = LANGS.index(lang)
    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    all_strings: list[str] = []
    for n in sorted(g):
        cls: ClassStyle = g.nodes[n]["cls"]
        if n in aggs:
            all_strings.extend(cls.labels)
            x, y = pos[n]
            net.add_node(n, **_aggregate_node(idx, cls, aggs[n], li, x, y, g.degree(n)))
            continue
        labels = idx.labels(n)
        alt = idx.alt_labels(n)
        rels: list[list[Any]] = []
        for p, o, is_iri, _ in sorted(set(idx.out.get(n, ()))):
            if is_iri and p not in HIDDEN_PREDICATES and not o.startswith("_:"):
                ev = quotes.get((n, p, o), [])
                rels.append(["out", p, o, o in node_set, ev])
        for p, s in sorted(incoming[n]):
            if p in HIDDEN_PREDICATES or s == n:
                continue
            rels.append(["in", p, s, s in node_set, quotes.get((s, p, n), [])])
        n_rels = len(rels)
        if rel_cap and n_rels > rel_cap:  # relations to drawn nodes first, then the others
            rels = sorted(rels, key=lambda r: not r[3])[:rel_cap]
        for r in rels:
            terms.update((r[1], r[2]))
        figs = list(fig_by_node.get(n, []))
        # edition filter: the editions of this node's figures and of the articles mentioning it
        eds = {e for i in figs for e in figures[i]["ed"]} | mention_eds[n]
        names = (*labels, *alt, local_name(n))
        all_strings.extend(names)
        key = "\n".join(sorted({fold(x) for x in names} | {_nfkc_lower(x) for x in names}))
        degree = g.degree(n)
        x, y = pos[n]
        net.add_node(
            n,
            label=labels[li],
            shape=cls.shape,
            color=cls.colour,
            size=round(12 + 5 * math.sqrt(degree + fig_count.get(n, 0)), 1),
            x=x,
            y=y,
            physics=False,
            c=cls.key,
            l=list(labels),
            alt=list(alt),
            k=key,
            rel=rels,
            fig=figs,
            nf=fig_count.get(n, 0),
            nr=n_rels,
            ed=sorted(eds),
            deg=degree,
            **({"font": {"size": 30, "strokeWidth": 4}, "mass": 3} if cls.hub else {}),
        )
    hub_nodes = hubs(g)
    for i, (s, o, k, n_rel) in enumerate(sorted(g.edges(keys=True, data="n", default=0))):
        p = g.edges[s, o, k]["predicate"]
        faint = s in hub_nodes or o in hub_nodes
        extra: dict[str, Any] = {}
        if p == AGGREGATE_EDGE:  # stands for n_rel relations: width grows with their number
            extra = {"n": n_rel, "dashes": True}
            width = round(0.8 + math.log2(1 + n_rel) * 0.6, 1)
        else:
            terms.add(p)
            width = 0.6 if faint else 1.4
        edge = PyvisEdge(
            s,
            o,
            directed=True,
            id=f"e{i}",
            p=p,
            color={"color": "#d0d0d0" if faint else "#8a8a8a", "opacity": 0.8},
            width=width,
            **extra,
        )
        net.edges.append(edge.options)  # pyvis's add_edge rescans every node per call
    for f in figures:
        terms.update(x for x in (f["ind"], f["unit"], f["qual"], f["scope"]) if x)
        terms.update(q["sec"] for q in f["src"] if q["sec"])
        for quote in f["src"]:
            all_strings.append(quote["mark"])
    for n in sorted(g):
        for r in net.node_map[n].get("rel", ()):
            terms.update(q["sec"] for q in r[4] if q["sec"])
    terms.discard("")
    term_names = {t: list(term_labels(idx, styles, t)) for t in sorted(terms - node_set)}
    for t in term_names.values():
        all_strings.extend(t)
    big = len(g) > 1500
    net.options = {
        "autoResize": True,
        "physics": {
            "enabled": False,
            "solver": "forceAtlas2Based",
            "stabilization": {"enabled": False},
        },
        "layout": {"improvedLayout": False, "randomSeed": SEED},
        "interaction": {
            "hover": True,
            "tooltipDelay": 80,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "navigationButtons": False,
        },
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}},
        "nodes": {
            "font": {"size": 14, "face": "Noto Sans CJK TC, Noto Sans CJK SC, sans-serif"},
            "borderWidth": 1,
        },
    }
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    counts: dict[str, int] = defaultdict(int)
    for n in g:
        counts[g.nodes[n]["cls"].key] += len(aggs[n].members) if n in aggs else 1
    class_list = [*styles.classes, FALLBACK_STYLE]
    data = {
        "heading": list(heading),
        "lang": lang,
        "cqr": str(CQR),
        "classes": [
            {
                "key": c.key,
                "colour": c.colour,
                "shape": c.shape,
                "l": list(c.labels),
                "n": counts[c.key],
            }
            for c in class_list
            if counts.get(c.key)
        ],
        "ui": {k: list(v) for k, v in sorted(styles.ui.items())},
        "terms": term_names,
        "fold": _fold_table(all_strings),
        "figures": figures,
        "editions": sorted({e for f in figures for e in f["ed"]}),
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "total": sum(counts.values()),
        "aggregated": bool(aggs),
    }
    return data, net


AGGREGATE_LIST = 200  # members listed in an aggregate's panel (best connected first)
FIGURE_LIST = 10
"""Figures listed per node in the aggregated overview (the panel says how many more there are
and how to see them all: the node's own focus view)."""
REL_LIST = 60
"""Relations listed per node in the aggregated overview (those to drawn nodes first)."""
_TYPE = str(RDF.type)


def _drawn_observations(
    idx: ResourceIndex, styles: Styles, g: nx.MultiDiGraph, observations: bool
) -> list[str]:
    """The observations whose figures the page of ``g`` can show, in IRI order: the drawn ones
    (``--observations``), else those about a drawn node or of a drawn indicator, found from the
    drawn nodes rather than by a pass over every observation of the graph."""
    obs_classes = frozenset(c.iri for c in styles.classes if c.observation)
    every = idx.instances(obs_classes)
    if observations:
        return sorted(n for n in g if n in every)
    links = (_CQO + "about", _CQO + "indicator")
    return sorted({s for n in g for p in links for s in idx.subjects(p, n) if s in every})


Figures = tuple[list[dict[str, Any]], dict[str, list[int]], dict[str, int]]
"""The page's figures, each drawn node's figures (indices) and how many figures it has."""


def _figures(idx: ResourceIndex, styles: Styles, g: nx.MultiDiGraph, observations: bool) -> Figures:
    """Every figure of the drawn nodes: of a drawn observation, or about a drawn node, or of
    a drawn indicator (its first indicator)."""
    figures: list[dict[str, Any]] = []
    fig_by_node: dict[str, list[int]] = defaultdict(list)
    for obs in _drawn_observations(idx, styles, g, observations):
        if observations:
            targets = {obs}
        else:
            targets = set(idx.values(obs, _CQO + "about"))
            targets.add(idx.first(obs, _CQO + "indicator"))
        drawn = sorted(x for x in targets if x in g)
        if not drawn:
            continue
        for node in drawn:
            fig_by_node[node].append(len(figures))
        figures.append(evidence.figure(idx, styles, obs))
    return figures, fig_by_node, {n: len(v) for n, v in fig_by_node.items()}


def _overview_figures(
    idx: ResourceIndex, styles: Styles, g: nx.MultiDiGraph, aggs: dict[str, Aggregate]
) -> Figures:
    """The aggregated overview's figures: the first ``FIGURE_LIST`` (in IRI order) of the
    observations about each drawn node or of it as indicator, and how many it has in all.

    Why a cap: in a corpus a shared indicator or platform has a figure in nearly every
    article, thousands in all, and building each (its quotes, sentences, editions) is what
    made the overview slow and big; the node's focus view lists every one.
    """
    classes = idx.style_classes(styles)
    links = (_CQO + "about", _CQO + "indicator")
    chosen: dict[str, list[str]] = {}
    count: dict[str, int] = {}
    for n in g:
        if n in aggs:
            continue
        found = set()
        for p in links:
            for s in idx.subjects(p, n):
                c = classes.get(s)
                if c is not None and c.observation:
                    found.add(s)
        if found:
            count[n] = len(found)
            chosen[n] = sorted(found)[:FIGURE_LIST]
    order = sorted({o for obs in chosen.values() for o in obs})
    position = {o: i for i, o in enumerate(order)}
    figures = [evidence.figure(idx, styles, o) for o in order]
    fig_by_node = {n: [position[o] for o in obs] for n, obs in chosen.items()}
    return figures, fig_by_node, count


def _incoming(
    idx: ResourceIndex, styles: Styles, g: nx.MultiDiGraph, drawn: list[str]
) -> dict[str, set[tuple[str, str]]]:
    """Node -> the ``(predicate, subject)`` links into it that its panel lists: from a drawn
    node, or from any resource of a class that is not an observation (spans and figures have
    their own place in the panel)."""
    classes = idx.style_classes(styles)
    node_set = set(g)
    out: dict[str, set[tuple[str, str]]] = {n: set() for n in drawn}
    for n, pairs in idx.entity_inc(drawn, styles).items():
        for p, s in pairs:
            c = classes.get(s)
            if c is not None and not c.observation:
                out[n].add((p, s))
    for s in node_set:
        for p, o, is_iri, _ in idx.out.get(s, ()):
            if is_iri and o in out and p != _TYPE:
                out[o].add((p, s))
    return out


def _aggregate_node(
    idx: ResourceIndex, cls: ClassStyle, agg: Aggregate, li: int, x: float, y: float, degree: int
) -> dict[str, Any]:
    """vis-network options and panel data of one aggregate node (its class, count, members)."""
    count = len(agg.members)
    labels = [f"{name} ({count:,})" for name in cls.labels]
    members = [[m, list(idx.labels(m)), local_name(m)] for m in agg.members[:AGGREGATE_LIST]]
    key = "\n".join(sorted({fold(x) for x in cls.labels} | {_nfkc_lower(x) for x in cls.labels}))
    return {
        "label": labels[li],
        "shape": cls.shape,
        "color": cls.colour,
        "size": round(20 + 6 * math.log2(1 + count), 1),
        "x": x,
        "y": y,
        "physics": False,
        "c": cls.key,
        "l": labels,
        "alt": [],
        "k": key,
        "rel": [],
        "fig": [],
        "deg": degree,
        "agg": {"n": count, "m": members},
        "font": {"size": 26, "strokeWidth": 4},
    }
