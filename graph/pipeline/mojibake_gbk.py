"""UTF-8 read as GBK: runs of Han characters that are another text's UTF-8 bytes.

A page saved as UTF-8 and shown (or re-saved) as GBK turns every three-byte UTF-8 character
into one and a half GBK characters: 平均跑動 (12 bytes) reads 骞冲潎璺戝嫊. When no byte was
lost the damage is fully derivable: encode the run back to GBK and decode it as UTF-8. This
is the other direction from the seed's shifted-GBK damage (``graph.pipeline.mojibake``), where
bytes were lost and only a reviewed correction can say what they were; nothing here guesses.

Why the test is safe on genuine text: two UTF-8 characters of U+4E00..U+9FFF are six bytes
``E4-E9 xx xx E4-E9 xx xx`` with every ``xx`` in 80..BF, so the three GBK characters they
make start with a character from GB2312's rarely used second level (lead byte E4..E9) and
carry the next character's lead byte as a trail byte. A window must also read better after
repair than before: at least half of its characters are rare (outside GB2312's 3,755 common
characters and Big5's 5,401 frequent ones) and every repaired character but one is common. A
genuine name written with rare characters (璐, 瑜) fails the first byte pattern or the
commonness test; a window that fails either is left alone.
"""

from __future__ import annotations

from functools import lru_cache

from graph.pipeline.mojibake import Cp1252Span
from graph.text import is_han

#: UTF-8 lead bytes of U+4E00..U+9FFF (the CJK Unified Ideographs block)
_HAN_LEADS = range(0xE4, 0xEA)


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


def find_gbk_mojibake(text: str) -> list[Cp1252Span]:
    """Every run of ``text`` that is UTF-8 read as GBK and repairs exactly.

    A run is a sequence of three-character windows that each decode to two Han characters;
    it is kept when the rarity test of the module docstring holds for the whole run. Each
    repaired character maps to the first of the GBK characters its bytes started in (the
    offset map stays monotone), as for Windows-1252 runs.
    """
    out: list[Cp1252Span] = []
    n, i = len(text), 0
    while i + 3 <= n:
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
        run = text[i:j]
        rare = sum(not _common(c) for c in run)
        plain = sum(_common(c) for c in fixed)
        if 2 * rare >= len(run) and plain >= len(fixed) - 1:
            # character k of ``fixed`` starts at byte 3k, which lies in GBK character 3k // 2
            starts = tuple(i + (3 * k) // 2 for k in range(len(fixed)))
            out.append(Cp1252Span(i, j, tuple(range(i, j)), fixed, starts, codec="GBK"))
            i = j
        else:
            i += 1
    return out
