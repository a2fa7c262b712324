"""The figure grammar's helpers on the words of ``grammar.yaml`` (loaded by
``graph.curation.grammar``, re-exported here with the script fold every rule matches on).

Why a fold of its own: the rules are written once (zh-Hant) and must read zh-Hans text too
(排名全国第九, 2362万人). :func:`fold_aligned` is ``graph.text.fold`` (NFKC, OpenCC t2s,
casefold) applied one character at a time, keeping a character whose fold is not exactly one
character as it is. So ``len(fold_aligned(t)) == len(t)`` for every ``t`` and an offset
found in the folded text *is* the offset in the source: no map to keep in sync, spans stay
exact. Characters whose fold expands (``ß`` -> ``ss``, ``⑴`` -> ``(1)``) are never part of
a rule; the ingest stage already NFKC-folds the text one-to-one, so in practice every
character folds to one.

Word lists are folded when loaded, and the loader refuses two words that fold to the same
key (a zh-Hans twin of a zh-Hant word is a curation mistake: it can never match anything
the first one does not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.curation import CURATION_DIR
from graph.curation.grammar import (
    GRAMMAR_FILE,
    Words,
    fold_aligned,
    fold_char,
    fold_word,
    load_words,
    words,
)
from graph.curation.schema import read_yaml
from graph.model import InputError

__all__ = [
    "CURATION",
    "GRAMMAR_FILE",
    "InputError",
    "Words",
    "alt",
    "fold_aligned",
    "fold_char",
    "fold_word",
    "frames",
    "is_compound_cn",
    "load_words",
    "parse_cn_int",
    "words",
]

CURATION = CURATION_DIR


def alt(words: list[str] | tuple[str, ...]) -> str:
    """Regex alternation of (already folded) words, longest first (及以上 before 以上)."""
    ws = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in ws) or "(?!)"


def parse_cn_int(text: str, w: Words | None = None) -> int | None:
    """Chinese integers (一 .. 九千九百九十九) as in 第九, 第十一, 三十一個; None if not one.

    Either script: the text is folded first, so 兩 and 两 are both 2.
    """
    w = w or words()
    text = fold_aligned(text)
    if not text or any(ch not in w.numerals and ch not in w.positions for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in w.positions:
            total += (current or 1) * w.positions[ch]
            current = 0
        else:
            current = current * 10 + w.numerals[ch]
    return total + current


def is_compound_cn(text: str, w: Words | None = None) -> bool:
    """A numeral with a positional word and a digit (十一, 三十一, 一百; 十 alone): read as a
    count. A single digit (一個, 兩項, 三大) is prose in this genre, and a bare position word
    is an idiom (千家萬戶, 百家), not a figure."""
    w = w or words()
    f = fold_aligned(text)
    has_position = any(ch in w.positions for ch in f)
    has_digit = any(ch in w.numerals for ch in f)
    ten = min(w.positions, key=lambda ch: w.positions[ch])  # 十: 十個, 十二項 read as counts
    return has_position and (has_digit or f.startswith(ten))


@dataclass(frozen=True, slots=True)
class Frames:
    """grammar.yaml ``frames``: the words of the frames read over a sentence's figures."""

    parallel_joiners: tuple[str, ...]  # 、 和 及 與 以及
    joiner_words: tuple[str, ...]  # 普及, 參與: a joiner inside a word joins nothing
    rank_change_unit: str  # 位
    rank_change_counted: str  # 個 (提升3個位次)
    rank_up: tuple[str, ...]  # 上升, 前移
    rank_down: tuple[str, ...]  # 下降, 後移
    rank_nouns: tuple[str, ...]  # 排名, 位次
    share_verbs: tuple[str, ...]  # 相當於 (X相當於四川的六成)
    share_noun: str  # 比重, as written (it joins the label in the source's script)
    #: 這一數據 / 這一指標: a label that only points back (its compared figure's statistic)
    pointers: tuple[str, ...] = ()


def _frame_words(data: object, key: str, path: Path) -> tuple[str, ...]:
    raw = data.get(key) if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw or not all(isinstance(w, str) and w for w in raw):
        raise InputError(f"{path.name}: frames {key!r} must be a list of words")
    return tuple(fold_word(w) for w in raw)


def load_frames(path: Path = GRAMMAR_FILE) -> Frames:
    """Read grammar.yaml ``frames`` (folded); a missing or bad entry is one ``InputError``."""
    data = read_yaml(path)
    frames = data.get("frames") if isinstance(data, dict) else None
    if not isinstance(frames, dict):
        raise InputError(f"{path.name}: frames must be a mapping")
    rank = frames.get("rank_change")
    if not isinstance(rank, dict) or not isinstance(rank.get("unit"), str):
        raise InputError(f"{path.name}: frames needs rank_change with a unit")
    share = frames.get("share_of_base")
    if not isinstance(share, dict) or not isinstance(share.get("noun"), str):
        raise InputError(f"{path.name}: frames needs share_of_base with a noun")
    return Frames(
        parallel_joiners=_frame_words(frames, "parallel_joiners", path),
        joiner_words=_frame_words(frames, "joiner_words", path),
        rank_change_unit=fold_word(rank["unit"]),
        rank_change_counted=fold_word(str(rank.get("counted") or "")),
        rank_up=_frame_words(rank, "up", path),
        rank_down=_frame_words(rank, "down", path),
        rank_nouns=_frame_words(rank, "nouns", path),
        share_verbs=_frame_words(share, "verbs", path),
        share_noun=share["noun"],
        pointers=_frame_words(frames, "pointers", path),
    )


@lru_cache(maxsize=1)
def frames() -> Frames:
    """The shipped frames, loaded once per process."""
    return load_frames()
