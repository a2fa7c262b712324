"""Is this SPARQL safe to run here? Decided on the parsed query, not on its spelling.

Why this shape (see ``docs/decisions/0006-parse-based-query-safety.md``):

* **Spelling is unbounded, meaning is not.** SPARQL lets a query write ``SERVICE`` as
  ``\\u0053ERVICE``, put ``\\#`` or ``\\'`` inside a prefixed name, hide keywords in comments
  and strings of four kinds. A hand-written lexer that decides what is a keyword will always
  miss a spelling; a grammar does not. So the check applies the spec's codepoint-escape step
  (SPARQL 1.1 §19.2) and then parses with a real SPARQL 1.1 grammar (rdflib's pyparsing one;
  pyoxigraph 0.5 exposes no parser of its own to Python) and walks the parse tree for
  ``SERVICE``, Update operations, and ``FROM``/``FROM NAMED`` IRIs.
* **The engine runs what was checked.** :func:`canonical` (the escape step) is applied by both
  engines before they see the text, so the checked text and the executed text are the same
  characters; the rdflib engine even executes a fresh parse of exactly that text.
* **A cheap lexical line first.** Size, NUL and bracket depth are decided before any parser
  runs: pyoxigraph segfaults near 5,000 nested brackets and pyparsing recurses per bracket.
  The tokenizer that counts brackets knows prefixed-name escapes, IRIs, the four string forms
  and comments, and it counts brackets inside IRIs too (``<`` may be a less-than), so it can
  only over-count. The parser's recursion limit is a second bound on depth.
* **Whatever cannot be parsed is refused** with the parser's line:column, never run unchecked.

The network namespace of :mod:`graph.sparql.sandbox` is the layer below this one: if the grammar
and an engine ever disagree, the engine still has no network to reach.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graph.namespaces import PREFIXES
from graph.sparql.errors import QueryError, QueryRejected, QuerySyntaxError, QueryTooLarge

__all__ = [
    "DATA_GRAPH",
    "MAX_NESTING",
    "MAX_QUERY_BYTES",
    "ONTOLOGY_GRAPH",
    "Checked",
    "Token",
    "canonical",
    "check",
    "deep",
    "line_col",
    "parse_query",
    "syntax_error",
    "tokens",
    "walk_tree",
]

DATA_GRAPH = "https://w3id.org/cqkg/id/graph/data"
"""Named graph holding ``cqkg.nt``; the default graph is the union of all named graphs."""
ONTOLOGY_GRAPH = "https://w3id.org/cqkg/id/graph/ontology"
"""Named graph holding ``ontology.ttl`` (so queries can join class and property labels)."""
MAX_QUERY_BYTES = 64 * 1024
MAX_NESTING = 64

# pyparsing needs ~40 Python frames per bracket of an expression: 64 levels fit in 4,000; the
# limit is raised only on a thread of our own with a stack big enough for it.
_PARSE_RECURSION = 12_000
_PARSE_STACK = 64 * 1024 * 1024  # 16 MiB already parsed 5,000 levels to a RecursionError
_RECURSION_LOCK = threading.Lock()

# ---------------------------------------------------------------- the codepoint-escape step

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True, slots=True)
class _Expanded:
    text: str
    marks: tuple[tuple[int, int], ...]  # (position in text, position in the original) per escape

    def original(self, pos: int) -> int:
        """Position in the original query of position ``pos`` of the expanded text."""
        shift = 0
        for new, old in self.marks:
            if new > pos:
                break
            shift = old - new
        return pos + shift


def _expand(query: str) -> _Expanded:
    """SPARQL 1.1 §19.2: ``\\uXXXX`` (exactly 4 hex digits) and ``\\UXXXXXXXX`` (exactly 8)
    become the code point, once, over the whole text, before any parsing."""
    out: list[str] = []
    marks: list[tuple[int, int]] = []
    last = 0
    length = 0
    for m in _CODEPOINT.finditer(query):
        digits = m.group(1) or m.group(2)
        code = int(digits, 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QuerySyntaxError(
                f"invalid codepoint escape {m.group()} at {line_col(query, m.start())}"
            )
        out.append(query[last : m.start()])
        length += m.start() - last
        out.append(chr(code))
        length += 1
        last = m.end()
        marks.append((length, last))
    out.append(query[last:])
    return _Expanded("".join(out), tuple(marks))


def canonical(query: str) -> str:
    """The query after the spec's codepoint-escape step: the text engines run and we check."""
    if "\\u" not in query and "\\U" not in query:
        return query
    return _expand(query).text


