"""Benchmark the viewer: HTML generation time and time to a drawn, stable network in Chromium.

Usage: .venv/bin/python scripts/bench_view.py [--build-dir build] [--nodes 5000 50000]
       [--articles 1000] [--keep DIR]

Graphs: the report (``--build-dir``, or built into a temp dir with ``graph.pipeline.run.run``), a
deterministic synthetic graph in the same shape (entities in clusters, themes as hubs), and with
``--articles N`` a corpus of N report-sized articles (``bench_query.corpus_build``: per-source
spans, figures and assertions renamed per copy, registry entities shared, a fifth of the other
entities new per copy; the seed build's ``cqkg.nt`` about N times, opened from its on-disk
store as ``cqkg serve`` opens it; ``--keep DIR`` keeps it and its store for the next run).
"Drawn, stable" is the page's ``window.__cqkgReady``: the first ``afterDrawing`` event, with
physics off and the layout precomputed, measured from navigation start (performance.now()).
"Generate" is ``render_full_html`` from a cold cache: loading the build, the network, the
overview aggregation above the node budget, layout and the page (what ``cqkg view`` spends);
for a big build also "again": the same call once the overview is kept (``graph.view.cache``).
Targets (issue 11): report < 1.5 s drawn; 1,000 articles HTML < 3 s and drawn < 5 s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # browser_support
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_query's corpus

from browser_support import launch

from graph.view import render

CLASSES = ["Agency", "Company", "Platform", "Product", "Project", "Person", "Place", "Indicator"]
PREDICATES = ["operatedBy", "madeBy", "locatedIn", "partOf", "organizer", "cites"]


def synthetic(out: Path, n: int, seed: int = 0) -> Path:
    """``n`` entities in clusters of ~50 (one theme each: ``n // 50`` clusters, so 50,000 nodes
    are the shape of 1,000 sources) with sparse links between clusters, as sorted N-Triples
    like a real build's ``cqkg.nt``."""
    rng = random.Random(seed)
    cqr, cqo = "https://w3id.org/cqkg/id/", "https://w3id.org/cqkg/ontology#"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    lines = []
    themes = max(1, n // 50)

    def named(iri: str, cls: str, hant: str, hans: str, en: str) -> None:
        lines.append(f"{iri} {rdf_type} <{cqo}{cls}> .")
        lines.append(f'{iri} {label} "{hant}"@zh-Hant .')
        lines.append(f'{iri} {label} "{hans}"@zh-Hans .')
        lines.append(f'{iri} {label} "{en}"@en .')

    for t in range(themes):
        named(f"<{cqr}theme/t{t}>", "Theme", f"主題{t}", f"主题{t}", f"Theme {t}")
    for i in range(n - themes):
        cls = CLASSES[i % len(CLASSES)]
        iri = f"<{cqr}{cls.lower()}/e{i}>"
        cluster = i % themes
        named(iri, cls, f"實體{i}號", f"实体{i}号", f"Entity {i}")
        lines.append(f"{iri} <{cqo}mentionedIn> <{cqr}theme/t{cluster}> .")
        if i >= themes:
            same = i - themes * rng.randint(1, max(1, i // themes))
            j = same if same >= 0 and rng.random() < 0.85 else rng.randrange(i)
            p = PREDICATES[rng.randrange(len(PREDICATES))]
            lines.append(f"{iri} <{cqo}{p}> <{cqr}{CLASSES[j % len(CLASSES)].lower()}/e{j}> .")
    out.mkdir(parents=True, exist_ok=True)
    (out / "cqkg.nt").write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    return out


def bench(name: str, build_dir: Path, tmp: Path, browser) -> None:  # type: ignore[no-untyped-def]
    from graph.view import load
    from graph.view.cache import CACHE_DIR

    shutil.rmtree(build_dir / CACHE_DIR, ignore_errors=True)
    load._cached_build.cache_clear()
    t0, c0 = time.perf_counter(), time.process_time()
    html = render.render_full_html(build_dir)
    gen, cpu = time.perf_counter() - t0, time.process_time() - c0
    load._cached_build.cache_clear()
    t0, c0 = time.perf_counter(), time.process_time()
    again = render.render_full_html(build_dir)
    gen2, cpu2 = time.perf_counter() - t0, time.process_time() - c0
    assert again == html
    page_path = tmp / f"{name}.html"
    render.write_html(html, page_path)
    times = []
    for _ in range(3):
        ctx = browser.new_context(viewport={"width": 1400, "height": 900})
        page = ctx.new_page()
        page.goto(page_path.as_uri())
        page.wait_for_function("window.__cqkgReady", timeout=60_000)
        times.append(page.evaluate("window.__cqkgReady") / 1000)
        nodes = page.evaluate("cqkg.nodes.length")
        edges = page.evaluate("cqkg.edges.length")
        ctx.close()
    print(
        f"{name}: {nodes} nodes, {edges} edges, {len(html.encode()) / 1e6:.2f} MB; "
        f"generate {gen:.2f} s ({cpu:.2f} s CPU), again {gen2:.2f} s ({cpu2:.2f} s CPU); "
        f"navigation -> drawn (median of 3) {sorted(times)[1]:.2f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", type=Path, default=None)
    ap.add_argument("--nodes", type=int, nargs="*", default=[5000, 50000])
    ap.add_argument("--articles", type=int, nargs="*", default=[], help="corpus sizes")
    ap.add_argument("--keep", type=Path, default=None, help="keep the corpora here")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as d, sync_playwright() as p:
        tmp = Path(d)
        report = args.build_dir
        if report is None:
            from graph.pipeline.run import run

            report = tmp / "build"
            run(report)
        browser = launch(p)
        bench("report", report, tmp, browser)
        for n in args.nodes:
            bench(f"synthetic-{n}", synthetic(tmp / f"syn{n}", n), tmp, browser)
        for n in args.articles:
            out = (args.keep or tmp) / f"corpus-{n}"
            if not (out / "cqkg.nt").is_file():
                from bench_query import corpus_build

                corpus_build(report, n, out)
            from graph.sparql.disk_store import write_store

            t0 = time.perf_counter()
            write_store(out)  # what a big `cqkg build` writes before publishing
            print(f"corpus-{n}: on-disk store ready in {time.perf_counter() - t0:.1f} s")
            bench(f"corpus-{n}", out, tmp, browser)
        browser.close()


if __name__ == "__main__":
    main()
