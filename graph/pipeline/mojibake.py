"""GBK mojibake: detection, derivation by re-encoding, and verification of reviewed repairs.

The scraped page has spots where GBK bytes were decoded one byte out of step: the lead
byte of the first character fell off, every following byte pair straddles two original
characters, some pairs that are not valid GBK were lost (as ``?`` or silently), fullwidth
forms were NFKC-folded to ASCII (``！`` -> ``!``, ``Ｊ`` -> ``J``, ``？`` -> ``?``), and an
injected pinyin tag may have lost its ``(`` so only ``shù)`` remains.

What the surviving characters still encode can be *derived*: encode them back to GBK,
drop the orphan byte, decode again. What was lost cannot be derived, so it comes from the
reviewed ``graph/curation/corrections.tsv``; this module *verifies* every such row: the
GBK bytes of the replacement, shifted by one byte, must contain the bytes that survive in
the mojibake, in order. Nothing here guesses a lost byte.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from graph.text import is_han, to_hans

# Lower-case Latin letters as used in pinyin with tone marks (precomposed or combining).
PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ\u0300\u0301\u0304\u030c\u0308"
_TONED = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ\u0300\u0301\u0304\u030c]")
# A pinyin tag whose "(" was swallowed by the mojibake run ("shù)").
_REMNANT = re.compile(rf"[{PINYIN_LETTERS}]+\)")


def has_tone_mark(text: str) -> bool:
    return bool(_TONED.search(text))


@lru_cache(maxsize=65536)
def gbk_bytes(ch: str) -> bytes | None:
    """GBK encoding of one character, or None if GBK cannot encode it."""
    try:
        return ch.encode("gbk")
    except UnicodeEncodeError:
        return None


@lru_cache(maxsize=65536)
def is_traditional_compatible(ch: str) -> bool:
    """True if a Han character can appear in Traditional text (it is in Big5-HKSCS).

    Characters outside Big5-HKSCS are Simplified-only (导, 压, 闳, 闭): inside a Traditional
    document they are a strong mojibake signal. Except the traditional variants OpenCC itself
    writes (爲, 敎: outside Big5, but t2s maps them to 为, 教): a text converted with OpenCC
    s2t, as many reposts are, uses them on every line, and they are not damage.
    """
    try:
        ch.encode("big5hkscs")
    except UnicodeEncodeError:
        return to_hans(ch) != ch
    return True


def is_traditional_text(text: str) -> bool:
    """Whether the document is written in Traditional script (majority vote over Han chars)."""
    trad = simp = 0
    for ch in text:
        if not is_han(ch):
            continue
        if to_hans(ch) != ch:
            trad += 1
        elif not is_traditional_compatible(ch):
            simp += 1
    return trad > simp


def _ends_in_han_lead(ch: str) -> bool:
    """Whether the GBK bytes of ``ch`` end in a UTF-8 lead byte of Han (E4..E9)."""
    data = gbk_bytes(ch)
    return data is not None and len(data) == 2 and 0xE4 <= data[1] <= 0xE9


def suspicious_char(text: str, i: int, traditional: bool) -> str | None:
    """Why ``text[i]`` looks like damage, or None. Context-sensitive for ``?`` and ``€``."""
    ch = text[i]
    if ch == "\ufffd":
        return "replacement character U+FFFD"
    if ch == "?":
        near = text[max(0, i - 2) : i + 3]
        if any(is_han(c) for c in near):
            return "'?' next to Han text (a byte lost in decoding)"
        return None
    if ch == "\u20ac" and i > 0 and _ends_in_han_lead(text[i - 1]):
        # byte 80 (a UTF-8 continuation byte) shown as € by Windows' GBK or a browser
        return "'€' after a GBK character ending in a UTF-8 lead byte (UTF-8 read as GBK)"
    if unicodedata.category(ch) == "Co":
        return f"private-use character U+{ord(ch):04X} (a byte pair no GBK character has)"
    if has_tone_mark(ch):
        return f"stray Latin letter with tone mark {ch!r}"
    if traditional and is_han(ch) and not is_traditional_compatible(ch):
        return f"Simplified-only character {ch!r} in a Traditional text"
    return None


def derive_by_shift(run: str) -> str:
    """Re-encode ``run`` to GBK, drop the orphan first byte, decode: what the bytes still say.

    Lost characters (``?``) and swallowed pinyin remnants are skipped. An ASCII character
    may be itself or the NFKC fold of a fullwidth form; every reading (at most 2**8) is
    tried and the one decoding to the most Traditional-compatible Han text wins.
    Undecodable pairs come back as U+FFFD so the caller sees what is not derivable.
    """
    options = [_alternatives(ch) for ch in _REMNANT.sub("", run) if ch != "?"]
    options = [o for o in options if o]
    ambiguous = [i for i, o in enumerate(options) if len(o) > 1][:8]
    best, best_score = "", -1
    for mask in range(2 ** len(ambiguous)):
        pick = [o[0] for o in options]
        for bit, i in enumerate(ambiguous):
            pick[i] = options[i][(mask >> bit) & 1]
        text = b"".join(pick)[1:].decode("gbk", errors="replace")
        score = sum(1 for c in text if is_han(c) and is_traditional_compatible(c))
        score -= 2 * text.count("\ufffd")
        if score > best_score:
            best, best_score = text, score
    return best


def _alternatives(ch: str) -> list[bytes]:
    """GBK readings of one surviving character: itself, and its fullwidth form if ASCII."""
    out = []
    for cand in dict.fromkeys((ch, _unfold(ch))):
        b = gbk_bytes(cand)
        if b:
            out.append(b)
    return out


def _unfold(ch: str) -> str:
    """ASCII that NFKC produced from a fullwidth form goes back to the fullwidth form."""
    if len(ch) == 1 and "!" <= ch <= "~":
        return chr(ord(ch) - 0x21 + 0xFF01)
    return ch


@dataclass(frozen=True, slots=True)
class Verification:
    """Outcome of checking a reviewed repair against the bytes that survive in the raw text."""

    ok: bool
    attested: int  # bytes of the shifted replacement that a surviving character attests
    total: int  # bytes in the shifted replacement
    lost: int  # characters lost as '?'
    remnants: tuple[str, ...]  # swallowed pinyin tag remnants ignored by the check
    derived: str  # what re-encoding the run yields on its own
    prefix: int  # characters shared unchanged at the start (kept, not repaired)
    suffix: int  # ... and at the end

    @property
    def byte_for_byte(self) -> bool:
        return self.ok and self.attested == self.total

    def describe(self) -> str:
        if not self.ok:
            return "NOT verified: surviving GBK bytes are not found in the replacement"
        how = (
            f"verified byte-for-byte ({self.attested}/{self.total} bytes)"
            if self.byte_for_byte
            else f"verified partially ({self.attested}/{self.total} bytes attested)"
        )
        parts = [how, f"{self.lost} char(s) lost as '?'"]
        if self.derived:
            parts.append(f"re-encoding alone derives {self.derived!r}")
        if self.remnants:
            parts.append("swallowed pinyin remnant " + ", ".join(repr(r) for r in self.remnants))
        return "; ".join(parts)


def verify_repair(raw: str, replacement: str) -> Verification:
    """Check that ``replacement`` is what ``raw`` was before a one-byte-shifted GBK decode.

    Shared leading/trailing characters (decoded in step) are set aside; of the rest, the
    GBK bytes of the replacement minus their first byte (the lead byte that fell off)
    must contain, in order, the bytes of every surviving character of the mojibake. An
    ASCII character may stand for itself or for the fullwidth form NFKC folded into it.
    """
    p = 0
    while p < min(len(raw), len(replacement)) and raw[p] == replacement[p]:
        p += 1
    s = 0
    while (
        s < min(len(raw), len(replacement)) - p
        and raw[len(raw) - 1 - s] == replacement[len(replacement) - 1 - s]
    ):
        s += 1
    run = raw[p : len(raw) - s]
    orig = replacement[p : len(replacement) - s]
    try:
        target = orig.encode("gbk")[1:]
    except UnicodeEncodeError:
        return Verification(False, 0, 0, 0, (), "", p, s)
    remnants = tuple(m.group() for m in _REMNANT.finditer(run))
    tokens = list(_REMNANT.sub("", run))
    lost = tokens.count("?")
    attested = _match_in_order(tokens, target)
    derived = derive_by_shift(run)
    if sum(c in run for c in derived) * 2 > len(derived):
        derived = ""  # re-encoding gave nothing new (bytes lost mid-run)
    if attested is None or not attested:
        return Verification(False, 0, len(target), lost, remnants, derived, p, s)
    return Verification(True, attested, len(target), lost, remnants, derived, p, s)


def _match_in_order(tokens: list[str], target: bytes) -> int | None:
    """Place each token's GBK bytes (or its fullwidth form's) in order inside ``target``.

    A ``?`` token is optional: it may be a lost byte (attests nothing) or the NFKC fold of
    a fullwidth ``？``. Returns the most target bytes attested, or None if some surviving
    character cannot be placed. Small dynamic programme over (token, byte position).
    """

    @cache
    def best(i: int, pos: int) -> int | None:
        if i == len(tokens):
            return 0
        tok = tokens[i]
        results: list[int] = []
        if tok == "?":
            rest = best(i + 1, pos)
            if rest is not None:
                results.append(rest)
        for b in _alternatives(tok):
            at = target.find(b, pos)
            while at >= 0:
                rest = best(i + 1, at + len(b))
                if rest is not None:
                    results.append(rest + len(b))
                    break
                at = target.find(b, at + 1)
        return max(results) if results else None

    return best(0, 0)


def looks_like_mojibake(text: str, traditional: bool = True) -> bool:
    """Whether a snippet contains any character ``suspicious_char`` would flag."""
    norm = unicodedata.normalize("NFC", text)
    return any(suspicious_char(norm, i, traditional) for i in range(len(norm)))


# ------------------------------------------------------------ UTF-8 read as Windows-1252
#
# A different damage from the GBK one above: UTF-8 bytes shown through Windows-1252, so
# 重庆 (E9 87 8D E5 BA 86) reads ``é‡\x8dåº†``. Every byte >= 0x80 became one character;
# the five bytes cp1252 leaves undefined (81 8D 8F 90 9D) pass through as C1 controls
# (what browsers and "sloppy" decoders do) or are lost. Reversing it is exact when the
# run's bytes decode as UTF-8 again; when a byte was lost they do not, and the run is left
# as it is and reported. Small enough not to need ftfy, which would not keep offsets.


@cache
def _cp1252_bytes() -> dict[str, int]:
    """Character -> the byte >= 0x80 it stands for in (sloppy) Windows-1252."""
    table: dict[str, int] = {}
    for b in range(0x80, 0x100):
        try:
            table[bytes([b]).decode("cp1252")] = b
        except UnicodeDecodeError:
            table[chr(b)] = b  # undefined in cp1252: passed through as U+0081 ...
    return table


def _is_lead(b: int) -> bool:
    return 0xC2 <= b <= 0xF4


def _is_continuation(b: int) -> bool:
    return 0x80 <= b <= 0xBF


#: the bytes cp1252 leaves undefined, as the C1 controls a sloppy decoder passes them on as
C1_PASSTHROUGH = frozenset("\x81\x8d\x8f\x90\x9d")


@dataclass(frozen=True, slots=True)
class Cp1252Span:
    """A run of text that is UTF-8 read as Windows-1252.

    ``begin``/``end``: the run's extent in the text (it may hold characters the caller
    removes anyway, such as U+200B). ``members``: offsets of the run's own characters.
    ``fixed``: what the bytes decode to, or None when they do not (a byte was lost);
    ``starts[k]``: offset of the character the first byte of ``fixed[k]`` became.
    ``dropped``: C1 controls left out because the bytes decode only without them.
    ``codec``: what the UTF-8 bytes were read as (``graph.pipeline.mojibake_gbk`` finds GBK
    runs with the same shape, so the cleaner repairs both in one character pass).
    """

    begin: int
    end: int
    members: tuple[int, ...]
    fixed: str | None
    starts: tuple[int, ...] = ()
    dropped: int = 0
    codec: str = "Windows-1252"


@cache
def _cp1252_char() -> re.Pattern[str]:
    """One character that stands for a byte >= 0x80 (a quick way to the candidates)."""
    return re.compile("[" + re.escape("".join(sorted(_cp1252_bytes()))) + "]")


def _has_sequence_start(data: bytes) -> bool:
    return any(_is_lead(a) and _is_continuation(b) for a, b in itertools.pairwise(data))


def find_cp1252_mojibake(
    text: str, transparent: Callable[[str, int], bool] | None = None
) -> list[Cp1252Span]:
    """Every run of cp1252 characters that is UTF-8 read as Windows-1252.

    ``transparent(text, i)``: characters the cleaner removes anyway (U+200B, controls);
    a run looks through them, so cleaning the output again finds the same runs. A run's
    last character is left out when a combining mark or a joiner follows it (it belongs to
    that cluster). A run is repairable (``fixed`` set) when its bytes decode as UTF-8
    exactly, or do so once its C1 pass-through controls are left out (which the cleaner
    removes as controls). Otherwise it is reported (``fixed`` None) when it still holds a
    UTF-8 lead byte followed by a continuation byte; genuine Latin text (``café``, pinyin
    ``lián``, ``“·”``) has none.
    """
    table = _cp1252_bytes()
    see = transparent or (lambda _t, _i: False)
    out: list[Cp1252Span] = []
    n, i = len(text), 0
    for hit in _cp1252_char().finditer(text):
        if hit.start() < i:
            continue  # inside the previous run
        i = hit.start()
        members = [i]
        j = i + 1
        while j < n and (text[j] in table or see(text, j)):
            if text[j] in table:  # a byte, even when it is a control or U+00AD
                members.append(j)
            j += 1
        i = j
        if len(members) < 2:
            continue
        after = next((k for k in range(members[-1] + 1, n) if not see(text, k)), n)
        # the characters that survive cleaning (a second cleaning sees only these)
        lean = [k for k in members if text[k] not in C1_PASSTHROUGH and not see(text, k)]
        if (
            lean
            and after < n
            and (unicodedata.combining(text[after]) or text[after] in "\u200c\u200d")
        ):
            # the last surviving character belongs to the mark (or joiner) after it
            members = [k for k in members if k < lean[-1]]
            lean.pop()
        span = _judge(text, members, lean, table)
        if span is not None:
            out.append(span)
    return out


def _judge(
    text: str, members: list[int], lean: list[int], table: dict[str, int]
) -> Cp1252Span | None:
    """Repair, report or ignore one run (see ``find_cp1252_mojibake``)."""
    if len(members) < 2:
        return None
    begin, end = members[0], members[-1] + 1
    for used in (members, lean):
        try:
            fixed = bytes(table[text[k]] for k in used).decode("utf-8")
        except UnicodeDecodeError:
            continue
        starts = tuple(used[k] for k in _char_starts(fixed))
        while len(fixed) > 1 and all(c in table for c in fixed):  # encoded twice (or more)
            try:
                again = bytes(table[c] for c in fixed).decode("utf-8")
            except UnicodeDecodeError:
                break
            starts = tuple(starts[k] for k in _char_starts(again))
            fixed = again
        return Cp1252Span(begin, end, tuple(members), fixed, starts, len(members) - len(used))
    if _has_sequence_start(bytes(table[text[k]] for k in lean)):
        return Cp1252Span(begin, end, tuple(members), None)
    return None


def _char_starts(decoded: str) -> tuple[int, ...]:
    """Byte offset of each character of a UTF-8 decoding (= its cp1252 character index)."""
    starts, pos = [], 0
    for ch in decoded:
        starts.append(pos)
        pos += len(ch.encode("utf-8"))
    return tuple(starts)
