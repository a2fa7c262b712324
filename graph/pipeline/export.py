"""Export: write a validated graph to ``build/`` atomically and byte-reproducibly.

Atomicity: the files are written into a fresh directory ``.<out>.versions/<digest>`` (fsync'd),
then the path ``<out>`` - a symlink - is swapped to it with ``os.replace``, which is atomic on
POSIX. At every instant ``build/`` is either the previous complete build or the new one, so a
crash (or SIGKILL) mid-build leaves the previous build intact; stale temporary directories are
removed by the next successful run. Only the current and the previous version are kept.

Reproducibility: N-Triples lines are sorted; Turtle is rdflib's ``longturtle`` layout (subjects
and predicates sorted, no blank nodes in our graphs), both written by ``export_writers`` with
rdflib's bytes; JSON-LD is compacted with our published
context and then canonicalised (keys and arrays sorted); GraphML nodes and edges are added in
sorted order. Nothing volatile goes into these files; the build time lives only in
``build-metadata.ttl``, which ``MANIFEST.sha256`` leaves out on purpose.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from graph.atomic import fsync_dir
from graph.namespaces import CQR, NIF, PREFIXES, PROV, bind_all
from graph.pipeline import export_writers
from graph.vocab import ontology_dir

VOLATILE = frozenset({"build-metadata.ttl", "MANIFEST.sha256"})
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


def utf8(text: str | bytes) -> bytes:
    """``text`` as UTF-8 bytes (bytes are taken as they are)."""
    return text if isinstance(text, bytes) else text.encode("utf-8")


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


def report_html(g: Graph, nt: str | bytes | None = None) -> str:
    """``report.html``: the page ``/report`` serves, with relative links (graph.serve.report);
    ``nt`` is ``ntriples(g)`` when the caller has it (the page's store is loaded from it)."""
    from graph.serve import report  # the serving stage; imported only when the file is written

    return report.static_page(g, nt)


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
    """``cqkg.ttl`` or ``cqkg.jsonld`` (``name``) of ``data``, from the blocks of the last build.

    Why: one added article changes the graph, so the whole-file cache of :func:`rendered`
    misses and every subject was rendered again; with the blocks kept (``export_blocks``, one
    per subject, under the digest of its N-Triples lines) only the new subjects are. The memo
    is one blob per file under the package digest (any code change starts it empty), holding
    this build's blocks only; one that does not load is dropped, and whatever the blocks do
    not cover (:class:`export_blocks.Fallback`) is rendered whole, so the bytes are
    :func:`turtle`'s and :func:`jsonld`'s either way. ``store=None`` renders whole.
    """
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


def _write(path: Path, text: str | bytes) -> bytes:
    """Write ``text`` as UTF-8 (no newline translation; bytes as they are), fsync'd; the bytes
    written."""
    data = utf8(text)
    _write_hashed(path, data)
    return data


Content = str | bytes | Iterable[bytes]
"""A file's content: text (written as UTF-8), bytes, or byte chunks written in order."""


def _write_hashed(path: Path, content: Content, *hashes: Any) -> None:
    """Write ``content`` fsync'd, feeding every byte written to each of ``hashes`` (a sha256 of
    chunks is the sha256 of their concatenation, so no file is read back or joined first)."""
    chunks = (utf8(content),) if isinstance(content, str | bytes) else content
    with open(path, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
            for h in hashes:
                h.update(chunk)
        fh.flush()
        os.fsync(fh.fileno())


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(directory: Path) -> str:
    rows = [
        f"{sha256_file(p)}  {p.name}"
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name not in VOLATILE
    ]
    return "\n".join(rows) + "\n"


def _manifest_of(hashes: Mapping[str, str]) -> str:
    """:func:`manifest` of a directory holding exactly these files, from their sha256."""
    rows = [f"{hashes[name]}  {name}" for name in sorted(hashes) if name not in VOLATILE]
    return "\n".join(rows) + "\n"


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
) -> dict[str, Callable[[], Content]]:
    """Name -> producer of every file in build/ (produced lazily, written in sorted order).

    ``ready`` holds files already rendered by :func:`prerender` (the same bytes).

    ``cqkg.nq`` and ``cqkg.graphml`` reuse the sorted N-Triples of ``cqkg.nt`` (``nt`` when the
    caller has it already). With ``store`` (a ``graph.pipeline.cache.SourceCache``) Turtle and
    JSON-LD are assembled from the last build's per-subject blocks (:func:`by_blocks`), GraphML
    and report.html go through :func:`rendered`. The big files are produced as
    UTF-8 bytes (see :func:`ntriples_utf8`), the others as text; both are written as UTF-8.
    """
    nt_once = functools.cache(lambda: ntriples_utf8(data) if nt is None else utf8(nt))

    def cached(name: str, render: Callable[[], str]) -> Callable[[], str | bytes]:
        if ready is not None and name in ready:
            text = ready[name]
            return lambda: text
        return lambda: rendered_utf8(store, name, nt_once(), render)

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
        "report.html": cached("report.html", lambda: report_html(data, nt_once())),
        "quarantine.jsonl": lambda: quarantine,
        "cleaning.jsonl": lambda: cleaning,
        "curation-queue.yaml": lambda: curation_queue,  # graph.pipeline.curation_queue
        "build-metadata.ttl": lambda: turtle(metadata),
    }


