"""scripts/bench_corpus.py: the synthetic corpus is valid, deterministic, in both scripts; copies
of a template in one variant state the same figures and variants disagree (``--variants 0``:
every article its own figures, the old generator, byte for byte); the script prints its table."""

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


FIGURES = re.compile(r"[0-9]+\.[0-9]{4,}")  # a perturbed figure ends in its 4-digit tag


def _figures(folder: Path) -> list[str]:
    return FIGURES.findall((folder / "raw.txt").read_text(encoding="utf-8"))


def test_figures_are_perturbed_per_tag_and_dates_ranks_kept() -> None:
    for text in (
        "截至2022年底，網民數量2285萬人，普及率71.5%，全國第9位，31個省，提升1.8個百分點。",
        "截至2022年底，网民数量2285万人，普及率71.5%，全国第9位，31个省，提升1.8个百分点。",
    ):
        one = bench_corpus.perturb(text, random.Random(1), 1)
        two = bench_corpus.perturb(text, random.Random(1), 2)
        assert "2022年" in one and "第9位" in one and ("31個省" in one or "31个省" in one)
        assert "2285" not in one and "71.5%" not in one and "1.8个" not in one
        assert "1.8個" not in one
        figures = re.compile(r"[0-9.]+(?=萬人|万人|%|個百分點|个百分点)")
        assert len(figures.findall(one)) == 3
        assert set(figures.findall(one)).isdisjoint(figures.findall(two))
        assert one == bench_corpus.perturb(text, random.Random(1), 1)


def test_copies_in_one_variant_agree_and_variants_disagree(tmp_path: Path) -> None:
    t = len(bench_corpus.templates())
    root = bench_corpus.make_corpus(tmp_path / "k3", 7 * t, seed=5, variants=3)
    ids = sorted(p.name for p in root.iterdir())
    by_round = [[root / ids[r * t + j] for r in range(7)] for j in (0, 1)]
    for copies in by_round:  # template j's copies in rounds 0..6: variants 0 1 2 0 1 2 0
        figs = [_figures(c) for c in copies]
        assert figs[0] and figs[0] == figs[3] == figs[6]  # one variant, both scripts
        assert figs[1] == figs[4] and figs[2] == figs[5]
        assert len({tuple(f) for f in figs}) == 3
        for a, b in ((0, 1), (0, 2), (1, 2)):  # variants share no figure at all
            assert set(figs[a]).isdisjoint(figs[b])
        texts = [(c / "raw.txt").read_text(encoding="utf-8") for c in copies]
        assert texts[0] != texts[3]  # round 3 is in the other script
    srcs = {d.id: d for d in load_sources(root)}
    assert len({srcs[p.name].date for p in by_round[0]}) > 1  # dates stay per article
    assert len(srcs) == 7 * t


def test_variants_zero_is_the_old_generator(tmp_path: Path) -> None:
    """The old corpus, reproduced: every copy its own figures, the article number as tag and
    the article's RNG for figures, then its date."""
    t = len(bench_corpus.templates())
    root = bench_corpus.make_corpus(tmp_path / "k0", 2 * t, seed=11, variants=0)
    ids = sorted(p.name for p in root.iterdir())
    a, b = _figures(root / ids[0]), _figures(root / ids[t])
    assert a and set(a).isdisjoint(b)
    tpl = bench_corpus.templates()[0]
    rng = random.Random(11 * 1_000_003 + 0)
    raw = bench_corpus.perturb(tpl.raw, rng, 1).encode("utf-8")
    assert (root / ids[0] / "raw.txt").read_bytes() == raw


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
