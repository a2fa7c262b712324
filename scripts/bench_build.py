"""Benchmark ``cqkg build``: wall time of the whole command and of each stage.

Usage: ``python scripts/bench_build.py [--runs 5]``. Builds into a temporary directory so the
real ``build/`` is untouched; prints a markdown table (numbers for the README).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def stage_times(out: Path) -> dict[str, float]:
    from graph import assemble, export, ingest, segment, sources, validate
    from graph.build import _metadata, _report_md, _stats, expected_counts, extract_bundle
    from graph.curation import load_curation
    from graph.registry import load_registry

    t: dict[str, float] = {}
    t0 = time.perf_counter()
    docs = sources.load_sources()
    registry = load_registry()
    curation = load_curation()
    t["load sources + curation"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for doc in docs:
        segment.run(ingest.run(doc))
    t["ingest + segment"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    bundles = [extract_bundle(doc, registry, curation) for doc in docs]
    t["extract (incl. ingest)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    assembled = assemble.run(bundles, registry, curation)
    t["assemble"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    expected = {k: v for d in docs for k, v in expected_counts(d).items()}
    report = validate.run(
        assembled.data, {b.doc.id: b.clean for b in bundles}, assembled.counts, expected, []
    )
    t["validate (SHACL + quotes)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    stats = _stats(bundles, assembled, report)
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    files = export.render_files(
        assembled.data,
        _metadata(bundles, now, now, len(assembled.data)),
        stats,
        _report_md(stats, bundles),
        "",
    )
    export.publish(out, files)
    t["export (5 formats, atomic)"] = time.perf_counter() - t0
    return t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    cqkg = Path(sys.executable).with_name("cqkg")
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(
                [str(cqkg), "build", "--quiet", "--out", str(Path(tmp) / f"b{i}")], check=True
            )
            walls.append(time.perf_counter() - t0)
        stages = stage_times(Path(tmp) / "stages")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print()
    print("| measure | seconds |")
    print("|---|---:|")
    print(
        f"| `cqkg build` wall, median of {args.runs} (interpreter start included) "
        f"| {statistics.median(walls):.2f} |"
    )
    print(f"| `cqkg build` wall, min / max | {min(walls):.2f} / {max(walls):.2f} |")
    for name, sec in stages.items():
        print(f"| stage: {name} (in-process, warm) | {sec:.3f} |")


if __name__ == "__main__":
    main()
