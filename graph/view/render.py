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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pyvis
from markupsafe import Markup
from pyvis.edge import Edge as PyvisEdge
from pyvis.network import Network

from graph.curation.styles import FALLBACK_STYLE, LANG_TAGS, ClassStyle, Labels, Styles, load_styles
from graph.model import InputError
from graph.namespaces import CQO_IRI, CQR, RDF
from graph.sparql.results import Result
from graph.text import fold, to_hans
from graph.view import evidence
from graph.view.aggregate import AGGREGATE_EDGE, NODE_BUDGET, Aggregate, aggregate
from graph.view.cache import cached_page
from graph.view.layout import SEED, layout, overview_layout
from graph.view.network import (
    HIDDEN_PREDICATES,
    ResourceIndex,
    build_network,
    focus_nodes,
    hubs,
    load_engine,
    local_name,
    network_parts,
    query_network,
    resolve_node,
    result_network,
    section_nodes,
    term_labels,
)

__all__ = [
    "CSP",
    "LANGS",
    "ViewSpec",
    "render_focus_html",
    "render_full_html",
    "render_html",
    "render_result_html",
    "render_view",
    "within_budget",
    "write_html",
]

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE_DIR / "templates"
VIS_DIR = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
LANGS = ("hant", "hans", "en")
"""The page's language switch, in the order of ``LANG_TAGS``."""
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"

_CQO = CQO_IRI


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


# --------------------------------------------------------------------------- page data


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
    """Everything ``cqkg view`` can draw, as one HTML string.

    The overview of a big build is kept next to it (``graph.view.cache``): computed once per
    version of the build's files, code and styles."""
    styles = styles or load_styles()
    if not spec.query and not spec.focus and not spec.section:
        options = f"{spec!r}\n{styles!r}"
        return cached_page(build_dir, options, lambda: _render_view(build_dir, spec, styles))
    return _render_view(build_dir, spec, styles)


def _render_view(build_dir: Path, spec: ViewSpec, styles: Styles) -> str:
    engine, idx = load_engine(Path(build_dir))
    target = ""
    aggs: dict[str, Aggregate] = {}
    if spec.query:
        g, aggs = within_budget(query_network(engine, idx, styles, spec.query), spec.budget)
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


def within_budget(g: nx.MultiDiGraph, budget: int) -> tuple[nx.MultiDiGraph, dict[str, Aggregate]]:
    """A query's network as it is drawn: whole when it fits ``budget`` nodes, else folded by
    :func:`graph.view.aggregate.aggregate` exactly as the full view is (a CONSTRUCT of the
    whole graph has thousands of spans and figures; drawn one by one they freeze the page)."""
    nodes = {n: g.nodes[n]["cls"] for n in g}
    return aggregate(nodes, ((s, o, p) for s, o, p in g.edges(data="predicate")), budget)


def render_result_html(
    build_dir: Path, result: Result, *, lang: str = "hant", budget: int = NODE_BUDGET
) -> str:
    """A CONSTRUCT/DESCRIBE result already run elsewhere (the server's worker pool, through its
    safety gate) drawn as ``cqkg view --query`` draws it: the same network builder
    (:func:`graph.view.network.result_network`), node budget, heading and page. The build is
    read only for what the result's nodes are (class, labels, figures, quotes)."""
    styles = load_styles()
    _engine, idx = load_engine(Path(build_dir))
    g, aggs = within_budget(result_network(idx, styles, result), budget)
    heading = _heading(idx, styles, ViewSpec(query="result"))
    return render_html(idx, styles, g, heading, lang=lang, aggs=aggs)


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
