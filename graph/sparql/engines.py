"""SPARQL over the built graph: load, pre-check, execute (in-process or killable worker), format.

Why this shape:

* **One neutral result type.** Both engines (pyoxigraph, the default; rdflib, the cross-check)
  return a :class:`Result` of plain :class:`Term` values, and every output format (terminal
  table, Markdown, the four W3C result formats, RDF for graph results) is written from it. So the
  two engines can be compared row by row, and the row cap is applied while iterating, before
  anything is materialised beyond ``max_rows + 1`` rows.
* **Pre-checks before any parser runs.** pyoxigraph segfaults on deeply nested queries and both
  engines will follow ``SERVICE`` (pyoxigraph through a Rust HTTP client no Python audit hook can
  see), so size, nesting depth, Update forms, ``SERVICE``/``LOAD`` and ``FROM`` IRIs are decided
  by a lexical scan first (:func:`precheck`).
* **Killable execution.** Neither engine can cancel a running query, so the endpoint runs each
  query in a pre-started worker process (:class:`WorkerPool`) that is killed and respawned on
  timeout. Workers install an audit hook denying sockets and file access outside the build and
  the Python installation (:func:`install_guard`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import threading
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from graph.model import InputError
from graph.namespaces import PREFIXES
from graph.sparql.errors import (
    EngineCrashed,
    QueryError,
    QueryRejected,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    TooManyRows,
)
from graph.sparql.safety import (
    DATA_GRAPH,
    MAX_NESTING,
    MAX_QUERY_BYTES,
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
    "DATA_GRAPH",
    "GRAPH_FORMATS",
    "MAX_NESTING",
    "MAX_QUERY_BYTES",
    "ONTOLOGY_GRAPH",
    "QUERIES_DIR",
    "RESULT_FORMATS",
    "EngineCrashed",
    "OxigraphEngine",
    "ParameterError",
    "QueryError",
    "QueryParam",
    "QueryRejected",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryTooLarge",
    "Result",
    "ShippedQuery",
    "Term",
    "TooManyRows",
    "WorkerPool",
    "bind_args",
    "bind_query",
    "format_result",
    "install_guard",
    "list_queries",
    "load_query",
    "open_engine",
    "precheck",
    "query_params",
    "run_query",
    "sparql_literal",
]

QUERIES_DIR = Path(__file__).parent / "queries"

EngineName = Literal["oxigraph", "rdflib"]
RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
GRAPH_FORMATS = ("turtle", "nt", "jsonld")

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# ---------------------------------------------------------------- results


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
        """N-Triples/Turtle form (used by TSV and for comparisons)."""
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
            for prefix, ns in _PREFIXES_LONGEST_FIRST:
                if self.value.startswith(ns) and len(self.value) > len(ns):
                    return f"{prefix}:{self.value[len(ns) :]}"
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        return self.value


_PREFIXES_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda kv: (-len(kv[1]), kv[0]))


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


# ---------------------------------------------------------------- shipped queries


@dataclass(frozen=True, slots=True)
class ShippedQuery:
    """A named ``.rq`` file of ``graph/sparql/queries`` with its ``#+ summary:`` header and the
    parameters it declares (``#+ param:``; ``text`` holds the defaults)."""

    name: str
    path: Path
    summary: str
    description: str
    text: str
    params: tuple[QueryParam, ...] = ()


def _header(text: str, key: str) -> str:
    values = [
        line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith(f"#+ {key}:")
    ]
    return " ".join(values)


def list_queries(directory: Path = QUERIES_DIR) -> list[ShippedQuery]:
    """Every shipped query, sorted by name."""
    out = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        out.append(
            ShippedQuery(
                path.stem,
                path,
                _header(text, "summary"),
                _header(text, "description"),
                text,
                query_params(text, path.name),
            )
        )
    return out


def load_query(spec: str) -> str:
    """Query text from a shipped name, an ``.rq`` path, or the inline query itself."""
    named = QUERIES_DIR / f"{spec}.rq"
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", spec) and named.is_file():
        return named.read_text(encoding="utf-8")
    if spec.endswith((".rq", ".sparql")) and "\n" not in spec:
        path = Path(spec)
        if not path.is_file():
            raise InputError(f"{spec}: not found")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{spec}: not UTF-8 at byte {exc.start}") from exc
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", spec):
        names = ", ".join(q.name for q in list_queries())
        raise InputError(f"{spec}: no shipped query of that name (try one of: {names})")
    return spec


# ---------------------------------------------------------------- parameters
#
# A shipped query asks about one subject (a figure, a section, a platform). Rather than
# grlc-style placeholder variables (``?_name``), which leave a file that is not runnable SPARQL
# until filled in, a parameter is declared in the header and its default is the single row of an
# ordinary ``VALUES ?name { ... }`` block: the file runs as written anywhere, and binding a value
# replaces only that row with a literal built here (never the user's text spliced in raw).


@dataclass(frozen=True, slots=True)
class QueryParam:
    """A parameter declared as ``#+ param: NAME - description``.

    The default is the one row of the query's ``VALUES ?NAME { ... }`` block; its language tag or
    datatype (``suffix``) is kept on every bound value, so ``--bind platform=渝快政`` still
    matches ``rdfs:label`` literals tagged ``@zh-Hant``.
    """

    name: str
    description: str
    default: str  # lexical form of the default literal, escapes resolved
    suffix: str  # "@zh-Hant", "^^xsd:date" or "" for a plain string


class ParameterError(InputError):
    """A ``--bind`` that does not fit the query's declared parameters (exit code 2)."""


_PARAM_LINE = re.compile(r"#\+ param:\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+-\s+(?P<desc>\S.*)")
_BIND_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DEFAULT_ROW = re.compile(
    r"""\s*
    (?P<lit>"(?:[^"\\\n\r]|\\[tbnrf"'\\])*"|'(?:[^'\\\n\r]|\\[tbnrf"'\\])*')
    (?P<suffix>@[A-Za-z]+(?:-[A-Za-z0-9]+)*
      |\^\^(?:<[^<>"{}|^`\\\x00-\x20]*>|[A-Za-z][\w.\-]*:[\w\-]*))?
    \s*""",
    re.VERBOSE,
)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
)


