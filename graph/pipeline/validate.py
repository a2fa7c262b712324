"""Validate: the gate between assembling a graph and publishing it.

A build is published only if all of these hold (each failure names the node and the rule):

1. pySHACL conforms (``ontology/shapes.ttl`` against the data graph, with the ontology as
   ``ont_graph`` so ``sh:class`` sees the subclass hierarchy);
2. the graph uses no ``cqo:`` term the ontology does not declare;
3. every span's quote equals the cleaned text at its offsets, and its raw offsets are the
   ones the offset map gives (so the quote traces back to the raw bytes);
4. count bounds from the source manifest's ``[expected]`` table hold (a silently shrunken
   graph fails instead of shipping);
5. no stage reported an ERROR finding (e.g. a registry entity with no mention).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from graph.model import CleanText, Finding, Level
from graph.namespaces import CQO_IRI, NIF, SH
from graph.triple_index import index_of, on_memory
from graph.vocab import (
    CQO,
    declared_terms,
    load_ontology,
    load_shapes,
    undeclared_terms,
)


@dataclass(frozen=True, slots=True)
class Problem:
    rule: str  # shacl | undeclared-term | quote | raw-offset | count-bound | finding
    node: str
    message: str


@dataclass(slots=True)
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)
    shacl_text: str = ""
    shacl_conforms: bool = True
    checked_spans: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self, limit: int = 20) -> str:
        lines = [f"{len(self.problems)} validation problem(s):"]
        for p in self.problems[:limit]:
            lines.append(f"  [{p.rule}] {p.node}: {p.message}")
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more (see the report file)")
        return "\n".join(lines)


FULL_VALIDATION_ENV = "CQKG_FULL_VALIDATION"
"""Set to ``1`` to run pySHACL exactly as shipped (no speed-ups): the reference the tests use."""


class _SetBackedList(list[Any]):
    """pySHACL's list of constraint parameters, with a set answering ``in``.

    pySHACL (0.40) tests every predicate of a shape against this list with ``p in list`` for
    every focus node it validates: a linear scan of ``URIRef.__eq__`` that was 20 % of the
    whole validation. Membership of an ``URIRef`` in a set is the same answer (rdflib terms
    hash and compare by type and text); the order pySHACL evaluates constraints in comes from
    the shape's own triples, not from this list, so results are unchanged.
    """

    def __init__(self, items: Sequence[Any]) -> None:
        super().__init__(items)
        self._members = set(items)

    def __contains__(self, item: object) -> bool:
        return item in self._members

    def copy(self) -> _SetBackedList:
        return _SetBackedList(self)

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)


_PARSED_SPARQL: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], Any] = {}
"""Translated SPARQL by (text, base, prefixes): a pure function of its key, kept across builds."""


@contextmanager
def _fast_pyshacl() -> Iterator[None]:
    """Two pure speed-ups of pySHACL for the length of one validation, then undone.

    * SPARQL text is parsed and translated once per distinct text: pySHACL hands rdflib the
      same constraint text for every focus node (bindings go in ``initBindings``), and rdflib
      re-parses a string each time. A translated query is what ``prepareQuery`` gives for
      reuse with different bindings, so evaluation is unchanged.
    * the constraint-parameter list answers ``in`` from a set (see ``_SetBackedList``).

    ``CQKG_FULL_VALIDATION=1`` switches both off; ``tests/pipeline/test_validate_fast.py``
    proves the results are the same with and without them.
    """
    if os.environ.get(FULL_VALIDATION_ENV) == "1":
        yield
        return
    import pyshacl.shape as shape_module
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    from rdflib.plugins.sparql import processor

    original_query = processor.SPARQLProcessor.query
    parsed = _PARSED_SPARQL

    def query(
        self: Any,
        q: Any,
        initBindings: Any = None,
        initNs: Any = None,
        base: Any = None,
        DEBUG: bool = False,
    ) -> Any:
        if isinstance(q, str):
            key = (q, base, tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items())))
            if key not in parsed:
                parsed[key] = processor.translateQuery(processor.parseQuery(q), base, initNs)
            q = parsed[key]
        return original_query(self, q, initBindings, initNs, base, DEBUG)

    had_params = hasattr(shape_module, "CONSTRAINT_PARAMS")
    old_params = getattr(shape_module, "CONSTRAINT_PARAMS", None)
    processor.SPARQLProcessor.query = query  # type: ignore[method-assign, assignment]
    shape_module.CONSTRAINT_PARAMS = (  # type: ignore[attr-defined]
        _SetBackedList(ALL_CONSTRAINT_PARAMETERS),
        CONSTRAINT_PARAMETERS_MAP,
    )
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original_query  # type: ignore[method-assign]
        if had_params:
            shape_module.CONSTRAINT_PARAMS = old_params  # type: ignore[attr-defined]
        else:
            del shape_module.CONSTRAINT_PARAMS  # type: ignore[attr-defined]


def pyshacl_results(data: Graph, shapes: Graph | None = None) -> tuple[bool, Graph, str]:
    """pySHACL's own answer (conforms, results graph, text), with the speed-ups above;
    ``shapes`` defaults to ``ontology/shapes.ttl``."""
    from pyshacl import validate as shacl_validate  # slow import: only when validating

    if os.environ.get(FULL_VALIDATION_ENV) == "1":
        conforms, results, text = shacl_validate(
            on_memory(data),
            shacl_graph=load_shapes() if shapes is None else shapes,
            ont_graph=load_ontology(),
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
        return bool(conforms), results, str(text)
    # pySHACL would clone ``data`` term by term to mix the ontology in; one bulk ``addN`` into a
    # private graph gives the same triples (ids kept), validated in place.
    mixed = Graph(identifier=data.identifier)
    mixed.addN((s, p, o, mixed) for s, p, o in data)
    mixed.addN((s, p, o, mixed) for s, p, o in load_ontology())
    with _fast_pyshacl():
        conforms, results, text = shacl_validate(
            mixed,
            shacl_graph=load_shapes() if shapes is None else shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            inplace=True,
        )
    return bool(conforms), results, str(text)


SHACL_LIBRARIES = ("rdflib", "pyshacl", "owlrl", "pyparsing")
"""Libraries whose version is part of a cached SHACL result's key."""


