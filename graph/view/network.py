"""The entity network of a build: one index of its triples, one builder of the network.

Why one module: the page (``graph.view.render``), ``cqkg analyze`` and its GraphML/GEXF export
all draw the same network, so what counts as a node (a resource of a class in
``graph/curation/styles.yaml``) and as an edge (an IRI-valued triple between two nodes, plus the
figure edges that stand for observations) is decided here once. The build is read through
``graph.sparql.engines`` (the engine every query of every entry point uses), so the viewer's
``--query`` goes through the same checked path as ``cqkg query`` and the endpoint.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from graph.curation.styles import FALLBACK_STYLE, LANG_TAGS, ClassStyle, Labels, Styles, load_styles
from graph.model import InputError
from graph.namespaces import CQO_IRI, CQR, RDF, RDFS, SKOS
from graph.sparql.engines import OxigraphEngine, open_engine, run_query
from graph.sparql.errors import QueryError
from graph.sparql.results import Result
from graph.text import fold, to_hans, to_hant

__all__ = [
    "FIGURE_EDGE",
    "ResourceIndex",
    "build_network",
    "class_of",
    "focus_nodes",
    "from_ntriples",
    "graphml",
    "hubs",
    "load_build",
    "load_engine",
    "local_name",
    "network_parts",
    "observations_of",
    "plain_graph",
    "query_network",
    "resolve_node",
    "result_network",
    "section_nodes",
    "term_labels",
    "walk_graph",
]

_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_ALT = str(SKOS.altLabel)
_PREF = str(SKOS.prefLabel)
_CQO = CQO_IRI
HIDDEN_PREDICATES = frozenset({_TYPE, _LABEL, _ALT, _PREF})
"""Predicates never drawn as edges (types and names are what a node shows, not links)."""
FIGURE_EDGE = "figure"
"""The derived edge from what an observation is about to its indicator."""


# --------------------------------------------------------------------------- the index


@dataclass(slots=True)
class ResourceIndex:
    """Every triple of the build, indexed the way the viewer reads it.

    Objects are kept as ``(value, is_iri, language)`` so literals and IRIs never mix up.
    """

    types: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    out: dict[str, list[tuple[str, str, bool, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    inc: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, s: str, p: str, o: str, is_iri: bool, lang: str) -> None:
        """One triple; ``rdf:type`` goes to ``types`` and ``out``, never to ``inc``."""
        if p == _TYPE and is_iri:
            self.types[s].add(o)
        self.out[s].append((p, o, is_iri, lang))
        if is_iri and p != _TYPE:
            self.inc[o].append((p, s))

    def values(self, s: str, p: str) -> list[str]:
        return sorted(o for pp, o, _, _ in self.out.get(s, ()) if pp == p)

    def first(self, s: str, p: str) -> str:
        vals = self.values(s, p)
        return vals[0] if vals else ""

    def labels(self, s: str) -> Labels:
        """(zh-Hant, zh-Hans, en), each falling back to the other scripts, then the IRI."""
        by_lang: dict[str, list[str]] = defaultdict(list)
        for p, o, is_iri, lang in self.out.get(s, ()):
            if p in (_LABEL, _PREF) and not is_iri:
                by_lang[lang.lower()].append(o)
        pick = {k: sorted(v)[0] for k, v in by_lang.items()}
        hant = pick.get("zh-hant") or pick.get("zh-tw") or pick.get("zh-hk") or ""
        hans = pick.get("zh-hans") or pick.get("zh-cn") or pick.get("zh") or ""
        en = pick.get("en") or ""
        plain = pick.get("") or ""
        hant = hant or (to_hant(hans) if hans else plain)
        hans = hans or (to_hans(hant) if hant else plain)
        local = local_name(s)
        return (hant or en or local, hans or en or local, en or hant or local)

    def alt_labels(self, s: str) -> tuple[str, ...]:
        return tuple(
            sorted({o for p, o, is_iri, _ in self.out.get(s, ()) if p == _ALT and not is_iri})
        )


def local_name(iri: str) -> str:
    """Short readable id: ``platform/yukuaiban`` for ``cqr:``, else the part after # or /."""
    if iri.startswith(str(CQR)):
        return iri[len(str(CQR)) :]
    return re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri


