"""Benchmark ``cqkg push`` on a synthetic corpus against real stores (Oxigraph, Virtuoso).

The corpus: the real build's per-source graph copied N times under new source ids
(``bench-0000`` ...; every IRI that names the source is renamed) plus the shared graph, written
as ``cqkg.nq`` in a temporary build dir. For each store it times, in a child ``cqkg push``
process whose peak RSS is read from ``getrusage``: a cold push, a second push (every graph
unchanged), and a push after one source changed. Usage::

    python scripts/bench_push.py [--sources 100] [--build-dir build] [--bulk]

Needs a build (``make build``); Virtuoso is used when ``virtuoso-t`` is installed
(``make store-deps``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from store_support import Store, oxigraph, virtuoso, virtuoso_binary  # noqa: E402

SHARED = b"<https://w3id.org/cqkg/id/graph/shared> ."


def make_corpus(build: Path, out: Path, n: int) -> tuple[int, int]:
    """Write ``out/cqkg.nq`` (+ cqkg.nt, ontology.ttl) with ``n`` sources; (triples, bytes)."""
    lines = (build / "cqkg.nq").read_bytes().splitlines(keepends=True)
    shared = [line for line in lines if line.rstrip().endswith(SHARED)]
    own = [line for line in lines if not line.rstrip().endswith(SHARED)]
    source_ids = {line.rsplit(b" ", 2)[1].rsplit(b"/", 1)[1][:-1] for line in own}
    (sid,) = source_ids  # the seed build has one source
    out.mkdir(parents=True, exist_ok=True)
    triples = 0
    with open(out / "cqkg.nq", "wb") as fh:
        fh.writelines(shared)
        triples += len(shared)
        for i in range(n):
            new = f"bench-{i:04d}".encode()
            fh.writelines(line.replace(sid, new) for line in own)
            triples += len(own)
    for name in ("cqkg.nt", "ontology.ttl"):
        (out / name).write_bytes((build / name).read_bytes())
    return triples, (out / "cqkg.nq").stat().st_size


def change_one_source(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` with one triple added to the first source graph (streamed)."""
    marker = b"<https://w3id.org/cqkg/id/graph/source/bench-0000> .\n"
    extra = b'<https://example.org/bench> <https://example.org/changed> "1" ' + marker
    done = False
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        for line in fin:
            fout.write(line)
            if not done and line.endswith(marker):
                fout.write(extra)  # the graph stays contiguous
                done = True


def timed_push(store: Store, build: Path, bulk: bool) -> tuple[float, float, str]:
    """Seconds, peak RSS (MiB) of the push process, and its summary line."""
    cmd = [sys.executable, "-m", "graph", "push", "--endpoint", store.gsp]
    cmd += ["--build-dir", str(build), "-q"]
    if bulk and store.name == "oxigraph":
        cmd.append("--bulk")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if store.name == "virtuoso":
        cmd += ["--user", "dba"]
        env["CQKG_PUSH_PASSWORD"] = "dba"
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out_fh, tempfile.TemporaryFile() as err_fh:
        proc = subprocess.Popen(cmd, stdout=out_fh, stderr=err_fh, env=env)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not the stores'
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        out_fh.seek(0)
        err_fh.seek(0)
        out, err = out_fh.read(), err_fh.read()
    if proc.returncode != 0:
        raise SystemExit(f"push failed: {err.decode().strip()}")
    # KiB on Linux. Linux keeps the high-water mark across exec, so this includes what the
    # forked copy of this (small, streaming) script had: an upper bound for the push.
    peak = usage.ru_maxrss / 1024
    return seconds, peak, out.decode().strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--build-dir", type=Path, default=ROOT / "build")
    ap.add_argument("--bulk", action="store_true", help="Oxigraph bulk loader (no_transaction)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-push-") as tmp:
        work = Path(tmp)
        triples, size = make_corpus(args.build_dir.resolve(), work / "build", args.sources)
        print(f"corpus: {args.sources} sources, {triples} triples, {size / 2**20:.1f} MiB N-Quads")
        print("| store | cold push s | triples/s | unchanged re-push s | one source changed s |")
        print("|---|---|---|---|---|")
        stores = [("oxigraph", None)]
        binary = virtuoso_binary()
        if binary:
            stores.append(("virtuoso", binary))
        rss: list[float] = []
        for name, exe in stores:
            build = work / f"build-{name}"
            build.mkdir()
            for f in ("cqkg.nq", "cqkg.nt", "ontology.ttl"):
                os.link(work / "build" / f, build / f)
            where = work / f"store-{name}"
            where.mkdir()
            ctx = oxigraph(where) if exe is None else virtuoso(where, exe)
            with ctx as store:
                cold, peak1, _ = timed_push(store, build, args.bulk)
                again, peak2, _ = timed_push(store, build, args.bulk)
                (build / "cqkg.nq").unlink()
                change_one_source(work / "build" / "cqkg.nq", build / "cqkg.nq")
                one, peak3, summary = timed_push(store, build, args.bulk)
            rss.append(max(peak1, peak2, peak3))
            print(
                f"| {name} | {cold:.1f} | {triples / cold:,.0f} | {again:.2f} | {one:.2f} |"
                f"  <!-- {summary} -->"
            )
        print(f"peak RSS of the push process (upper bound): {max(rss):.0f} MiB")


if __name__ == "__main__":
    main()
