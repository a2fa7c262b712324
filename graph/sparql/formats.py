"""One format registry: every output format of a query result is one row of :data:`FORMATS`.

A :class:`Format` names its media types (the first is sent as Content-Type, the others are
accepted aliases), file suffix, the result kind it writes (``solutions`` for SELECT/ASK,
``graph`` for CONSTRUCT/DESCRIBE), its W3C format IRI and its writer. ``cqkg query --format``,
the endpoint's content negotiation and ``format=``, and the service description's
``sd:resultFormat`` list all read this table, so adding a format is one :func:`register` call.

Why the writers look as they do: the W3C formats (SPARQL results JSON/XML/CSV/TSV; Turtle,
N-Triples, RDF/XML, JSON-LD) are written by pyoxigraph's own serializers, whichever engine
answered: a :class:`~graph.sparql.results.Result` is handed to pyoxigraph as SPARQL-JSON (the
one lossless exchange form its parser reads; rdflib results go the same way). Only the human
formats (the terminal table and Markdown) are ours. pyoxigraph is imported when a result is
written, never when this module is, so ``cqkg query`` starts without it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

from graph.sparql.results import Result, Term

Kind = Literal["solutions", "graph"]
W3C = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True, slots=True)
class Format:
    """One output format. ``served`` is false for formats only the CLI offers (table, md)."""

    name: str
    media_types: tuple[str, ...]
    suffix: str
    kind: Kind
    write: Callable[[Result], str]
    iri: str = ""
    served: bool = True

    @property
    def media_type(self) -> str:
        """The media type sent as Content-Type."""
        return self.media_types[0]

    def fits(self, result_kind: str) -> bool:
        """Whether this format writes a result of ``kind`` ``select``/``ask``/``graph``."""
        return (self.kind == "graph") == (result_kind == "graph")


# ---------------------------------------------------------------- W3C formats, via pyoxigraph


def _sparql_json(result: Result) -> bytes:
    """The result as SPARQL-JSON bytes: the exchange form handed to pyoxigraph's parser."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}).encode()
    bindings = [
        {v: t.to_json() for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _solutions_writer(ox_format: str) -> Callable[[Result], str]:
    """Writer of a SPARQL results format by its ``pyoxigraph.QueryResultsFormat`` name."""

    def write(result: Result) -> str:
        import pyoxigraph as ox

        fmt = getattr(ox.QueryResultsFormat, ox_format)
        parsed = ox.parse_query_results(_sparql_json(result), format=ox.QueryResultsFormat.JSON)
        data = parsed.serialize(format=fmt)
        return data.decode("utf-8") if data else ""

    return write


def _ox_term(t: Term) -> Any:
    import pyoxigraph as ox

    if t.kind == "uri":
        return ox.NamedNode(t.value)
    if t.kind == "bnode":
        return ox.BlankNode(t.value)
    if t.lang:
        return ox.Literal(t.value, language=t.lang)
    if t.datatype:
        return ox.Literal(t.value, datatype=ox.NamedNode(t.datatype))
    return ox.Literal(t.value)


def _graph_writer(
    ox_format: str, prefixed: bool = False, sort: bool = False
) -> Callable[[Result], str]:
    """Writer of an RDF format by its ``pyoxigraph.RdfFormat`` name.

    ``prefixed``: declare the vocabulary prefixes the triples use. ``cqr:`` local names contain
    '/', which Turtle would have to escape (``cqr:obs\\/...``), so resource IRIs stay in full.
    ``sort``: a line-based format whose lines are sorted, so the output is deterministic.
    """

    def write(result: Result) -> str:
        import pyoxigraph as ox

        from graph.namespaces import PREFIXES  # rdflib: loaded only when a graph is written

        triples = [ox.Triple(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in result.triples]
        used = None
        if prefixed:
            used = {
                p: ns
                for p, ns in PREFIXES.items()
                if p != "cqr"
                and any(
                    t.value.startswith(ns) for tr in result.triples for t in tr if t.kind == "uri"
                )
            }
        data = ox.serialize(triples, format=getattr(ox.RdfFormat, ox_format), prefixes=used)
        text = data.decode("utf-8") if data else ""
        if sort:
            return "".join(line + "\n" for line in sorted(text.splitlines()))
        return text

    return write


# ---------------------------------------------------------------- human formats (ours)


def _width(text: str) -> int:
    """Terminal columns: East Asian wide/fullwidth characters take two."""
    return sum(
        0
        if unicodedata.combining(ch)
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def _cell(term: Term | None) -> str:
    if term is None:
        return ""
    return term.short().replace("\n", "⏎").replace("\t", " ")


_NUMERIC = (
    "http://www.w3.org/2001/XMLSchema#integer",
    "http://www.w3.org/2001/XMLSchema#decimal",
    "http://www.w3.org/2001/XMLSchema#double",
    "http://www.w3.org/2001/XMLSchema#float",
    "http://www.w3.org/2001/XMLSchema#nonNegativeInteger",
)


def _is_number(term: Term | None) -> bool:
    return term is None or (term.datatype or "") in _NUMERIC


def _table(result: Result) -> str:
    headers = result.variables
    cells = [[_cell(t) for t in row] for row in result.rows]
    numeric = [
        bool(result.rows) and all(_is_number(row[i]) for row in result.rows)
        for i in range(len(headers))
    ]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    for r in cells:
        line = "  ".join(
            _pad(c, w, numeric[i]) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        lines.append(line.rstrip())
    n = len(result.rows)
    lines.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines) + "\n"


def _markdown(result: Result) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(result.variables) + " |"]
    lines.append("|" + "|".join("---" for _ in result.variables) + "|")
    for row in result.rows:
        lines.append("| " + " | ".join(esc(_cell(t)) for t in row) + " |")
    return "\n".join(lines) + "\n"


def _human(writer: Callable[[Result], str]) -> Callable[[Result], str]:
    """A SELECT writer that also answers ASK, as the bare word ``true`` or ``false``."""

    def write(result: Result) -> str:
        if result.kind == "ask":
            return ("true" if result.boolean else "false") + "\n"
        return writer(result)

    return write


# ---------------------------------------------------------------- the registry

FORMATS: dict[str, Format] = {}
"""Every format by name, in the order they are offered (the first of a kind is its default)."""


def register(fmt: Format) -> Format:
    """Add (or replace) a format: the CLI, the negotiation and the service description offer it."""
    FORMATS[fmt.name] = fmt
    return fmt


for _row in (
    Format("table", ("text/plain",), "txt", "solutions", _human(_table), served=False),
    Format(
        "json",
        ("application/sparql-results+json", "application/json"),
        "srj",
        "solutions",
        _solutions_writer("JSON"),
        W3C + "SPARQL_Results_JSON",
    ),
    Format(
        "xml",
        ("application/sparql-results+xml", "application/xml"),
        "srx",
        "solutions",
        _solutions_writer("XML"),
        W3C + "SPARQL_Results_XML",
    ),
    Format(
        "csv",
        ("text/csv",),
        "csv",
        "solutions",
        _solutions_writer("CSV"),
        W3C + "SPARQL_Results_CSV",
    ),
    Format(
        "tsv",
        ("text/tab-separated-values",),
        "tsv",
        "solutions",
        _solutions_writer("TSV"),
        W3C + "SPARQL_Results_TSV",
    ),
    Format("md", ("text/markdown",), "md", "solutions", _human(_markdown), served=False),
    Format(
        "turtle",
        ("text/turtle",),
        "ttl",
        "graph",
        _graph_writer("TURTLE", prefixed=True),
        W3C + "Turtle",
    ),
    Format(
        "nt",
        ("application/n-triples",),
        "nt",
        "graph",
        _graph_writer("N_TRIPLES", sort=True),
        W3C + "N-Triples",
    ),
    Format(
        "jsonld",
        ("application/ld+json",),
        "jsonld",
        "graph",
        _graph_writer("JSON_LD"),
        W3C + "JSON-LD",
    ),
    Format(
        "rdfxml",
        ("application/rdf+xml",),
        "rdf",
        "graph",
        _graph_writer("RDF_XML"),
        W3C + "RDF_XML",
    ),
):
    register(_row)


def by_name(name: str) -> Format | None:
    """The format called ``name`` (``--format`` / ``format=``), or None."""
    return FORMATS.get(name)


def offered(kind: str | None = None, *, served: bool | None = None) -> list[Format]:
    """Formats in registry order, of one result kind (``select``/``ask``/``graph``) if given,
    and only those the endpoint serves (or only the CLI's) if ``served`` is given."""
    return [
        f
        for f in FORMATS.values()
        if (kind is None or f.fits(kind)) and (served is None or f.served == served)
    ]


def format_result(result: Result, name: str) -> str:
    """Write ``result`` in the format called ``name``; ``ValueError`` on an unknown name or a
    format of the other kind (``table`` on a graph result means Turtle, as at the terminal)."""
    if result.kind == "graph" and name == "table":
        name = "turtle"
    fmt = by_name(name)
    if fmt is None:
        raise ValueError(f"--format {name}: unknown format")
    if not fmt.fits(result.kind):
        what = "CONSTRUCT/DESCRIBE" if result.kind == "graph" else "SELECT/ASK"
        names = ", ".join(f.name for f in offered(result.kind))
        raise ValueError(f"--format {name}: a {what} result needs one of {names}")
    return fmt.write(result)


# ---------------------------------------------------------------- content negotiation


def accepted(accept: str) -> list[str]:
    """Media types from an Accept header, best first (q-values honoured, q=0 dropped)."""
    items = []
    for i, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            items.append((-q, i, media))
    return [m for _, _, m in sorted(items)]


def _matches(media: str, kind: str) -> Iterator[Format]:
    """Served formats of ``kind`` named by one Accept entry; ``Format.media_type`` is the entry
    itself when it names an alias (``application/json`` is answered as ``application/json``)."""
    served = offered(kind, served=True)
    for f in served:
        if media == f.media_type:
            yield f
        elif media in f.media_types:
            yield replace(f, media_types=(media, *[m for m in f.media_types if m != media]))
    if media in ("*/*", "application/*") or (media == "text/html" and kind != "graph"):
        yield served[0]
    if media == "text/*":
        yield from (f for f in served if f.media_type.startswith("text/"))


def negotiate(accept: str | None, kind: str) -> Format | None:
    """The served format for a result of ``kind`` (``select``/``ask``/``graph``) that the Accept
    header prefers; the kind's first format when there is no header; None means 406."""
    if not accept:
        return offered(kind, served=True)[0]
    for media in accepted(accept):
        for f in _matches(media, kind):
            return f
    return None


def acceptable(accept: str | None) -> bool:
    """Whether the Accept header names any served format (checked before a query runs)."""
    if not accept:
        return True
    return any(
        any(next(_matches(m, kind), None) for kind in ("select", "graph")) or m == "text/html"
        for m in accepted(accept)
    )


RESULT_FORMATS = tuple(f.name for f in offered("select"))
"""Names of the SELECT/ASK formats registered at import (for help texts)."""
GRAPH_FORMATS = tuple(f.name for f in offered("graph"))
"""Names of the CONSTRUCT/DESCRIBE formats registered at import (for help texts)."""
