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

Nothing is re-exported: the catalogue, result, format and worker names are imported from the
modules that define them (``graph.sparql.catalogue``, ``results``, ``formats``, ``workers``), so
an import says where the code lives.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from graph.model import InputError
from graph.namespaces import PREFIXES
from graph.sparql.errors import QueryError, QueryRejected, TooManyRows
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
    "build_files",
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


def build_files(build_dir: Path) -> tuple[Path, Path | None]:
    """``cqkg.nt`` (or a Turtle ``cqkg.ttl``, as the viewer's fixtures are) and the ontology;
    the worker pool calls it too, to fail fast with the same one-line message."""
    data = build_dir / "cqkg.nt"
    if not data.is_file():
        if (build_dir / "cqkg.ttl").is_file():
            data = build_dir / "cqkg.ttl"
        else:
            raise InputError(f"{data}: not found; run `cqkg build` first")
    onto = build_dir / "ontology.ttl"
    return data, onto if onto.is_file() else None


PERSISTENT_STORE_MIN_BYTES = 64 * 1024**2
"""Data files at least this big (~45 report-sized articles of N-Triples) are loaded once into an
on-disk store next to them and opened read-only afterwards: a 1,000-article corpus takes about a
minute to bulk-load, which every ``cqkg serve`` worker and every ``cqkg query`` would pay again.
Smaller builds load in memory in well under a second, as before."""

STORE_DIR = ".oxigraph-store"
ANSWERS_SUFFIX = ".answers"
"""``<store key>.answers/``: the shipped queries' answers on that store (``_keep_answers``)."""


def _store_key(files: Sequence[Path]) -> str:
    """Names the store after what it was loaded from (file names, sizes, mtimes, pyoxigraph)."""
    import hashlib

    import pyoxigraph as ox

    h = hashlib.sha256(f"pyoxigraph {ox.__version__}\n".encode())
    for f in files:
        st = f.stat()
        h.update(f"{f.name} {st.st_size} {st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def _load_into(store: Any, data: Path, onto: Path | None) -> None:
    import pyoxigraph as ox

    fmt = ox.RdfFormat.N_TRIPLES if data.suffix == ".nt" else ox.RdfFormat.TURTLE
    store.bulk_load(path=str(data), format=fmt, to_graph=ox.NamedNode(DATA_GRAPH))
    if onto is not None:
        store.bulk_load(
            path=str(onto), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH)
        )


def persistent_store(build_dir: Path) -> Any | None:
    """The build as a read-only on-disk pyoxigraph store, built on first use; None if the build
    directory cannot hold one (read-only), so the caller loads in memory instead.

    ``cqkg build`` writes this store into a big build before publishing it
    (:func:`write_store`), so ``cqkg serve``'s workers open it instead of each loading the data;
    one is built here only when none matches the files (an older build, a changed file).
    """
    import pyoxigraph as ox

    final = write_store(build_dir)
    return None if final is None else ox.Store.read_only(str(final))


def wants_store(build_dir: Path) -> bool:
    """Whether the engine opens this build from an on-disk store (its data file is big)."""
    data, _ = build_files(build_dir)
    return data.stat().st_size >= PERSISTENT_STORE_MIN_BYTES


def write_store(build_dir: Path) -> Path | None:
    """Make sure ``<build>/.oxigraph-store/<key>`` holds the build; its path, or None if the
    build directory cannot hold one.

    The store lives in ``<build>/.oxigraph-store/<key>`` (pruned with its build version), is
    built in a hidden temporary directory under an exclusive lock (two workers starting together
    build it once) and renamed into place only when complete, so a half-built store is never
    opened. Stores for other keys (an older file version) are removed.
    """
    import fcntl
    import shutil
    import tempfile

    import pyoxigraph as ox

    data, onto = build_files(build_dir)
    key = _store_key([data] + ([onto] if onto is not None else []))
    root = build_dir / STORE_DIR
    final = root / key
    if not final.is_dir():
        try:
            root.mkdir(exist_ok=True)
            with open(root / ".lock", "w", encoding="utf-8") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not final.is_dir():
                    for old in root.iterdir():
                        if old.is_dir():
                            shutil.rmtree(old, ignore_errors=True)
                    tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root))
                    kept = Path(tempfile.mkdtemp(prefix=f".{key}.answers.", dir=root))
                    try:
                        store = ox.Store(str(tmp))
                        _load_into(store, data, onto)
                        store.flush()
                        store.optimize()  # compacted: ~1.5x faster queries than as loaded
                        _keep_answers(store, kept)
                        del store  # closes the database before it is renamed and reopened
                        for d in (tmp, kept):  # mkdtemp makes 0700; the build is world-readable
                            os.chmod(d, 0o755)
                        os.replace(kept, root / f"{key}{ANSWERS_SUFFIX}")
                        os.replace(tmp, final)
                    except BaseException:
                        shutil.rmtree(tmp, ignore_errors=True)
                        shutil.rmtree(kept, ignore_errors=True)
                        raise
        except PermissionError:
            return None
        except OSError as exc:
            if exc.errno in (13, 30):  # EACCES, EROFS: a build directory we may not write
                return None
            raise
    return final


