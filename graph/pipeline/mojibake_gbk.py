"""UTF-8 read as GBK: runs of Han characters that are another text's UTF-8 bytes.

A page saved as UTF-8 and shown (or re-saved) as GBK turns every three-byte UTF-8 character
into one and a half GBK characters: 平均跑動 (12 bytes) reads 骞冲潎璺戝嫊. When no byte was
lost the damage is fully derivable: encode the run back to GBK and decode it as UTF-8. This
is the other direction from the seed's shifted-GBK damage (``graph.pipeline.mojibake``), where
bytes were lost and only a reviewed correction can say what they were; nothing here guesses.

**The byte pattern.** Two UTF-8 characters of U+4E00..U+9FFF are six bytes
``E4-E9 xx xx E4-E9 xx xx`` with every ``xx`` in 80..BF, so the three GBK characters they
make start with a character whose lead byte is E4..E9 and carry the next character's lead
byte as a trail byte. A run is a sequence of such three-character windows, each decoding to
two Han characters exactly. The pattern is strong but not enough: genuine text has it by
accident about once in 130,000 characters of shuffled dictionary words (measured below).

**The second signal: the repair reads better.** A run is repaired when either

* *words*: at least half of the repaired characters segment into words of 2-4 characters
  of ``graph/curation/common_words.txt`` (the 20,000 most frequent words of jieba's bundled
  dictionary, folded so one list serves both scripts; ``scripts/make_common_words.py``) and
  more of them than of the run itself; or
* *rarity*, for runs that repair to four characters or more: at least half of the run's
  characters are rare (outside GB2312's 3,755 level-1 characters and Big5's 5,401 frequent
  ones) and every repaired character but one is common.

Why these, by measurement (``scripts/measure_gbk_mojibake.py`` with jieba 0.42.1's dict.txt).
Genuine text: 16.4M characters, the seed and every fixture's clean text in both scripts and
jieba's dictionary words shuffled in 8 orders in both scripts; it holds 120 byte-pattern runs
(none in the seed or the fixtures), all of one window. Mojibake: phrases of 4-8 characters
cut from the fixtures at word boundaries, 8,726 simplified and 7,416 traditional whose bytes
GBK decodes, and jieba's own 4-8 character words (2,358 and 1,703)::

    signal                         accidental runs accepted   phrases repaired (simp / trad)
    rarity alone (before)          1 of 120 (灏辨渶)           0.943 / 0.937
    script mixing in the run       1 of 120                   0.625 / 0.597
    repair more frequent than run  53 of 120                  1.000 / 0.999
    words                          0 of 120                   0.919 / 0.916
    words, or rarity on 2+ windows 0 of 120                   0.993 / 0.989 (jieba words
                                                              0.964 / 0.980)

Script mixing misses the many runs whose GBK characters happen to be of one script (共建共享's
are all simplified); character frequency cannot tell an accidental repair from a real one,
because both are real characters; an accidental repair is two unrelated characters, which is
no word. Rarity is kept for runs of two windows and more, where no accidental run was seen; on
one window it made the one false repair. 0 false repairs in 16.4M characters. The misses are
names and words outside the 20,000 (網際網路, 社保缴费, 走深走实); 40,000 words (310 KB) would
add about 0.2 points, the whole dictionary (3 MB) about 0.4. Not measured above: an odd-length
phrase leaves a byte that GBK pairs with whatever follows, and two in five even-length phrases
hold a byte pair GBK has no character for (進 is E9 80 B2: 80 B2); either run is repaired up to
its last exact window, and the U+FFFD a reader shows is reported by the cleaner.

A run the byte pattern finds but neither test accepts is kept as it is and returned by
``find_gbk_suspects``: the cleaner reports it as a finding with its span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from graph.curation import CURATION_DIR
from graph.pipeline.mojibake import Cp1252Span
from graph.text import fold, is_han

#: UTF-8 lead bytes of U+4E00..U+9FFF (the CJK Unified Ideographs block)
_HAN_LEADS = range(0xE4, 0xEA)


@dataclass(frozen=True, slots=True)
class GbkSuspect:
    """A run with the byte pattern that was not repaired: ``reading`` is what its bytes
    decode to, for a reviewer (a reviewed row of ``corrections.tsv`` can repair it)."""

    begin: int
    end: int
    reading: str


@lru_cache(maxsize=65536)
def _gbk_pair(ch: str) -> bytes | None:
    """The two GBK bytes of a character, or None (ASCII, or not in GBK)."""
    try:
        data = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return data if len(data) == 2 else None


def _in_rows(ch: str, codec: str, first: int, last: int) -> bool:
    try:
        data = ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return len(data) == 2 and first <= data[0] <= last


@lru_cache(maxsize=65536)
def _common(ch: str) -> bool:
    """A frequent character of either script: GB2312's 3,755 level-1 characters (rows
    B0..D7) or Big5's 5,401 frequent ones (rows A4..C6). Not through OpenCC: it maps rare
    variants to common characters (閲 -> 阅), which would make mojibake look common."""
    return _in_rows(ch, "gb2312", 0xB0, 0xD7) or _in_rows(ch, "big5", 0xA4, 0xC6)


@cache
def _window_start() -> re.Pattern[str]:
    """The characters a window can start with: GBK lead byte E4..E9, trail byte 80..BF (at
    most 384; searching for them in C keeps the scan off the cleaner's time)."""
    chars = []
    for lead in _HAN_LEADS:
        for trail in range(0x80, 0xC0):
            try:
                chars.append(bytes([lead, trail]).decode("gbk"))
            except UnicodeDecodeError:
                continue
    return re.compile("[" + re.escape("".join(chars)) + "]")


def _triple(text: str, i: int) -> str | None:
    """The two Han characters that the GBK bytes of ``text[i:i+3]`` are in UTF-8, or None."""
    pairs = [_gbk_pair(c) for c in text[i : i + 3]]
    if len(pairs) < 3 or any(p is None for p in pairs):
        return None
    data = b"".join(p for p in pairs if p is not None)
    if data[0] not in _HAN_LEADS or data[3] not in _HAN_LEADS:
        return None
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if len(decoded) == 2 and all(is_han(c) for c in decoded) else None


@cache
def _words() -> frozenset[str]:
    """``graph/curation/common_words.txt``: jieba's most frequent words, folded."""
    lines = (CURATION_DIR / "common_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w and not w.startswith("#"))


def word_cover(text: str) -> int:
    """How many characters of ``text`` its best segmentation puts in common words of 2-4
    characters (a small dynamic programme over the folded text; a lone character covers
    nothing)."""
    key, words = fold(text), _words()
    best = [0] * (len(key) + 1)
    for i in range(len(key) - 1, -1, -1):
        best[i] = best[i + 1]
        for size in range(2, min(4, len(key) - i) + 1):
            if key[i : i + size] in words:
                best[i] = max(best[i], size + best[i + size])
    return best[0]


def reads_better(run: str, fixed: str) -> bool:
    """The second signal of the module docstring: the repair reads as words, or (four
    repaired characters and more) it turns rare characters into common ones."""
    cover = word_cover(fixed)
    if 2 * cover >= len(fixed) and cover > word_cover(run):
        return True
    rare = sum(not _common(c) for c in run)
    plain = sum(_common(c) for c in fixed)
    return len(fixed) >= 4 and 2 * rare >= len(run) and plain >= len(fixed) - 1


def _judged(text: str) -> tuple[list[Cp1252Span], list[GbkSuspect]]:
    """Repaired runs, and rejected ones merged where they overlap and cut where a repair
    starts. A rejected run is tried again from its next character (another alignment)."""
    found: list[Cp1252Span] = []
    rejected: list[GbkSuspect] = []
    n, i = len(text), 0
    while i + 3 <= n:
        start = _window_start().search(text, i, n - 2)
        if start is None:
            break
        i = start.start()
        first = _triple(text, i)
        if first is None:
            i += 1
            continue
        decoded = [first]
        j = i + 3
        while j + 3 <= n and (more := _triple(text, j)) is not None:
            decoded.append(more)
            j += 3
        fixed = "".join(decoded)
        if reads_better(text[i:j], fixed):
            # character k of ``fixed`` starts at byte 3k, which lies in GBK character 3k // 2
            starts = tuple(i + (3 * k) // 2 for k in range(len(fixed)))
            found.append(Cp1252Span(i, j, tuple(range(i, j)), fixed, starts, codec="GBK"))
            if rejected and rejected[-1].end > i:  # the repair wins over the doubt
                last = rejected.pop()
                if last.begin < i:
                    rejected.append(GbkSuspect(last.begin, i, last.reading))
            i = j
            continue
        if rejected and i < rejected[-1].end:
            last = rejected[-1]
            rejected[-1] = GbkSuspect(last.begin, max(j, last.end), last.reading)
        else:
            rejected.append(GbkSuspect(i, j, fixed))
        i += 1
    return found, rejected


def find_gbk_mojibake(text: str) -> list[Cp1252Span]:
    """Every run of ``text`` that is UTF-8 read as GBK, decodes exactly and reads better.

    Each repaired character maps to the first of the GBK characters its bytes started in
    (the offset map stays monotone), as for Windows-1252 runs.
    """
    return _judged(text)[0]


def find_gbk_suspects(text: str) -> list[GbkSuspect]:
    """Runs with the byte pattern whose repair does not read better: left as they are and
    reported by the cleaner (``graph.pipeline.ingest_findings``), never dropped in silence."""
    return _judged(text)[1]
