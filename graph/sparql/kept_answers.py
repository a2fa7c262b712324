"""The shipped queries' answers kept with a big build's on-disk store, and read back.

They are written once, when the store is built (:func:`keep_answers`, called by
:func:`graph.sparql.disk_store.write_store`; why: its docstring), and returned by the engine
(:class:`graph.sparql.engines.OxigraphEngine`, through :class:`KeptAnswers`) for exactly the
same query text and code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.namespaces import PREFIXES
from graph.sparql.errors import QueryError
from graph.sparql.results import Result, Term
from graph.sparql.safety import canonical

__all__ = ["KeptAnswers", "answers_current", "keep_answers"]


def _answers_code() -> str:
    """Digest of what turns a store's answer into a :class:`Result` (the engine, the store it
    is loaded into, this module, the result type, the canonical spelling, the prefixes): kept
    answers of other code are not used."""
    import hashlib

    from graph.sparql import disk_store, engines, results, safety  # they import this module

    h = hashlib.sha256(repr(sorted(PREFIXES.items())).encode())
    files = (engines.__file__, disk_store.__file__, __file__, results.__file__, safety.__file__)
    for mod in files:
        h.update(Path(str(mod)).read_bytes())
    return h.hexdigest()


def _query_key(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def keep_answers(store: Any, out: Path) -> None:
    """Answer every shipped query (its default bindings) on a just-built store, into ``out``.

    Why: on a 1,000-article corpus most shipped queries read or return rows that grow with the
    corpus, and the on-disk store evaluates them in 0.1-7 s; the store never changes, so their
    answers are the engine's own, computed once with the store (by ``cqkg build`` for a big
    build) and read back by :class:`~graph.sparql.engines.OxigraphEngine` when exactly that
    query text comes again. One JSON file per query, named by the sha256 of its canonical text,
    with the digest of the code that made it; any other query, or bindings, is evaluated as
    before.
    """
    import json

    from graph.sparql.catalogue import list_queries
    from graph.sparql.engines import OxigraphEngine  # the engine imports this module

    engine = OxigraphEngine.on_store(store)
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


def answers_current(directory: Path) -> bool:
    """Whether ``directory`` holds this code's answer to every shipped query that has one, as
    :func:`keep_answers` would write them now (so a copy of it serves like a fresh one)."""
    import json

    from graph.sparql.catalogue import list_queries

    code = _answers_code()
    for q in list_queries():
        text = canonical(q.text)
        try:
            body = json.loads((directory / f"{_query_key(text)}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return False
        if not isinstance(body, dict) or body.get("code") != code or body.get("query") != text:
            return False
    return True


class KeptAnswers:
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