def _answers_code() -> str:
    """Digest of what turns a store's answer into a :class:`Result` (this module, the result
    type, the canonical spelling, the prefixes): kept answers of other code are not used."""
    import hashlib

    from graph.sparql import results, safety

    h = hashlib.sha256(repr(sorted(PREFIXES.items())).encode())
    for mod in (__file__, results.__file__, safety.__file__):
        h.update(Path(str(mod)).read_bytes())
    return h.hexdigest()


def _query_key(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _keep_answers(store: Any, out: Path) -> None:
    """Answer every shipped query (its default bindings) on a just-built store, into ``out``.

    Why: on a 1,000-article corpus most shipped queries read or return rows that grow with the
    corpus, and the on-disk store evaluates them in 0.1-7 s; the store never changes, so their
    answers are the engine's own, computed once with the store (by ``cqkg build`` for a big
    build) and read back by :class:`OxigraphEngine` when exactly that query text comes again.
    One JSON file per query, named by the sha256 of its canonical text, with the digest of the
    code that made it; any other query, or bindings, is evaluated as before.
    """
    import json

    from graph.sparql.catalogue import list_queries

    engine = OxigraphEngine.__new__(OxigraphEngine)
    engine.store, engine._ox, engine._answers = store, __import__("pyoxigraph"), None
    code = _answers_code()
    for q in list_queries():
        text = canonical(q.text)
        try:
            result = engine.execute(text, max_rows=10**9)
        except QueryError:
            continue
        body = {"code": code, "query": text, "result": _result_json(result)}
        (out / f"{_query_key(text)}.json").write_text(
            json.dumps(body, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )


def _term_json(t: Term | None) -> list[str | None] | None:
    return None if t is None else [t.kind, t.value, t.datatype, t.lang]


def _json_term(x: list[str | None] | None) -> Term | None:
    if x is None:
        return None
    kind, value, datatype, lang = x
    return Term(str(kind), str(value), datatype, lang)


def _result_json(r: Result) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "variables": r.variables,
        "boolean": r.boolean,
        "rows": [[_term_json(t) for t in row] for row in r.rows],
        "triples": [[_term_json(t) for t in tr] for tr in r.triples],
    }


def _json_result(d: dict[str, Any]) -> Result:
    return Result(
        str(d["kind"]),
        variables=[str(v) for v in d["variables"]],
        rows=[tuple(_json_term(t) for t in row) for row in d["rows"]],
        boolean=d["boolean"],
        triples=[tuple(_json_term(t) for t in tr) for tr in d["triples"]],  # type: ignore[misc]
    )


class _KeptAnswers:
    """The kept answers of one store, each read (and checked) on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.code = _answers_code()
        self._read: dict[str, Result | None] = {}

    def get(self, text: str) -> Result | None:
        key = _query_key(text)
        if key not in self._read:
            import json

            result = None
            try:
                body = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
                if body.get("code") == self.code and body.get("query") == text:
                    result = _json_result(body["result"])
            except (OSError, ValueError, KeyError, TypeError):
                result = None  # missing, unreadable or not ours: evaluated as any query
            self._read[key] = result
        return self._read[key]


class OxigraphEngine(_Engine):
    """pyoxigraph store (in memory, or read-only on disk for big builds); never exposed for
    writing (only ``Store.query`` is called). A big build's store comes with the shipped
    queries' answers (:func:`_keep_answers`), returned for exactly those query texts."""

    name: EngineName = "oxigraph"

    def __init__(self, build_dir: Path) -> None:
        import pyoxigraph as ox

        data, onto = build_files(build_dir)
        self._ox = ox
        self._answers: _KeptAnswers | None = None
        try:
            store = None
            if wants_store(build_dir):
                store = persistent_store(build_dir)
                final = write_store(build_dir) if store is not None else None
                if final is not None:
                    answers = final.parent / f"{final.name}{ANSWERS_SUFFIX}"
                    self._answers = _KeptAnswers(answers) if answers.is_dir() else None
            if store is None:
                store = ox.Store()
                _load_into(store, data, onto)
            self.store = store
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"{build_dir}: cannot load the build: {exc}") from exc

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
