"""Benchmark ingest memory: peak RSS growth of ``ingest.run`` against the input's size.

Usage: ``python scripts/bench_ingest.py [--sizes 1,4,16] [--runs 1]`` (sizes in MiB).

Each size runs in its own interpreter, so one run's peak cannot hide the next one's. The
child repeats the seed's ``raw.txt`` to the size (whole copies plus a cut at a character
boundary, so the text stays valid UTF-8), runs ingest once on the seed itself (the
dictionaries a process loads once are printed as the fixed cost, not counted per byte),
notes ``ru_maxrss``, runs ``graph.pipeline.ingest.run`` on the big input, keeps the
``CleanText`` alive and notes ``ru_maxrss`` again. The ratio is that growth over the
input's bytes: what ingest costs per byte read, which is what the input cap
(``graph.pipeline.sources.DEFAULT_MAX_INPUT_BYTES``) has to fit into memory.

The corrections file is an empty one (its header only): a reviewed row must match exactly
once, and in a repeated seed each matches once per copy, so the repairs would be refused;
the damaged spots are then reported instead, as for any new text. CPU time is
``time.process_time`` of the call (the machine is shared, so wall time says little); with
``--runs`` > 1 the medians are printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 2**20

CHILD = r"""
import dataclasses, json, resource, sys, tempfile, time
from pathlib import Path
from graph.pipeline import ingest, sources

size = int(sys.argv[1])
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
doc = sources.load_sources()[0]
seed = doc.raw_bytes
text = seed.decode("utf-8")
reps, rest = divmod(size, len(seed))
tail = text.encode("utf-8")[:rest].decode("utf-8", "ignore").encode("utf-8")
data = seed * reps + tail
big = dataclasses.replace(doc, raw_bytes=data)
del seed, text, tail
header = Path("graph/curation/corrections.tsv").read_text(encoding="utf-8").splitlines()[0]
none = Path(tempfile.mkdtemp()) / "corrections.tsv"
none.write_text(header + "\n", encoding="utf-8")
ingest.run(doc)  # warm: pypinyin's dictionary, OpenCC, the lru caches (a fixed cost)
warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - start
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t0 = time.process_time()
clean = ingest.run(big, none)
cpu = time.process_time() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"bytes": len(data), "growth": after - before, "cpu": cpu, "warm": warm,
                  "chars": len(clean.text)}))
"""


def measure(size: int) -> dict[str, float]:
    """One child run on ``size`` bytes of input."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(size)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"ingest child failed on {size} bytes:\n{out.stderr}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,4,16", help="input sizes in MiB, comma-separated")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args(argv)
    rows = []
    for mib in (float(s) for s in args.sizes.split(",")):
        rows.append([measure(int(mib * MIB)) for _ in range(args.runs)])
    fixed = statistics.median(r["warm"] for runs in rows for r in runs)
    print(f"fixed cost of the first ingest in a process (dictionaries): {fixed / MIB:.0f} MiB")
    print()
    print("| input (MiB) | peak RSS growth (MiB) | growth / input | CPU s | CPU s / MiB |")
    print("|---:|---:|---:|---:|---:|")
    for runs in rows:
        size = runs[0]["bytes"]
        growth = statistics.median(r["growth"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        print(
            f"| {size / MIB:g} | {growth / MIB:.1f} | {growth / size:.1f}x "
            f"| {cpu:.2f} | {cpu / (size / MIB):.2f} |"
        )


if __name__ == "__main__":
    main()