def shacl_key(nt: str | bytes, kind: str = "whole") -> str:
    """The key of a graph's SHACL result: its sorted N-Triples, which shapes (``kind``: the
    whole set, the local or the other shapes, ``graph.pipeline.validate_local``), the shapes and
    ontology files, the code (``cache.package_digest`` covers ``ontology/`` and this module)
    and the libraries.

    pySHACL's answer is a pure function of exactly these (no inference, fixed options), so a
    stored result under the same key is the answer a fresh run gives. ``cqkg.nt``'s text is
    used because it is canonical for our graphs (sorted lines, no blank nodes) and the build
    computes it anyway.
    """
    from graph.pipeline import cache

    return cache.digest("cqkg-shacl 1", kind, nt, cache.package_digest(SHACL_LIBRARIES))


def shacl(
    data: Graph, nt: str | bytes | None = None, store: Any = None
) -> tuple[bool, list[Problem], str]:
    """SHACL's violations of ``data`` as problems (pySHACL's answer); with ``store`` (a
    ``graph.pipeline.cache.SourceCache``) and ``nt`` (``export.ntriples(data)``) through the
    result cache, so an unchanged graph is one lookup.

    A changed graph is validated whole by the set-wise engine (``shacl.engine``) when it
    reproduces pySHACL on the shapes; otherwise by pySHACL with the span shapes per source
    (``validate_local``). Why not split for the engine as well: there, cutting the graph into
    parts costs more than the span shapes it saves (100 articles: 6.6 s split vs 2.3 s whole).

    ``CQKG_FULL_VALIDATION=1`` never splits, never uses the engine and never reads or writes
    the cache: it is the reference.
    """
    if store is None or nt is None or os.environ.get(FULL_VALIDATION_ENV) == "1":
        return _shacl(data, None, nt)
    from graph.pipeline import validate_local

    def compute() -> tuple[bool, list[Problem], str]:
        if _engine_enabled() and engine_accepts(load_shapes()):
            return _shacl(data, None, nt)
        split = validate_local.split_run(
            data, nt, store, _shacl, lambda kind, text: shacl_key(text, kind)
        )
        return _shacl(data, None, nt) if split is None else split

    return validate_local.cached(store, "shacl", shacl_key(nt), compute)


