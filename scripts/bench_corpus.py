"""Benchmark ``cqkg build`` on a synthetic corpus of N articles: cost against N.

Usage: ``python scripts/bench_corpus.py [--sizes 1,10,100,1000] [--variants 3]
[--plot bench-corpus.png]``.

The corpus is made from the team's fixture articles (``tests/fixtures/articles/*/raw.txt``,
invented text): article ``i`` copies template ``i mod T``, converts it to the other script
for every second round of copies (OpenCC, so both scripts are always present), perturbs its
figures with a seeded RNG (the same corpus on every machine) and gets a new id and date (a
per-article RNG, ``random.Random(seed * 1_000_003 + i)``). Each article is a valid source
folder (``source.toml`` with the sha256 of its ``raw.txt``), so the build reads it exactly
like a user's corpus.

Variants (``--variants K``, default 3; the lead's decision for issue 11): copy ``r`` of a
template (round ``r = i // T``) belongs to variant ``r mod K``, and the figures are perturbed
per (template, variant), not per article: copies in one variant state identical figures, as
outlets repeating one press release do (one observation with a span in each copy), and the
K variants disagree with each other (their figures carry a suffix unique to the pair), so a
statistic has at most K conflicting values whatever N is, like a corpus of coverage.
``--variants 0`` is the previous generator, every copy its own figures (suffixed by article
number), kept so the old numbers stay reproducible: there one template's ~34 copies at
N = 1,000 state 34 values of each statistic and the conflicts grow with N squared (18 / 307 /
5,075 at 10 / 30 / 100 articles), which is what made that 1,000-article build run out of
memory.

For each N the script builds the corpus cold in a subprocess (a fresh cache directory) and
reports wall time and the peak RSS of that subprocess (``getrusage(RUSAGE_CHILDREN)`` read in
a one-shot wrapper process, so each number is one build's own). On the largest N it then
rebuilds once with nothing changed (warm), adds one article and rebuilds with the cache the
earlier builds left (the incremental rebuild), and times every shipped query on the largest
build (p50 of ``--reps`` runs, pyoxigraph).

The plot is optional: it needs matplotlib (``pip install -e '.[bench]'``); without it the
table is printed and the plot is skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
#: fixtures left out of the synthetic corpus (none: the Sichuan article once was, until an
#: area its text never names became a place node)
EXCLUDED: tuple[str, ...] = ()
#: A digit run (with its decimals) that is a figure. Dates, years, times, 5G/IPv6, ranks (第9,
#: 前10), counted populations (31個省) and ranges (10至20) are left as written so the text
#: stays well-formed and its rules still apply.
NUMBER = re.compile(
    r"(?<![0-9A-Za-z.:第前后後])[0-9]+(?:\.[0-9]+)?(?![0-9.:年月日号號時时G位名省至\-~]|[個个](?!百分))"
)

_WRAPPER = """
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.run(sys.argv[1:]).returncode
wall = time.perf_counter() - t0
use = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = use.ru_utime + use.ru_stime
print(json.dumps({"rc": rc, "wall": wall, "cpu": cpu, "rss_kib": use.ru_maxrss}))
"""


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    raw: str
    manifest: dict[str, object]


def templates() -> list[Template]:
    out = []
    for folder in sorted(FIXTURES.iterdir()):
        if not (folder / "source.toml").is_file() or folder.name.startswith(EXCLUDED):
            continue
        manifest = tomllib.loads((folder / "source.toml").read_text(encoding="utf-8"))
        raw = (folder / manifest["file"]).read_bytes().decode("utf-8")
        out.append(Template(folder.name, raw, manifest))
    return out


def perturb(text: str, rng: random.Random, tag: int) -> str:
    """Every figure scaled by 0.8-1.25, with four more decimals that spell ``tag``.

    The suffix makes the figures of one tag their own: with ``--variants 0`` the tag is the
    article number (two synthetic copies of one template must not state the same figure, or
    they would be one observation with two growth bases); with variants it names the
    (template, variant) pair, so copies in one variant agree and variants never do.
    """
    suffix = f"{tag % 10_000:04d}"

    def one(m: re.Match[str]) -> str:
        s = m.group(0)
        if re.fullmatch(r"(19|20)[0-9]{2}", s):  # a year: 《報告(2022)》, 2020年
            return s
        decimals = len(s.split(".", 1)[1]) if "." in s else 0
        new = f"{float(s) * rng.uniform(0.8, 1.25):.{decimals}f}"
        if float(new) <= 0:
            return s
        return f"{new}{'' if decimals else '.'}{suffix}"

    text = NUMBER.sub(one, text)
    # 翻一番 (doubled) is a figure too: the same words over another base would be one growth
    # observation with two bases, so each tag states its own rate instead.
    return text.replace("翻一番", f"提升{rng.uniform(90, 110):.1f}{suffix}%")


def _toml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def write_article(root: Path, i: int, tpls: list[Template], seed: int, variants: int = 3) -> str:
    """Article ``i`` of the corpus: one folder with ``raw.txt`` and ``source.toml``.

    With ``variants`` K > 0 its figures are those of variant ``(i // T) mod K`` of its
    template (the same bytes of figures for every copy in that variant); with 0 its own."""
    from opencc import OpenCC

    rng = random.Random(seed * 1_000_003 + i)  # id, date (and with 0 variants the figures)
    t = i % len(tpls)
    tpl = tpls[t]
    if variants > 0:
        v = (i // len(tpls)) % variants
        figures = random.Random(f"bench-corpus/{seed}/{tpl.name}/{v}")
        text = perturb(tpl.raw, figures, t * variants + v + 1)
    else:
        text = perturb(tpl.raw, rng, i + 1)
    lang = str(tpl.manifest.get("language", "zh-Hant"))
    if (i // len(tpls)) % 2 == 1:  # every second round in the other script
        text = OpenCC("t2s" if lang == "zh-Hant" else "s2t").convert(text)
        lang = "zh-Hans" if lang == "zh-Hant" else "zh-Hant"
    sid = f"bench-{i:05d}-{tpl.name[:4]}"
    year, month, _ = str(tpl.manifest["date"]).split("-")
    date = f"{year}-{month}-{rng.randint(1, 28):02d}"
    data = text.encode("utf-8")
    manifest: dict[str, object] = {
        k: v for k, v in tpl.manifest.items() if not isinstance(v, dict) and k != "published"
    }
    manifest.update(
        id=sid,
        file="raw.txt",
        sha256=sha256(data).hexdigest(),
        date=date,
        published=f"{date}T10:00:00+08:00",
        language=lang,
        licence="Synthetic benchmark article made from a cqkg fixture; invented figures.",
    )
    folder = root / sid
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "raw.txt").write_bytes(data)
    lines = [f"{k} = {_toml(v)}" for k, v in manifest.items()]
    (folder / "source.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sid


def make_corpus(root: Path, n: int, seed: int = 11, variants: int = 3) -> Path:
    tpls = templates()
    if variants * len(tpls) >= 10_000:
        raise SystemExit(f"--variants {variants}: at most {9_999 // len(tpls)} (suffixes)")
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        write_article(root, i, tpls, seed, variants)
    return root


def timed_build(sources: Path, out: Path, cache: Path | None) -> dict[str, float]:
    """One ``cqkg build`` in a subprocess: wall and CPU seconds (user + sys, the SHACL child
    included) and peak RSS (MiB) of that build, and its triple and conflict counts.

    Why CPU too: the machine is shared, so wall time is what the other jobs leave; CPU is the
    number to compare between runs. Why the conflicts: they show the generator's setting
    (with ``--variants 0`` every copy states its own value of the same figures, so they grow
    with the square of N; with K variants they stop growing once every variant exists)."""
    cqkg = Path(sys.executable).with_name("cqkg")
    cmd = [str(cqkg), "build", "--quiet", "--sources", str(sources), "--out", str(out)]
    cmd += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    res = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *cmd], check=True, capture_output=True, text=True
    )
    row = json.loads(res.stdout.strip().splitlines()[-1])
    if row["rc"] != 0:
        raise SystemExit(f"build of {sources} failed (exit {row['rc']}): {res.stderr[-2000:]}")
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    return {
        "wall": row["wall"],
        "cpu": row["cpu"],
        "rss_mib": row["rss_kib"] / 1024,
        "triples": float(stats.get("triples", 0)),
        "conflicts": float(stats.get("counts", {}).get("conflicts", 0)),
    }


def query_p50(build: Path, reps: int) -> dict[str, float]:
    from graph.sparql.catalogue import list_queries
    from graph.sparql.engines import open_engine, run_query

    engine = open_engine("oxigraph", build)
    out = {}
    for q in list_queries():
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            run_query(engine, q.text, max_rows=10_000_000)
            times.append((time.perf_counter() - t0) * 1000)
        out[q.name] = statistics.median(times)
    return out


def plot(rows: list[dict[str, float]], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"\n(plot skipped: matplotlib not installed; pip install -e '.[bench]' for {path})")
        return False
    ns = [r["n"] for r in rows]
    fig, ax1 = plt.subplots(figsize=(6, 3.6), dpi=100)
    ax1.plot(ns, [r["wall"] for r in rows], "o-", color="tab:blue", label="wall time (s)")
    # CPU too: on a shared machine the wall time is what the other jobs leave
    ax1.plot(ns, [r["cpu"] for r in rows], "^:", color="tab:green", label="CPU (s)")
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("articles (N)")
    ax1.set_ylabel("cold build: wall and CPU seconds", color="tab:blue")
    ax1.legend(loc="upper left", fontsize="small")
    ax2 = ax1.twinx()
    ax2.plot(ns, [r["rss_mib"] for r in rows], "s--", color="tab:red", label="peak RSS (MiB)")
    ax2.set_ylabel("peak RSS (MiB)", color="tab:red")
    ax1.set_title("cqkg build: cost against corpus size")
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,100,1000", help="comma-separated corpus sizes")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument(
        "--variants",
        type=int,
        default=3,
        help="figure variants per template (copies in one agree); 0: every copy its own",
    )
    ap.add_argument("--reps", type=int, default=11, help="runs per query for the p50")
    ap.add_argument("--plot", type=Path, default=ROOT / "docs" / "bench-corpus.png")
    ap.add_argument("--keep", type=Path, default=None, help="keep corpora and builds here")
    args = ap.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    tmp = Path(tempfile.mkdtemp(prefix="cqkg-bench-")) if args.keep is None else args.keep
    rows: list[dict[str, float]] = []
    try:
        for n in sizes:
            corpus = make_corpus(tmp / f"corpus-{n}", n, args.seed, args.variants)
            cache = tmp / f"cache-{n}"
            shutil.rmtree(cache, ignore_errors=True)
            m = timed_build(corpus, tmp / f"build-{n}", cache)
            rows.append({"n": n, **m})
            print(
                f"N={n}: {m['wall']:.1f} s wall, {m['cpu']:.1f} s CPU, {m['rss_mib']:.0f} MiB",
                file=sys.stderr,
            )
        n = sizes[-1]
        corpus, cache, build = tmp / f"corpus-{n}", tmp / f"cache-{n}", tmp / f"build-{n}"
        warm = timed_build(corpus, build, cache)
        write_article(corpus, n, templates(), args.seed, args.variants)  # one new article
        incr = timed_build(corpus, build, cache)
        p50 = query_p50(build, args.reps)
        print(
            f"\nmachine: {_cores()} cores, Python {sys.version.split()[0]}; "
            f"generator: --variants {args.variants}, --seed {args.seed}\n"
        )
        print(
            "| articles | cold build (s) | s / article | peak RSS (MiB) | CPU (s) "
            "| triples | conflicts |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(
                f"| {r['n']:.0f} | {r['wall']:.1f} | {r['wall'] / r['n']:.2f} "
                f"| {r['rss_mib']:.0f} | {r['cpu']:.1f} | {r['triples']:.0f} "
                f"| {r['conflicts']:.0f} |"
            )
        print()
        print(f"| on the {n}-article corpus | value |")
        print("|---|---:|")
        print(
            f"| rebuild, nothing changed (cache warm) | {warm['wall']:.1f} s "
            f"({warm['cpu']:.1f} s CPU) |"
        )
        print(
            f"| rebuild after adding one article | {incr['wall']:.1f} s ({incr['cpu']:.1f} s CPU) |"
        )
        print(f"| peak RSS of that rebuild | {incr['rss_mib']:.0f} MiB |")
        print(f"| shipped queries: worst p50 (of {len(p50)}) | {max(p50.values()):.1f} ms |")
        print(f"| shipped queries: median p50 | {statistics.median(p50.values()):.1f} ms |")
        for name, ms in sorted(p50.items()):
            print(f"| p50 `{name}` | {ms:.1f} ms |")
        if plot(rows, args.plot):
            print(f"\nplot: {args.plot}")
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    main()
