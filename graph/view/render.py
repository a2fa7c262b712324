"""The report as a network: one self-contained, offline HTML page drawn with vis-network.

Why it is built this way:

* **One file, offline.** vis-network's JS/CSS come from the installed pyvis package and are
  inlined at render time; nothing is fetched, nothing is written next to the page (pyvis's
  ``show()``/``write_html()`` copy a ``lib/`` folder into the working directory, so we never call
  them). A CSP meta tag allows only inline resources.
* **Untrusted text never becomes markup.** Labels, quotes and headings come from a scraped
  article and a hand-edited registry. They travel to the page in one
  ``<script type="application/json">`` block (``<``, ``>``, ``&``, U+2028/2029 escaped) and are put
  on screen with ``textContent`` or drawn on the canvas. vis-network's ``title`` popup is not used
  at all (pyvis switches it to raw HTML as soon as any title contains ``href``).
* **Readable by default.** Entities are nodes, coloured and shaped by class
  (``graph/curation/styles.yaml``); observations are listed in the details panel of the entity
  they are about, with their quoted sentence; the layout is computed here with networkx (fixed
  seed) so the page opens laid out with physics off.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pyoxigraph as ox
import pyvis
import yaml
from markupsafe import Markup
from pyvis.edge import Edge as PyvisEdge
from pyvis.network import Network

from graph.model import InputError
from graph.namespaces import CQO_IRI, CQR, NIF, PROV, RDF, RDFS, SKOS
from graph.sparql.engines import OxigraphEngine, QueryError, open_engine, run_query
from graph.text import fold, to_hans, to_hant
from graph.view.aggregate import AGGREGATE_EDGE, NODE_BUDGET, Aggregate, aggregate

__all__ = [
    "Labels",
    "ResourceIndex",
    "Styles",
    "ViewSpec",
    "build_network",
    "layout",
    "load_build",
    "load_engine",
    "load_styles",
    "render_focus_html",
    "render_full_html",
    "render_html",
    "resolve_node",
    "write_html",
]

PACKAGE_DIR = Path(__file__).resolve().parent
STYLES_PATH = PACKAGE_DIR.parent / "curation" / "styles.yaml"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
LANGS = ("hant", "hans", "en")
LANG_TAGS = ("zh-Hant", "zh-Hans", "en")
SEED = 7
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"

Labels = tuple[str, str, str]
"""A name in (zh-Hant, zh-Hans, en) order, the order of the page's 繁 / 简 / EN switch."""

_TYPE = str(RDF.type)
_LABEL = str(RDFS.label)
_ALT = str(SKOS.altLabel)
_PREF = str(SKOS.prefLabel)
_ANCHOR = str(NIF.anchorOf)
_BEGIN = str(NIF.beginIndex)
_SENTENCE = str(NIF.sentence)
_DERIVED = str(PROV.wasDerivedFrom)
_CQO = CQO_IRI
_HIDDEN_PREDICATES = frozenset({_TYPE, _LABEL, _ALT, _PREF})
FIGURE_EDGE = "figure"


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True, slots=True)
class ClassStyle:
    key: str
    iri: str
    colour: str
    shape: str
    labels: Labels
    observation: bool = False
    hub: bool = False


@dataclass(frozen=True, slots=True)
class Styles:
    classes: tuple[ClassStyle, ...]
    relations: dict[str, Labels]
    ui: dict[str, Labels]

    def by_iri(self) -> dict[str, ClassStyle]:
        return {c.iri: c for c in self.classes}


_SHAPES = frozenset(
    {"dot", "square", "diamond", "triangle", "triangleDown", "star", "hexagon", "ellipse", "box"}
)
_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


def _labels_of(entry: dict[str, Any], where: str) -> Labels:
    try:
        out = tuple(str(entry[tag]) for tag in LANG_TAGS)
    except KeyError as exc:
        raise InputError(f"{where}: missing label {exc.args[0]}") from None
    return (out[0], out[1], out[2])


