"""Benchmark ``cqkg build``: wall time of the whole command and of each stage.

Usage: ``python scripts/bench_build.py [--runs 5]``. Builds into a temporary directory so the
real ``build/`` is untouched; prints a markdown table (numbers for the README). Stage times
come from ``graph.build.run`` itself (``BuildResult.stage_seconds``), so they measure the real
build, not a re-implementation of it.
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
        from graph.build import run

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


if __name__ == "__main__":
    main()
