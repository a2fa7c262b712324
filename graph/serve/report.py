"""The report at a glance (issue 12): every section of the report with its figures as cards and
small charts, each number linked to its quote and its resource page, and the entities each
section mentions; served at ``/report`` and written by the build as ``build/report.html``.

Data: two SELECTs (:data:`FIGURES`, :data:`ENTITIES`) on the checked engine
(:mod:`graph.sparql.engines`); the same rows give the same page whether the server's worker
pool or the build ran them. Charts: geometry computed here (as :mod:`graph.serve.series` does),
drawn as inline SVG by ``templates/report.html`` under autoescape, so no script draws anything
and no label can become markup. Languages: every label is carried in zh-Hant (as the source
writes it), zh-Hans (OpenCC, :func:`graph.text.to_hans`) and English where curated; the page
switches between them with CSS alone.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Graph
from starlette.responses import HTMLResponse

from graph.namespaces import CQO_IRI
from graph.serve.page_model import format_decimal, page_href
from graph.serve.pages import TEMPLATES, page_csp
from graph.sparql.engines import open_engine, run_query
from graph.sparql.results import Result, Term
from graph.text import Highlight, highlight, to_hans
from graph.vocab import ontology_dir

FIGURES = """SELECT ?theme ?section ?section_en ?obs ?growth ?indicator_name ?indicator_en ?stated
       ?value ?unit ?rank ?scope ?scope_name ?scope_en ?span ?quote ?begin ?sentence ?sbegin
WHERE {
  ?theme a cqo:Theme ; rdfs:label ?section . FILTER(langMatches(lang(?section), "zh-Hant"))
  OPTIONAL { ?theme rdfs:label ?section_en . FILTER(langMatches(lang(?section_en), "en")) }
  ?obs cqo:section ?theme ; cqo:indicator ?indicator ; cqo:statedValue ?stated .
  ?indicator rdfs:label ?indicator_name . FILTER(langMatches(lang(?indicator_name), "zh-Hant"))
  OPTIONAL { ?indicator rdfs:label ?indicator_en . FILTER(langMatches(lang(?indicator_en), "en")) }
  OPTIONAL { ?obs cqo:value ?value }
  OPTIONAL { ?obs cqo:unit ?unit }
  OPTIONAL { ?obs cqo:rank ?rank }
  OPTIONAL { ?obs cqo:rankScope ?scope .
    OPTIONAL { ?scope rdfs:label ?scope_name . FILTER(langMatches(lang(?scope_name), "zh-Hant")) }
    OPTIONAL { ?scope rdfs:label ?scope_en . FILTER(langMatches(lang(?scope_en), "en")) } }
  BIND(EXISTS { ?obs a cqo:GrowthObservation } AS ?growth)
  OPTIONAL { ?obs prov:wasDerivedFrom ?span . ?span nif:anchorOf ?quote .
    OPTIONAL { ?span nif:beginIndex ?begin }
    OPTIONAL { ?span nif:sentence ?sent . ?sent nif:anchorOf ?sentence .
      OPTIONAL { ?sent nif:beginIndex ?sbegin } } }
}
ORDER BY ?theme ?obs ?span"""
"""One row per figure and evidence span, with what its card, chart and quote need."""

ENTITIES = """SELECT DISTINCT ?theme ?section ?section_en ?entity ?entity_name ?entity_en ?class
WHERE {
  { SELECT DISTINCT ?theme ?entity WHERE { ?span cqo:refersTo ?entity ; cqo:section ?theme } }
  ?theme a cqo:Theme ; rdfs:label ?section . FILTER(langMatches(lang(?section), "zh-Hant"))
  OPTIONAL { ?theme rdfs:label ?section_en . FILTER(langMatches(lang(?section_en), "en")) }
  ?entity a ?class ; rdfs:label ?entity_name . FILTER(langMatches(lang(?entity_name), "zh-Hant"))
  OPTIONAL { ?entity rdfs:label ?entity_en . FILTER(langMatches(lang(?entity_en), "en")) }
  FILTER(STRSTARTS(STR(?class), STR(cqo:)))
}
ORDER BY ?theme ?class ?entity"""
"""The entities each section mentions (as ``section-entities`` asks, for every section).

