"""The neutral answer of a query: plain :class:`Term` values in a :class:`Result`.

Why: both engines (pyoxigraph, rdflib) return this type, so they can be compared row by row, a
worker process can send it over a pipe (pickled, no engine objects), and every output format of
:mod:`graph.sparql.formats` is written from it. The row cap is applied by the engines while they
iterate, before anything beyond ``max_rows + 1`` rows exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term in SPARQL-JSON terms: kind is ``uri``, ``bnode``, ``literal`` or ``triple``."""

    kind: str
    value: str
    datatype: str | None = None  # None for xsd:string and language-tagged literals
    lang: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out

    def n3(self) -> str:
        """N-Triples form: the sort key of graph results and what tests compare."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.kind == "triple":
            return self.value
        text = (
            self.value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if self.lang:
            return f'"{text}"@{self.lang}'
        if self.datatype:
            return f'"{text}"^^<{self.datatype}>'
        return f'"{text}"'

    def short(self) -> str:
        """Compact display for terminal and Markdown tables (prefixed names, plain literals)."""
        if self.kind == "uri":
            for prefix, ns in _prefixes_longest_first():
                if self.value.startswith(ns) and len(self.value) > len(ns):
                    return f"{prefix}:{self.value[len(ns) :]}"
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        return self.value


@cache
def _prefixes_longest_first() -> list[tuple[str, str]]:
    """Read on first display, so importing results (and the CLI's format table) stays free of
    rdflib, which ``graph.namespaces`` loads."""
    from graph.namespaces import PREFIXES

    return sorted(PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0]))


@dataclass(slots=True)
class Result:
    """Answer of one query: ``kind`` is ``select``, ``ask`` or ``graph``."""

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)
    engine_ms: float = 0.0

    def __len__(self) -> int:
        return len(self.triples) if self.kind == "graph" else len(self.rows)
