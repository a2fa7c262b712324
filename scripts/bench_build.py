"""Benchmark ``cqkg build``: wall time of the whole command and of each stage.

Usage: ``python scripts/bench_build.py [--runs 5] [--added 0]``. Builds into a temporary
directory so the real ``build/`` is untouched; prints a markdown table (numbers for the
README). Stage times come from ``graph.pipeline.run.run`` itself (``BuildResult.stage_seconds``), so
they measure the real build, not a re-implementation of it.

Each ``cqkg build`` is timed twice: wall, and CPU (user + sys of the child process, from
``resource.getrusage``). The machine is shared, so CPU is the number to compare; wall is
what the other jobs leave. ``cqkg build`` is measured warm (its content-keyed caches filled by
one run first: what a rebuild costs) and cold (``--no-cache``: every stage from scratch).

It also reports the seconds each added article costs: the seed alone, then the seed plus the
team's fixture articles (``tests/fixtures/articles/``, copied as sources), both cold
(``--no-cache``), the difference divided by the number of articles added.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(cmd: list[str]) -> tuple[float, float]:
    """(wall, CPU user+sys) seconds of one child command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _row(label: str, runs: list[tuple[float, float]]) -> str:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return (
        f"| {label} | {statistics.median(cpus):.2f} "
        f"(min {min(cpus):.2f}) | {statistics.median(walls):.2f} (min {min(walls):.2f}) |"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument(
        "--added", type=int, default=0, help="fixture articles to add (0 = all of them)"
    )
    args = ap.parse_args(argv)
    cqkg = Path(sys.executable).with_name("cqkg")
    with tempfile.TemporaryDirectory() as tmp:
        build = [str(cqkg), "build", "--quiet", "--cache-dir", str(Path(tmp) / "cache")]
        _timed([*build, "--out", str(Path(tmp) / "fill")])  # fills the caches
        warm = [_timed([*build, "--out", str(Path(tmp) / f"w{i}")]) for i in range(args.runs)]
        cold = [
            _timed([*build, "--no-cache", "--out", str(Path(tmp) / f"c{i}")])
            for i in range(args.runs)
        ]
        from graph.pipeline.run import run

        run(out_dir=Path(tmp) / "warm", cache_dir=Path(tmp) / "cache")  # imports and caches warm
        stages = run(out_dir=Path(tmp) / "stages", cache_dir=Path(tmp) / "cache").stage_seconds
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print()
    print("| measure | CPU s (user+sys) | wall s |")
    print("|---|---:|---:|")
    n = args.runs
    print(_row(f"`cqkg build` wall, median of {n} (warm caches; interpreter start included)", warm))
    print(_row(f"`cqkg build --no-cache` (cold), median of {n}", cold))
    for name, sec in stages.items():
        print(f"| stage: {name} (in-process, warm; wall) | | {sec:.3f} |")
    added, per_article = _per_added_article(cqkg, args.added, args.runs)
    label = f"seconds per added article (seed + {added} fixture articles, cold)"
    print(f"| {label} | {per_article[1]:.2f} | {per_article[0]:.2f} |")


def _cold(cqkg: Path, sources: Path, out: Path) -> tuple[float, float]:
    return _timed(
        [str(cqkg), "build", "--quiet", "--no-cache", "--sources", str(sources), "--out", str(out)]
    )


def _per_added_article(cqkg: Path, n: int, runs: int) -> tuple[int, tuple[float, float]]:
    """(articles added, (wall, CPU) seconds each one adds to a cold build)."""
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
        base = [_cold(cqkg, alone, Path(tmp) / f"a{i}") for i in range(reps)]
        more = [_cold(cqkg, corpus, Path(tmp) / f"c{i}") for i in range(reps)]
    k = max(1, len(fixtures))
    per = tuple(
        (statistics.median(m[j] for m in more) - statistics.median(b[j] for b in base)) / k
        for j in (0, 1)
    )
    return len(fixtures), (per[0], per[1])


if __name__ == "__main__":
    main()