def _engine_enabled() -> bool:
    return os.environ.get(FULL_VALIDATION_ENV) != "1" and os.environ.get(ENGINE_ENV) != "pyshacl"


def engine_accepts(shapes: Graph) -> bool:
    """The set-wise engine reproduces pySHACL on ``shapes`` (a data graph may still make it
    step aside, e.g. a blank node in a SPARQL result)."""
    from graph.pipeline.shacl.shapes import program
    from graph.pipeline.shacl.terms import Unsupported

    try:
        program(shapes)
    except Unsupported:
        return False
    return True


ENGINE_ENV = "CQKG_SHACL_ENGINE"
"""Set to ``pyshacl`` to validate with pySHACL (with the speed-ups above) instead of the
set-wise engine (``graph.pipeline.shacl``), e.g. to compare the two."""


def _shacl(
    data: Graph, shapes: Graph | None = None, nt: str | bytes | None = None
) -> tuple[bool, list[Problem], str]:
    """SHACL's problems of ``data``: the set-wise engine where it reproduces pySHACL
    (``shacl.engine``), pySHACL itself otherwise and always under ``CQKG_FULL_VALIDATION=1``.
    ``nt`` is ``export.ntriples(data)`` when the caller has it (it spares a serialization)."""
    if _engine_enabled():
        got = engine_shacl(data, shapes, nt)
        if got is not None:
            return got
    return pyshacl_shacl(data, shapes)


def engine_shacl(
    data: Graph, shapes: Graph | None = None, nt: str | bytes | None = None
) -> tuple[bool, list[Problem], str] | None:
    """The set-wise engine's answer, or None when it cannot promise pySHACL's (then the caller
    runs pySHACL): shapes or data outside what it reproduces, or any error of its own. The
    text is a plain list of the problems, not pySHACL's prose report."""
    from graph.pipeline.shacl import engine
    from graph.pipeline.shacl.terms import Unsupported

    try:
        rows = engine.validate(
            data, load_shapes() if shapes is None else shapes, load_ontology(), nt
        )
    except Unsupported:
        return None
    except Exception:  # a failure of the shortcut is never the build's answer
        # pySHACL decides then (and fails the same way if the input itself is the cause); the
        # tests call this function directly and require an answer, so a bug here still shows.
        return None
    problems = sorted(
        (
            Problem("shacl", str(focus), f"{message} (path {path}, shape {shape})")
            for focus, path, shape, message in rows
        ),
        key=lambda p: (p.node, p.message),
    )
    lines = [
        "Validation Report (cqkg set-wise engine, same results as pySHACL)",
        f"Conforms: {not problems}",
        *(f"  {p.node}: {p.message}" for p in problems),
    ]
    return not problems, problems, "\n".join(lines)


def pyshacl_shacl(data: Graph, shapes: Graph | None = None) -> tuple[bool, list[Problem], str]:
    """pySHACL's problems of ``data`` (the reference the engine is compared with)."""
    conforms, results, text = pyshacl_results(data, shapes)
    problems: list[Problem] = []
    for result in sorted(results.subjects(RDF.type, SH.ValidationResult), key=str):
        severity = results.value(result, SH.resultSeverity)
        if severity is not None and severity != SH.Violation:
            continue
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        shape = results.value(result, SH.sourceShape)
        problems.append(
            Problem(
                "shacl",
                str(focus),
                f"{message} (path {path}, shape {shape})",
            )
        )
    problems.sort(key=lambda p: (p.node, p.message))
    return conforms or not problems, problems, text


def _int(node: object) -> int:
    """An offset literal as int; -1 when missing (SHACL reports the missing value itself)."""
    return int(str(node)) if isinstance(node, Literal) else -1