def sparql_literal(value: str, suffix: str = "") -> str:
    """``value`` as a SPARQL short string literal (``"..."`` with ECHAR escapes) plus ``suffix``.

    Backslash, double quote, CR and LF are the only characters STRING_LITERAL2 forbids raw, so
    escaping them keeps any value inside the string (``}``, ``#``, ``SERVICE`` are then just
    characters); tab, backspace and form feed are escaped too because rdflib's parser expands
    raw tabs. A ``u``/``U`` right after a backslash is written ``\\u0075``/``\\u0055``: SPARQL
    1.1 decodes ``\\uXXXX`` before parsing (the text runs as :func:`canonical` spells it), and
    ``\\\\u0022`` would otherwise turn into ``\\"``; this way the value survives that step
    and a reader that skips it alike. Raises ``ValueError`` for what no SPARQL text can carry
    (NUL, lone surrogates).
    """
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("is not valid Unicode (undecodable bytes?)") from None
    body = value.translate(_ESCAPES)
    if "\\u" in value or "\\U" in value:
        body = _AFTER_BACKSLASH.sub(lambda m: m.group(1) + _U_ESCAPE[m.group(2)], body)
    return '"' + body + '"' + suffix


# an escaped backslash (an even run of them) followed by u or U, in translated text
_AFTER_BACKSLASH = re.compile(r"((?<!\\)(?:\\\\)+)([uU])")
_U_ESCAPE = {"u": "\\u0075", "U": "\\u0055"}


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ECHAR[m.group(1)], body)


def _values_blocks(text: str) -> dict[str, list[tuple[int, int]]]:
    """Span of the ``{ ... }`` data block of every one-variable ``VALUES ?v { ... }`` by name.

    Works on tokens, so braces inside strings, IRIs or comments are not mistaken for the end.
    """
    toks = list(tokens(text))
    out: dict[str, list[tuple[int, int]]] = {}
    for i, tok in enumerate(toks[:-2]):
        var, brace = toks[i + 1], toks[i + 2]
        if tok.kind != "word" or tok.text.upper() != "VALUES":
            continue
        if var.kind != "var" or brace.text != "{":
            continue
        close = next((t for t in toks[i + 3 :] if t.kind == "close"), None)
        if close is not None and close.text == "}":
            out.setdefault(var.text[1:], []).append((brace.pos, close.pos + 1))
    return out