The (section, entity) pairs are made DISTINCT first, in a subquery, and only then given their
labels and classes: the same answer (``?span`` is not projected), but the labels are no longer
joined once per span. At 1,000 articles (1,665 rows from ~1.3M triples) this query fell from
4.6 s to 0.7 s on the build's store, the same rows in the same order."""

PERCENT = "http://qudt.org/vocab/unit/PERCENT"
BAR_W, BAR_H, BAR_GAP, LABEL_W, VALUE_W = 640, 22, 8, 250, 90


@dataclass(frozen=True, slots=True)
class Label:
    """One name in the page's three languages (English falls back to the zh-Hant name)."""

    hant: str
    hans: str
    en: str

    @classmethod
    def of(cls, hant: str, en: str = "") -> Label:
        return cls(hant, to_hans(hant), en or hant)


@dataclass(slots=True)
class Figure:
    """One observation of a section: the stated number, its value and where it is said."""

    obs: str  # IRI
    indicator: Label
    stated: tuple[str, ...]  # every wording of it (merged figures may be written two ways)
    value: str  # lexical decimal, "" for a rank or a tier
    unit: str  # IRI, ""
    growth: bool
    rank: int | None
    scope: Label | None
    scope_iri: str
    span: str  # IRI of the evidence span ("" when none)
    quote: Highlight  # the sentence, split around the quoted words
    quote_hans: Highlight

    @property
    def kind(self) -> str:
        """rank | growth | share (a percentage of a whole) | quantity."""
        if self.rank is not None:
            return "rank"
        if self.growth:
            return "growth"
        if self.unit == PERCENT and self.value and 0 <= Decimal(self.value) <= 100:
            return "share"
        return "quantity"

    def rows(self) -> list[tuple[str, str, str, str]]:
        """What ``section-figures`` answers for this figure (indicator, stated, value, unit),
        one row per wording."""
        return [(self.indicator.hant, s, self.value, self.unit) for s in self.stated]

    @property
    def shown(self) -> str:
        """The wording(s) the card shows."""
        return " · ".join(self.stated)


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a growth or share chart; ``href`` is the figure's quote page."""

    y: float
    width: float
    label: Label
    value: str
    href: str
    title: str


@dataclass(slots=True)
class BarChart:
    kind: str  # growth | share
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    label_w: int = LABEL_W
    plot_w: int = BAR_W - LABEL_W - VALUE_W


@dataclass(slots=True)
class RankTable:
    """Rankings as scope (rows) × rank (columns); each cell lists the figures at that rank."""

    ranks: list[int]
    rows: list[tuple[Label, str, dict[int, list[Figure]]]]  # scope, its href, rank -> figures


@dataclass(slots=True)
class Entity:
    iri: str
    label: Label
    cls: str  # local name of its cqo: class


@dataclass(slots=True)
class Section:
    theme: str  # IRI
    label: Label
    figures: list[Figure] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    charts: list[BarChart] = field(default_factory=list)
    ranks: RankTable | None = None


def _s(row: dict[str, Term | None], name: str) -> str:
    term = row.get(name)
    return term.value if term is not None else ""


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _rows(result: Result) -> Iterable[dict[str, Term | None]]:
    for row in result.rows:
        yield dict(zip(result.variables, row, strict=True))


