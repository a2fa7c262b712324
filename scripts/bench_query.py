"""Benchmark cqkg query paths and print a Markdown table.

Measures (see docs/query.md for the last numbers):
* cold ``cqkg query`` wall time (a subprocess, interpreter start included);
* per-query latency p50/p95 of every shipped query on pyoxigraph and rdflib, on the report
  graph and on a deterministic synthetic graph of the same shape (the report graph replicated
  with per-copy IRIs and seeded perturbed values; ~1M triples by default);
* endpoint throughput with 4 concurrent clients against ``cqkg serve``'s app (uvicorn on
  loopback, worker pool of 2);
* ``--articles N``: instead of ``--triples``, a graph shaped like an N-article corpus
  (:func:`corpus_build`: every article's own source, spans, figures and assertions, the
  registry's entities shared, a fifth of the others new per article; ~6,000 triples each);
  the time to build its on-disk store (once per build, see
  ``graph.sparql.disk_store.persistent_store``) and the start-up time of a real ``cqkg serve``
  subprocess on it (launch until ``/health`` answers 200), twice; ``--keep DIR`` keeps the
  corpus and its store for the next run. Targets (issue 11, docs/query.md): every shipped
  query p50 < 50 ms and serve ready < 10 s at N = 1,000.

Usage: .venv/bin/python scripts/bench_query.py [--build-dir build] [--triples 1000000]
       [--articles 1000] [--keep DIR] [--rdflib-synthetic] [--seconds 5]
Without a real ``build/`` the hand-written fixture graph (tests/data/fixture_graph.ttl) is used.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SHARED = ("theme/", "qualifier/", "unit/", "place/", "scheme/", "graph/")
CQR_IRI = re.compile(r"<https://w3id\.org/cqkg/id/([^>]*)>")
DECIMAL = re.compile(r'"([0-9.]+)"\^\^<http://www\.w3\.org/2001/XMLSchema#decimal>')


def report_build(build_dir: Path | None, tmp: Path) -> Path:
    if build_dir is not None and (build_dir / "cqkg.nt").is_file():
        return build_dir
    from query_support import make_build_dir

    return make_build_dir(tmp / "report")


def synthetic_build(report: Path, triples: int, tmp: Path, seed: int = 20231012) -> Path:
    """Replicate the report graph until ``triples``; shared vocabulary nodes stay shared."""
    rng = random.Random(seed)
    lines = (report / "cqkg.nt").read_text(encoding="utf-8").splitlines()
    copies = max(1, triples // max(1, len(lines)))
    out = tmp / "synthetic"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "cqkg.nt").open("w", encoding="utf-8") as fh:
        for i in range(copies):

            def iri(m: re.Match[str], i: int = i) -> str:
                local = m.group(1)
                if local.startswith(SHARED) or i == 0:
                    return m.group(0)
                return f"<https://w3id.org/cqkg/id/{local}-c{i}>"

            def dec(m: re.Match[str]) -> str:
                v = float(m.group(1)) * rng.uniform(0.5, 1.5)
                return f'"{v:.2f}"^^<http://www.w3.org/2001/XMLSchema#decimal>'

            for line in lines:
                fh.write(DECIMAL.sub(dec, CQR_IRI.sub(iri, line)) + "\n")
    if (report / "ontology.ttl").is_file():
        shutil.copyfile(report / "ontology.ttl", out / "ontology.ttl")
    return out


PER_SOURCE = ("source/", "span/", "obs/", "assertion/")
"""What every article has of its own: its source node, its spans (mentions, sentences, quotes),
its observations and its assertions (reification of the relations it states)."""
ENTITY_KINDS = ("platform/", "project/", "product/", "company/", "person/", "indicator/")
"""Entities an article may name for the first time (the others, agencies, places, themes,
units, qualifiers, posts, roles, events and documents, come from the registry and repeat)."""
LABELS = (
    "<http://www.w3.org/2000/01/rdf-schema#label>",
    "<http://www.w3.org/2004/02/skos/core#prefLabel>",
    "<http://www.w3.org/2004/02/skos/core#altLabel>",
)
_LITERAL_END = re.compile(r'"(@[A-Za-z-]+|\^\^<[^>]*>)? \.$')


def corpus_build(
    report: Path, articles: int, out: Path, *, new_share: float = 0.2, seed: int = 20231012
) -> Path:
    """``out/cqkg.nt`` shaped like a corpus of ``articles`` seed-sized articles, from the report.

    Why not plain replication: a real corpus about one report repeats its registry entities
    (agencies, places, themes, the report's indicators) in every article, while the
    per-source parts (the source, its spans, observations and assertions) are new each time,
    and some entities are new too. So copy ``k`` renames every per-source IRI, renames each
    entity of ``ENTITY_KINDS`` with probability ``new_share`` (its labels get the suffix
    `` k``, so a label query still finds one entity), perturbs the decimals of its
    observations, and keeps every other IRI shared; a line that renames nothing repeats a
    line of copy 0 and is not written again. Deterministic for one seed.
    """
    rng = random.Random(seed)
    lines = (report / "cqkg.nt").read_text(encoding="utf-8").splitlines()
    parsed = [CQR_IRI.split(line) for line in lines]  # text, local, text, local, ..., text

    def perturb(m: re.Match[str]) -> str:
        v = float(m.group(1)) * rng.uniform(0.5, 1.5)
        return f'"{v:.2f}"^^<http://www.w3.org/2001/XMLSchema#decimal>'

    cqr = "<https://w3id.org/cqkg/id/"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "cqkg.nt").open("w", encoding="utf-8") as fh:
        fh.writelines(line + "\n" for line in lines)
        for k in range(1, articles):
            renamed: dict[str, str] = {}

            def name(local: str, k: int = k, renamed: dict[str, str] = renamed) -> str:
                hit = renamed.get(local)
                if hit is None:
                    hit = local
                    if local.startswith(PER_SOURCE):
                        head, _, tail = local.partition("/")
                        src, sep, rest = tail.partition("/")
                        hit = f"{head}/{src}-c{k}{sep}{rest}"
                    elif local.startswith(ENTITY_KINDS) and rng.random() < new_share:
                        hit = f"{local}-c{k}"
                    renamed[local] = hit
                return hit

            for original, parts in zip(lines, parsed, strict=True):
                if len(parts) == 1:  # no cqr: IRI (ontology terms, blank nodes): copy 0 has it
                    continue
                pieces = list(parts)
                for j in range(1, len(parts), 2):
                    pieces[j] = f"{cqr}{name(parts[j])}>"
                line = "".join(pieces)
                if line == original:
                    continue
                subject = name(parts[1]) if parts[0] == "" else ""
                if subject != parts[1] and subject.startswith(ENTITY_KINDS):
                    if any(f"> {p} " in line for p in LABELS):
                        line = _LITERAL_END.sub(lambda m, k=k: f' c{k}"{m.group(1) or ""} .', line)
                elif subject.startswith("obs/"):
                    line = DECIMAL.sub(perturb, line)
                fh.write(line + "\n")
    if (report / "ontology.ttl").is_file():
        shutil.copyfile(report / "ontology.ttl", out / "ontology.ttl")
    return out


def serve_ready(build: Path, timeout: float = 600.0) -> float:
    """Seconds from launching ``cqkg serve`` to its first 200 on ``/health``."""
    import httpx
    from query_support import free_port

    port = free_port()
    cqkg = str(Path(sys.executable).parent / "cqkg")
    args = [cqkg, "serve", "--build-dir", str(build), "--port", str(port)]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"cqkg serve exited with {proc.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    return time.perf_counter() - start
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("cqkg serve not ready in time")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def latency(
    engine_name: str, build: Path, reps: int
) -> tuple[dict[str, tuple[float, float]], float]:
    from graph.sparql.catalogue import list_queries
    from graph.sparql.engines import open_engine, run_query

    t0 = time.perf_counter()
    engine = open_engine(engine_name, build)
    load_s = time.perf_counter() - t0
    out = {}
    for q in list_queries():
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            run_query(engine, q.text, max_rows=10_000_000)
            times.append((time.perf_counter() - start) * 1000)
        out[q.name] = (statistics.median(times), pct(times, 95))
    return out, load_s


def cold_cli(build: Path, runs: int = 5) -> float:
    cqkg = str(Path(sys.executable).parent / "cqkg")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [cqkg, "query", "organizers", "--build-dir", str(build)],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def throughput(build: Path, seconds: float, clients: int = 4) -> tuple[float, float]:
    import httpx
    from query_support import ThreadServer

    from graph.serve.app import ServerConfig, create_app
    from graph.sparql.catalogue import list_queries
    from graph.sparql.workers import WorkerPool

    pool = WorkerPool(build, size=2)
    server = ThreadServer(create_app(ServerConfig(build_dir=build), pool))
    queries = [q.text for q in list_queries()]
    done: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds

    def client(k: int) -> None:
        with httpx.Client(timeout=30) as c:
            i = k
            while time.perf_counter() < stop:
                start = time.perf_counter()
                r = c.post(f"{server.url}/sparql", data={"query": queries[i % len(queries)]})
                if r.status_code != 200:
                    errors[0] += 1
                done.append((time.perf_counter() - start) * 1000)
                i += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server.stop()
    pool.close()
    return len(done) / seconds, statistics.median(done)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", type=Path, default=ROOT / "build")
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument(
        "--articles", type=int, default=0, help="synthetic corpus of N report-sized articles"
    )
    ap.add_argument("--keep", type=Path, default=None, help="keep the --articles corpus here")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--rdflib-synthetic", action="store_true", help="also time rdflib at 1M (slow)")
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cqkg-bench-") as tmpname:
        tmp = Path(tmpname)
        report = report_build(args.build_dir, tmp)
        n_report = sum(1 for _ in (report / "cqkg.nt").open(encoding="utf-8"))
        t0 = time.perf_counter()
        if args.articles:
            synth = (args.keep or tmp) / f"corpus-{args.articles}"
            if not (synth / "cqkg.nt").is_file():
                corpus_build(report, args.articles, synth)
        else:
            synth = synthetic_build(report, args.triples, tmp)
        gen_s = time.perf_counter() - t0
        n_synth = sum(1 for _ in (synth / "cqkg.nt").open(encoding="utf-8"))
        print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
        print(f"report graph: {report} ({n_report} triples); synthetic: {n_synth} triples\n")
        cold = cold_cli(report)
        ox_r, _ = latency("oxigraph", report, args.reps)
        rd_r, _ = latency("rdflib", report, max(3, args.reps // 4))
        store_s = 0.0
        ready: list[float] = []
        if args.articles:  # the on-disk store is built once per build, then serve opens it
            from graph.sparql.engines import OxigraphEngine

            t0 = time.perf_counter()
            OxigraphEngine(synth)
            store_s = time.perf_counter() - t0
            ready = [serve_ready(synth), serve_ready(synth)]
        ox_s, ox_load = latency("oxigraph", synth, 3 if args.articles else 5)
        rd_s: dict[str, tuple[float, float]] = {}
        if args.rdflib_synthetic:
            rd_s, _ = latency("rdflib", synth, 1)
        rps, p50 = throughput(report, args.seconds)
        print(f"cold `cqkg query organizers` (subprocess, median of 5): {cold * 1000:.0f} ms\n")
        print(f"synthetic graph written in {gen_s:.1f} s")
        print(f"synthetic store load (pyoxigraph): {ox_load:.1f} s\n")
        if ready:
            print(f"on-disk store built (once per build): {store_s:.1f} s")
            print(
                f"`cqkg serve` ready on the synthetic graph (launch -> /health 200): "
                f"{ready[0]:.1f} s, again {ready[1]:.1f} s\n"
            )
        head = (
            "| query | oxigraph report p50/p95 ms | rdflib report p50/p95 ms "
            f"| oxigraph {n_synth / 1e6:.1f}M p50/p95 ms |"
        )
        if rd_s:
            head += f" rdflib {n_synth / 1e6:.1f}M p50 ms |"
        print(head)
        print("|---|---|---|---|" + ("---|" if rd_s else ""))
        for name in ox_r:
            row = (
                f"| {name} | {ox_r[name][0]:.2f} / {ox_r[name][1]:.2f} "
                f"| {rd_r[name][0]:.1f} / {rd_r[name][1]:.1f} "
                f"| {ox_s[name][0]:.1f} / {ox_s[name][1]:.1f} |"
            )
            if rd_s:
                row += f" {rd_s[name][0]:.0f} |"
            print(row)
        print(
            f"\nendpoint, 4 concurrent clients, shipped queries round-robin: {rps:.0f} req/s, "
            f"median latency {p50:.1f} ms"
        )


if __name__ == "__main__":
    main()