def query_params(text: str, source: str = "query") -> tuple[QueryParam, ...]:
    """The parameters ``text`` declares in ``#+ param:`` lines, in declaration order.

    Each must have exactly one ``VALUES ?NAME { <one string literal> }`` block (its default);
    a declaration that does not fit raises :class:`InputError` naming ``source``.
    """
    declared: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.startswith("#+ param:"):
            continue
        m = _PARAM_LINE.fullmatch(line.rstrip())
        if m is None:
            raise InputError(
                f"{source}: malformed line {line.strip()!r} (want '#+ param: NAME - description')"
            )
        if any(m["name"] == name for name, _ in declared):
            raise InputError(f"{source}: parameter '{m['name']}' declared twice")
        declared.append((m["name"], m["desc"].strip()))
    if not declared:
        return ()
    blocks = _values_blocks(text)
    out = []
    for name, description in declared:
        spans = blocks.get(name, [])
        if len(spans) != 1:
            raise InputError(
                f"{source}: parameter '{name}' needs exactly one 'VALUES ?{name} {{ ... }}' "
                f"block (found {len(spans)})"
            )
        start, end = spans[0]
        row = _DEFAULT_ROW.fullmatch(text, start + 1, end - 1)
        if row is None:
            raise InputError(
                f"{source}: parameter '{name}': its VALUES block must hold exactly one string "
                f'literal, the default (e.g. VALUES ?{name} {{ "..."@zh-Hant }})'
            )
        out.append(QueryParam(name, description, _unescape(row["lit"][1:-1]), row["suffix"] or ""))
    return tuple(out)


def _declared(params: Sequence[QueryParam]) -> str:
    return ", ".join(p.name for p in params)


def bind_query(text: str, bindings: Mapping[str, Sequence[str]], source: str = "query") -> str:
    """``text`` with the ``VALUES`` row of each bound parameter replaced by its values.

    Several values for one name become several rows (the query then answers for each). Values
    are built by :func:`sparql_literal` with the default's language tag or datatype; nothing
    else of the text changes. Raises :class:`ParameterError` for a name the query does not
    declare, naming the declared ones.
    """
    if not bindings:
        return text
    params = {p.name: p for p in query_params(text, source)}
    for name, values in bindings.items():
        if not params:
            raise ParameterError(f"--bind {name}: {source} declares no parameters")
        if name not in params:
            raise ParameterError(
                f"--bind {name}: {source} has no parameter '{name}' "
                f"(parameters: {_declared(list(params.values()))})"
            )
        if not values:
            raise ParameterError(f"--bind {name}: no value given")
    blocks = _values_blocks(text)
    edits = sorted((blocks[name][0], name) for name in bindings)
    out = text
    for (start, end), name in reversed(edits):
        try:
            rows = " ".join(sparql_literal(v, params[name].suffix) for v in bindings[name])
        except ValueError as exc:
            raise ParameterError(f"--bind {name}: the value {exc}") from None
        out = out[:start] + "{ " + rows + " }" + out[end:]
    return out


def bind_args(text: str, args: Sequence[str], source: str = "query") -> str:
    """:func:`bind_query` from ``NAME=VALUE`` strings (the CLI's repeatable ``--bind``).

    Only the first ``=`` splits, so a value may itself contain ``=``.
    """
    bindings: dict[str, list[str]] = {}
    for arg in args:
        name, eq, value = arg.partition("=")
        if not eq or not _BIND_NAME.fullmatch(name):
            params = query_params(text, source)
            known = f"parameters: {_declared(params)}" if params else "it declares none"
            raise ParameterError(f"--bind {arg[:40]!r}: expected NAME=VALUE ({source}: {known})")
        bindings.setdefault(name, []).append(value)
    return bind_query(text, bindings, source)


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


