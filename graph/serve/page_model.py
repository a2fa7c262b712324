"""The model of a resource page at ``GET /id/{path}``: plain dataclasses that
``templates/entity.html`` renders, and the checks that decide which IRIs a page may name.

Everything here is plain text; the template's autoescape does all HTML escaping, and quotes
are handed over as :class:`graph.text.Highlight` strings (before, mark, after), so no HTML is
ever built in Python. :func:`iri_term` is the only way an IRI reaches a query's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from graph.namespaces import PREFIXES
from graph.sparql.results import Term
from graph.text import Highlight, highlight, to_hant

CQR = PREFIXES["cqr"]

#: Paths accepted after ``/id/``; ``.``/``..`` segments and empty segments are refused too.
PATH_RE = re.compile(r"^[A-Za-z0-9_./-]+$")
#: SPARQL IRIREF minus the characters the grammar forbids: safe inside ``<...>``.
IRIREF_SAFE = re.compile(r'^[^\x00-\x20<>"{}|^`\\]+$')
MAX_ROWS = 2000
"""Rows a page shows per query; past it the page says it is truncated."""


def resource_iri(path: str) -> str | None:
    """The ``cqr:`` IRI for a request path, or None when the path is not acceptable."""
    if not PATH_RE.fullmatch(path):
        return None
    if any(seg in ("", ".", "..") for seg in path.split("/")):
        return None
    return CQR + path


def iri_term(iri: str) -> str:
    """``<iri>`` for a query; raises ValueError for anything that could leave the brackets."""
    if not IRIREF_SAFE.fullmatch(iri):
        raise ValueError(f"unsafe IRI {iri!r}")
    return f"<{iri}>"


def page_href(iri: str) -> str:
    """Local page link for a ``cqr:`` IRI whose path would be accepted; else ''."""
    if iri.startswith(CQR) and resource_iri(iri[len(CQR) :]) is not None:
        return "/id/" + iri[len(CQR) :]
    return ""


def short(iri: str) -> str:
    return Term("uri", iri).short()


# ---------------------------------------------------------------- the page model


@dataclass(slots=True)
class Node:
    """A resource as shown on a page: its three labels and a link when it has a local page."""

    iri: str
    hant: str = ""
    hans: str = ""
    en: str = ""

    @property
    def href(self) -> str:
        return page_href(self.iri)

    @property
    def short(self) -> str:
        return short(self.iri)

    @property
    def name(self) -> str:
        """The label a zh-Hant reader sees first (Simplified converted by OpenCC if alone)."""
        return self.hant or (to_hant(self.hans) if self.hans else "") or self.en or self.short

    @property
    def names(self) -> list[str]:
        """繁 / 简 / EN, duplicates dropped."""
        out: list[str] = []
        for label in (self.hant, self.hans, self.en):
            if label and label not in out:
                out.append(label)
        return out or [self.short]


@dataclass(slots=True)
class SpanInfo:
    """A quoted character range with its sentence and section."""

    node: Node
    quote: str = ""
    begin: int | None = None
    end: int | None = None
    raw_begin: int | None = None
    raw_end: int | None = None
    sentence: Node | None = None
    sentence_text: str = ""
    sentence_begin: int | None = None
    section: Node | None = None
    refers_to: list[Node] = field(default_factory=list)
    is_sentence: bool = False

    @property
    def highlight(self) -> Highlight:
        return highlight(self.sentence_text, self.sentence_begin, self.quote, self.begin)


@dataclass(slots=True)
class Target:
    """The other end of a relation, with the evidence spans and (for posts) the next hop."""

    node: Node
    evidence: list[SpanInfo] = field(default_factory=list)
    via: list[tuple[Node, Node]] = field(default_factory=list)  # (property, node)


@dataclass(slots=True)
class Relation:
    """All targets of one property in one direction."""

    prop: Node
    incoming: bool
    targets: list[Target] = field(default_factory=list)


@dataclass(slots=True)
class Figure:
    """One observation with everything a reader needs to check it against the text."""

    node: Node
    indicator: Node | None = None
    stated: list[str] = field(default_factory=list)
    value: str = ""
    unit: Node | None = None
    qualifier: Node | None = None
    rank: str = ""
    scope: Node | None = None
    tier: str = ""
    period: str = ""
    area: Node | None = None
    about: Node | None = None
    sources: list[SpanInfo] = field(default_factory=list)


@dataclass(slots=True)
class MentionGroup:
    section: Node | None
    spans: list[SpanInfo] = field(default_factory=list)


@dataclass(slots=True)
class ChartPoint:
    """One figure on an indicator's series chart: where it is drawn and the quote it links to."""

    cx: float
    cy: float
    href: str
    title: str


@dataclass(slots=True)
class Chart:
    """An indicator's series as numbers for an inline SVG drawn by the template (no script).

    Only numbers and plain text reach the template, which escapes the text; the chart plots
    the figures of one unit (the unit most figures share), period on x, value on y.
    """

    width: int
    height: int
    unit: str
    line: str  # "x,y x,y ..." for the polyline (numbers only)
    points: list[ChartPoint] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_labels: list[tuple[float, str]] = field(default_factory=list)


@dataclass(slots=True)
class Badge:
    """A consistency check of one of the indicator's growth figures (graph/pipeline/checks.py)."""

    status: str  # consistent | inconsistent | uncheckable
    growth: Node
    comment: str


@dataclass(slots=True)
class Page:
    """Everything ``entity.html`` shows for one resource."""

    node: Node
    kind: str  # entity | observation | span | theme | indicator
    classes: list[Node] = field(default_factory=list)
    alt_labels: list[str] = field(default_factory=list)
    literals: list[tuple[Node, str]] = field(default_factory=list)
    outgoing: list[Relation] = field(default_factory=list)
    incoming: list[Relation] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    mentions: list[MentionGroup] = field(default_factory=list)
    span: SpanInfo | None = None
    derived: list[Node] = field(default_factory=list)  # things derived from a span
    assertions: list[tuple[Node, Node, Node]] = field(default_factory=list)
    inner_spans: list[SpanInfo] = field(default_factory=list)
    members: list[tuple[Node, list[Node]]] = field(default_factory=list)  # theme: class, nodes
    truncated: bool = False
    chart: Chart | None = None  # indicator pages: the series (issue 10)
    checks: list[Badge] = field(default_factory=list)  # indicator pages: growth checks

    @property
    def mention_count(self) -> int:
        return sum(len(g.spans) for g in self.mentions)


# ---------------------------------------------------------------- helpers


def humanize(iri: str) -> str:
    """'http://www.w3.org/ns/org#postIn' -> 'post in': a readable name for unlabelled terms."""
    local = re.split(r"[#/]", iri)[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower() or iri


def format_decimal(text: str) -> str:
    """'26370000.0' -> '26,370,000'; '63.90' -> '63.9'; anything else unchanged."""
    try:
        d = Decimal(text).normalize()
    except (InvalidOperation, ValueError):
        return text
    return format(d, ",f")


__all__ = [
    "MAX_ROWS",
    "PATH_RE",
    "Badge",
    "Chart",
    "ChartPoint",
    "Figure",
    "MentionGroup",
    "Node",
    "Page",
    "Relation",
    "SpanInfo",
    "Target",
    "format_decimal",
    "humanize",
    "iri_term",
    "page_href",
    "resource_iri",
    "short",
]