def load_styles(path: Path = STYLES_PATH) -> Styles:
    """Read and check ``styles.yaml`` (one clear line naming the file on any problem)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path.name}: cannot read styles ({exc})") from None
    if not isinstance(data, dict) or not {"classes", "relations", "ui"} <= data.keys():
        raise InputError(f"{path.name}: needs 'classes', 'relations' and 'ui'")
    classes: list[ClassStyle] = []
    for i, c in enumerate(data["classes"]):
        where = f"{path.name}: classes[{i}]"
        if c.get("shape") not in _SHAPES or not _COLOUR.match(str(c.get("colour", ""))):
            raise InputError(f"{where}: bad shape or colour")
        classes.append(
            ClassStyle(
                key=str(c["key"]),
                iri=str(c["iri"]),
                colour=str(c["colour"]),
                shape=str(c["shape"]),
                labels=_labels_of(c, where),
                observation=bool(c.get("observation", False)),
                hub=bool(c.get("hub", False)),
            )
        )
    if len({c.key for c in classes}) != len(classes) or len({c.iri for c in classes}) != len(
        classes
    ):
        raise InputError(f"{path.name}: class keys and IRIs must be unique")
    relations = {
        k: _labels_of(v, f"{path.name}: relations.{k}") for k, v in data["relations"].items()
    }
    ui = {k: _labels_of(v, f"{path.name}: ui.{k}") for k, v in data["ui"].items()}
    return Styles(tuple(classes), relations, ui)


FALLBACK_STYLE = ClassStyle(
    key="Resource", iri="", colour="#aaaaaa", shape="ellipse", labels=("資源", "资源", "Resource")
)


# --------------------------------------------------------------------------- loading


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


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """What to draw: everything, an ego network, one section, or a CONSTRUCT result."""

    observations: bool = False
    focus: str = ""
    hops: int = 2
    section: str = ""
    query: str = ""
    lang: str = "hant"
    budget: int = NODE_BUDGET
    """Above this many nodes the full view aggregates (``graph.view.aggregate``); 0 = never."""


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


def _observations(idx: ResourceIndex, styles: Styles) -> list[str]:
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
            if is_iri and o in nodes and p not in _HIDDEN_PREDICATES and o != s:
                edges[(s, o, p)] = None
    if not observations:
        mentioned = _CQO + "mentionedIn"
        for obs in _observations(idx, styles):
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
    query``
    and the endpoint (size, depth, parsed SERVICE/Update/FROM check, then the engine).
    """
    try:
        result = run_query(engine, query, max_rows=VIEW_MAX_TRIPLES)
    except QueryError as exc:
        raise InputError(f"{name}: {exc}") from None
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
        if p in _HIDDEN_PREDICATES:
            continue
        g.add_node(s)
        g.add_node(o)
        if s != o:
            g.add_edge(s, o, key=p, predicate=p)
    for n in g:
        g.nodes[n]["cls"] = class_of(idx, styles, n) or FALLBACK_STYLE
    return g


# --------------------------------------------------------------------------- layout


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
    boxes: list[tuple[float, dict[str, tuple[float, float]]]] = []
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
    area = sum((2 * r) ** 2 for r, _ in boxes)
    row_width = max(math.sqrt(area) * 1.3, max((2 * r for r, _ in boxes), default=0.0))
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for r, pos in boxes:
        if x > 0 and x + 2 * r > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for k, (px, py) in pos.items():
            out[k] = (round(x + r + px, 1), round(y + r + py, 1))
        x += 2 * r + 40.0
        row_h = max(row_h, 2 * r + 40.0)
    return out


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
    discs: list[tuple[float, dict[str, tuple[float, float]]]] = []
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
    area = sum((2 * r) ** 2 for r, _ in discs)
    row_width = max(math.sqrt(area) * 1.3, max((2 * r for r, _ in discs), default=0.0))
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for r, pos in discs:
        if x > 0 and x + 2 * r > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        for k, (px, py) in pos.items():
            out[k] = (round(x + r + px, 1), round(y + r + py, 1))
        x += 2 * r + 80.0
        row_h = max(row_h, 2 * r + 80.0)
    return out


# --------------------------------------------------------------------------- page data


