"""The build: sources -> ingest -> segment -> extract -> assemble -> validate -> export.

``run`` is what ``cqkg build`` (and ``make build``) calls. It either publishes a complete,
validated ``build/`` or raises, leaving the previous build untouched:

* ``InputError`` for bad input (one line naming the file; exit code 2, or 3 for non-Chinese);
* ``BuildError`` when validation fails (the full report goes to ``<out>.failed.md``).
"""

from __future__ import annotations

import platform
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, XSD

from graph import __version__
from graph.curation.periods import chongqing_districts
from graph.curation.registry import load_registry
from graph.curation.vocabularies import load_curation
from graph.model import BuildError, Extraction, Finding, InputError, Level
from graph.namespaces import CQR, DCTERMS, PROV, bind_all
from graph.pipeline import (
    assemble,
    checks,
    curation_queue,
    export,
    fanout,
    ingest,
    overlap,
    segment,
    sources,
    validate,
)
from graph.pipeline import cache as source_cache
from graph.pipeline.assemble import Bundle, source_iri
from graph.pipeline.assemble_iris import DATASET
from graph.pipeline.extract import candidates, entities, metrics, period, relations
from graph.pipeline.report import (
    BuildReport,
    build_report,
    cleaning_log,
    findings_table,
    quarantine,
    reconcile,
    report_md,
)

_VERSIONED = ("rdflib", "pyshacl", "pyoxigraph", "networkx", "opencc", "pypinyin")


@dataclass(slots=True)
class BuildResult:
    """A published build: where it is, its typed report, every finding and the timings."""

    out_dir: Path
    version_dir: Path
    report: BuildReport
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)  # for scripts/bench_build.py
    #: per-source cache use of this build: {"hits": n, "misses": m} ({} with --no-cache)
    cache: dict[str, int] = field(default_factory=dict)

    @property
    def stats(self) -> dict[str, Any]:
        """The report as ``stats.json`` has it (what ``cqkg build`` prints its summary from)."""
        return self.report.to_json()


