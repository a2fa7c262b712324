"""scripts/bench_corpus.py: the synthetic corpus is valid, deterministic, in both scripts, with
its own figures per article, and the script prints its table."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.pipeline.sources import load_sources

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
sys.path.insert(0, str(SCRIPTS))

import bench_corpus  # noqa: E402


def test_the_corpus_is_valid_deterministic_and_in_both_scripts(tmp_path: Path) -> None:
    n = 2 * len(bench_corpus.templates())
    a = bench_corpus.make_corpus(tmp_path / "a", n, seed=3)
    b = bench_corpus.make_corpus(tmp_path / "b", n, seed=3)
    docs = load_sources(a)  # every folder checks out: manifest, sha256
    assert len(docs) == n
    assert {d.language for d in docs} == {"zh-Hans", "zh-Hant"}
    assert len({d.id for d in docs}) == n
    for d in docs:
        assert (b / d.id / "raw.txt").read_bytes() == d.raw_bytes  # same seed, same bytes
    c = bench_corpus.make_corpus(tmp_path / "c", n, seed=4)
    assert any((c / d.id / "raw.txt").read_bytes() != d.raw_bytes for d in docs)


def test_figures_are_perturbed_per_article_and_dates_ranks_kept() -> None:
    text = "截至2022年底，網民數量2285萬人，普及率71.5%，全國第9位，31個省，提升1.8個百分點。"
    one = bench_corpus.perturb(text, random.Random(1), 0)
    two = bench_corpus.perturb(text, random.Random(1), 1)
    assert "2022年" in one and "第9位" in one and "31個省" in one
    assert "2285萬" not in one and "71.5%" not in one and "1.8個" not in one
    figures = re.compile(r"[0-9.]+(?=萬人|%|個百分點)")
    assert set(figures.findall(one)).isdisjoint(figures.findall(two))


@pytest.mark.slow
def test_bench_corpus_prints_its_table(tmp_path: Path) -> None:
    res = subprocess.run(
        [
            sys.executable,
            str(SCRIPTS / "bench_corpus.py"),
            "--sizes",
            "1",
            "--reps",
            "1",
            "--plot",
            str(tmp_path / "plot.png"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    row = re.search(
        r"^\| 1 \| [0-9.]+ \| [0-9.]+ \| [0-9]+ \| ([0-9.]+) \| ([0-9]+) \| ([0-9]+) \|$",
        res.stdout,
        re.M,
    )
    assert row is not None, res.stdout
    assert float(row.group(1)) > 0 and int(row.group(2)) > 0  # CPU seconds, triples
    assert row.group(3) == "0"  # one article disagrees with no other
    assert "rebuild after adding one article" in res.stdout
    assert "shipped queries: worst p50" in res.stdout