def _nfkc_lower(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _char_fold(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(ch, ch) for ch in _nfkc_lower(text))


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


def _quote(idx: ResourceIndex, span: str, fallback_section: str) -> dict[str, str]:
    """The sentence around a span, split so the page can mark the quoted part."""
    anchor = idx.first(span, _ANCHOR)
    sentence_iri = idx.first(span, _SENTENCE)
    sentence = idx.first(sentence_iri, _ANCHOR) if sentence_iri else ""
    pre, mark, post = "", anchor, ""
    if sentence:
        start = -1
        try:
            start = int(idx.first(span, _BEGIN)) - int(idx.first(sentence_iri, _BEGIN))
        except ValueError:
            start = -1
        if not (start >= 0 and sentence[start : start + len(anchor)] == anchor):
            start = sentence.find(anchor)
        if start >= 0:
            pre, post = sentence[:start], sentence[start + len(anchor) :]
        else:
            pre, mark, post = sentence, "", ""
    section = (
        idx.first(span, _CQO + "section")
        or (idx.first(sentence_iri, _CQO + "section") if sentence_iri else "")
        or fallback_section
    )
    return {"pre": pre, "mark": mark, "post": post, "sec": section, "span": span}


def _span_editions(idx: ResourceIndex, span: str) -> set[str]:
    """Report editions (years) the article quoted by ``span`` is ``cqo:about`` (edition filter)."""
    source = idx.first(span, str(NIF.referenceContext))
    return {y for d in idx.values(source, _CQO + "about") if (y := idx.first(d, _CQO + "edition"))}


def _figure(idx: ResourceIndex, styles: Styles, obs: str) -> dict[str, Any]:
    cls = class_of(idx, styles, obs)
    section = idx.first(obs, _CQO + "section")
    return {
        "id": obs,
        "kind": cls.key if cls else "Observation",
        "ind": idx.first(obs, _CQO + "indicator"),
        "about": idx.values(obs, _CQO + "about"),
        "stated": idx.values(obs, _CQO + "statedValue"),
        "value": idx.first(obs, _CQO + "value"),
        "unit": idx.first(obs, _CQO + "unit"),
        "qual": idx.first(obs, _CQO + "qualifier"),
        "period": idx.first(obs, _CQO + "period"),
        "rank": idx.first(obs, _CQO + "rank"),
        "scope": idx.first(obs, _CQO + "rankScope"),
        "src": [_quote(idx, s, section) for s in idx.values(obs, _DERIVED)],
        "ed": sorted({e for s in idx.values(obs, _DERIVED) for e in _span_editions(idx, s)}),
    }


def _assertion_quotes(
    idx: ResourceIndex, drawn: Iterable[str]
) -> dict[tuple[str, str, str], list[dict[str, str]]]:
    """Quotes of the reified relations that touch a drawn node (the only ones the page shows)."""
    out: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    nodes = set(drawn)
    for a, types in idx.types.items():
        if _CQO + "Assertion" not in types:
            continue
        key = (
            idx.first(a, str(RDF.subject)),
            idx.first(a, str(RDF.predicate)),
            idx.first(a, str(RDF.object)),
        )
        if key[0] not in nodes and key[2] not in nodes:
            continue
        out[key].extend(_quote(idx, s, "") for s in idx.values(a, _DERIVED))
    return out


def _json_for_script(data: Any) -> str:
    """JSON that is inert inside ``<script type="application/json">``."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _term_labels(idx: ResourceIndex, styles: Styles, iri: str) -> Labels:
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


def _page_data(
    idx: ResourceIndex,
    styles: Styles,
    g: nx.MultiDiGraph,
    heading: Labels,
    lang: str,
    observations: bool,
    aggs: dict[str, Aggregate] | None = None,
) -> tuple[dict[str, Any], Network]:
    aggs = aggs or {}
    pos = overview_layout(g, aggs, (c.key for c in styles.classes)) if aggs else layout(g)
    figures: list[dict[str, Any]] = []
    fig_by_node: dict[str, list[int]] = defaultdict(list)
    for obs in _observations(idx, styles):
        # only the figures of drawn nodes are built (a corpus has far more than one page shows)
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
        figures.append(_figure(idx, styles, obs))
    evidence = _assertion_quotes(idx, g)
    node_set = set(g)
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
            if is_iri and p not in _HIDDEN_PREDICATES and not o.startswith("_:"):
                ev = evidence.get((n, p, o), [])
                rels.append(["out", p, o, o in node_set, ev])
                terms.update((p, o))
        for p, s in sorted(set(idx.inc.get(n, ()))):
            if p in _HIDDEN_PREDICATES or s == n:
                continue
            s_cls = class_of(idx, styles, s)
            if s in node_set or (s_cls is not None and not s_cls.observation):
                rels.append(["in", p, s, s in node_set, evidence.get((s, p, n), [])])
                terms.update((p, s))
        figs = list(fig_by_node.get(n, []))
        # edition filter: the editions of this node's figures and of the articles mentioning it
        eds = {e for i in figs for e in figures[i]["ed"]}
        for p, s in idx.inc.get(n, ()):
            if p == _CQO + "refersTo":
                eds |= _span_editions(idx, s)
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
            size=round(12 + 5 * math.sqrt(degree + len(figs)), 1),
            x=x,
            y=y,
            physics=False,
            c=cls.key,
            l=list(labels),
            alt=list(alt),
            k=key,
            rel=rels,
            fig=figs,
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
    term_labels = {t: list(_term_labels(idx, styles, t)) for t in sorted(terms - node_set)}
    for t in term_labels.values():
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
        "terms": term_labels,
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


# --------------------------------------------------------------------------- HTML


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    js = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    if re.search(r"</script|<!--", js, re.IGNORECASE) or re.search(r"</style", css, re.I):
        raise RuntimeError(f"{VIS_DIR}: vis-network assets cannot be inlined safely")
    return js, css


def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("viewer.html")


def render_html(
    idx: ResourceIndex,
    styles: Styles,
    g: nx.MultiDiGraph,
    heading: Labels,
    *,
    lang: str = "hant",
    observations: bool = False,
    aggs: dict[str, Aggregate] | None = None,
) -> str:
    """The page for network ``g``: vis-network, styles and data inlined, nothing external.

    ``aggs`` names the aggregate nodes of ``g`` (see :func:`graph.view.aggregate.aggregate`).
    """
    if lang not in LANGS:
        raise InputError(f"--lang {lang}: choose one of {', '.join(LANGS)}")
    data, _net = _page_data(idx, styles, g, heading, lang, observations, aggs)
    js, css = _vis_assets()
    return _template().render(
        csp=CSP,
        lang_tag=LANG_TAGS[LANGS.index(lang)],
        title=heading[LANGS.index(lang)],
        vis_js=Markup(js),
        vis_css=Markup(css),
        data_json=Markup(_json_for_script(data)),
    )


def _heading(idx: ResourceIndex, styles: Styles, spec: ViewSpec, target: str = "") -> Labels:
    base = styles.ui["title"]
    if not target and not spec.query:
        return base
    if spec.query:
        q = styles.ui["query"]
        return (f"{base[0]} · {q[0]}", f"{base[1]} · {q[1]}", f"{base[2]} · {q[2]}")
    t = idx.labels(target)
    return (f"{base[0]} · {t[0]}", f"{base[1]} · {t[1]}", f"{base[2]} · {t[2]}")


def render_view(build_dir: Path, spec: ViewSpec, styles: Styles | None = None) -> str:
    """Everything ``cqkg view`` can draw, as one HTML string."""
    styles = styles or load_styles()
    engine, idx = load_engine(Path(build_dir))
    target = ""
    aggs: dict[str, Aggregate] = {}
    if spec.query:
        g = query_network(engine, idx, styles, spec.query)
    elif not spec.focus and not spec.section:  # the overview aggregates; the others are detail
        nodes, edges = network_parts(idx, styles, observations=spec.observations)
        g, aggs = aggregate(nodes, edges, spec.budget)
    else:
        g = build_network(idx, styles, observations=spec.observations)
        if spec.focus:
            target = resolve_node(idx, list(g), spec.focus, "--focus")
            g = g.subgraph(focus_nodes(g, target, spec.hops)).copy()
        elif spec.section:
            target, keep = section_nodes(idx, g, spec.section)
            g = g.subgraph(keep).copy()
    return render_html(
        idx,
        styles,
        g,
        _heading(idx, styles, spec, target),
        lang=spec.lang,
        observations=spec.observations,
        aggs=aggs,
    )


def render_full_html(build_dir: Path) -> str:
    """The whole graph (entities; figures in the details panel). Mounted at ``/`` by the server."""
    return render_view(Path(build_dir), ViewSpec())


def render_focus_html(build_dir: Path, focus: str, hops: int) -> str:
    """Ego network of ``focus`` (label in any script, id or IRI). Mounted at ``/view?focus=``."""
    return render_view(Path(build_dir), ViewSpec(focus=focus, hops=hops))


def write_html(html: str, out: Path) -> None:
    """Write the page (or any text) as UTF-8 explicitly, never the locale's encoding, atomically."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(html)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the page is meant to be read by anyone
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