class _Clock:
    """Wall time per stage, so the benchmark measures the real build, not a copy of it."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.times[stage] = self.times.get(stage, 0.0) + now - self._t
        self._t = now


def extract_bundle(doc: Any, registry: Any) -> Bundle:
    """Run the per-document stages; everything is plain data until ``assemble``."""
    clean = ingest.run(doc)
    seg = segment.run(clean)
    extraction = Extraction(source_id=doc.id)
    extraction.findings.extend(clean.report.suspicious)
    mentions, found = entities.run(clean, seg, registry)
    extraction.findings.extend(found)
    extraction.candidates, mentions, found = candidates.run(
        clean, seg, registry, mentions, area=doc.area
    )
    extraction.mentions = mentions
    extraction.findings.extend(found)
    observations, found, numbers = metrics.run_with_accounting(clean, seg, mentions)
    if not observations:
        # A report article without a single figure is almost certainly the wrong file;
        # publishing an empty dataset for it would be a quiet failure.
        raise InputError(f"{doc.path}: no figures found (no quantities, rankings or growth rates)")
    extraction.observations = period.apply(observations, doc, clean.text)
    extraction.findings.extend(found)
    rels, posts, found = relations.run(
        clean, seg, mentions, registry, candidates=extraction.candidates
    )
    extraction.relations = rels
    extraction.posts = posts
    extraction.findings.extend(found)
    return Bundle(
        doc=doc,
        clean=clean,
        seg=seg,
        extraction=extraction,
        edition=period.edition(doc, clean.text),
        numbers=numbers,
    )


def cached_bundle(
    doc: Any,
    registry: Any,
    store: source_cache.SourceCache | None,
    code: str,
) -> Bundle:
    """``extract_bundle`` through the per-source cache (``graph.pipeline.cache``); same result."""
    return cached_bundles([doc], registry, store, code)[0]


def _entry(bundle: Bundle) -> source_cache.Entry:
    return source_cache.Entry(
        bundle.clean, bundle.seg, bundle.extraction, bundle.edition, bundle.numbers
    )


def _bundle(doc: Any, entry: source_cache.Entry) -> Bundle:
    return Bundle(
        doc=doc,
        clean=entry.clean,
        seg=entry.seg,
        extraction=entry.extraction,
        edition=entry.edition,
        numbers=entry.numbers,  # type: ignore[arg-type]
    )


def cached_bundles(
    docs: Sequence[Any],
    registry: Any,
    store: source_cache.SourceCache | None,
    code: str,
) -> list[Bundle]:
    """``extract_bundle`` of every document, in order: a source the cache holds is read from
    it, the others are extracted on every core (``graph.pipeline.fanout``: forked children,
    the same results and the same first error as one loop) and stored."""
    entries: list[source_cache.Entry | None] = [None] * len(docs)
    keys: list[str] = [""] * len(docs)
    if store is not None:
        for i, doc in enumerate(docs):
            manifest = (Path(doc.path).parent / sources.MANIFEST).read_bytes()
            keys[i] = source_cache.source_key(doc.sha256, manifest, code)
            entry = store.load(keys[i])
            if entry is not None and entry.clean.source_id == doc.id:
                entries[i] = entry
    todo = [i for i, e in enumerate(entries) if e is None]
    made = fanout.map_forked(lambda i: _entry(extract_bundle(docs[i], registry)), todo)
    for i, entry in zip(todo, made, strict=True):
        entries[i] = entry
        if store is not None:
            store.store(keys[i], entry)
    return [_bundle(doc, e) for doc, e in zip(docs, entries, strict=True) if e is not None]


def _unmentioned(bundles: Sequence[Bundle], registry: Any, strict: bool) -> list[Finding]:
    """Registry entities no source mentions.

    The registry was curated from the vendored sources, so on them (``strict``) an unmentioned
    row is a dead or mistyped entry and fails the build. A user's corpus (``--sources DIR``)
    need not mention every curated name: an entity only enters the graph with a mention, so
    there an unmentioned row is INFO, never a failure.
    """
    seen = {m.entity_id for b in bundles for m in b.extraction.mentions}
    level = Level.ERROR if strict else Level.INFO
    hint = "fix graph/curation/entities.yaml" if strict else "not in this corpus's graph"
    return [
        Finding(
            level,
            "extract.entities",
            "entity-unmentioned",
            f"{eid}: mentioned in no source; {hint}",
        )
        for eid in sorted(set(registry) - seen)
        if not registry[eid].general
    ]


def _metadata(bundles: Sequence[Bundle], started: datetime, ended: datetime, triples: int) -> Graph:
    g = bind_all(Graph())
    activity = CQR[f"build/{started.strftime('%Y%m%dT%H%M%SZ')}"]
    g.add((activity, RDF.type, PROV.Activity))
    g.add((activity, RDFS.label, Literal("cqkg build", lang="en")))
    g.add((activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
    g.add((activity, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    agent = CQR[f"software/cqkg/{__version__}"]
    g.add((agent, RDF.type, PROV.SoftwareAgent))
    g.add((agent, RDFS.label, Literal(f"cqkg {__version__}")))
    g.add((activity, PROV.wasAssociatedWith, agent))
    versions = [f"python {platform.python_version()}"]
    for name in _VERSIONED:
        try:
            versions.append(f"{name} {importlib_metadata.version(name)}")
        except importlib_metadata.PackageNotFoundError:
            continue
    for v in versions:
        g.add((agent, RDFS.comment, Literal(v)))
    for b in bundles:
        src = source_iri(b.doc.id)
        g.add((activity, PROV.used, src))
        g.add((src, DCTERMS.identifier, Literal(f"sha256:{b.doc.sha256}")))
    g.add((DATASET, PROV.wasGeneratedBy, activity))
    g.add((activity, RDFS.comment, Literal(f"{triples} triples in the data graph")))
    return g


def expected_counts(doc: Any) -> dict[str, int]:
    """The ``[expected]`` table of a source manifest: minimum counts a build must reach.

    Kept in the manifest (data, next to the document it describes) so a silently shrunken
    graph fails the build instead of shipping (koza's ``min_edge_count`` habit).
    """
    manifest = Path(doc.path).parent / "source.toml"
    with open(manifest, "rb") as fh:
        table = tomllib.load(fh).get("expected", {})
    return {str(k): int(v) for k, v in sorted(table.items())}


def run(
    out_dir: Path = Path("build"),
    sources_root: Path | None = None,
    registry_path: Path | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
) -> BuildResult:
    """Build and publish; ``use_cache=False`` (``cqkg build --no-cache``) redoes every source.

    The per-source cache lives in ``cache_dir`` (default ``graph.pipeline.cache.default_dir``); a
    hit
    gives exactly what a cold run would (the key covers text, manifest, code and curation).
    """
    t0 = time.perf_counter()
    clock = _Clock()
    started = datetime.now(UTC).replace(microsecond=0)
    docs = sources.load_sources(sources_root)
    registry = load_registry(registry_path)
    districts = set(chongqing_districts().values())
    for doc in docs:  # a manifest's area is the place every unscoped figure covers
        curated = doc.area in registry and registry[doc.area].cls == "place"
        if not curated and doc.area not in districts:
            raise InputError(
                f"{Path(doc.path).with_name(sources.MANIFEST)}: area {doc.area!r} is not a place "
                "of graph/curation/entities.yaml or a district of open_world.yaml "
                "(e.g. place/chongqing, place/sichuan, place/yubei)"
            )
    curation = load_curation()
    clock.lap("load sources + curation")
    store = None
    if use_cache:
        store = source_cache.SourceCache(cache_dir or source_cache.default_dir(Path(out_dir)))
    code = source_cache.code_digest(registry_path) if store is not None else ""
    bundles = cached_bundles(docs, registry, store, code)
    clock.lap("ingest + segment + extract")
    assembled = assemble.run(bundles, registry, curation)
    clock.lap("assemble")
    checked = checks.run(assembled.data)  # stated growth vs its figures: WARNINGs, never errors
    assembled.findings.extend(checked.findings)
    assembled.counts.update({f"checks_{k}": n for k, n in checked.counts.items()})
    assembled.counts["triples"] = len(assembled.data)
    clock.lap("checks")
    reconciliation, unbalanced = reconcile(bundles)
    findings = [
        *(f for b in bundles for f in b.extraction.findings),
        *assembled.findings,
        *_unmentioned(bundles, registry, strict=sources_root is None),
        *unbalanced,
    ]
    expected: dict[str, int] = {}
    for doc in docs:
        for key, minimum in expected_counts(doc).items():
            expected[key] = expected.get(key, 0) + minimum
    nt = export.ntriples_utf8(assembled.data)  # the canonical text: cache key and cqkg.nt both
    # SHACL in a child while the graph's files are rendered here (graph.pipeline.overlap)
    shacl_result, ready = overlap.while_validating(
        assembled.data, nt, store, lambda: export.prerender(assembled.data, nt, store)
    )
    report = validate.run(
        assembled.data,
        {b.doc.id: b.clean for b in bundles},
        assembled.counts,
        expected,
        findings,
        nt=nt,
        store=store,
        shacl_result=shacl_result,
    )
    clock.lap("validate (SHACL + quotes + bounds)")
    if not report.ok:
        failed = Path(out_dir).parent / f"{Path(out_dir).name}.failed.md"
        failed.write_text(
            "# cqkg build FAILED validation\n\n```\n"
            + report.summary(limit=10_000)
            + "\n```\n\n## pySHACL\n\n```\n"
            + report.shacl_text
            + "\n```\n\n## Findings of the stages (root causes are often here)\n\n"
            + "\n".join(findings_table(bundles, assembled.findings))
            + "\n",
            encoding="utf-8",
        )
        raise BuildError(report.summary(), failed)
    built = build_report(bundles, assembled, report, reconciliation)
    ended = datetime.now(UTC).replace(microsecond=0)
    files = export.render_files(
        assembled.data,
        _metadata(bundles, started, ended, len(assembled.data)),
        built.to_json(),
        report_md(built, bundles, assembled.findings),
        quarantine(bundles),
        cleaning_log(bundles),
        curation_queue.render(
            [b.extraction for b in bundles],
            {b.doc.id: b.clean.text for b in bundles},
            lambda label: curation.indicator_en(label) is not None,
            resolved=assembled.resolved,
            curated=lambda entity_id: entity_id in registry,
        ),
        nt=nt,
        store=store,
        ready=ready,
    )
    shown = Path(out_dir)  # the build published until now: its query store may be reused
    previous = shown.resolve() if shown.is_dir() else None
    # from here only the files' producers hold the graph, its N-Triples and the rendered files,
    # and publish releases each once written (export_publish.publish)
    assembled.data, bundles, nt, ready = Graph(), [], b"", {}
    version_dir = export.publish(shown, files, finish=lambda tmp: export.query_store(tmp, previous))
    clock.lap("export (5 formats, atomic publish)")
    failed = Path(out_dir).parent / f"{Path(out_dir).name}.failed.md"
    failed.unlink(missing_ok=True)
    return BuildResult(
        out_dir=Path(out_dir),
        version_dir=version_dir,
        report=built,
        findings=findings,
        seconds=time.perf_counter() - t0,
        stage_seconds=clock.times,
        cache={"hits": store.hits, "misses": store.misses} if store is not None else {},
    )