# ---------------------------------------------------------------- lexical first line

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)

_TOKEN = re.compile(
    rf"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
      |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
      |'(?:[^'\\\n\r]|\\.)*'
      |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<badiri><[A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*>?)
  | (?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<open>[({{\[])
  | (?P<close>[)}}\]])
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD", "WITH", "USING"}
)


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token: ``kind`` is a group name of the tokenizer, ``pos`` its offset."""

    kind: str
    text: str
    pos: int


def tokens(query: str) -> Iterator[Token]:
    """Tokens of ``query`` without spaces and comments (strings, IRIs and names kept whole)."""
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        yield Token(kind, m.group(), m.start())


def line_col(query: str, pos: int) -> str:
    """``line:column`` (both from 1) of offset ``pos``."""
    line = query.count("\n", 0, pos) + 1
    col = pos - (query.rfind("\n", 0, pos) + 1) + 1
    return f"{line}:{col}"


def _depth_check(text: str, exp: _Expanded | None, original: str) -> list[Token]:
    toks = list(tokens(text))
    depth = 0
    for tok in toks:
        if tok.kind in ("iri", "badiri"):  # '<' may be less-than: brackets inside count too
            opens = sum(tok.text.count(c) for c in "({[")
            closes = sum(tok.text.count(c) for c in ")}]")
            if depth + opens > MAX_NESTING:
                pos = exp.original(tok.pos) if exp else tok.pos
                raise QueryRejected(
                    f"query too deeply nested (max {MAX_NESTING}) at {line_col(original, pos)}"
                )
            depth = max(0, depth + opens - closes)
        elif tok.kind == "open":
            depth += 1
            if depth > MAX_NESTING:
                pos = exp.original(tok.pos) if exp else tok.pos
                raise QueryRejected(
                    f"query too deeply nested (max {MAX_NESTING}) at {line_col(original, pos)}"
                )
        elif tok.kind == "close":
            depth = max(0, depth - 1)
    return toks


# ---------------------------------------------------------------- the parser


_DEEP_THREAD = "cqkg-sparql-parse"


def deep(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` on a thread with a big stack and a raised recursion limit.

    pyparsing recurses per bracket (a 30-deep parenthesised expression already exceeds
    Python's default limit of 1,000), so a query within :data:`MAX_NESTING` needs more; a
    thread of our own keeps the raised limit from meeting the caller's smaller C stack.
    """
    if threading.current_thread().name == _DEEP_THREAD:  # already on one
        return fn(*args)
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # re-raised in the caller
            box["error"] = exc

    with _RECURSION_LOCK:
        old_limit = sys.getrecursionlimit()
        old_stack = threading.stack_size()
        try:
            threading.stack_size(_PARSE_STACK)
            sys.setrecursionlimit(max(old_limit, _PARSE_RECURSION))
            worker = threading.Thread(target=run, name=_DEEP_THREAD)
            worker.start()
        finally:
            threading.stack_size(old_stack)
        worker.join()
        sys.setrecursionlimit(old_limit)
    if "error" in box:
        raise box["error"]
    return box.get("value")


