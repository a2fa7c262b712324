"""``cqkg push``: upload the build to a triple store with the SPARQL 1.1 Graph Store Protocol.

Three targets:

* **per source** (the default): ``cqkg.nq`` holds one named graph per source
  (``cqr:graph/source/<id>``) plus ``cqr:graph/shared`` (see ``graph.pipeline.export.nquads``);
  each is
  ``PUT`` to ``URL?graph=IRI``, so a changed article replaces only its own graph. The ontology
  goes to ``cqr:graph/ontology``.
* ``graph=IRI``: all of ``cqkg.nt`` (and ``ontology.ttl``) into one named graph.
* ``per_source=False``: the same into the store's default graph (``URL?default``).

Big graphs: files are read line by line and sent in chunks of about ``chunk_bytes`` (the first
``PUT``, the rest ``POST``), so no whole graph is ever held in memory; ``bulk=True`` deletes
the graph and ``POST``s every chunk with Oxigraph's ``no_transaction&lenient`` (its bulk
loader, not atomic, no validation: our output is validated by the build; about 2.7x faster
measured; other stores may ignore or refuse the parameters).

Resumable (per-source target only): after a graph is complete, its digest (sha256 of its
lines in ``cqkg.nq``) is written to a companion graph ``cqr:graph/digest/<name>``
(``<graph> dcterms:identifier "sha256:…"`` and ``void:triples``). A graph whose companion
already holds the digest is skipped; the companion is deleted before a graph is rewritten, so
a push killed half-way re-sends exactly the graphs it had not finished. ``cqr:graph/catalog``
lists the graphs of the last complete push; graphs of sources no longer in the build are
deleted (with their companions). Errors are one line (``PushError``, exit 1).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from graph.model import InputError

if TYPE_CHECKING:
    import httpx

GRAPH_BASE = "https://w3id.org/cqkg/id/graph/"
ONTOLOGY_GRAPH = f"{GRAPH_BASE}ontology"
CATALOG_GRAPH = f"{GRAPH_BASE}catalog"
DIGEST_BASE = f"{GRAPH_BASE}digest/"
DCT_IDENTIFIER = "http://purl.org/dc/terms/identifier"
DCT_HAS_PART = "http://purl.org/dc/terms/hasPart"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
NT = "application/n-triples; charset=utf-8"
CHUNK_BYTES = 8 << 20
_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


class PushError(Exception):
    """The store refused the upload or could not be reached (exit code 1)."""

    exit_code = 1


def bearer_auth(token: str) -> httpx.Auth:
    """``Authorization: Bearer <token>`` on every request (QLever's access token)."""
    import httpx

    class _Bearer(httpx.Auth):
        def auth_flow(
            self, request: httpx.Request
        ) -> Generator[httpx.Request, httpx.Response, None]:
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    return _Bearer()


@dataclass(slots=True)
class PushReport:
    endpoint: str
    graph: str | None
    files: tuple[str, ...]
    bytes_sent: int = 0
    uploaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    requests: int = 0

    def summary(self) -> str:
        if self.graph == "per-source":
            return (
                f"pushed {len(self.uploaded)} named graph(s) ({self.bytes_sent} bytes, "
                f"{self.requests} requests), {len(self.skipped)} unchanged skipped, "
                f"{len(self.deleted)} stale deleted, at {self.endpoint}"
            )
        target = f"graph <{self.graph}>" if self.graph else "the default graph"
        return (
            f"pushed {', '.join(self.files)} ({self.bytes_sent} bytes) to {target} "
            f"at {self.endpoint}"
        )


@dataclass(frozen=True, slots=True)
class _Part:
    """One named graph of ``cqkg.nq``: its byte range, triple count and content digest."""

    name: str
    start: int
    end: int
    triples: int
    digest: str


def push(
    endpoint: str,
    build_dir: Path,
    *,
    graph: str | None = None,
    per_source: bool = True,
    include_ontology: bool = True,
    bulk: bool = False,
    chunk_bytes: int = CHUNK_BYTES,
    auth: httpx.Auth | None = None,
    timeout: float = 60.0,
    progress: Callable[[str], None] | None = None,
    force: bool = False,
) -> PushReport:
    """Upload ``build_dir`` to the Graph Store at ``endpoint``; ``PushError`` on failure."""
    import httpx

    build_dir = Path(build_dir)
    data = build_dir / ("cqkg.nq" if per_source and not graph else "cqkg.nt")
    if not (build_dir / "cqkg.nt").is_file():
        raise InputError(f"{build_dir / 'cqkg.nt'}: not found; run `cqkg build` first")
    if not data.is_file():
        raise InputError(f"{data}: not found; rebuild with this version of `cqkg build`")
    if not endpoint.startswith(("http://", "https://")):
        raise InputError(f"--endpoint {endpoint}: must be an http(s) URL")
    if chunk_bytes < 1:
        raise InputError(f"chunk size {chunk_bytes} bytes: must be positive")
    onto = build_dir / "ontology.ttl"
    with_onto = include_ontology and onto.is_file()
    say = progress or (lambda _msg: None)
    store = _Store(httpx.Client(timeout=timeout, trust_env=False, auth=auth), endpoint, bulk)
    with store.client:
        if graph or not per_source:
            return _push_single(store, data, onto if with_onto else None, graph, chunk_bytes, say)
        return _push_per_source(
            store, data, onto if with_onto else None, chunk_bytes, say, force=force
        )


class _Store:
    """Graph Store Protocol requests with one-line errors."""

    def __init__(self, client: httpx.Client, endpoint: str, bulk: bool) -> None:
        self.client = client
        self.endpoint = endpoint
        self.bulk = bulk
        self.requests = 0

    def send(
        self,
        method: str,
        graph: str | None,
        body: bytes = b"",
        ctype: str = NT,
        ok_missing: bool = False,
    ) -> httpx.Response:
        import httpx

        params: dict[str, str] = {"graph": graph} if graph else {"default": ""}
        if self.bulk and method == "POST":
            params.update(no_transaction="", lenient="")  # Oxigraph's bulk loader
        headers = {"Accept": NT} if method == "GET" else {"Content-Type": ctype}
        what = f"{method} <{graph}>" if graph else f"{method} default graph"
        try:
            resp = self.client.request(
                method, self.endpoint, params=params, content=body or None, headers=headers
            )
        except httpx.HTTPError as exc:
            detail = _SPACE.sub(" ", str(exc)).strip()
            raise PushError(f"{self.endpoint}: {what}: {type(exc).__name__}: {detail}") from None
        self.requests += 1
        if ok_missing and resp.status_code == 404:
            return resp
        if resp.status_code >= 300:
            text = _SPACE.sub(" ", _TAGS.sub(" ", resp.text)).strip()
            raise PushError(
                f"{self.endpoint}: {what} -> HTTP {resp.status_code}: {text[:200]}"
            ) from None
        return resp

    def upload(self, graph: str | None, chunks: Iterator[bytes], ctype: str = NT) -> int:
        """PUT the first chunk (replacing the graph), POST the others; bytes sent.

        In bulk mode the graph is deleted first and every chunk POSTed: Oxigraph takes its
        bulk loader only on POST.
        """
        sent = 0
        if self.bulk:
            self.send("DELETE", graph, ok_missing=True)
        for i, chunk in enumerate(chunks):
            self.send("PUT" if i == 0 and not self.bulk else "POST", graph, chunk, ctype)
            sent += len(chunk)
        if sent == 0:  # an empty graph still replaces what the store had
            self.send("PUT", graph, b"", ctype)
        return sent


def _chunks(fh: BinaryIO, end: int, size: int, strip_graph: bool) -> Iterator[bytes]:
    """Lines from the current position up to byte ``end``, in chunks of about ``size`` bytes."""
    buf: list[bytes] = []
    held = 0
    while fh.tell() < end:
        line = fh.readline()
        if not line:
            break
        if strip_graph:  # '<s> <p> <o> <g> .' -> '<s> <p> <o> .'
            line = line.rstrip(b"\n").rsplit(b" ", 2)[0] + b" .\n"
        buf.append(line)
        held += len(line)
        if held >= size:
            yield b"".join(buf)
            buf, held = [], 0
    if buf:
        yield b"".join(buf)


def _file_chunks(path: Path, size: int) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        yield from _chunks(fh, path.stat().st_size, size, strip_graph=False)


def _push_single(
    store: _Store,
    data: Path,
    onto: Path | None,
    graph: str | None,
    chunk_bytes: int,
    say: Callable[[str], None],
) -> PushReport:
    target = f"<{graph}>" if graph else "the default graph"
    sent = store.upload(graph, _file_chunks(data, chunk_bytes))
    say(f"{data.name}: {sent} bytes to {target} ({store.requests} requests)")
    files = [data.name]
    if onto is not None:
        body = onto.read_bytes()  # the ontology is small and Turtle cannot be split by lines
        store.send("POST", graph, body, "text/turtle; charset=utf-8")
        sent += len(body)
        files.append(onto.name)
        say(f"{onto.name}: {len(body)} bytes to {target}")
    return PushReport(store.endpoint, graph, tuple(files), sent, requests=store.requests)


def scan_parts(path: Path) -> list[_Part]:
    """One pass over ``cqkg.nq``: each graph's byte range, triple count and digest.

    The digest is sha256 of the graph's lines as they are in ``cqkg.nq`` (every line ends
    with the graph's own name), so it changes exactly when the graph's content does. The file
    must be grouped by graph (``export.nquads`` sorts it). Lines of the current graph are
    recognised by their suffix, so a big file costs one ``endswith`` and one hash update a line.
    """
    parts: list[_Part] = []
    seen: set[str] = set()
    name, suffix, start, count, digest = "", b"\0", 0, 0, hashlib.sha256()
    offset = 0
    with open(path, "rb") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.endswith(suffix):
                try:
                    _head, g, dot = line.rstrip(b"\n").rsplit(b" ", 2)
                except ValueError:
                    raise InputError(f"{path}:{lineno}: not an N-Quads line") from None
                if dot != b"." or not (g.startswith(b"<") and g.endswith(b">")):
                    raise InputError(f"{path}:{lineno}: not an N-Quads line with a named graph")
                if not line.endswith(b" .\n"):
                    raise InputError(f"{path}:{lineno}: not an N-Quads line (no newline)")
                here = g[1:-1].decode("utf-8")
                if name:
                    parts.append(_Part(name, start, offset, count, digest.hexdigest()))
                if here in seen:
                    raise InputError(f"{path}:{lineno}: graph <{here}> is not contiguous")
                seen.add(here)
                name, suffix = here, b" " + g + b" .\n"
                start, count, digest = offset, 0, hashlib.sha256()
            digest.update(line)
            count += 1
            offset += len(line)
    if name:
        parts.append(_Part(name, start, offset, count, digest.hexdigest()))
    return parts


def _ontology_part(onto: Path) -> _Part:
    return _Part(ONTOLOGY_GRAPH, 0, 0, -1, hashlib.sha256(onto.read_bytes()).hexdigest())


def digest_graph(name: str) -> str:
    """The companion graph that records ``name``'s digest once it is complete."""
    tail = (
        name[len(GRAPH_BASE) :]
        if name.startswith(GRAPH_BASE)
        else hashlib.sha256(name.encode()).hexdigest()
    )
    return f"{DIGEST_BASE}{tail}"


def _digest_body(part: _Part) -> bytes:
    lines = [f'<{part.name}> <{DCT_IDENTIFIER}> "sha256:{part.digest}" .\n']
    if part.triples >= 0:
        lines.append(f'<{part.name}> <{VOID_TRIPLES}> "{part.triples}"^^<{XSD_INTEGER}> .\n')
    return "".join(lines).encode("utf-8")


def _stored_digest_matches(store: _Store, part: _Part) -> bool:
    resp = store.send("GET", digest_graph(part.name), ok_missing=True)
    return resp.status_code == 200 and f'"sha256:{part.digest}"' in resp.text


def _catalog(store: _Store) -> set[str]:
    resp = store.send("GET", CATALOG_GRAPH, ok_missing=True)
    if resp.status_code != 200:
        return set()
    found = re.findall(rf"<{re.escape(DCT_HAS_PART)}>\s+<([^>]+)>", resp.text)
    return set(found)


def _put_catalog(store: _Store, names: set[str]) -> None:
    body = "".join(f"<{CATALOG_GRAPH}> <{DCT_HAS_PART}> <{n}> .\n" for n in sorted(names))
    store.send("PUT", CATALOG_GRAPH, body.encode("utf-8"))


def _push_per_source(
    store: _Store,
    data: Path,
    onto: Path | None,
    chunk_bytes: int,
    say: Callable[[str], None],
    *,
    force: bool = False,
) -> PushReport:
    parts = scan_parts(data)
    if onto is not None:
        parts.append(_ontology_part(onto))
    report = PushReport(store.endpoint, "per-source", (data.name,) + ((onto.name,) if onto else ()))
    previous = _catalog(store)
    current = {p.name for p in parts}
    # Listed before the upload too, so graphs of a push killed half-way are still known
    # (and can be deleted) if their source leaves the build before the next complete push.
    _put_catalog(store, previous | current)
    total = len(parts)
    with open(data, "rb") as fh:
        for i, part in enumerate(parts, 1):
            label = part.name[len(GRAPH_BASE) :] if part.name.startswith(GRAPH_BASE) else part.name
            if not force and _stored_digest_matches(store, part):
                report.skipped.append(part.name)
                say(f"[{i}/{total}] {label}: unchanged (digest matches), skipped")
                continue
            store.send("DELETE", digest_graph(part.name), ok_missing=True)
            if onto is not None and part.name == ONTOLOGY_GRAPH:
                body = onto.read_bytes()
                store.send("PUT", part.name, body, "text/turtle; charset=utf-8")
                sent = len(body)
            else:
                fh.seek(part.start)
                sent = store.upload(part.name, _chunks(fh, part.end, chunk_bytes, True))
            store.send("PUT", digest_graph(part.name), _digest_body(part))
            report.uploaded.append(part.name)
            report.bytes_sent += sent
            triples = f"{part.triples} triples, " if part.triples >= 0 else ""
            say(f"[{i}/{total}] {label}: {triples}{sent} bytes uploaded")
    for stale in sorted(previous - current):
        store.send("DELETE", stale, ok_missing=True)
        store.send("DELETE", digest_graph(stale), ok_missing=True)
        report.deleted.append(stale)
        say(f"deleted {stale} (no longer in the build)")
    _put_catalog(store, current)
    report.requests = store.requests
    return report
