"""The one engine path: open the build in a checked engine and run a query through the pre-check.

Every entry point queries the graph through here: ``cqkg query`` (:func:`run_query`), the
endpoint's workers (:mod:`graph.sparql.workers`), ``cqkg view`` and its analysis
(:func:`open_oxigraph` + :func:`run_query`) and ``cqkg compare``.

Why this shape:

* **Pre-checks before any parser runs.** pyoxigraph segfaults on deeply nested queries and both
  engines will follow ``SERVICE`` (pyoxigraph through a Rust HTTP client no Python audit hook can
  see), so size, nesting depth, Update forms, ``SERVICE``/``LOAD`` and ``FROM`` IRIs are decided
  by :mod:`graph.sparql.safety` first (:func:`precheck`).
* **One neutral result type.** Both engines (pyoxigraph, the default; rdflib, the cross-check)
  return a :class:`~graph.sparql.results.Result`, written out by :mod:`graph.sparql.formats`.
* **A big build is opened from disk.** Its on-disk store (:mod:`graph.sparql.disk_store`) is
  built once and opened read-only, with the shipped queries' answers kept beside it
  (:mod:`graph.sparql.kept_answers`).

Nothing is re-exported: the catalogue, result, format, store and worker names are imported from
the modules that define them (``graph.sparql.catalogue``, ``results``, ``formats``, ``disk_store``,
``workers``), so an import says where the code lives.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from graph.model import InputError
from graph.namespaces import PREFIXES
from graph.sparql.disk_store import (
    ANSWERS_SUFFIX,
    build_files,
    load_into,
    persistent_store,
    wants_store,
    write_store,
)
from graph.sparql.errors import QueryError, QueryRejected, TooManyRows
from graph.sparql.kept_answers import KeptAnswers
from graph.sparql.results import RDF_LANGSTRING, XSD_STRING, Result, Term
from graph.sparql.safety import (
    DATA_GRAPH,
    MAX_NESTING,
    ONTOLOGY_GRAPH,
    canonical,
    check,
    deep,
    parse_query,
    syntax_error,
    tokens,
    walk_tree,
)

__all__ = [
    "OxigraphEngine",
    "RdflibEngine",
    "open_engine",
    "open_oxigraph",
    "precheck",
    "run_query",
]

EngineName = Literal["oxigraph", "rdflib"]


# ---------------------------------------------------------------- safety check


def precheck(query: str, graphs: Iterable[str] = (DATA_GRAPH, ONTOLOGY_GRAPH)) -> bool:
    """Refuse hazardous queries; raise a :class:`QueryError` subclass (see
    :func:`graph.sparql.safety.check`: size, NUL and depth before any parser, then the SPARQL
    1.1 grammar after the codepoint-escape step, walked for SERVICE, Update, FROM).

    Returns True when the query has a ``FROM``/``FROM NAMED`` clause (all IRIs checked), so the
    engine knows not to impose the union default graph over the query's own dataset.
    """
    return check(query, graphs).has_from


def _has_from(text: str) -> bool:
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in tokens(text))


# ---------------------------------------------------------------- engines


class _Engine:
    name: EngineName
    graphs: tuple[str, ...] = (DATA_GRAPH, ONTOLOGY_GRAPH)

    def execute(self, query: str, *, max_rows: int) -> Result:  # pragma: no cover - abstract
        raise NotImplementedError


class OxigraphEngine(_Engine):
    """pyoxigraph store (in memory, or read-only on disk for big builds); never exposed for
    writing (only ``Store.query`` is called). A big build's store comes with the shipped
    queries' answers (:func:`graph.sparql.kept_answers.keep_answers`), returned for exactly
    those query texts."""

    name: EngineName = "oxigraph"

    def __init__(self, build_dir: Path) -> None:
        import pyoxigraph as ox

        data, onto = build_files(build_dir)
        self._ox = ox
        self._answers: KeptAnswers | None = None
        try:
            store = None
            if wants_store(build_dir):
                store = persistent_store(build_dir)
                final = write_store(build_dir) if store is not None else None
                if final is not None:
                    answers = final.parent / f"{final.name}{ANSWERS_SUFFIX}"
                    self._answers = KeptAnswers(answers) if answers.is_dir() else None
            if store is None:
                store = ox.Store()
                load_into(store, data, onto)
            self.store = store
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"{build_dir}: cannot load the build: {exc}") from exc

    @classmethod
    def on_store(cls, store: Any) -> OxigraphEngine:
        """An engine over a store already open and no kept answers: what
        :func:`graph.sparql.kept_answers.keep_answers` answers the shipped queries with on a
        store still being built (not yet where :meth:`__init__` would open it)."""
        import pyoxigraph as ox

        engine = cls.__new__(cls)
        engine.store, engine._ox, engine._answers = store, ox, None
        return engine

    def _term(self, t: Any) -> Term:
        ox = self._ox
        if isinstance(t, ox.NamedNode):
            return Term("uri", t.value)
        if isinstance(t, ox.BlankNode):
            return Term("bnode", t.value)
        if isinstance(t, ox.Literal):
            dt = t.datatype.value
            lang = t.language
            return Term(
                "literal", t.value, None if dt in (XSD_STRING, RDF_LANGSTRING) else dt, lang
            )
        return Term("triple", str(t))

    def execute(self, query: str, *, max_rows: int) -> Result:
        """Run ``query`` as :func:`canonical` spells it: the characters the safety check read."""
        start = time.perf_counter()
        text = canonical(query)
        kept = self._answers.get(text) if self._answers is not None else None
        if kept is not None:
            if len(kept) > max_rows:
                raise TooManyRows(max_rows)
            return Result(
                kept.kind,
                variables=list(kept.variables),
                rows=list(kept.rows),
                boolean=kept.boolean,
                triples=list(kept.triples),
                engine_ms=(time.perf_counter() - start) * 1000,
            )
        union = not _has_from(text)
        try:
            res = self.store.query(text, prefixes=PREFIXES, use_default_graph_as_union=union)
        except SyntaxError as exc:
            raise syntax_error(query, str(exc)) from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from None
        try:  # solutions are computed while iterating: evaluation errors surface here
            out = self._collect(res, max_rows)
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from None
        out.engine_ms = (time.perf_counter() - start) * 1000
        return out

    def _collect(self, res: Any, max_rows: int) -> Result:
        """Rows or triples of a pyoxigraph result, stopping at ``max_rows + 1``."""
        ox = self._ox
        if isinstance(res, ox.QueryBoolean):
            return Result("ask", boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            rows: list[tuple[Term | None, ...]] = []
            for sol in res:
                if len(rows) >= max_rows:
                    raise TooManyRows(max_rows)
                rows.append(
                    tuple(None if sol[v] is None else self._term(sol[v]) for v in variables)
                )
            return Result("select", variables=variables, rows=rows)
        triples: list[tuple[Term, Term, Term]] = []
        for t in res:
            if len(triples) >= max_rows:
                raise TooManyRows(max_rows)
            triples.append((self._term(t.subject), self._term(t.predicate), self._term(t.object)))
        return Result("graph", triples=triples)


class RdflibEngine(_Engine):
    """rdflib ``Dataset`` with a union default graph; remote graph loading switched off."""

    name: EngineName = "rdflib"

    def __init__(self, build_dir: Path) -> None:
        import rdflib
        import rdflib.plugins.sparql as rsparql
        from rdflib.plugins.sparql.processor import prepareQuery  # noqa: F401 - warm import

        # FROM <iri> must never fetch anything; the union default graph matches pyoxigraph.
        rsparql.SPARQL_LOAD_GRAPHS = False
        rsparql.SPARQL_DEFAULT_GRAPH_UNION = True
        if rsparql.SPARQL_LOAD_GRAPHS:  # pragma: no cover - guard against a changed rdflib
            raise RuntimeError("rdflib SPARQL_LOAD_GRAPHS must be False")
        data, onto = build_files(build_dir)
        self._rdflib = rdflib
        self.dataset = rdflib.Dataset(default_union=True)
        try:
            self.dataset.graph(rdflib.URIRef(DATA_GRAPH)).parse(str(data), format="nt")
            if onto is not None:
                self.dataset.graph(rdflib.URIRef(ONTOLOGY_GRAPH)).parse(str(onto), format="turtle")
        except Exception as exc:
            raise InputError(f"{build_dir}: cannot load the build: {exc}") from exc
        self._ns = {k: rdflib.Namespace(v) for k, v in PREFIXES.items()}

    def _term(self, t: Any) -> Term:
        rdflib = self._rdflib
        if isinstance(t, rdflib.URIRef):
            return Term("uri", str(t))
        if isinstance(t, rdflib.BNode):
            return Term("bnode", str(t))
        if isinstance(t, rdflib.Literal):
            dt = str(t.datatype) if t.datatype is not None else None
            if dt in (XSD_STRING, RDF_LANGSTRING):
                dt = None
            return Term("literal", str(t), dt, t.language)
        return Term("triple", str(t))

    def _prepare(self, text: str) -> Any:
        """Parse and translate; prefixed names get their ``\\/``-style escapes undone first
        (rdflib keeps them in the IRI, so ``cqr:graph\\/data`` would name no graph)."""
        from rdflib.plugins.sparql.algebra import translateQuery

        def run() -> Any:
            tree = parse_query(text)
            for node in walk_tree(tree):
                local = dict.get(node, "localname") if node.name == "pname" else None
                if isinstance(local, str) and "\\" in local:
                    node["localname"] = re.sub(r"\\(.)", r"\1", local)
            return translateQuery(tree, initNs=self._ns)

        return deep(run)

    def execute(self, query: str, *, max_rows: int) -> Result:
        """Parse :func:`canonical` text once more (never rdflib's own second escape pass) and
        evaluate exactly that parse."""
        import warnings

        from pyparsing import ParseException

        start = time.perf_counter()
        text = canonical(query)
        try:
            with warnings.catch_warnings():  # rdflib 7.6 warns on its own Dataset internals
                warnings.simplefilter("ignore", DeprecationWarning)
                res = self.dataset.query(self._prepare(text))
        except ParseException as exc:
            message = f"error at {exc.lineno}:{exc.col}: {exc.msg}"
            raise syntax_error(query, message) from None
        except RecursionError:
            raise QueryRejected(f"query too deeply nested for rdflib (max {MAX_NESTING})") from None
        except Exception as exc:
            if "Unknown namespace prefix" in str(exc):
                raise syntax_error(query, f"error: {exc}") from None
            raise QueryError(f"query failed: {exc}") from None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                out = self._materialize(res, max_rows)
        except QueryError:
            raise
        except RecursionError:
            raise QueryRejected(f"query too deeply nested for rdflib (max {MAX_NESTING})") from None
        except Exception as exc:
            raise QueryError(f"query failed: {exc}") from None
        out.engine_ms = (time.perf_counter() - start) * 1000
        return out

    def _materialize(self, res: Any, max_rows: int) -> Result:
        """Rows or triples of an rdflib result, stopping at ``max_rows + 1``."""
        if res.type == "ASK":
            return Result("ask", boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            variables = [str(v) for v in res.vars or []]
            rows: list[tuple[Term | None, ...]] = []
            for row in res:
                if len(rows) >= max_rows:
                    raise TooManyRows(max_rows)
                rows.append(tuple(None if x is None else self._term(x) for x in row))
            return Result("select", variables=variables, rows=rows)
        triples: list[tuple[Term, Term, Term]] = []
        for s, p, o in res.graph or []:
            if len(triples) >= max_rows:
                raise TooManyRows(max_rows)
            triples.append((self._term(s), self._term(p), self._term(o)))
        triples.sort(key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
        return Result("graph", triples=triples)


def open_engine(engine: EngineName | str, build_dir: Path) -> _Engine:
    """Load ``build_dir`` (``cqkg.nt`` + ``ontology.ttl``) into the chosen engine."""
    if engine == "oxigraph":
        return OxigraphEngine(Path(build_dir))
    if engine == "rdflib":
        return RdflibEngine(Path(build_dir))
    raise InputError(f"--engine {engine}: unknown engine (use oxigraph or rdflib)")


def open_oxigraph(build_dir: Path) -> OxigraphEngine:
    """The build in the default engine, typed as such, for callers that also read its store
    (``cqkg view`` and ``analyze`` index resources from it). Every query they run still goes
    through :func:`run_query`, the checked path of ``cqkg query`` and the endpoint."""
    return OxigraphEngine(Path(build_dir))


def run_query(engine: _Engine, query: str, *, max_rows: int = 10_000) -> Result:
    """Pre-check then execute ``query`` in this process (the CLI path: no timeout)."""
    precheck(query, engine.graphs)
    return engine.execute(query, max_rows=max_rows)
