"""Apply the seed's scrape damage to a fixture article's clean text (fixture h7 and later).

Why: a damaged fixture must be reproducible from its gold text. ``raw.txt`` is made from
``expected_clean.txt`` the way tests/fixtures/articles/README.md describes the seed's damage:
every occurrence of a fixed set of characters gets its first pypinyin reading (with tone marks)
appended in ASCII parentheses, every second 、, every third ASCII comma and every third 。 gets an
extra ASCII comma in front of it, and one short run of characters is mojibake (its UTF-8 bytes
decoded as GBK). Usage::

    python scripts/damage_fixture.py FOLDER [--mojibake RUN]

pypinyin is needed only to regenerate (``pip install pypinyin``); the result is committed.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

#: the characters that carry a pinyin tag, in both scripts
TAGGED = "網网聯联數数據据"


def _reading(ch: str) -> str:
    """First pypinyin reading of one character, tone marks kept (網 -> wǎng)."""
    from pypinyin import Style, pinyin  # imported here: only regeneration needs it

    return str(pinyin(ch, style=Style.TONE, heteronym=False)[0][0])


def mojibake(text: str, run: str) -> str:
    """Replace the first occurrence of ``run`` by its UTF-8 bytes read as GBK."""
    if run not in text:
        raise SystemExit(f"damage_fixture: mojibake run {run!r} is not in the text")
    return text.replace(run, run.encode("utf-8").decode("gbk"), 1)


def damage(text: str, run: str | None = None) -> str:
    """The damaged text: commas and pinyin tags as the seed's, then the mojibake run."""
    out: list[str] = []
    seen = {"、": 0, ",": 0, "。": 0}
    every = {"、": 2, ",": 3, "。": 3}
    for ch in text:
        if ch in seen:
            seen[ch] += 1
            if seen[ch] % every[ch] == 0:
                out.append(",")
        out.append(ch)
        if ch in TAGGED:
            out.append(f"({_reading(ch)})")
    damaged = "".join(out)
    return mojibake(damaged, run) if run else damaged


def main(argv: list[str] | None = None) -> int:
    """Write FOLDER/raw.txt from FOLDER/expected_clean.txt and print its sha256."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--mojibake", default=None, help="a run of clean text to garble")
    args = ap.parse_args(argv)
    clean = (args.folder / "expected_clean.txt").read_text(encoding="utf-8")
    raw = damage(clean, args.mojibake)
    (args.folder / "raw.txt").write_text(raw, encoding="utf-8")
    print(hashlib.sha256(raw.encode("utf-8")).hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main())