def sections(figures: Result, entities: Result) -> list[Section]:
    """The page's data from the two queries' answers, sections in reading order.

    A figure with several evidence spans keeps the first (by IRI: the earliest offset of the
    first source); sections are ordered by where their first figure is stated, then by name.
    """
    by_theme: dict[str, Section] = {}
    seen: dict[tuple[str, str], Figure] = {}
    for row in _rows(figures):
        theme, obs = _s(row, "theme"), _s(row, "obs")
        sec = by_theme.setdefault(
            theme, Section(theme, Label.of(_s(row, "section"), _s(row, "section_en")))
        )
        if (theme, obs) in seen:  # another wording or another span of the same figure
            known = seen[theme, obs]
            if _s(row, "stated") not in known.stated:
                known.stated = tuple(sorted((*known.stated, _s(row, "stated"))))
            continue
        sentence, quote = _s(row, "sentence"), _s(row, "quote")
        hl = highlight(sentence, _int(_s(row, "sbegin")), quote, _int(_s(row, "begin")))
        hl_hans = Highlight(*(to_hans(part) for part in hl))
        scope = _s(row, "scope")
        fig = seen[theme, obs] = Figure(
            obs=obs,
            indicator=Label.of(_s(row, "indicator_name"), _s(row, "indicator_en")),
            stated=(_s(row, "stated"),),
            value=_s(row, "value"),
            unit=_s(row, "unit"),
            growth=_s(row, "growth") in ("true", "1"),
            rank=_int(_s(row, "rank")),
            scope=_scope(row) if scope else None,
            scope_iri=scope,
            span=_s(row, "span"),
            quote=hl,
            quote_hans=hl_hans,
        )
        sec.figures.append(fig)
    for row in _rows(entities):
        theme, iri = _s(row, "theme"), _s(row, "entity")
        sec = by_theme.setdefault(
            theme, Section(theme, Label.of(_s(row, "section"), _s(row, "section_en")))
        )
        if any(e.iri == iri for e in sec.entities):
            continue
        cls = _s(row, "class")[len(CQO_IRI) :]
        name = Label.of(_s(row, "entity_name"), _s(row, "entity_en"))
        sec.entities.append(Entity(iri, name, cls))
    out = sorted(by_theme.values(), key=_reading_order)
    for sec in out:
        sec.figures.sort(key=lambda f: (_span_begin(f.span), f.obs))
        sec.charts = [c for kind in ("growth", "share") if (c := bar_chart(sec.figures, kind))]
        sec.ranks = rank_table(sec.figures)
    return out


def _scope(row: dict[str, Term | None]) -> Label:
    """The ranking's population by its label (its IRI's last segment when it has none)."""
    return Label.of(
        _s(row, "scope_name") or _s(row, "scope").rsplit("/", 1)[-1], _s(row, "scope_en")
    )


def _span_begin(span: str) -> tuple[str, int]:
    """(source, begin) from a span IRI ``…/span/<source>/<begin>-<end>``, for reading order."""
    head, _, offsets = span.rpartition("/")
    return head, _int(offsets.split("-", 1)[0]) or 0


def _reading_order(sec: Section) -> tuple[tuple[str, int], str]:
    first = min((_span_begin(f.span) for f in sec.figures if f.span), default=("~", 0))
    return first, sec.label.hant


def bar_chart(figures: Iterable[Figure], kind: str) -> BarChart | None:
    """Horizontal bars of the section's growth rates (scaled to the largest) or shares
    (scaled to 100 %); None when the section has none of that kind."""
    drawn = [f for f in figures if f.kind == kind and f.value]
    if not drawn:
        return None
    values = [Decimal(f.value) for f in drawn]
    top = Decimal(100) if kind == "share" else max([abs(v) for v in values] + [Decimal(1)])
    chart = BarChart(kind, BAR_W, len(drawn) * (BAR_H + BAR_GAP) + BAR_GAP)
    for i, (f, v) in enumerate(zip(drawn, values, strict=True)):
        width = round(float(chart.plot_w * abs(v) / top), 1)
        chart.bars.append(
            Bar(
                y=BAR_GAP + i * (BAR_H + BAR_GAP),
                width=max(width, 1.0),
                label=f.indicator,
                value=f.stated[0] if f.stated else format_decimal(f.value) + "%",
                href=page_href(f.span) or page_href(f.obs),
                title="".join(f.quote) or f.shown,
            )
        )
    return chart


def rank_table(figures: Iterable[Figure]) -> RankTable | None:
    """Rank figures as a scope × rank table; None when the section states no rank."""
    ranked = [f for f in figures if f.rank is not None]
    if not ranked:
        return None
    ranks = sorted({f.rank for f in ranked if f.rank is not None})
    scopes: dict[str, tuple[Label, str, dict[int, list[Figure]]]] = {}
    for f in ranked:
        assert f.rank is not None
        key = f.scope_iri
        label = f.scope or Label.of("—")
        entry = scopes.setdefault(key, (label, page_href(key), {}))
        entry[2].setdefault(f.rank, []).append(f)
    return RankTable(ranks, [scopes[k] for k in sorted(scopes)])