def parse_query(text: str) -> Any:
    """rdflib's parse tree of an escape-free query text (``ParseException`` if it is none).

    ``Query.parse_string`` rather than ``parseQuery``: the escape step is :func:`canonical`'s
    and must run exactly once (rdflib's own pass would decode ``\\u`` a second time).
    """
    from rdflib.plugins.sparql.parser import Query

    return deep(lambda: Query.parse_string(text, parse_all=True))


def _parse_update(text: str) -> Any:
    from rdflib.plugins.sparql.parser import UpdateUnit

    return deep(lambda: UpdateUnit.parse_string(text, parse_all=True))


def walk_tree(node: Any) -> Iterator[Any]:
    """Every rdflib ``CompValue`` of a parse tree, iteratively (the tree may be deep)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


_UPDATE_NAMES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}


def _field(node: Any, key: str) -> Any:
    """``node[key]`` or None: rdflib's ``CompValue.get(key)`` answers the key itself when the
    field is absent, so the plain ``dict`` lookup is used."""
    return dict.get(node, key)


def _iri_of(term: Any, prefixes: dict[str, str]) -> str | None:
    """Absolute IRI of an ``IRIREF`` or prefixed name of the parse tree (PN_LOCAL unescaped)."""
    from rdflib import URIRef
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, CompValue) and term.name == "pname":
        prefix = str(_field(term, "prefix") or "")
        ns = prefixes.get(prefix)
        if ns is None:
            return None
        local = str(_field(term, "localname") or "")
        local = re.sub(r"\\(.)", r"\1", local)
        return ns + local
    return None


def _shown(term: Any) -> str:
    from rdflib import URIRef

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, dict):
        prefix = _field(term, "prefix") or ""
        local = _field(term, "localname") or ""
        return f"{prefix}:{local}"
    return str(term)


@dataclass(frozen=True, slots=True)
class Checked:
    """A query that passed :func:`check`: its canonical text and whether it names a dataset."""

    text: str
    has_from: bool


def _keyword_refusal(toks: Iterable[Token], original: str, exp: _Expanded | None) -> None:
    """After a failed parse: a policy message beats a syntax error when the words say why."""
    for tok in toks:
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        if word == "SERVICE":
            raise QueryRejected("SERVICE is disabled on this endpoint")
        if word in _UPDATE_WORDS:
            pos = exp.original(tok.pos) if exp else tok.pos
            raise QueryRejected(
                f"read-only endpoint: {word} at {line_col(original, pos)} is a SPARQL Update "
                "operation"
            )


def syntax_error(query: str, message: str, toks: list[Token] | None = None) -> QuerySyntaxError:
    """The parser's message (with line:col), plus a hint for a malformed IRI or an undeclared
    prefix (a broken ``<http://a b>`` is reported as the IRI, never as a prefix ``http:``)."""
    if toks is None:
        toks = list(tokens(canonical(query)))
    text = canonical(query)
    for tok in toks:
        if tok.kind == "badiri":
            return QuerySyntaxError(
                f"{message} (malformed IRI at {line_col(text, tok.pos)}: "
                'an IRI may not contain spaces or <>"{}|^`\\)'
            )
    prefixes = set(PREFIXES)
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.text.upper() == "PREFIX" and i + 1 < len(toks):
            prefixes.add(toks[i + 1].text.rstrip(":"))
    for tok in toks:
        if tok.kind == "pname":
            prefix = tok.text.partition(":")[0]
            if prefix not in prefixes:
                return QuerySyntaxError(
                    f"{message} (unknown prefix '{prefix}:' at {line_col(text, tok.pos)})"
                )
    return QuerySyntaxError(message)


def check(query: str, graphs: Iterable[str] = (DATA_GRAPH, ONTOLOGY_GRAPH)) -> Checked:
    """Refuse what must not run; raise a ``QueryError`` subclass, else return :class:`Checked`.

    Order: size and NUL (cheap), the escape step, bracket depth (before any parser), then the
    SPARQL 1.1 grammar: a query is walked for ``SERVICE`` (IRI, variable, ``SILENT``) and its
    ``FROM``/``FROM NAMED`` IRIs (each must be one of ``graphs``; prefixed names resolve with
    the predeclared prefixes and the query's own, escapes undone: ``cqr:graph\\/data`` is the
    data graph); an Update (``LOAD`` included) is refused as such; anything else is a syntax
    error with line:column.
    """
    key = tuple(sorted(set(graphs)))
    # big texts are not kept: 1,024 cached 64 KiB queries would hold 64 MiB
    outcome = _cached(query, key) if len(query) <= _CACHE_MAX_CHARS else _uncached(query, key)
    if isinstance(outcome, Checked):
        return outcome
    kind, message = outcome
    raise kind(message)


def _uncached(query: str, graphs: tuple[str, ...]) -> Checked | tuple[type[QueryError], str]:
    """The verdict on ``query``, refusals included (each raise gets a fresh exception)."""
    try:
        return _check(query, graphs)
    except (QueryRejected, QuerySyntaxError, QueryTooLarge) as exc:
        return (type(exc), str(exc))


_cached = lru_cache(maxsize=1024)(_uncached)
_CACHE_MAX_CHARS = 8 * 1024


def _check(query: str, graphs: tuple[str, ...]) -> Checked:
    size = len(query.encode("utf-8", "surrogatepass"))
    if size > MAX_QUERY_BYTES:
        raise QueryTooLarge(f"query exceeds {MAX_QUERY_BYTES // 1024} KiB ({size} bytes)")
    if "\x00" in query:
        raise QueryRejected("query contains a NUL character")
    exp = _expand(query) if ("\\u" in query or "\\U" in query) else None
    text = exp.text if exp else query
    if "\x00" in text:
        raise QueryRejected("query contains a NUL character (as a codepoint escape)")
    toks = _depth_check(text, exp, query)
    # A bare word SERVICE/INSERT/LOAD... is a keyword wherever it stands (variables, prefixed
    # names, strings, IRIs and comments are other tokens), so refusing it here is only a fast
    # path that saves a parse; acceptance is always the grammar's.
    _keyword_refusal(toks, query, exp)
    from pyparsing import ParseException

    try:
        tree = parse_query(text)
    except RecursionError:
        raise QueryRejected(f"query too deeply nested (max {MAX_NESTING})") from None
    except ParseException as exc:
        try:
            update = _parse_update(text)
        except (ParseException, RecursionError):
            update = None
        if update is not None:
            for node in walk_tree(update):
                if node.name in _UPDATE_NAMES:
                    raise QueryRejected(
                        f"read-only endpoint: {_UPDATE_NAMES[node.name]} is a SPARQL Update "
                        "operation"
                    ) from None
            raise QueryRejected("read-only endpoint: this is a SPARQL Update request") from None
        pos = exp.original(exc.loc) if exp else exc.loc
        raise syntax_error(query, f"error at {line_col(query, pos)}: {exc.msg}", toks) from None
    return _policy(tree, set(graphs), text)


def _policy(tree: Any, allowed: set[str], text: str) -> Checked:
    prefixes = dict(PREFIXES)
    for node in walk_tree(tree[0]):
        if node.name == "PrefixDecl":
            prefix = str(_field(node, "prefix") or "")
            prefixes[prefix] = str(node["iri"])
    has_from = False
    for node in walk_tree(tree):
        if node.name == "ServiceGraphPattern":
            raise QueryRejected("SERVICE is disabled on this endpoint")
        if node.name == "DatasetClause":
            has_from = True
            target = _field(node, "default")
            if target is None:
                target = _field(node, "named")
            iri = _iri_of(target, prefixes)
            if iri is None or iri not in allowed:
                raise QueryRejected(
                    f"FROM {_shown(target)}: not a graph of this store (available: "
                    + ", ".join(f"<{g}>" for g in sorted(allowed))
                    + ")"
                )
    return Checked(text, has_from)
