"""The shipped query catalogue: ``queries/*.rq`` with their headers and parameters (``--bind``).

Why here and not in the engine: listing, loading and binding a query is text work (the CLI's
``--list``, the endpoint's example page, the competency tests) that must not load an engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from graph.model import InputError
from graph.sparql.safety import tokens

QUERIES_DIR = Path(__file__).parent / "queries"


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
