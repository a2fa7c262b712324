"""Measure the UTF-8-read-as-GBK detector (``graph.pipeline.mojibake_gbk``): false repairs on
genuine text, recall on generated mojibake, and the candidate second signals side by side.

Why a script: the module docstring's numbers must be reproducible. Genuine text: the seed, every
fixture's clean text (``expected_clean.txt``, else ``raw.txt``), each also converted to the other
script, and jieba's dictionary words shuffled together (``--shuffles`` orders, both scripts).
Mojibake: phrases of 4-8 Han characters cut from the fixture texts at word boundaries (a
max-frequency segmentation over jieba's dictionary, both scripts) and jieba's own 4-8 character
words of frequency 50 and more, each encoded as UTF-8 and decoded as GBK (strictly: a phrase
whose bytes GBK cannot decode is counted apart). Usage::

    pip install --target /tmp/jieba jieba==0.42.1
    PYTHONPATH=$PWD python scripts/measure_gbk_mojibake.py /tmp/jieba/jieba/dict.txt
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import math
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from graph.pipeline import mojibake_gbk as G
from graph.pipeline.mojibake import is_traditional_compatible
from graph.text import is_han, to_hans, to_hant

ROOT = Path(__file__).resolve().parents[1]
Signal = Callable[[str, str], bool]


def candidates(text: str) -> Iterator[tuple[str, str]]:
    """Every byte-pattern run from every start (the detector's loop before its test)."""
    for i in range(len(text)):
        window = G._window(text, i)
        if window is None:
            continue
        j, fixed = window[0], window[1]
        while (more := G._window(text, j)) is not None:
            j, fixed = more[0], fixed + more[1]
        yield text[i:j], fixed


def browser_gbk(phrase: str) -> str:
    """What a browser (WHATWG's GBK decoder, GB18030's table) or Windows' code page 936 shows:
    GBK's user-defined pairs as private-use characters, a lone byte 80 as €."""

    def euro(err: UnicodeError) -> tuple[str, int]:
        assert isinstance(err, UnicodeDecodeError)
        if err.object[err.start] == 0x80:
            return G.EURO, err.start + 1
        raise err

    codecs.register_error("cqkg-euro", euro)
    return phrase.encode("utf-8").decode("gb18030", errors="cqkg-euro")


def rarity(run: str, fixed: str) -> bool:
    """The test before this change: half the run rare, the repair common but one."""
    rare = sum(not G._common(c) for c in run)
    return 2 * rare >= len(run) and sum(G._common(c) for c in fixed) >= len(fixed) - 1


def words(run: str, fixed: str) -> bool:
    cover = G.word_cover(fixed)
    return 2 * cover >= len(fixed) and cover > G.word_cover(run)


def mixed_script(run: str, fixed: str) -> bool:
    def mixed(s: str) -> bool:
        simp = any(is_han(c) and not is_traditional_compatible(c) for c in s)
        return simp and any(is_han(c) and to_hans(c) != c for c in s)

    return mixed(run) and not mixed(fixed)


def frequency(freq: dict[str, float]) -> Signal:
    """The repair's characters more probable than the run's (jieba's character counts)."""

    def logp(s: str) -> float:
        return sum(freq.get(c, -9.0) for c in s)

    return lambda run, fixed: logp(fixed) > logp(run)


def segment(text: str, dictionary: dict[str, int], total: int) -> list[str]:
    """Max-probability segmentation over the dictionary (jieba's DAG without its HMM)."""
    n = len(text)
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, min(n, i + 8) + 1):
            f = dictionary.get(text[i:j], 1 if j == i + 1 else 0)
            if f:
                options.append((math.log(f / total) + best[j][0], j))
        best[i] = max(options)
    out, i = [], 0
    while i < n:
        out.append(text[i : best[i][1]])
        i = best[i][1]
    return out


