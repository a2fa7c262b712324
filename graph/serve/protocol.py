"""The SPARQL 1.1 Protocol as ``/sparql`` speaks it: reading the query parameters (GET, form
or query body, each at most once), content negotiation over the result formats, and the
service description with its VoID counts.

The format tables here are the server's own copy until the one format registry
(``graph.sparql.formats``) lands; they are kept together so that switch is one place.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import ClientDisconnect, Request

from graph.namespaces import PREFIXES
from graph.serve.middleware import BODY_TIMEOUT
from graph.sparql import formats

CQR = PREFIXES["cqr"]

ENTITY_FORMATS = {f.name: f.media_type for f in formats.offered("graph", served=True)} | {
    "html": "text/html"
}
#: media types (with aliases) of the served graph formats, for the resource pages' Accept
GRAPH_MEDIA = {m for f in formats.offered("graph", served=True) for m in f.media_types}


def negotiate(accept: str | None, kind: str) -> tuple[str, str] | None:
    """(format, media type) for a result kind (``select``/``ask``/``graph``), or None -> 406;
    the choice is the format registry's (:func:`graph.sparql.formats.negotiate`)."""
    chosen = formats.negotiate(accept, kind)
    return None if chosen is None else (chosen.name, chosen.media_type)


async def _read_body(request: Request) -> bytes:
    try:
        return await asyncio.wait_for(request.body(), BODY_TIMEOUT)
    except TimeoutError:
        raise BodyTimeout from None
    except ClientDisconnect:  # the client left mid-body: not an application error
        request.scope["cqkg.gone"] = True
        raise Gone from None


class BodyTimeout(Exception):
    """The body did not arrive within ``BODY_TIMEOUT`` (408)."""


class Gone(Exception):
    """The client left mid-body; nobody reads the answer."""


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ValueError(f"parameter '{name}' must be given at most once")
    return values[0] if values else None


async def query_params(request: Request) -> tuple[str | None, str | None, str | None, str | None]:
    """(query, timeout, format, update) from GET params, a POST form or a sparql-query body."""
    params = request.query_params
    query = _single(params.getlist("query"), "query")
    timeout = _single(params.getlist("timeout"), "timeout")
    fmt = _single(params.getlist("format"), "format")
    update = _single(params.getlist("update"), "update")
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await _read_body(request)
        if ctype == "application/sparql-update":
            update = body.decode("utf-8", "replace") or "(empty)"
        elif ctype == "application/sparql-query":
            if query is not None:
                raise ValueError("parameter 'query' must be given at most once")
            try:
                query = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValueError(f"query body is not UTF-8 at byte {exc.start}") from None
        elif ctype == "application/x-www-form-urlencoded":
            from urllib.parse import parse_qs

            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError as exc:
                raise ValueError(f"form body is not UTF-8 at byte {exc.start}") from None
            for name in ("query", "timeout", "format", "update"):
                values = form.get(name, [])
                if values:
                    current = {"query": query, "timeout": timeout, "format": fmt, "update": update}[
                        name
                    ]
                    if current is not None or len(values) > 1:
                        raise ValueError(f"parameter '{name}' must be given at most once")
                    value = values[0]
                    if name == "query":
                        query = value
                    elif name == "timeout":
                        timeout = value
                    elif name == "format":
                        fmt = value
                    else:
                        update = value
        elif body:
            raise Unsupported(ctype or "(none)")
    return query, timeout, fmt, update


class Unsupported(Exception):
    """A POST body of a Content-Type the protocol does not define (415)."""


def describe_query(iri: str) -> str:
    return f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}"


def service_description_ttl(base: str, counts: dict[str, int], status: Any = None) -> str:
    """SPARQL 1.1 Service Description with a VoID dataset description (counts from the store),
    and a note of the workers' network isolation (``status``: the pool's :class:`PoolStatus`).
    """
    isolation = "unknown"
    if status is not None:
        isolation = status.isolation if status.network_isolated else f"NONE ({status.isolation})"
    note = (
        "Read-only SPARQL 1.1 endpoint; SERVICE, LOAD and updates are refused; "
        f"query workers' network isolation: {isolation}"
    )
    result_formats = "\n".join(
        f"    sd:resultFormat <{f.iri}> ;" for f in formats.offered(served=True) if f.iri
    )
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{base}/sparql> a sd:Service ;
    sd:endpoint <{base}/sparql> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    dcterms:description "{note}" ;
{result_formats}
    sd:defaultDataset <{base}/.well-known/void#dataset> .

<{base}/.well-known/void#dataset> a sd:Dataset, void:Dataset ;
    dcterms:title "cqkg: Chongqing Internet Development Report 2023 knowledge graph"@en ;
    void:sparqlEndpoint <{base}/sparql> ;
    void:uriSpace "{CQR}" ;
    void:triples {counts.get("triples", 0)} ;
    void:distinctSubjects {counts.get("subjects", 0)} ;
    void:properties {counts.get("properties", 0)} .
"""


__all__ = [
    "ENTITY_FORMATS",
    "GRAPH_MEDIA",
    "BodyTimeout",
    "Gone",
    "Unsupported",
    "describe_query",
    "negotiate",
    "query_params",
    "service_description_ttl",
]