GRAPH_FILES = ("cqkg.ttl", "cqkg.jsonld", "cqkg.graphml", "report.html")
"""The files rendered from the data graph alone (the slow ones): :func:`prerender` makes them
before validation has answered, so the two can overlap (``graph.pipeline.overlap``)."""


def prerender(data: Graph, nt: str | bytes, store: Any = None) -> dict[str, bytes]:
    """:data:`GRAPH_FILES` as :func:`render_files` would write them, rendered now."""
    files = render_files(data, Graph(), {}, "", "", nt=nt, store=store)
    return {name: _joined(files[name]()) for name in GRAPH_FILES}


def _joined(content: Content) -> bytes:
    return utf8(content) if isinstance(content, str | bytes) else b"".join(content)


def query_store(version_dir: Path, previous: Path | None = None) -> None:
    """The on-disk query store of a big build, written before the build is published.

    Why here: ``cqkg serve`` on a fresh big build used to have each worker bulk-load the data
    (a minute for a 1,000-article corpus) and time out. The store is built exactly when the
    engine would open one (``graph.sparql.disk_store.wants_store``: the same size threshold),
    inside the not-yet-published version directory, so it is published with the files it was
    loaded from, under the key (file names, sizes, mtimes, pyoxigraph version) the engine
    checks; a store that does not match is rebuilt by the engine, never used. It is a
    directory, so ``MANIFEST.sha256`` and the version digest (files only) leave it out.

    ``previous`` is the build published until now: when it holds the same data bytes, its
    store and answers are copied instead (``disk_store.reuse_store``: a warm rebuild wrote the
    same store again, most of its time at 1,000 articles).
    """
    from graph.sparql import disk_store  # imported only when publishing

    if disk_store.wants_store(version_dir):
        if previous is not None and disk_store.reuse_store(previous, version_dir):
            return
        disk_store.write_store(version_dir)


def publish(
    out: Path,
    files: Mapping[str, Callable[[], Content]],
    finish: Callable[[Path], None] | None = None,
) -> Path:
    """Write ``files`` into a new version directory and atomically point ``out`` at it.

    ``finish(version_dir)`` runs after the files are written and before the directory is
    published (``query_store`` for ``cqkg build``); what it adds is published with them.
    """
    out = Path(out)
    versions = out.parent / f".{out.name}.versions"
    versions.mkdir(parents=True, exist_ok=True)
    with open(versions / "LOCK", "w") as lock:  # one publisher at a time per output path
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _publish_locked(out, versions, files, finish)


def _publish_locked(
    out: Path,
    versions: Path,
    files: Mapping[str, Callable[[], Content]],
    finish: Callable[[Path], None] | None = None,
) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="tmp-", dir=versions))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes 0700; a published build is world-readable
        # Each file is hashed as it is written (for MANIFEST.sha256 and the version name)
        # instead of being read back twice: at corpus size the files are hundreds of MB.
        digest = hashlib.sha256()
        hashes: dict[str, str] = {}
        for name in sorted(files):
            own = hashlib.sha256()
            digest.update(name.encode() + b"\0")
            _write_hashed(tmp / name, files[name](), own, digest)
            digest.update(b"\0")
            hashes[name] = own.hexdigest()
        _write(tmp / "MANIFEST.sha256", _manifest_of(hashes))
        if finish is not None:
            finish(tmp)
        fsync_dir(tmp)
        final = versions / digest.hexdigest()[:16]
        if final.exists():
            # The same bytes are already published. A digest-named directory only ever comes
            # into being whole (by rename) and only ever leaves whole (renamed to trash first),
            # so it is complete; never delete it: it may be what build/ points at right now.
            shutil.rmtree(tmp)
        else:
            os.replace(tmp, final)
        fsync_dir(versions)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap_link(out, final)
    _prune(versions, keep={final.name, *_previous(out)})
    return final


def _previous(out: Path) -> set[str]:
    marker = out.parent / f".{out.name}.versions" / "PREVIOUS"
    return {marker.read_text().strip()} if marker.exists() else set()


def _swap_link(out: Path, target: Path) -> None:
    rel = os.path.relpath(target, out.parent)
    versions = target.parent
    if out.is_symlink():
        (versions / "PREVIOUS").write_text(Path(os.readlink(out)).name + "\n")
    elif out.exists():
        # A real directory from an older layout or made by hand: keep it aside, never delete it.
        aside = versions / "legacy-build"
        if aside.exists():
            shutil.rmtree(aside)
        os.replace(out, aside)
    for stale in out.parent.glob(f".{out.name}.link-*"):  # left by a killed build
        stale.unlink(missing_ok=True)
    link_tmp = out.parent / f".{out.name}.link-{os.getpid()}"
    os.symlink(rel, link_tmp)
    os.replace(link_tmp, out)
    fsync_dir(out.parent)


def _prune(versions: Path, keep: set[str]) -> None:
    """Remove old versions; each is renamed to ``trash-…`` first, so a kill mid-delete never
    leaves a half-deleted directory under a version name that a later build could reuse."""
    for child in sorted(versions.iterdir()):
        if child.name in keep or child.name in {"PREVIOUS", "LOCK", "legacy-build"}:
            continue
        if not child.is_dir():
            continue
        if not child.name.startswith("trash-"):
            trash = versions / f"trash-{child.name}-{os.getpid()}"
            os.replace(child, trash)
            child = trash
        shutil.rmtree(child, ignore_errors=True)
