"""Small text utilities shared by every stage: script conversion, Han detection, slugs, and
the one highlighter that marks a quote inside its sentence (resource pages and the viewer).

Script conversion is OpenCC (the reference converter; hand-written tables drift).
Slugs are toneless pinyin from pypinyin so IRIs are ASCII, readable and derived from
content (never random); ``slug`` is deterministic for a given input.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import opencc
from pypinyin import Style, lazy_pinyin

_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")
_HK2S = opencc.OpenCC("hk2s")  # hk/tw variants (e.g. 着 vs 著) normalise too


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph (any extension block)."""
    if not ch:
        return False
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x3134F
        or 0xF900 <= o <= 0xFAFF
    )


def han_count(text: str) -> int:
    return sum(1 for ch in text if is_han(ch))


class Highlight(NamedTuple):
    """A sentence split around the quoted part (``mark`` empty when it could not be placed)."""

    before: str
    mark: str
    after: str


def highlight(
    sentence: str, sentence_begin: int | None, quote: str, begin: int | None
) -> Highlight:
    """Split ``sentence`` at ``quote``: by the offsets when they agree with the text, else at
    the quote's first occurrence, else not at all (the whole sentence, nothing marked).

    Offsets are checked, never trusted: a span whose begin does not point at its own quote
    falls back to search, so a page never marks the wrong words. Without a sentence the quote
    is all there is to mark. Returns plain text only; the caller's template escapes it.
    """
    if not sentence:
        return Highlight("", quote, "")
    if begin is not None and sentence_begin is not None and quote:
        off = begin - sentence_begin
        if off >= 0 and sentence[off : off + len(quote)] == quote:
            return Highlight(sentence[:off], quote, sentence[off + len(quote) :])
    if quote:
        off = sentence.find(quote)
        if off >= 0:
            return Highlight(sentence[:off], quote, sentence[off + len(quote) :])
    return Highlight(sentence, "", "")


@lru_cache(maxsize=65536)
def to_hans(text: str) -> str:
    """Traditional (as the source writes it) -> Simplified Chinese."""
    return _T2S.convert(text)


@lru_cache(maxsize=65536)
def to_hant(text: str) -> str:
    """Simplified -> Traditional Chinese (OpenCC standard, not regional)."""
    return _S2T.convert(text)


def fold(text: str) -> str:
    """Script- and width-insensitive key: NFKC, then Simplified, then casefold.

    Used for matching aliases and for search, so 渝快辦 / 渝快办 / ＡＩ all compare equal
    to their plain forms.
    """
    return to_hans(unicodedata.normalize("NFKC", text)).casefold()


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, max_words: int = 12) -> str:
    """ASCII slug from Chinese or Latin text: '網民數量' -> 'wang-min-shu-liang'.

    Long labels are cut to ``max_words`` syllables plus a short content hash so two
    long labels that share a prefix never collide.
    """
    norm = unicodedata.normalize("NFKC", text)
    words = [w for w in lazy_pinyin(to_hans(norm), style=Style.NORMAL, errors="default")]
    flat = _NON_SLUG.sub("-", "-".join(words).lower()).strip("-")
    flat = re.sub(r"-{2,}", "-", flat)
    parts = flat.split("-") if flat else []
    if len(parts) > max_words:
        digest = hashlib.sha1(norm.encode("utf-8")).hexdigest()[:6]
        flat = "-".join([*parts[:max_words], digest])
    return flat or hashlib.sha1(norm.encode("utf-8")).hexdigest()[:10]
