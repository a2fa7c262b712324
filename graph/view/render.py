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
  they are about, with their quoted sentence; the layout is computed with networkx (fixed
  seed) so the page opens laid out with physics off. That data is ``graph.view.page_data``'s.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pyvis
from markupsafe import Markup

from graph.curation.styles import LANG_TAGS, Labels, Styles, load_styles
from graph.model import InputError
from graph.sparql.results import Result
from graph.view.aggregate import NODE_BUDGET, Aggregate, aggregate
from graph.view.cache import cached_page
from graph.view.load import load_engine
from graph.view.network import (
    build_network,
    focus_nodes,
    network_parts,
    query_network,
    resolve_node,
    result_network,
    section_nodes,
)
from graph.view.page_data import LANGS, page_data
from graph.view.resource_index import ResourceIndex

__all__ = [
    "CSP",
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
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


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


# --------------------------------------------------------------------------- HTML


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
    data, _net = page_data(idx, styles, g, heading, lang, observations, aggs)
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