def exact(phrase: str, shown: str) -> bool:
    """The detector repairs the whole run, to the phrase."""
    found = [(s.begin, s.end, s.fixed) for s in G.find_gbk_mojibake(shown)]
    return found == [(0, len(shown), phrase)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dict_txt", type=Path, help="jieba's dict.txt")
    parser.add_argument("--shuffles", type=int, default=8)
    args = parser.parse_args()
    dictionary: dict[str, int] = {}
    for line in args.dict_txt.read_text(encoding="utf-8").splitlines():
        w, f, *_ = line.split()
        dictionary[w] = int(f)
    total = sum(dictionary.values())
    chars: dict[str, float] = {}
    for w, f in dictionary.items():
        for c in w:
            chars[c] = chars.get(c, 0) + f
    logfreq = {c: math.log10(f / total) for c, f in chars.items()}

    articles: dict[str, str] = {}
    for f in sorted((ROOT / "graph/sources").glob("*/raw.txt")):
        articles[str(f.relative_to(ROOT))] = f.read_text(encoding="utf-8")
    for d in sorted((ROOT / "tests/fixtures/articles").glob("fx-*")):
        f = d / "expected_clean.txt" if (d / "expected_clean.txt").exists() else d / "raw.txt"
        articles[str(f.relative_to(ROOT))] = f.read_text(encoding="utf-8")
    genuine = dict(articles)
    for k, t in articles.items():
        genuine[k + " (to traditional)"] = to_hant(t)
        genuine[k + " (to simplified)"] = to_hans(t)
    shuffled = list(dictionary)
    for seed in range(args.shuffles):
        random.Random(seed).shuffle(shuffled)
        genuine[f"jieba words, order {seed}"] = "".join(shuffled)
        genuine[f"jieba words, order {seed}, traditional"] = to_hant("".join(shuffled))

    signals: dict[str, Signal] = {
        "rarity (before)": rarity,
        "script mixing": mixed_script,
        "frequency": frequency(logfreq),
        "words": words,
        "detector (words, or rarity on 4+)": G.reads_better,
    }
    accidental: list[tuple[str, str]] = []
    repaired = suspects = in_articles = 0
    size = sum(len(t) for t in genuine.values())
    for name, t in genuine.items():
        runs = list(candidates(t))
        accidental.extend(runs)
        in_articles += 0 if name.startswith("jieba") else len(runs)
        repaired += len(G.find_gbk_mojibake(t))
        suspects += len(G.find_gbk_suspects(t))
    print(f"genuine text: {size:,} characters in {len(genuine)} texts")
    print(f"  byte-pattern runs in the seed and fixtures (both scripts): {in_articles}")
    print(f"  byte-pattern runs: {len(accidental)}; false repairs: {repaired}")
    print(f"  runs left as they are and reported: {suspects}")
    for name, sig in signals.items():
        hits = [r for r, f in accidental if sig(r, f)]
        print(f"  {name}: accepts {len(hits)} of {len(accidental)} {hits[:3]}")

    samples: dict[str, set[str]] = {"simplified": set(), "traditional": set()}
    for text in articles.values():
        for script_text in (to_hans(text), to_hant(text)):
            for stretch in re.findall("[\u4e00-\u9fff]+", script_text):
                cut = segment(stretch, dictionary, total) if stretch == to_hans(stretch) else []
                if not cut:  # segment the simplified copy, cut the original at its bounds
                    bounds = [len(w) for w in segment(to_hans(stretch), dictionary, total)]
                    pos, cut = 0, []
                    for b in bounds:
                        cut.append(stretch[pos : pos + b])
                        pos += b
                for a in range(len(cut)):
                    for b in range(a + 1, len(cut) + 1):
                        phrase = "".join(cut[a:b])
                        if len(phrase) > 8:
                            break
                        if len(phrase) >= 4:
                            script = "traditional" if to_hans(phrase) != phrase else "simplified"
                            samples[script].add(phrase)
    idioms = {w for w, f in dictionary.items() if 4 <= len(w) <= 8 and f >= 50}
    idioms = {w for w in idioms if all("\u4e00" <= c <= "\u9fff" for c in w)}
    samples["jieba words 4-8, simplified"] = idioms
    samples["jieba words 4-8, traditional"] = {to_hant(w) for w in idioms} - idioms
    for name, phrases in samples.items():
        odd = sum(len(p) % 2 for p in phrases)
        runs, shown = [], []
        for p in sorted(phrases):
            try:
                runs.append((p, p.encode("utf-8").decode("gbk")))
            except UnicodeDecodeError:
                with contextlib.suppress(UnicodeDecodeError):
                    shown.append((p, browser_gbk(p)))
        bad = len(phrases) - len(runs) - odd
        ok = sum(exact(p, m) for p, m in runs)
        print(f"{name}: {len(phrases)} phrases, {odd} odd-length (a byte left over), {bad} with")
        print(f"  bytes GBK cannot decode; {ok}/{len(runs)} = {ok / len(runs):.4f} repaired")
        even = [(p, m) for p, m in shown if len(p) % 2 == 0]
        won = sum(exact(p, m) for p, m in even)
        print(f"  of those, {len(even)} decode as a browser shows GBK: {won} repaired")
        for sig_name, sig in signals.items():
            acc = sum(sig(m, p) for p, m in runs)
            print(f"    {sig_name}: {acc / len(runs):.4f}")


if __name__ == "__main__":
    main()
