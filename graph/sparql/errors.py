"""Errors of the query layer; ``status`` is the HTTP status the endpoint answers with.

A module of their own so the safety check (:mod:`graph.sparql.safety`), the engines and the
server share one set of classes without importing each other; every user imports them from here.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "EngineCrashed",
    "QueryError",
    "QueryRejected",
    "QuerySyntaxError",
    "QueryTimeout",
    "QueryTooLarge",
    "TooManyRows",
]


class QueryError(Exception):
    """A query that cannot be answered; ``status`` is the HTTP status the endpoint returns."""

    status = 400
    code = "bad-query"

    def to_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": str(self)}


class QueryTooLarge(QueryError):
    status = 413
    code = "too-large"


class QueryRejected(QueryError):
    """Refused by policy (read-only, SERVICE, unknown FROM graph, nesting)."""

    code = "rejected"


class QuerySyntaxError(QueryError):
    code = "syntax"


class TooManyRows(QueryError):
    code = "too-many-rows"

    def __init__(self, max_rows: int) -> None:
        super().__init__(f"add LIMIT (max {max_rows})")
        self.max_rows = max_rows

    def __reduce__(self) -> tuple[Any, ...]:  # crosses the worker pipe intact
        return (TooManyRows, (self.max_rows,))


class QueryTimeout(QueryError):
    status = 503
    code = "timeout"

    def __init__(self, limit_s: float, pid: int | None = None) -> None:
        super().__init__(f"query exceeded the time limit of {limit_s:g} s")
        self.limit_s = limit_s
        self.pid = pid

    def __reduce__(self) -> tuple[Any, ...]:
        return (QueryTimeout, (self.limit_s, self.pid))

    def to_json(self) -> dict[str, Any]:
        limit: float | int = (
            int(self.limit_s) if self.limit_s == int(self.limit_s) else self.limit_s
        )
        return {"error": "timeout", "limit_s": limit}


class EngineCrashed(QueryError):
    status = 500
    code = "engine-crashed"
