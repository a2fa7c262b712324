"""Export: write a validated graph to ``build/`` atomically and byte-reproducibly.

Atomicity: :mod:`graph.pipeline.export_publish` writes the files into a fresh version directory
and swaps ``build/`` to it (its names are re-exported here: ``publish``, ``query_store``, ...).

Reproducibility: N-Triples lines are sorted; Turtle is rdflib's ``longturtle`` layout (subjects
and predicates sorted, no blank nodes in our graphs), both written by ``export_writers`` with
rdflib's bytes; JSON-LD is compacted with our published
context and then canonicalised (keys and arrays sorted); GraphML nodes and edges are added in
sorted order. Nothing volatile goes into these files; the build time lives only in
``build-metadata.ttl``, which ``MANIFEST.sha256`` leaves out on purpose.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from graph.namespaces import CQR, NIF, PREFIXES, PROV, bind_all
from graph.pipeline import export_writers
from graph.pipeline.export_publish import VOLATILE as VOLATILE
from graph.pipeline.export_publish import Content as Content
from graph.pipeline.export_publish import InVersionDir as InVersionDir
from graph.pipeline.export_publish import Producer as Producer
from graph.pipeline.export_publish import manifest as manifest
from graph.pipeline.export_publish import publish as publish
from graph.pipeline.export_publish import query_store as query_store
from graph.pipeline.export_publish import sha256_file as sha256_file
from graph.pipeline.export_publish import utf8 as utf8
from graph.vocab import ontology_dir

DATA_FILES = ("cqkg.ttl", "cqkg.nt", "cqkg.jsonld", "context.jsonld", "cqkg.graphml")


def ntriples(g: Graph) -> str:
    """Sorted N-Triples (rdflib's own order depends on PYTHONHASHSEED); each line as rdflib's
    ``nt`` serializer writes it, by the direct writer (``graph.pipeline.export_writers``)."""
    return export_writers.ntriples(g)


def ntriples_utf8(g: Graph) -> bytes:
    """:func:`ntriples` encoded, made without the whole text as one ``str``.

    Why: the build holds this text from validation to publishing, and a Python ``str`` with a
    single character beyond U+FFFF (an emoji in a quoted sentence) takes four bytes for every
    character: a 1,000-article corpus's N-Triples were ~1.2 GB as ``str``, ~0.3 GB as UTF-8.
    Every consumer (cache keys, the SHACL and report stores, the files) takes the bytes.
    """
    return export_writers.ntriples_utf8(g)


GRAPHS = CQR["graph/"]
"""Named graphs of ``cqkg.nq``: ``cqr:graph/source/<id>`` per source and ``cqr:graph/shared``."""


def nquads(g: Graph, nt: str | bytes | None = None) -> str:
    """``g`` as sorted N-Quads, one named graph per source plus one shared graph.

    Why: a store holding many articles must be able to replace one article's triples when that
    article changes (``cqkg push``). A triple goes to ``cqr:graph/source/<id>`` when its subject
    belongs to that source alone: one of its spans, its document node, or a node whose every
    ``prov:wasDerivedFrom`` span is from it (a figure or an assertion only it states).
    Everything else - entities, indicators, themes, editions, figures two sources state - goes
    to ``cqr:graph/shared``. Each line is the ``cqkg.nt`` line with the graph inserted, so the
    union of the graphs is ``cqkg.nt``; lines are sorted by graph, then by line. ``nt`` is
    ``ntriples(g)`` when the caller has it already (it is the costly part).
    """
    return nquads_utf8(g, ntriples_utf8(g) if nt is None else utf8(nt)).decode("utf-8")


def nquads_utf8(g: Graph, nt: bytes) -> bytes:
    """:func:`nquads` as UTF-8, from ``nt`` = ``ntriples_utf8(g)``."""
    return b"".join(nquads_chunks(g, nt))


#: lines per chunk of :func:`nquads_chunks` (a few MB)
NQUADS_CHUNK = 20_000


def nquads_chunks(g: Graph, nt: bytes) -> Iterator[bytes]:
    """:func:`nquads` as UTF-8 chunks, in order: the build's path, written to ``cqkg.nq`` chunk by
    chunk (the whole text, one more copy of the graph's N-Triples, is never in memory; as one
    ``str`` it took four bytes a character, see :func:`ntriples_utf8`)."""
    prefix = str(CQR["source/"])
    owner: dict[bytes, str] = {}
    for span, doc in g.subject_objects(NIF.referenceContext):
        if isinstance(doc, URIRef) and str(doc).startswith(prefix):
            owner[span.n3().encode()] = owner[doc.n3().encode()] = str(doc)[len(prefix) :]
    evidence: dict[bytes, set[str]] = {}
    for node, span in g.subject_objects(PROV.wasDerivedFrom):
        evidence.setdefault(node.n3().encode(), set()).add(owner.get(span.n3().encode(), ""))
    for key, owners in evidence.items():
        if key not in owner and len(owners) == 1 and "" not in owners:
            owner[key] = next(iter(owners))
    shared = f" <{GRAPHS}shared> .\n".encode()
    suffixes: dict[str, bytes] = {}
    groups: dict[bytes, list[bytes]] = {}
    lines = nt.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    for line in lines:  # sorted already
        sid = owner.get(line[: line.index(b" ")])
        if sid:
            suffix = suffixes.get(sid)
            if suffix is None:
                suffix = suffixes[sid] = f" <{GRAPHS}source/{sid}> .\n".encode()
        else:
            suffix = shared
        groups.setdefault(suffix, []).append(line)
    # each line ends " ." and no line holds a raw line break (N-Triples escapes them), so
    # " .\n" is exactly each line's end: replaced by the graph term and the end
    for suffix in sorted(groups, key=lambda s: s.split(b" ", 2)[1]):  # by the <graph> term
        group = groups[suffix]
        for at in range(0, len(group), NQUADS_CHUNK):
            yield (b"\n".join(group[at : at + NQUADS_CHUNK]) + b"\n").replace(b" .\n", suffix)


def turtle(g: Graph) -> str:
    """Deterministic Turtle: rdflib's longturtle layout (subjects and predicates sorted), the
    same bytes written directly (``graph.pipeline.export_writers.turtle``, several times faster
    at corpus size)."""
    return export_writers.turtle(bind_all(g))


def jsonld_context() -> dict[str, Any]:
    """The published ``@context``: our prefixes plus typed shortcuts for common properties."""
    ctx: dict[str, Any] = dict(PREFIXES)
    ctx.update(
        {
            "label": {"@id": "rdfs:label", "@container": "@language"},
            "value": {"@id": "cqo:value", "@type": "xsd:decimal"},
            "rank": {"@id": "cqo:rank", "@type": "xsd:integer"},
            "period": {"@id": "cqo:period", "@type": "xsd:gYear"},
            "statedValue": "cqo:statedValue",
            "indicator": {"@id": "cqo:indicator", "@type": "@id"},
            "about": {"@id": "cqo:about", "@type": "@id"},
            "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
        }
    )
    return {"@context": dict(sorted(ctx.items()))}


_canonical = export_writers.canonical_json


def jsonld(g: Graph) -> str:
    """Compacted, canonical JSON-LD with the ``@context`` embedded (not a reference to it).

    Why embedded: a relative ``"@context": "context.jsonld"`` needs a document loader to
    resolve it, and pyoxigraph (and rdflib without network) refuse to fetch one, so the file
    did not parse offline. ``context.jsonld`` is still published for clients that want to
    compact their own data with it; it holds the same context.
    """
    ctx = jsonld_context()["@context"]
    doc: Any = export_writers.jsonld_data(g, ctx)
    if isinstance(doc, list):
        doc = {"@context": ctx, "@graph": doc}
    doc["@context"] = ctx
    graph_nodes = doc.get("@graph", [])
    doc["@graph"] = sorted(
        (_canonical(n) for n in graph_nodes), key=lambda n: str(n.get("@id", ""))
    )
    return export_writers.dump_json(doc) + "\n"


def graphml(g: Graph, nt: str | bytes | None = None) -> str:
    """The entity network as GraphML: the viewer's network (``graph.view.network``, the one
    builder ``cqkg view`` and ``cqkg analyze`` use), the same text ``cqkg analyze --export-dir``
    writes for this build (``graph.view.graphml``; docs/decisions/0010-one-entity-network.md)."""
    from graph.view import graphml as view_graphml  # the viewer stage; only when it is written

    text = ntriples(g) if nt is None else nt
    net, idx, styles = view_graphml.from_ntriples(text, ontology_dir() / "cqkg.ttl")
    return view_graphml.graphml(net, idx, styles)


def report_html(g: Graph, nt: str | bytes | None = None, build_dir: Path | None = None) -> str:
    """``report.html``: the page ``/report`` serves, with relative links (graph.serve.report);
    ``nt`` is ``ntriples(g)`` when the caller has it (the page's store is loaded from it).

    ``build_dir`` is the version directory being written, holding ``cqkg.nt`` and
    ``ontology.ttl`` already (:class:`InVersionDir`): a big build's page is then read from the
    store the build publishes there (``report.build_page``), not from one of its own."""
    from graph.serve import report  # the serving stage; imported only when the file is written

    if build_dir is not None:
        return report.build_page(build_dir)
    return report.static_page(g, nt)


def big(nt: bytes) -> bool:
    """Whether a build of these N-Triples gets an on-disk query store (the engine's threshold,
    ``disk_store.PERSISTENT_STORE_MIN_BYTES``, on the bytes ``cqkg.nt`` will hold)."""
    from graph.sparql import disk_store

    return len(nt) >= disk_store.PERSISTENT_STORE_MIN_BYTES


EXPORT_LIBRARIES = (
    "rdflib",
    "pyoxigraph",
    "networkx",
    "jinja2",
    "markupsafe",
    "starlette",
    "opencc",  # report.html converts scripts (graph.text)
    "pypinyin",
    "pyyaml",
)
"""Libraries whose version is part of a rendered file's cache key."""


def rendered(store: Any, name: str, nt: str | bytes, render: Callable[[], str]) -> str:
    """``render()``, or the text it gave before for the same graph, file name and code.

    Turtle, JSON-LD, GraphML and report.html are pure functions of the data graph (``nt``, its
    canonical sorted N-Triples), the ontology and the code, and together they were most of the
    export; the key covers all of them (``cache.package_digest``: every file of the package and
    the ontology, plus the libraries that write the files). A blob that is not valid UTF-8 is
    dropped and the file rendered again. ``store=None`` always renders.
    """
    return rendered_utf8(store, name, nt, render).decode("utf-8")


def rendered_utf8(store: Any, name: str, nt: str | bytes, render: Callable[[], str]) -> bytes:
    """:func:`rendered` as UTF-8: what the build keeps until it publishes (see
    :func:`ntriples_utf8` for why not a ``str``)."""
    if store is None:
        return render().encode("utf-8")
    from graph.pipeline import cache

    key = cache.digest("cqkg-export 1", name, nt, cache.package_digest(EXPORT_LIBRARIES))
    blob = store.load_blob("export", key)
    if blob is not None:
        try:
            blob.decode("utf-8")
            return blob
        except UnicodeDecodeError:
            store.forget_blob("export", key)
    data = render().encode("utf-8")
    store.store_blob("export", key, data)
    return data


BLOCKS_FORMAT = "cqkg-export-blocks 1"
BLOCK_FILES = ("cqkg.ttl", "cqkg.jsonld")
"""The files assembled from per-subject blocks kept between builds (``export_blocks``)."""


def by_blocks(store: Any, name: str, data: Graph, nt: bytes) -> bytes:
    """``cqkg.ttl`` or ``cqkg.jsonld`` (``name``) of ``data``, from the blocks of the last build;
    a big build's (:func:`big`) by Oxigraph's serializers (``graph.pipeline.export_bulk``).

    Why: one added article changes the graph, so the whole-file cache of :func:`rendered`
    misses and every subject was rendered again; with the blocks kept (``export_blocks``, one
    per subject, under the digest of its N-Triples lines) only the new subjects are. The memo
    is one blob per file under the package digest (any code change starts it empty), holding
    this build's blocks only; one that does not load is dropped, and whatever the blocks do
    not cover (:class:`export_blocks.Fallback`) is rendered whole, so the bytes are
    :func:`turtle`'s and :func:`jsonld`'s either way. ``store=None`` renders whole.
    """
    if big(nt):  # Oxigraph's writers: no blocks to keep (graph.pipeline.export_bulk)
        from graph.pipeline import export_bulk

        return export_bulk.turtle(nt) if name == "cqkg.ttl" else export_bulk.jsonld(nt)
    whole = (lambda: turtle(data)) if name == "cqkg.ttl" else (lambda: jsonld(data))
    if store is None:
        return whole().encode("utf-8")
    import pickle

    from graph.pipeline import cache, export_blocks

    key = cache.digest(BLOCKS_FORMAT, name, cache.package_digest(EXPORT_LIBRARIES))
    memo: Any = {}
    blob = store.load_blob("export-blocks", key)
    if blob is not None:
        # the payload carries its own digest: a block changed on disk is never joined in
        seal, _, body = blob.partition(b"\n")
        try:
            memo = pickle.loads(body) if seal == _seal(body) else None
        except Exception:  # a damaged entry: ignored, rewritten below
            memo = None
        del body
        width = 4 if name == "cqkg.ttl" else 2
        if not isinstance(memo, dict) or not all(
            isinstance(v, tuple) and len(v) == width and isinstance(v[0], bytes)
            for v in memo.values()
        ):
            store.forget_blob("export-blocks", key)
            memo = {}
    del blob
    blocks: dict[bytes, Any]
    try:
        if name == "cqkg.ttl":
            text, blocks = export_blocks.turtle(bind_all(data), nt, memo)
        else:
            text, blocks = export_blocks.jsonld(data, nt, memo, jsonld_context()["@context"])
    except export_blocks.Fallback:
        return whole().encode("utf-8")
    del memo
    body = pickle.dumps(blocks, pickle.HIGHEST_PROTOCOL)
    store.store_blob("export-blocks", key, _seal(body) + b"\n" + body)
    return text


def _seal(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).hexdigest().encode()


def render_files(
    data: Graph,
    metadata: Graph,
    stats: Mapping[str, Any],
    report_md: str,
    quarantine: str,
    cleaning: str = "",
    curation_queue: str = "",
    *,
    nt: str | bytes | None = None,
    store: Any = None,
    ready: Mapping[str, bytes] | None = None,
) -> dict[str, Producer]:
    """Name -> producer of every file in build/ (produced lazily, written in sorted order).

    ``ready`` holds files already rendered by :func:`prerender` (the same bytes).

    ``cqkg.nq`` and ``cqkg.graphml`` reuse the sorted N-Triples of ``cqkg.nt`` (``nt`` when the
    caller has it already). With ``store`` (a ``graph.pipeline.cache.SourceCache``) Turtle and
    JSON-LD are assembled from the last build's per-subject blocks (:func:`by_blocks`), GraphML
    and report.html go through :func:`rendered`. The big files are produced as
    UTF-8 bytes (see :func:`ntriples_utf8`), the others as text; both are written as UTF-8.
    A big build's report.html (:func:`big`) is an :class:`InVersionDir`: on a cache miss it is
    read from the query store built from the ``cqkg.nt`` and ``ontology.ttl`` just written.
    """
    nt_once = functools.cache(lambda: ntriples_utf8(data) if nt is None else utf8(nt))

    def cached(name: str, render: Callable[[], str]) -> Callable[[], str | bytes]:
        if ready is not None and name in ready:
            text = ready[name]
            return lambda: text
        return lambda: rendered_utf8(store, name, nt_once(), render)

    def report_page() -> Producer:
        if (ready is not None and "report.html" in ready) or not big(nt_once()):
            return cached("report.html", lambda: report_html(data, nt_once()))
        return InVersionDir(
            lambda d: rendered_utf8(
                store, "report.html", nt_once(), lambda: report_html(data, build_dir=d)
            ),
            after=("cqkg.nt", "ontology.ttl"),
        )

    def blocks(name: str) -> Callable[[], str | bytes]:
        if ready is not None and name in ready:
            text = ready[name]
            return lambda: text
        return lambda: by_blocks(store, name, data, nt_once())

    return {
        "cqkg.ttl": blocks("cqkg.ttl"),
        "cqkg.nt": nt_once,
        "cqkg.nq": lambda: nquads_chunks(data, nt_once()),  # per-source graphs, graph.sparql.push
        "cqkg.jsonld": blocks("cqkg.jsonld"),
        "context.jsonld": lambda: json.dumps(jsonld_context(), indent=1, sort_keys=True) + "\n",
        "cqkg.graphml": cached("cqkg.graphml", lambda: graphml(data, nt_once())),
        "ontology.ttl": lambda: (ontology_dir() / "cqkg.ttl").read_text(encoding="utf-8"),
        "shapes.ttl": lambda: (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8"),
        "stats.json": lambda: (
            json.dumps(stats, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        ),
        "report.md": lambda: report_md,
        # the report at a glance, graph.serve.report
        "report.html": report_page(),
        "quarantine.jsonl": lambda: quarantine,
        "cleaning.jsonl": lambda: cleaning,
        "curation-queue.yaml": lambda: curation_queue,  # graph.pipeline.curation_queue
        "build-metadata.ttl": lambda: turtle(metadata),
    }


GRAPH_FILES = ("cqkg.ttl", "cqkg.jsonld", "cqkg.graphml", "report.html")
"""The files rendered from the data graph alone (the slow ones): :func:`prerender` makes them
before validation has answered, so the two can overlap (``graph.pipeline.overlap``)."""


def prerender(data: Graph, nt: str | bytes, store: Any = None) -> dict[str, bytes]:
    """:data:`GRAPH_FILES` as :func:`render_files` would write them, rendered now; a big
    build's report.html is left to :func:`publish` (it is read from the build's query store,
    which exists only there: :class:`InVersionDir`)."""
    files = render_files(data, Graph(), {}, "", "", nt=nt, store=store)
    out = {}
    for name in GRAPH_FILES:
        producer = files[name]
        if not isinstance(producer, InVersionDir):
            out[name] = _joined(producer())
    return out


def _joined(content: Content) -> bytes:
    return utf8(content) if isinstance(content, str | bytes) else b"".join(content)
