"""The entity network of a build: one builder of the network, and the views cut from it.

Why one module: the page (``graph.view.render``), ``cqkg analyze`` and its GraphML/GEXF export
(``graph.view.graphml``) all draw the same network, so what counts as a node (a resource of a
class in ``graph/curation/styles.yaml``) and as an edge (an IRI-valued triple between two nodes,
plus the figure edges that stand for observations) is decided here once, on the build's index
(``graph.view.resource_index``, loaded by ``graph.view.load``). A query's network goes through
``graph.sparql.engines`` (the engine every query of every entry point uses), so the viewer's
``--query`` goes through the same checked path as ``cqkg query`` and the endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from graph.curation.styles import FALLBACK_STYLE, ClassStyle, Labels, Styles
from graph.model import InputError
from graph.namespaces import CQO_IRI, CQR, RDF, RDFS, SKOS
from graph.sparql.engines import OxigraphEngine, run_query
from graph.sparql.errors import QueryError
from graph.sparql.results import Result
from graph.text import fold
from graph.view.resource_index import HIDDEN_PREDICATES, ResourceIndex, local_name

__all__ = [
    "FIGURE_EDGE",
    "build_network",
    "class_of",
    "focus_nodes",
    "hubs",
    "network_from_parts",
    "network_parts",
    "observations_of",
    "query_network",
    "resolve_node",
    "result_network",
    "section_nodes",
    "term_labels",
    "walk_graph",
]

_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_PREF = str(SKOS.prefLabel)
_CQO = CQO_IRI
FIGURE_EDGE = "figure"
"""The derived edge from what an observation is about to its indicator."""


def class_of(idx: ResourceIndex, styles: Styles, iri: str) -> ClassStyle | None:
    """The first class of ``styles`` the resource has (subclasses are listed first)."""
    return idx.style_classes(styles).get(iri)


def _entities(idx: ResourceIndex, styles: Styles, observations: bool) -> dict[str, ClassStyle]:
    out: dict[str, ClassStyle] = {}
    classes = idx.style_classes(styles)
    for iri in sorted(classes):
        c = classes[iri]
        if observations or not c.observation:
            out[iri] = c
    return out


def observations_of(idx: ResourceIndex, styles: Styles) -> list[str]:
    """Every resource of an observation class (figures), sorted."""
    return sorted(idx.instances(_observation_classes(styles)))


def _observation_classes(styles: Styles) -> frozenset[str]:
    return frozenset(c.iri for c in styles.classes if c.observation)


Edges = dict[tuple[str, str, str], None]
"""``(subject, object, predicate)`` in first-seen order, each once (an insertion-ordered set)."""


def network_parts(
    idx: ResourceIndex, styles: Styles, *, observations: bool = False
) -> tuple[dict[str, ClassStyle], Edges]:
    """The nodes and edges of :func:`build_network` as plain data (for aggregating a network
    too big to be worth building as a networkx graph first)."""
    nodes = _entities(idx, styles, observations)
    edges: Edges = dict.fromkeys(idx.links(nodes))
    if not observations:
        mentioned = _CQO + "mentionedIn"
        abouts, sections = idx.figure_links(_observation_classes(styles))
        for about, ind in abouts:
            if about in nodes and ind in nodes and about != ind:
                edges[(about, ind, FIGURE_EDGE)] = None
        # an indicator is mentioned in the sections where its figures are stated
        for ind, sec in sections:
            if ind in nodes and sec in nodes:
                edges[(ind, sec, mentioned)] = None
    return nodes, edges


def network_from_parts(
    nodes: dict[str, ClassStyle], edges: Iterable[tuple[str, str, str]]
) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_nodes_from((iri, {"cls": cls}) for iri, cls in nodes.items())
    g.add_edges_from((s, o, p, {"predicate": p}) for s, o, p in edges)
    return g


def build_network(
    idx: ResourceIndex, styles: Styles, *, observations: bool = False
) -> nx.MultiDiGraph:
    """Entities as nodes (attribute ``cls``), relations between them as keyed edges.

    Without ``observations``, an observation's ``cqo:about`` entity gets a derived ``figure``
    edge to its indicator, and the indicator a ``cqo:mentionedIn`` edge to the observation's
    section, so figures still tie the picture together.
    """
    return network_from_parts(*network_parts(idx, styles, observations=observations))


def hubs(g: nx.MultiDiGraph) -> set[str]:
    return {n for n, c in g.nodes(data="cls") if c.hub}


def walk_graph(g: nx.MultiDiGraph, keep: Iterable[str] = ()) -> nx.Graph:
    """Undirected simple view without hub nodes (themes), except those in ``keep``."""
    drop = hubs(g) - set(keep)
    return nx.Graph(g.subgraph(n for n in g if n not in drop))


def resolve_node(idx: ResourceIndex, candidates: Iterable[str], text: str, what: str) -> str:
    """Find one node by IRI, ``class/slug`` id, slug, or label in any script or language."""
    cands = sorted(candidates)
    text = text.strip()
    if not text:
        raise InputError(f"{what}: empty")
    cset = set(cands)
    for guess in (text, str(CQR) + text):
        if guess in cset:
            return guess
    by_slug = [c for c in cands if c.endswith("/" + text)]
    if len(by_slug) == 1:
        return by_slug[0]
    key = fold(text)

    def names(c: str) -> set[str]:
        return {fold(x) for x in (*idx.labels(c), *idx.alt_labels(c))}

    exact = [c for c in cands if key in names(c)]
    if len(exact) == 1:
        return exact[0]
    if not exact:
        exact = [c for c in cands if any(key in n for n in names(c))]
        if len(exact) == 1:
            return exact[0]
    if not exact:
        raise InputError(f"{what} {text!r}: no matching node")
    shown = ", ".join(local_name(c) for c in exact[:5])
    raise InputError(f"{what} {text!r}: ambiguous ({len(exact)} matches: {shown}); give an id")


def focus_nodes(g: nx.MultiDiGraph, focus: str, hops: int) -> set[str]:
    """Ego network of ``focus``: ``hops`` steps without passing through themes, plus its themes."""
    if hops < 0:
        raise InputError(f"--hops {hops}: must be 0 or more")
    w = walk_graph(g, keep=[focus])
    keep = set(nx.single_source_shortest_path_length(w, focus, cutoff=hops))
    keep |= {n for n in nx.all_neighbors(g, focus) if g.nodes[n]["cls"].hub}
    return keep


def section_nodes(idx: ResourceIndex, g: nx.MultiDiGraph, section: str) -> tuple[str, set[str]]:
    """The theme and every node mentioned in it (``cqo:mentionedIn`` or a mention span)."""
    themes = [n for n in g if g.nodes[n]["cls"].hub]
    theme = resolve_node(idx, themes, section, "--section")
    keep = {theme}
    for p, s in idx.inc.get(theme, ()):
        if s in g and p in (_CQO + "mentionedIn", _CQO + "section"):
            keep.add(s)
        if p == _CQO + "section":  # a span or observation in this section
            keep.update(o for o in idx.values(s, _CQO + "refersTo") if o in g)
            keep.update(o for o in idx.values(s, _CQO + "about") if o in g)
    return theme, keep


VIEW_MAX_TRIPLES = 1_000_000  # far above any drawable graph; a cap, never a truncation


def query_network(
    engine: OxigraphEngine, idx: ResourceIndex, styles: Styles, query: str, name: str = "query"
) -> nx.MultiDiGraph:
    """Draw a CONSTRUCT result: its IRIs are nodes (styled from the full graph), its links edges.

    The query goes through :func:`graph.sparql.engines.run_query`, the checked path of ``cqkg
    query`` and the endpoint (size, depth, parsed SERVICE/Update/FROM check, then the engine).
    The server runs its ``/view?query=`` through its worker pool instead and hands the
    :class:`Result` to :func:`result_network`, the one step both share.
    """
    try:
        result = run_query(engine, query, max_rows=VIEW_MAX_TRIPLES)
    except QueryError as exc:
        raise InputError(f"{name}: {exc}") from None
    return result_network(idx, styles, result, name)


def result_network(
    idx: ResourceIndex, styles: Styles, result: Result, name: str = "query"
) -> nx.MultiDiGraph:
    """The network of a graph result: IRI subjects and objects are nodes, styled by their class
    in the full graph ``idx`` (``FALLBACK_STYLE`` when it has none); links between them are
    edges, except types and names (``HIDDEN_PREDICATES``), which a node shows, and self-loops.
    Literals and blank nodes are not drawn (a node's panel shows the build's own data).

    A SELECT or ASK result is an :class:`InputError`: it has no triples to draw.
    """
    if result.kind != "graph":
        raise InputError(f"{name}: must be a CONSTRUCT (or DESCRIBE) query")
    triples = sorted(
        (s.value, p.value, o.value)
        for s, p, o in result.triples
        if s.kind == "uri" and o.kind == "uri"
    )
    g = nx.MultiDiGraph()
    for s, p, o in triples:
        if p == _TYPE:
            g.add_node(s)
            continue
        if p in HIDDEN_PREDICATES:
            continue
        g.add_node(s)
        g.add_node(o)
        if s != o:
            g.add_edge(s, o, key=p, predicate=p)
    for n in g:
        g.nodes[n]["cls"] = class_of(idx, styles, n) or FALLBACK_STYLE
    return g


def term_labels(idx: ResourceIndex, styles: Styles, iri: str) -> Labels:
    if iri in styles.relations and not any(p in (_LABEL, _PREF) for p, *_ in idx.out.get(iri, ())):
        return styles.relations[iri]
    if iri in idx.out:
        hant, hans, en = idx.labels(iri)
        local = local_name(iri)
        if hant == local and iri in styles.relations:
            return styles.relations[iri]
        return (hant, hans, en)
    if iri in styles.relations:
        return styles.relations[iri]
    name = local_name(iri)
    return (name, name, name)