def quotes(data: Graph, cleans: Mapping[str, CleanText]) -> tuple[int, list[Problem]]:
    """Every span: quote == clean text at offsets; raw offsets == the offset map's."""
    from graph.pipeline.assemble import source_iri

    by_source = {source_iri(sid): c for sid, c in cleans.items()}
    problems: list[Problem] = []
    checked = 0
    own = index_of(data)
    value = own.value if own is not None else (lambda s, p: data.value(s, p))
    for span in sorted(set(data.subjects(RDF.type, CQO.Span)), key=str):
        ctx = value(span, NIF.referenceContext)
        clean = by_source.get(ctx) if isinstance(ctx, URIRef) else None
        if clean is None:
            problems.append(Problem("quote", str(span), f"unknown reference context {ctx}"))
            continue
        begin = _int(value(span, NIF.beginIndex))
        end = _int(value(span, NIF.endIndex))
        quote = str(value(span, NIF.anchorOf))
        checked += 1
        if not 0 <= begin < end <= len(clean.text) or clean.text[begin:end] != quote:
            problems.append(
                Problem("quote", str(span), f"quote {quote!r} != source text [{begin}, {end})")
            )
            continue
        raw_b = _int(value(span, CQO.rawBeginIndex))
        raw_e = _int(value(span, CQO.rawEndIndex))
        if (raw_b, raw_e) != clean.raw_span(begin, end):
            problems.append(
                Problem("raw-offset", str(span), f"raw [{raw_b}, {raw_e}) != offset map")
            )
    return checked, problems


_CQO_TERM = re.compile(b"<(" + re.escape(CQO_IRI.encode("utf-8")) + b'[^<>"]*)>')
"""A ``cqo:`` IRI as N-Triples writes it; also matches such text inside a literal (a superset,
narrowed by :func:`undeclared`), never less: an IRI term holds no ``<``, ``>`` or ``"``."""


def undeclared(data: Graph, nt: str | bytes | None = None) -> list[URIRef]:
    """``graph.vocab.undeclared_terms(data)``, read off ``nt`` (``data``'s N-Triples) if given.

    Why: walking every node of every triple in Python was ~7 % of a 100-article rebuild. The
    IRIs in the text are a superset of the terms (a literal may hold such text), so each
    undeclared one - normally none - is looked up in the graph in every position, and the
    answer is exactly ``undeclared_terms``'s, sorted the same way.
    """
    if nt is None:
        return undeclared_terms(data)
    raw = nt if isinstance(nt, bytes) else nt.encode("utf-8")
    seen = {m.decode("utf-8") for m in set(_CQO_TERM.findall(raw))}
    declared = {str(t) for t in declared_terms()}
    out = []
    for iri in sorted(seen - declared):
        t = URIRef(iri)
        if (t, None, None) in data or (None, t, None) in data or (None, None, t) in data:
            out.append(t)
    return out


def count_bounds(counts: Mapping[str, int], expected: Mapping[str, int]) -> list[Problem]:
    problems = []
    for key, minimum in sorted(expected.items()):
        actual = counts.get(key, 0)
        if actual < minimum:
            problems.append(Problem("count-bound", key, f"{actual} < expected minimum {minimum}"))
    return problems


def run(
    data: Graph,
    cleans: Mapping[str, CleanText],
    counts: Mapping[str, int],
    expected: Mapping[str, int],
    findings: Sequence[Finding],
    *,
    nt: str | bytes | None = None,
    store: Any = None,
    shacl_result: tuple[bool, list[Problem], str] | None = None,
) -> ValidationReport:
    """Every gate of the module docstring; SHACL through the result cache (see ``shacl``),
    or ``shacl_result`` when the caller already has ``shacl(data, nt, store)``'s answer
    (``graph.pipeline.overlap`` computes it in a child while the files are rendered)."""
    report = ValidationReport()
    for f in findings:
        if f.level == Level.ERROR:
            where = f" at [{f.begin}, {f.end})" if f.begin is not None else ""
            report.problems.append(Problem("finding", f"{f.stage}/{f.code}", f.message + where))
    for term in undeclared(data, nt):
        report.problems.append(Problem("undeclared-term", str(term), "not declared in ontology"))
    report.checked_spans, quote_problems = quotes(data, cleans)
    report.problems.extend(quote_problems)
    report.problems.extend(count_bounds(counts, expected))
    conforms, shacl_problems, text = (
        shacl(data, nt, store) if shacl_result is None else shacl_result
    )
    report.shacl_conforms = conforms
    report.shacl_text = text
    report.problems.extend(shacl_problems)
    return report
