"""Write ``graph/curation/common_words.txt``: the most frequent words of jieba's dictionary.

Why: the GBK mojibake detector (``graph.pipeline.mojibake_gbk``) accepts a repair when the
repaired text reads as words; jieba's bundled ``dict.txt`` (MIT licence, 349k words with
frequencies) is the word list, but jieba is not a dependency (see README, "What is still written
by hand"), so the words the test needs are extracted once and committed: words of 2 to 4 Han
characters, folded with ``graph.text.fold`` (so one list serves both scripts), frequencies of
words that fold together added up, the ``TOP`` most frequent kept (ties by code point), written
in code-point order for a stable diff. ``TOP`` was chosen by measurement (module docstring of
``mojibake_gbk``). Usage::

    pip install --target /tmp/jieba jieba==0.42.1
    PYTHONPATH=$PWD python scripts/make_common_words.py /tmp/jieba/jieba/dict.txt
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from graph.curation import CURATION_DIR
from graph.text import fold, is_han

TOP = 30_000
OUT = CURATION_DIR / "common_words.txt"
HEADER = (
    "# The {top} most frequent words of 2-4 Han characters in jieba {version}'s dict.txt,\n"
    "# folded with graph.text.fold (one list for both scripts), one a line, code-point order.\n"
    "# Made by scripts/make_common_words.py; do not edit by hand.\n"
    "# jieba: MIT License, Copyright (c) 2013 Sun Junyi. The list is an extract of its data.\n"
)


def common_words(dict_txt: Path, top: int = TOP) -> list[str]:
    """The ``top`` most frequent folded words of 2-4 Han characters, in code-point order."""
    freq: Counter[str] = Counter()
    for line in dict_txt.read_text(encoding="utf-8").splitlines():
        word, count, *_ = line.split()
        if 2 <= len(word) <= 4 and all(is_han(c) for c in word):
            key = fold(word)
            if len(key) == len(word):
                freq[key] += int(count)
    ranked = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return sorted(w for w, _ in ranked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dict_txt", type=Path, help="jieba's dict.txt")
    parser.add_argument("--version", default="0.42.1", help="jieba's version, for the header")
    args = parser.parse_args()
    words = common_words(args.dict_txt)
    OUT.write_text(
        HEADER.format(top=f"{len(words):,}", version=args.version) + "\n".join(words) + "\n",
        encoding="utf-8",
    )
    print(f"{OUT}: {len(words)} words")


if __name__ == "__main__":
    main()