def _build_files(build_dir: Path) -> tuple[Path, Path | None]:
    """``cqkg.nt`` (or a Turtle ``cqkg.ttl``, as the viewer's fixtures are) and the ontology."""
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

    The store lives in ``<build>/.oxigraph-store/<key>`` (pruned with its build version), is
    built in a hidden temporary directory under an exclusive lock (two workers starting together
    build it once) and renamed into place only when complete, so a half-built store is never
    opened. Stores for other keys (an older file version) are removed.
    """
    import fcntl
    import shutil
    import tempfile

    import pyoxigraph as ox

    data, onto = _build_files(build_dir)
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
                    try:
                        store = ox.Store(str(tmp))
                        _load_into(store, data, onto)
                        store.flush()
                        store.optimize()  # compacted: ~1.5x faster queries than as loaded
                        del store  # closes the database before it is renamed and reopened
                        os.chmod(tmp, 0o755)  # mkdtemp makes 0700; the build is world-readable
                        os.replace(tmp, final)
                    except BaseException:
                        shutil.rmtree(tmp, ignore_errors=True)
                        raise
        except PermissionError:
            return None
        except OSError as exc:
            if exc.errno in (13, 30):  # EACCES, EROFS: a build directory we may not write
                return None
            raise
    return ox.Store.read_only(str(final))


class OxigraphEngine(_Engine):
    """pyoxigraph store (in memory, or read-only on disk for big builds); never exposed for
    writing (only ``Store.query`` is called)."""

    name: EngineName = "oxigraph"

    def __init__(self, build_dir: Path) -> None:
        import pyoxigraph as ox

        data, onto = _build_files(build_dir)
        self._ox = ox
        try:
            store = None
            if data.stat().st_size >= PERSISTENT_STORE_MIN_BYTES:
                store = persistent_store(build_dir)
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
        data, onto = _build_files(build_dir)
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


def run_query(engine: _Engine, query: str, *, max_rows: int = 10_000) -> Result:
    """Pre-check then execute ``query`` in this process (the CLI path: no timeout)."""
    precheck(query, engine.graphs)
    return engine.execute(query, max_rows=max_rows)


# ---------------------------------------------------------------- formatting


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


def _csv(result: Result) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else _csv_value(t) for t in row])
    return buf.getvalue()


def _csv_value(term: Term) -> str:
    return f"_:{term.value}" if term.kind == "bnode" else term.value


def _tsv(result: Result) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else t.n3() for t in row))
    return "\n".join(lines) + "\n"


def _json(result: Result) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean})
    bindings = [
        {v: t.to_json() for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    return json.dumps(
        {"head": {"vars": result.variables}, "results": {"bindings": bindings}},
        ensure_ascii=False,
    )


def _xml(result: Result) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        "<head>",
    ]
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>")
    if result.kind == "ask":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for v, t in zip(result.variables, row, strict=True):
                if t is None:
                    continue
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def _xml_term(t: Term) -> str:
    if t.kind == "uri":
        return f"<uri>{xml_escape(t.value)}</uri>"
    if t.kind == "bnode":
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    attrs = ""
    if t.lang:
        attrs = f" xml:lang={quoteattr(t.lang)}"
    elif t.datatype:
        attrs = f" datatype={quoteattr(t.datatype)}"
    return f"<literal{attrs}>{xml_escape(t.value)}</literal>"


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


def _graph(result: Result, fmt: str) -> str:
    import pyoxigraph as ox

    triples = [ox.Triple(_ox_term(s), _ox_term(p), _ox_term(o)) for s, p, o in result.triples]
    if fmt == "nt":
        lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in result.triples)
        return "".join(line + "\n" for line in lines)
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    # cqr: local names contain '/', which Turtle would have to escape (cqr:obs\/...), so
    # resource IRIs stay in full and only vocabulary prefixes are declared.
    used = {
        p: ns
        for p, ns in PREFIXES.items()
        if p != "cqr"
        and any(t.value.startswith(ns) for tr in result.triples for t in tr if t.kind == "uri")
    }
    data = ox.serialize(triples, format=rdf_format, prefixes=used if fmt == "turtle" else None)
    return data.decode("utf-8") if data else ""


def format_result(result: Result, fmt: str) -> str:
    """Render ``result`` as ``table``/``md``/``csv``/``tsv``/``json``/``xml`` (SELECT, ASK) or
    ``turtle``/``nt``/``jsonld`` (CONSTRUCT, DESCRIBE). Raises ``ValueError`` on a mismatch."""
    if result.kind == "graph":
        if fmt == "table":
            fmt = "turtle"
        if fmt not in GRAPH_FORMATS:
            raise ValueError(
                f"--format {fmt}: a CONSTRUCT/DESCRIBE result needs one of "
                + ", ".join(GRAPH_FORMATS)
            )
        return _graph(result, fmt)
    if fmt in GRAPH_FORMATS:
        raise ValueError(
            f"--format {fmt}: a SELECT/ASK result needs one of {', '.join(RESULT_FORMATS)}"
        )
    if result.kind == "ask" and fmt in ("table", "md", "csv", "tsv"):
        if fmt == "csv":
            return f"_askResult\r\n{'true' if result.boolean else 'false'}\r\n"
        return ("true" if result.boolean else "false") + "\n"
    writer = {
        "table": _table,
        "md": _markdown,
        "csv": _csv,
        "tsv": _tsv,
        "json": _json,
        "xml": _xml,
    }.get(fmt)
    if writer is None:
        raise ValueError(f"--format {fmt}: unknown format")
    return writer(result)


# ---------------------------------------------------------------- isolation


def install_guard(build_dir: Path) -> None:
    """Audit hook for a worker: no sockets, no URL requests, no writes, and reads only under
    ``build_dir`` or the Python installation (lazy imports still need to read ``.py`` files).

    This is defence in depth for rdflib; pyoxigraph's Rust HTTP client bypasses Python, which is
    why :func:`precheck` rejects ``SERVICE`` and ``LOAD`` lexically.
    """
    roots = {
        os.path.realpath(str(p))
        for p in (
            build_dir,
            sys.prefix,
            sys.base_prefix,
            sys.exec_prefix,
            *[p for p in sys.path if p and os.path.isdir(p)],
        )
    }
    roots_t = tuple(r.rstrip(os.sep) + os.sep for r in sorted(roots))
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request", "socket.bind"):
            raise PermissionError(f"cqkg query worker: {event} denied")
        if event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn"):
            raise PermissionError(f"cqkg query worker: {event} denied")
        if event == "open":
            path, mode, flags = [*list(args), None, None, None][:3]
            if isinstance(path, int) or path is None:
                return
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & write_flags
            )
            real = os.path.realpath(os.fsdecode(path))
            if writing or not (real + os.sep).startswith(roots_t):
                raise PermissionError(f"cqkg query worker: open {real!r} denied")

    sys.addaudithook(hook)


def _limit_memory(max_bytes: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platform dependent
        pass


def _worker_main(conn: Any, build_dir: str, engine_name: str, mem_limit: int) -> None:
    """Worker loop: leave the network, load once, guard, then answer jobs.

    Network isolation comes first, while the process is single-threaded and before any engine
    exists (a user namespace refuses multi-threaded callers; nothing may connect before it).
    Jobs are ``(query, max_rows, checked)``; replies ``("ok", Result)`` or ``("error", exc)``.
    """
    from graph.sparql.sandbox import isolate_network

    try:
        isolation = isolate_network()
        engine = open_engine(engine_name, Path(build_dir))
        if engine_name == "rdflib":  # warm the lazy SPARQL machinery before the guard
            engine.execute("ASK { ?s ?p ?o }", max_rows=1)
            engine.execute("SELECT * { ?s ?p ?o } LIMIT 1", max_rows=1)
            engine.execute("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", max_rows=1)
        _limit_memory(mem_limit)
        install_guard(Path(build_dir))
    except BaseException as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", (os.getpid(), isolation.isolated, isolation.how)))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        query, max_rows, checked = job
        try:
            if checked:
                precheck(query, engine.graphs)
            conn.send(("ok", engine.execute(query, max_rows=max_rows)))
        except QueryError as exc:
            conn.send(("error", exc))
        except MemoryError:
            conn.send(("error", QueryError("query ran out of memory")))
        except Exception as exc:
            conn.send(("error", QueryError(f"query failed: {type(exc).__name__}: {exc}")))


class NoWorkers(QueryError):
    """No worker process is alive or starting (e.g. the build was removed): fail fast."""

    status = 503
    code = "no-workers"


class QueryCancelled(QueryError):
    """The client went away; the job was dropped from the queue or its worker killed.

    The status is nginx's 499 (client closed request): nobody receives it, it only names
    the case in logs and tests.
    """

    status = 499
    code = "cancelled"


POLL_S = 0.05
"""How often a waiting ``submit`` looks at its deadline and its client (cancellation latency)."""
RESPAWN_BACKOFF_S = (0.2, 5.0)
"""First and longest pause between failed respawns (the build may come back)."""


@dataclass
class _Worker:
    process: Any
    conn: Any
    pid: int
    build: str  # the version directory this worker loaded
    isolated: bool = False
    isolation: str = ""


@dataclass(frozen=True, slots=True)
class PoolStatus:
    """What ``/health`` reports: real liveness, not the size the pool was asked for."""

    size: int
    alive: int
    spawning: int
    last_spawn_error: str | None
    network_isolated: bool
    isolation: str
    builds: tuple[str, ...]


class WorkerPool:
    """``size`` pre-started worker processes, each holding the store; thread-safe ``submit``.

    The 'forkserver' context keeps workers free of the parent's threads and sockets (the server
    runs uvicorn); each worker loads the build once, so a normal query costs one pipe round trip.

    ``build_dir`` is kept as given (usually the ``build`` symlink) and resolved each time a
    worker is spawned: a rebuild swaps the link and prunes old versions, so a replacement
    must load the build that is live *now*, never the directory seen at start-up. A failed
    spawn is retried in the background with backoff and its error kept for ``/health``.
    """

    def __init__(
        self,
        build_dir: Path,
        *,
        size: int = 2,
        engine: str = "oxigraph",
        mem_limit: int = 4 * 1024**3,
        start_timeout: float = 120.0,
    ) -> None:
        import multiprocessing as mp
        import queue

        _build_files(Path(build_dir))  # fail fast with the one-line message
        self.build_link = Path(os.path.abspath(build_dir))
        self.engine = engine
        self.size = size
        self.mem_limit = mem_limit
        self.start_timeout = start_timeout
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["graph.sparql.engines", "pyoxigraph"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: dict[int, _Worker] = {}
        self._spawning = 0
        self._healing = False
        self._closed = False
        self.last_spawn_error: str | None = None
        starters = [threading.Thread(target=self._spawn) for _ in range(size)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()
        if self._idle.qsize() < size:
            self.close()
            reason = f": {self.last_spawn_error}" if self.last_spawn_error else ""
            raise InputError(f"{self.build_dir}: query workers failed to start{reason}")
        state = self.status()
        if not state.network_isolated:
            sys.stderr.write(
                "cqkg: WARNING: query workers are NOT network-isolated "
                f"({state.isolation}); only the query check and the audit hook stand "
                "between a query and the network. Set CQKG_REQUIRE_NETNS=1 to refuse to start.\n"
            )

    @property
    def build_dir(self) -> Path:
        """The build that is live now (the symlink resolved at this moment)."""
        return Path(os.path.realpath(self.build_link))

    def _spawn(self) -> bool:
        """Start one worker on the live build; True when it is ready and idle."""
        with self._lock:
            if self._closed:
                return False
            self._spawning += 1
        try:
            return self._spawn_one()
        finally:
            with self._lock:
                self._spawning -= 1

    def _spawn_one(self) -> bool:
        live = self.build_dir
        try:
            _build_files(live)
        except InputError as exc:
            self.last_spawn_error = str(exc)
            return False
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_worker_main,
            args=(child, str(live), self.engine, self.mem_limit),
            daemon=True,
        )
        proc.start()
        child.close()
        if not parent.poll(self.start_timeout):
            proc.kill()
            self.last_spawn_error = f"worker did not start within {self.start_timeout:g} s"
            return False
        try:
            status, info = parent.recv()
        except (EOFError, OSError):
            self.last_spawn_error = "worker died while starting"
            return False
        if status != "ready":
            self.last_spawn_error = str(info)
            sys.stderr.write(f"cqkg: query worker failed to start: {info}\n")
            return False
        pid, isolated, how = info
        worker = _Worker(proc, parent, int(pid), str(live), bool(isolated), str(how))
        with self._lock:
            if self._closed:
                proc.kill()
                return False
            self._all[worker.pid] = worker
        self.last_spawn_error = None
        self._idle.put(worker)
        return True

    def _start_healing(self) -> None:
        """Bring the pool back to ``size`` in the background (one healer at a time)."""
        with self._lock:
            if self._healing or self._closed:
                return
            self._healing = True
        threading.Thread(target=self._heal, daemon=True).start()

    def _heal(self) -> None:
        pause, longest = RESPAWN_BACKOFF_S
        try:
            while True:
                with self._lock:
                    missing = self.size - len(self._all)
                    if self._closed or missing <= 0:
                        return
                if not self._spawn():
                    time.sleep(pause)
                    pause = min(pause * 2, longest)
        finally:
            with self._lock:
                self._healing = False

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(self._all)

    def status(self) -> PoolStatus:
        with self._lock:
            workers = list(self._all.values())
            spawning = self._spawning
        alive = [w for w in workers if w.process.is_alive()]
        isolated = bool(alive) and all(w.isolated for w in alive)
        hows = sorted({w.isolation for w in alive})
        return PoolStatus(
            size=self.size,
            alive=len(alive),
            spawning=spawning,
            last_spawn_error=self.last_spawn_error,
            network_isolated=isolated,
            isolation=", ".join(hows) if hows else "no workers",
            builds=tuple(sorted({w.build for w in alive})),
        )

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement (on the live build) in the background."""
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            self._all.pop(worker.pid, None)
            closed = self._closed
        if not closed:
            self._start_healing()

    def _acquire(self, deadline: float, limit: float, cancelled: Any) -> _Worker:
        """An idle live worker before ``deadline``, unless the client leaves first."""
        import queue

        while True:
            if cancelled is not None and cancelled():
                raise QueryCancelled("the client went away while the query was queued")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeout(limit)
            try:
                worker = self._idle.get(timeout=min(POLL_S, remaining))
            except queue.Empty:
                # Fail fast, not at the deadline, when nothing is alive, nothing is starting
                # and the last attempt failed (the build is gone): the healer keeps trying.
                with self._lock:
                    hopeless = not self._all and not self._spawning
                error = self.last_spawn_error
                if hopeless and error is not None:
                    raise NoWorkers(f"no query worker can serve ({error})") from None
                continue
            if worker.process.is_alive():
                return worker
            self._retire(worker)  # died while idle (OOM killer, kill -9): replace it

    def submit(
        self,
        query: str,
        *,
        timeout: float,
        max_rows: int,
        checked: bool = True,
        deadline: float | None = None,
        cancelled: Any = None,
    ) -> Result:
        """Run ``query`` in an idle worker; kill the worker at the deadline or on cancel.

        ``deadline`` (``time.monotonic()``) defaults to now + ``timeout``; the endpoint passes
        the request's arrival + limit, so time spent queued counts. ``cancelled`` is a
        callable polled every ``POLL_S``: true means the client left, and the job is dropped
        from the queue (:class:`QueryCancelled`) or its worker killed. ``checked=False`` skips
        the in-worker pre-check (tests use it to prove the audit hook and the isolation).
        """
        if checked:
            precheck(query)
        if deadline is None:
            deadline = time.monotonic() + timeout
        worker = self._acquire(deadline, timeout, cancelled)
        try:
            worker.conn.send((query, max_rows, checked))
            while not worker.conn.poll(max(0.0, min(POLL_S, deadline - time.monotonic()))):
                if cancelled is not None and cancelled():
                    self._retire(worker)
                    raise QueryCancelled("the client went away; its query was killed")
                if time.monotonic() >= deadline:
                    self._retire(worker)
                    raise QueryTimeout(timeout, worker.pid)
            status, payload = worker.conn.recv()
        except QueryError:
            raise
        except (EOFError, OSError, BrokenPipeError):
            self._retire(worker)
            raise EngineCrashed("the query engine crashed on this query") from None
        self._idle.put(worker)
        if status == "ok":
            return payload  # type: ignore[no-any-return]
        raise payload

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all.values())
            self._all.clear()
        for w in workers:
            w.process.kill()
            w.process.join(5)
            w.conn.close()
