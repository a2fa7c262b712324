"""Network analysis of the entity graph (``cqkg analyze``), with networkx.

The network is the viewer's (``graph.view.network.build_network``): entities as nodes, relations as
edges, each observation's subject linked to its indicator. Themes are hubs every entity is
"mentioned in", so centrality and paths are computed without them (otherwise every shortest
chain would be "A is mentioned in theme T, which mentions B"); a path falls back to themes
only when the relations alone do not connect the two entities.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from graph.curation.styles import Styles, load_styles
from graph.model import InputError
from graph.view.graphml import graphml, plain_graph
from graph.view.load import load_build
from graph.view.network import build_network, resolve_node, term_labels, walk_graph
from graph.view.page_data import LANGS
from graph.view.render import write_html
from graph.view.resource_index import ResourceIndex, local_name

__all__ = ["Analysis", "PathStep", "analyze", "export", "format_report", "shortest_chain"]

TOP = 10


@dataclass(frozen=True, slots=True)
class Ranked:
    iri: str
    label: str
    score: float


@dataclass(frozen=True, slots=True)
class Analysis:
    nodes_per_class: dict[str, int]
    edges_per_relation: dict[str, int]
    nodes: int
    edges: int
    components: int  # connected components of the whole network (themes included)
    relation_components: int  # without themes: what the relations alone connect
    largest_component: int
    isolated: int  # entities with no relation at all (themes excluded)
    top_degree: tuple[Ranked, ...]
    top_betweenness: tuple[Ranked, ...]


@dataclass(frozen=True, slots=True)
class PathStep:
    source: str
    relation: str  # relation name in the chosen language
    target: str
    forward: bool  # True when the triple reads source -> target


def _label(idx: ResourceIndex, iri: str, lang: str) -> str:
    return idx.labels(iri)[LANGS.index(lang)]


def _rank(scores: dict[str, float], idx: ResourceIndex, lang: str) -> tuple[Ranked, ...]:
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    return tuple(Ranked(k, _label(idx, k, lang), round(v, 6)) for k, v in best)


def analyze(g: nx.MultiDiGraph, idx: ResourceIndex, styles: Styles, lang: str = "hant") -> Analysis:
    """Counts, components and the most central entities of network ``g``."""
    per_class = Counter(c.key for _, c in g.nodes(data="cls"))
    per_rel = Counter(term_labels(idx, styles, p)[2] for _, _, p in g.edges(data="predicate"))
    und = nx.Graph(g)
    w = walk_graph(g)
    comps = list(nx.connected_components(und)) if len(und) else []
    degree = {n: float(d) for n, d in w.degree()}
    between = nx.betweenness_centrality(w) if len(w) else {}
    return Analysis(
        nodes_per_class=dict(sorted(per_class.items())),
        edges_per_relation=dict(sorted(per_rel.items())),
        nodes=g.number_of_nodes(),
        edges=g.number_of_edges(),
        components=len(comps),
        relation_components=nx.number_connected_components(w) if len(w) else 0,
        largest_component=max((len(c) for c in comps), default=0),
        isolated=sum(1 for n in w if w.degree(n) == 0),
        top_degree=_rank(degree, idx, lang),
        top_betweenness=_rank(between, idx, lang),
    )


def shortest_chain(
    g: nx.MultiDiGraph,
    idx: ResourceIndex,
    styles: Styles,
    a: str,
    b: str,
    lang: str = "hant",
) -> list[PathStep]:
    """The shortest chain of relations between two entities (labels, ids or IRIs)."""
    src = resolve_node(idx, list(g), a, "--path")
    dst = resolve_node(idx, list(g), b, "--path")
    path: list[str] | None = None
    for graph in (walk_graph(g, keep=[src, dst]), nx.Graph(g)):
        try:
            path = nx.shortest_path(graph, src, dst)
            break
        except nx.NetworkXNoPath:
            continue
    if path is None:
        raise InputError(f"--path: no chain between {local_name(src)} and {local_name(dst)}")
    li = LANGS.index(lang)
    steps: list[PathStep] = []
    for u, v in itertools.pairwise(path):
        forward = g.has_edge(u, v)
        s, o = (u, v) if forward else (v, u)
        predicate = sorted(g[s][o])[0]
        steps.append(
            PathStep(
                source=_label(idx, u, lang),
                relation=term_labels(idx, styles, predicate)[li],
                target=_label(idx, v, lang),
                forward=forward,
            )
        )
    return steps


def format_chain(steps: list[PathStep]) -> str:
    if not steps:
        return "(same entity)"
    parts = [steps[0].source]
    for st in steps:
        parts.append(f" —{st.relation}→ " if st.forward else f" ←{st.relation}— ")
        parts.append(st.target)
    return "".join(parts)


def format_report(a: Analysis) -> str:
    lines = [f"nodes {a.nodes}, edges {a.edges}", "nodes per class:"]
    lines += [f"  {k:<18} {v}" for k, v in a.nodes_per_class.items()]
    lines.append("edges per relation:")
    lines += [f"  {k:<22} {v}" for k, v in a.edges_per_relation.items()]
    lines.append(
        f"connected components: {a.components} (largest {a.largest_component}); "
        f"without themes: {a.relation_components}, isolated entities {a.isolated}"
    )
    for title, ranked in (("degree", a.top_degree), ("betweenness", a.top_betweenness)):
        lines.append(f"top {TOP} by {title} (themes excluded):")
        lines += [f"  {r.score:>10.4g}  {r.label}  <{r.iri}>" for r in ranked]
    return "\n".join(lines) + "\n"


def export(g: nx.MultiDiGraph, idx: ResourceIndex, styles: Styles, out_dir: Path) -> list[Path]:
    """Write ``cqkg-network.graphml`` and ``.gexf`` (UTF-8, no timestamps: reproducible)."""
    out_dir = Path(out_dir)
    gexf = "\n".join(nx.generate_gexf(plain_graph(g, idx, styles), prettyprint=True)) + "\n"
    gexf = re.sub(r'\s+lastmodifieddate="[^"]*"', "", gexf)
    paths = [out_dir / "cqkg-network.graphml", out_dir / "cqkg-network.gexf"]
    for path, text in zip(paths, (graphml(g, idx, styles), gexf), strict=True):
        write_html(text, path)  # atomic UTF-8 write, fine for any text
    return paths


def run(
    build_dir: Path, lang: str = "hant"
) -> tuple[Analysis, nx.MultiDiGraph, ResourceIndex, Styles]:
    """Load ``build_dir`` and analyse its network (the ``cqkg analyze`` entry point)."""
    styles = load_styles()
    _store, idx = load_build(Path(build_dir))
    g = build_network(idx, styles)
    return analyze(g, idx, styles, lang), g, idx, styles