class Report:
    """The template, and the page's CSP (its one inline style's hash, no script at all)."""

    def __init__(self, templates: Path = TEMPLATES) -> None:
        from jinja2 import Environment, FileSystemLoader, select_autoescape

        self.env = Environment(
            loader=FileSystemLoader(templates), autoescape=select_autoescape(["html"])
        )
        self.csp = page_csp(templates / "report.html")

    def render(self, data: list[Section], *, static: bool) -> str:
        """The page; ``static`` for the build's file: links relative (``id/…``, which resolve
        when the build is served), quotes inline as on the served page."""

        def link(iri: str) -> str:
            href = page_href(iri)
            return href[1:] if static and href else href

        return self.env.get_template("report.html").render(
            sections=data,
            link=link,
            fmt=format_decimal,
            # frame-ancestors is only honoured in the header (browsers log an error for it)
            csp=self.csp.replace("; frame-ancestors 'none'", ""),
            static=static,
        )


@lru_cache(maxsize=1)
def renderer() -> Report:
    """The one :class:`Report` of a process (the template and its CSP are fixed at startup)."""
    return Report()


async def served_page(run: Callable[[str], Awaitable[Result]]) -> HTMLResponse:
    """``/report``: the two queries through the server's admission gate, then the page with
    its CSP in the header too (frame-ancestors is honoured only there)."""
    rep = renderer()
    data = sections(await run(FIGURES), await run(ENTITIES))
    html = rep.render(data, static=False)
    return HTMLResponse(html, headers={"Content-Security-Policy": rep.csp})


def static_page(data: Graph, nt: str | bytes | None = None) -> str:
    """``build/report.html`` for a graph about to be published: the graph (and the ontology)
    loaded into the checked engine from a temporary directory, the same two queries run.

    ``nt`` is the graph's N-Triples when the caller has them (the build does: writing them
    again through rdflib's serializer was a tenth of a corpus's export). A big build does not
    come here: it queries its own store (:func:`build_page`)."""
    with tempfile.TemporaryDirectory(prefix="cqkg-report-") as tmp:
        d = Path(tmp)
        if nt is None:
            data.serialize(d / "cqkg.nt", format="nt", encoding="utf-8")
        else:
            (d / "cqkg.nt").write_bytes(nt if isinstance(nt, bytes) else nt.encode("utf-8"))
        (d / "ontology.ttl").write_bytes((ontology_dir() / "cqkg.ttl").read_bytes())
        return build_page(d)


def build_page(build_dir: Path) -> str:
    """``report.html`` of the build whose ``cqkg.nt`` and ``ontology.ttl`` are in
    ``build_dir``: the two queries on the checked engine opened there, so a big build's page
    is read from the on-disk store the build publishes (``disk_store.write_store``: built on
    first use, kept for ``cqkg serve``) instead of from a second store of its own.

    Why: at 1,000 articles the page's own store (bulk load, ``optimize``, the shipped queries'
    kept answers) was ~25 s of CPU of a rebuild, all of it done again by the build's store.
    The page holds every figure, so its queries have no row cap (a 1,000-article corpus has
    more than the CLI's 10,000 rows: one per figure and evidence span)."""
    engine = open_engine("oxigraph", build_dir)
    every = sys.maxsize
    rows = sections(
        run_query(engine, FIGURES, max_rows=every), run_query(engine, ENTITIES, max_rows=every)
    )
    del engine  # the store is closed before its directory is renamed into place
    return renderer().render(rows, static=True)


__all__ = [
    "ENTITIES",
    "FIGURES",
    "Figure",
    "Label",
    "Report",
    "Section",
    "bar_chart",
    "build_page",
    "rank_table",
    "renderer",
    "sections",
    "served_page",
    "static_page",
]