def _data_file(build_dir: Path) -> Path:
    for name in ("cqkg.nt", "cqkg.ttl"):
        if (build_dir / name).is_file():
            return build_dir / name
    raise InputError(f"{build_dir}: no cqkg.nt or cqkg.ttl (run `cqkg build` first)")


def _load_engine(build_dir: Path) -> OxigraphEngine:
    """The build in ``graph.sparql.engines``'s engine, the one every query of every entry point uses
    (data and ontology in their named graphs, the default graph their union)."""
    _data_file(build_dir)  # the viewer's own one-line message for a missing build
    engine = open_engine("oxigraph", build_dir)
    assert isinstance(engine, OxigraphEngine)
    return engine


def _index_quads(idx: ResourceIndex, quads: Iterable[Any]) -> None:
    """Add quads (or triples) to ``idx`` (``ResourceIndex.add`` inlined: a 1,000-source corpus
    has millions of them and the call overhead was a third of the time)."""
    types, out, inc = idx.types, idx.out, idx.inc
    named, blank, literal = ox.NamedNode, ox.BlankNode, ox.Literal
    for q in quads:
        s, p, o = q.subject, q.predicate.value, q.object
        if isinstance(s, named):
            s_id = s.value
        elif isinstance(s, blank):
            s_id = f"_:{s.value}"
        else:  # RDF-star triple terms are not drawn
            continue
        if isinstance(o, named):
            o_id = o.value
        elif isinstance(o, literal):
            out[s_id].append((p, o.value, False, o.language or ""))
            continue
        elif isinstance(o, blank):
            o_id = f"_:{o.value}"
        else:
            continue
        out[s_id].append((p, o_id, True, ""))
        if p == _TYPE:  # not in ``inc``: nobody asks a class for its instances that way, and
            types[s_id].add(o_id)  # a corpus has hundreds of thousands of spans of one class
        else:
            inc[o_id].append((p, s_id))


def index_triples(triples: Iterable[Any]) -> ResourceIndex:
    """An index of pyoxigraph triples or quads (a parsed file, a store's contents)."""
    idx = ResourceIndex()
    _index_quads(idx, triples)
    return idx


def _index(store: ox.Store) -> ResourceIndex:
    idx = ResourceIndex()
    _index_quads(idx, store.quads_for_pattern(None, None, None, None))
    return idx


