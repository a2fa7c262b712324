"""Benchmark the viewer: HTML generation time and time to a drawn, stable network in Chromium.

Usage: .venv/bin/python scripts/bench_view.py [--build-dir build] [--nodes 5000]

Graphs: the report (``--build-dir``, or built into a temp dir with ``graph.build.run``) and a
deterministic synthetic graph in the same shape (entities in clusters, themes as hubs).
"Drawn, stable" is the page's ``window.__cqkgReady``: the first ``afterDrawing`` event, with
physics off and the layout precomputed, measured from navigation start (performance.now()).
Targets (docs/viewer.md): report < 1.5 s, 5,000 nodes < 5 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph import view
from graph.browser import launch

CLASSES = ["Agency", "Company", "Platform", "Product", "Project", "Person", "Place", "Indicator"]
PREDICATES = ["operatedBy", "madeBy", "locatedIn", "partOf", "organizer", "cites"]


def synthetic(out: Path, n: int, seed: int = 0) -> Path:
    """``n`` entities in clusters of ~50 (one theme each) with sparse links between clusters."""
    rng = random.Random(seed)
    cqr, cqo = "https://w3id.org/cqkg/id/", "https://w3id.org/cqkg/ontology#"
    lines = []
    themes = max(1, n // 50)
    for t in range(themes):
        iri = f"<{cqr}theme/t{t}>"
        lines.append(
            f"{iri} a <{cqo}Theme> ; <http://www.w3.org/2000/01/rdf-schema#label> "
            f'"主題{t}"@zh-Hant, "主题{t}"@zh-Hans, "Theme {t}"@en .'
        )
    for i in range(n - themes):
        cls = CLASSES[i % len(CLASSES)]
        iri = f"<{cqr}{cls.lower()}/e{i}>"
        cluster = i % themes
        lines.append(
            f"{iri} a <{cqo}{cls}> ; <http://www.w3.org/2000/01/rdf-schema#label> "
            f'"實體{i}號"@zh-Hant, "实体{i}号"@zh-Hans, "Entity {i}"@en ; '
            f"<{cqo}mentionedIn> <{cqr}theme/t{cluster}> ."
        )
        if i >= themes:
            same = i - themes * rng.randint(1, max(1, i // themes))
            j = same if same >= 0 and rng.random() < 0.85 else rng.randrange(i)
            p = PREDICATES[rng.randrange(len(PREDICATES))]
            lines.append(f"{iri} <{cqo}{p}> <{cqr}{CLASSES[j % len(CLASSES)].lower()}/e{j}> .")
    out.mkdir(parents=True, exist_ok=True)
    (out / "cqkg.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def bench(name: str, build_dir: Path, tmp: Path, browser) -> None:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    html = view.render_full_html(build_dir)
    gen = time.perf_counter() - t0
    page_path = tmp / f"{name}.html"
    view.write_html(html, page_path)
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
        f"generate {gen:.2f} s; navigation -> drawn (median of 3) {sorted(times)[1]:.2f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", type=Path, default=None)
    ap.add_argument("--nodes", type=int, default=5000)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as d, sync_playwright() as p:
        tmp = Path(d)
        report = args.build_dir
        if report is None:
            from graph.build import run

            report = tmp / "build"
            run(report)
        browser = launch(p)
        bench("report", report, tmp, browser)
        bench(f"synthetic-{args.nodes}", synthetic(tmp / "syn", args.nodes), tmp, browser)
        browser.close()


if __name__ == "__main__":
    main()
