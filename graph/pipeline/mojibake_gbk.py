"""UTF-8 read as GBK: runs of Han characters that are another text's UTF-8 bytes.

A page saved as UTF-8 and shown (or re-saved) as GBK turns every three-byte UTF-8 character
into one and a half GBK characters: 平均跑動 (12 bytes) reads 骞冲潎璺戝嫊. When no byte was
lost the damage is fully derivable: encode the run back to GBK and decode it as UTF-8. This
is the other direction from the seed's shifted-GBK damage (``graph.pipeline.mojibake``), where
bytes were lost and only a reviewed correction can say what they were; nothing here guesses.

**The byte pattern.** Two UTF-8 characters of U+4000..U+9FFF are six bytes
``E4-E9 xx xx E4-E9 xx xx`` with every ``xx`` in 80..BF, so the three GBK characters they
make start with a character whose lead byte is E4..E9 and carry the next character's lead
byte as a trail byte. A window is the shortest stretch whose bytes are a multiple of three
and decode to Han exactly; a run is a sequence of windows. What a reader shows for pairs
strict GBK leaves undefined is read back too: Windows' code page 936 and a browser's decoder
(GB18030's table) show a lone byte 80 as ``€`` (涓€ is 一: E4 B8 80) and the user-defined
pairs as private-use characters (专家 reads 涓撳 and U+E18D). The pattern is strong but not
enough: genuine text has it by accident about once in 137,000 characters of shuffled
dictionary words (measured below).

**The second signal: the repair reads better.** A run is repaired when either

* *words*: at least half of the repaired characters segment into words of 2-4 characters
  of ``graph/curation/common_words.txt`` (the 30,000 most frequent words of jieba's bundled
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
strict GBK decodes, and jieba's own 4-8 character words (2,358 and 1,703)::

    signal                         accidental runs accepted   phrases repaired (simp / trad)
    rarity alone (before)          1 of 120 (灏辨渶)           0.943 / 0.937
    script mixing in the run       1 of 120                   0.625 / 0.597
    repair more frequent than run  53 of 120                  1.000 / 0.999
    words                          0 of 120                   0.919 / 0.916
    words, or rarity on 4+ chars   0 of 120                   0.994 / 0.992 (jieba words
                                                              0.975 / 0.987)

Script mixing misses the many runs whose GBK characters happen to be of one script (共建共享's
are all simplified); character frequency cannot tell an accidental repair from a real one,
because both are real characters; an accidental repair is two unrelated characters, which is
no word. Rarity is kept for runs of four repaired characters and more, where no accidental run
was seen; on one window it made the one false repair. 0 false repairs in 16.4M characters.
The misses are names and words outside the 30,000 (網際網路, 社保缴费, 走深走实). The list was
20,000 words until round 12's blind fixture h34 garbled 有条不紊, an idiom ranked 24,411th:
30,000 keeps 0 false repairs and repairs it (the numbers above are at 30,000; at 20,000 they
were 0.993 / 0.989 and 0.964 / 0.980); the whole dictionary (3 MB) would add about 0.3 points.

Two in five even-length phrases hold a pair strict GBK cannot decode (進 is E9 80 B2: 80 B2).
As a browser shows them, 4,591 simplified and 4,394 traditional of those decode, and 4,573 and
4,373 are repaired (0.996 / 0.995). The rest, and odd-length phrases, leave a lone byte that
the reader pairs with whatever follows or shows as U+FFFD: the run is repaired up to its last
exact window and the rest reported (U+FFFD, a ``€`` after a character ending in a UTF-8 lead
byte, a private-use character: ``graph.pipeline.mojibake.suspicious_char``).

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

#: UTF-8 lead bytes of U+4000..U+9FFF (most of the CJK Unified Ideographs)
_HAN_LEADS = range(0xE4, 0xEA)
#: byte 80 as a GBK reader in Windows or a browser shows it
EURO = "\u20ac"
#: a window is at most four UTF-8 characters (two € in it)
_MAX_WINDOW = 12


@dataclass(frozen=True, slots=True)
class GbkSuspect:
    """A run with the byte pattern that was not repaired: ``reading`` is what its bytes
    decode to, for a reviewer (a reviewed row of ``corrections.tsv`` can repair it)."""

    begin: int
    end: int
    reading: str


@lru_cache(maxsize=65536)
def _gbk_pair(ch: str) -> bytes | None:
    """The two GBK bytes of a character, or None (ASCII, or not in GBK).

    Windows' code page 936 and a browser's GBK decoder (GB18030's table) also show pairs that
    strict GBK leaves undefined: the user-defined areas (AAA1..AFFE, F8A1..FEFE, A140..A7A0) as
    private-use characters, a few as ideographic description characters (A995 is ⿻). Those
    come back through GB18030's two-byte table.
    """
    for codec in ("gbk", "gb18030"):
        try:
            data = ch.encode(codec)
        except UnicodeEncodeError:
            continue
        return data if len(data) == 2 else None
    return None


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


def _bytes_of(ch: str) -> bytes | None:
    """What a GBK reader made of ``ch``: its two GBK bytes, or byte 80 for ``€`` (Windows'
    code page 936 and the WHATWG GBK decoder show a lone 80 as ``€``; strict GBK has none)."""
    return b"\x80" if ch == EURO else _gbk_pair(ch)


def _window(text: str, i: int) -> tuple[int, str, tuple[int, ...]] | None:
    """The shortest stretch from ``i`` whose GBK bytes are a multiple of 3 and the UTF-8 of
    Han characters, or None: 骞冲潎 is 平均 (6 bytes); a ``€`` makes the count odd, so 涓€ is
    一 (3) and 鍙傝€冩寚 is 参考指 (9).

    Returns its end, the decoded characters and, for each, the offset of the character its
    first byte lies in.
    """
    data, owner, j = b"", [], i
    while j < len(text):
        got = _bytes_of(text[j])
        if got is None:
            return None
        data += got
        owner.extend([j] * len(got))
        j += 1
        if len(data) % 3 == 0 or len(data) > _MAX_WINDOW:
            break
    if not data or len(data) % 3 or len(data) > _MAX_WINDOW or data[0] not in _HAN_LEADS:
        return None
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not all(is_han(c) and "\u4000" <= c <= "\u9fff" for c in decoded):
        return None
    return j, decoded, tuple(owner[3 * k] for k in range(len(decoded)))


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
    while i + 2 <= n:
        start = _window_start().search(text, i, n - 1)
        if start is None:
            break
        i = start.start()
        window = _window(text, i)
        if window is None:
            i += 1
            continue
        j, fixed, starts = window
        while (more := _window(text, j)) is not None:
            j, fixed, starts = more[0], fixed + more[1], starts + more[2]
        if reads_better(text[i:j], fixed):
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