def _stamp(build_dir: Path) -> tuple[str, int, int]:
    data = _data_file(build_dir)
    st = data.stat()
    return (str(data.resolve()), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _cached_build(stamp: tuple[str, int, int]) -> tuple[OxigraphEngine, ResourceIndex]:
    # the index is read from the engine's store, not straight from the parser: the store
    # canonicalises literals (150000000.0 -> 150000000), and the page shows them as it does
    engine = _load_engine(Path(stamp[0]).parent)
    return engine, _index(engine.store)


def load_build(build_dir: Path) -> tuple[ox.Store, ResourceIndex]:
    """Load ``build/`` (data graph plus ontology) once per file version (cached by mtime)."""
    engine, idx = _cached_build(_stamp(Path(build_dir)))
    return engine.store, idx


def load_engine(build_dir: Path) -> tuple[OxigraphEngine, ResourceIndex]:
    """The cached build as the checked query engine (for ``--query``) and its index."""
    return _cached_build(_stamp(Path(build_dir)))


# --------------------------------------------------------------------------- the network


_RANKS: dict[int, tuple[tuple[ClassStyle, ...], dict[str, tuple[int, ClassStyle]]]] = {}


def _class_rank(classes: tuple[ClassStyle, ...]) -> dict[str, tuple[int, ClassStyle]]:
    """Class IRI -> (position in styles, style), memoised by identity (hashing the styles
    tuple on every lookup cost more than the lookup)."""
    hit = _RANKS.get(id(classes))
    if hit is None or hit[0] is not classes:
        hit = (classes, {c.iri: (i, c) for i, c in enumerate(classes)})
        _RANKS[id(classes)] = hit
    return hit[1]


def class_of(idx: ResourceIndex, styles: Styles, iri: str) -> ClassStyle | None:
    """The first class of ``styles`` the resource has (subclasses are listed first)."""
    rank = _class_rank(styles.classes)
    best = min((rank[t] for t in idx.types.get(iri, ()) if t in rank), default=None)
    return best[1] if best is not None else None


def _entities(idx: ResourceIndex, styles: Styles, observations: bool) -> dict[str, ClassStyle]:
    out: dict[str, ClassStyle] = {}
    for iri in sorted(idx.types):
        c = class_of(idx, styles, iri)
        if c is not None and (observations or not c.observation):
            out[iri] = c
    return out


def observations_of(idx: ResourceIndex, styles: Styles) -> list[str]:
    """Every resource of an observation class (figures), sorted."""
    obs_iris = {c.iri for c in styles.classes if c.observation}
    return sorted(s for s, t in idx.types.items() if t & obs_iris)


Edges = dict[tuple[str, str, str], None]
"""``(subject, object, predicate)`` in first-seen order, each once (an insertion-ordered set)."""


def network_parts(
    idx: ResourceIndex, styles: Styles, *, observations: bool = False
) -> tuple[dict[str, ClassStyle], Edges]:
    """The nodes and edges of :func:`build_network` as plain data (for aggregating a network
    too big to be worth building as a networkx graph first)."""
    nodes = _entities(idx, styles, observations)
    edges: Edges = {}
    for s in nodes:
        for p, o, is_iri, _ in sorted(idx.out.get(s, ())):
            if is_iri and o in nodes and p not in HIDDEN_PREDICATES and o != s:
                edges[(s, o, p)] = None
    if not observations:
        mentioned = _CQO + "mentionedIn"
        for obs in observations_of(idx, styles):
            inds = [i for i in idx.values(obs, _CQO + "indicator") if i in nodes]
            for about in idx.values(obs, _CQO + "about"):
                for ind in inds:
                    if about in nodes and about != ind:
                        edges[(about, ind, FIGURE_EDGE)] = None
            # an indicator is mentioned in the sections where its figures are stated
            for sec in idx.values(obs, _CQO + "section"):
                for ind in inds:
                    if sec in nodes:
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


# --------------------------------------------------------------------------- GraphML


def from_ntriples(
    nt: str, ontology: Path | None = None, styles: Styles | None = None
) -> tuple[nx.MultiDiGraph, ResourceIndex, Styles]:
    """The network of a graph given as N-Triples (``cqkg build`` has no store of its own).

    ``ontology`` (Turtle) is indexed with the data, as ``load_build`` does with a build's
    ``ontology.ttl``, so relation names come out the same as in ``cqkg analyze``.
    """
    styles = styles or load_styles()
    idx = index_triples(ox.parse(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    if ontology is not None:
        _index_quads(idx, ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE))
    return build_network(idx, styles), idx, styles


def plain_graph(g: nx.MultiDiGraph, idx: ResourceIndex, styles: Styles) -> nx.MultiDiGraph:
    """A copy with plain string attributes only (GraphML/GEXF cannot hold Python objects):
    ``label``, ``label_zh_Hant``/``_zh_Hans``/``_en`` and ``cls`` per node, ``predicate`` and
    its English ``label`` per edge, nodes and edges in sorted order (reproducible files)."""
    out = nx.MultiDiGraph()
    for n in sorted(g):
        labels = idx.labels(n)
        attrs = {
            f"label_{t.replace('-', '_')}": lab for t, lab in zip(LANG_TAGS, labels, strict=True)
        }
        out.add_node(n, label=labels[0], cls=g.nodes[n]["cls"].key, **attrs)
    for s, o, p in sorted(g.edges(data="predicate")):
        out.add_edge(s, o, key=p, predicate=p, label=term_labels(idx, styles, p)[2])
    return out


def graphml(g: nx.MultiDiGraph, idx: ResourceIndex, styles: Styles) -> str:
    """The network as GraphML text: ``build/cqkg.graphml`` and ``cqkg analyze --export-dir``
    write this same text for the same build."""
    return "\n".join(nx.generate_graphml(plain_graph(g, idx, styles), prettyprint=True)) + "\n"
