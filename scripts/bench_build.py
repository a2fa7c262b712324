"""Benchmark ``cqkg build``: wall time of the whole command and of each stage.

Usage: ``python scripts/bench_build.py [--runs 5] [--added 0]``. Builds into a temporary
directory so the real ``build/`` is untouched; prints a markdown table (numbers for the
README). Stage times come from ``graph.pipeline.run.run`` itself (``BuildResult.stage_seconds``), so
they measure the real build, not a re-implementation of it.

It also reports the seconds each added article costs: the seed alone, then the seed plus the
team's fixture articles (``tests/fixtures/articles/``, copied as sources), both cold
(``--no-cache``), the difference divided by the number of articles added.
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


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--added", type=int, default=0, help="fixture articles to add (0 = all of them)"
    )
    args = ap.parse_args(argv)
    cqkg = Path(sys.executable).with_name("cqkg")
    walls = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(
                [str(cqkg), "build", "--quiet", "--out", str(Path(tmp) / f"b{i}")], check=True
            )
            walls.append(time.perf_counter() - t0)
        from graph.pipeline.run import run

        run(out_dir=Path(tmp) / "warm")  # imports and caches warm
        stages = run(out_dir=Path(tmp) / "stages").stage_seconds
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
    added, per_article = _per_added_article(cqkg, args.added, args.runs)
    label = f"seconds per added article (seed + {added} fixture articles, cold)"
    print(f"| {label} | {per_article:.2f} |")


def _cold(cqkg: Path, sources: Path, out: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [str(cqkg), "build", "--quiet", "--no-cache", "--sources", str(sources), "--out", str(out)],
        check=True,
    )
    return time.perf_counter() - t0


def _per_added_article(cqkg: Path, n: int, runs: int) -> tuple[int, float]:
    import shutil

    root = Path(__file__).resolve().parents[1]
    seed = root / "graph" / "sources"
    fixtures = sorted(p for p in (root / "tests" / "fixtures" / "articles").iterdir() if p.is_dir())
    fixtures = fixtures[:n] if n else fixtures
    with tempfile.TemporaryDirectory() as tmp:
        alone, corpus = Path(tmp) / "alone", Path(tmp) / "corpus"
        shutil.copytree(seed, alone)
        shutil.copytree(seed, corpus)
        for f in fixtures:
            (corpus / f.name).mkdir()
            for name in ("raw.txt", "source.toml"):
                shutil.copy(f / name, corpus / f.name / name)
        reps = max(1, runs // 2)
        base = statistics.median(_cold(cqkg, alone, Path(tmp) / f"a{i}") for i in range(reps))
        more = statistics.median(_cold(cqkg, corpus, Path(tmp) / f"c{i}") for i in range(reps))
    return len(fixtures), (more - base) / max(1, len(fixtures))


if __name__ == "__main__":
    main()
