"""Ingest, the offset map: the text being cleaned, each character with its raw offset, and
the edits in raw coordinates.

Every rule of ``graph.pipeline.ingest_rules`` removes or replaces characters only through
:class:`Stream` and records it in :class:`Edits`, so ``raw[e.raw_begin:e.raw_end] == e.removed``
holds for every edit and every clean character maps back to the raw text.
"""

from __future__ import annotations

import heapq
import sys
from array import array
from collections.abc import Iterator
from itertools import pairwise
from typing import Final

from graph.model import Edit, EditLog, Finding, Level

STAGE = "ingest"
_CHUNK = 1 << 16  # characters moved at once when the stream drops some


#: one code point per element: ``u`` is UCS-4 (wchar_t) on Linux; 3.13 names it ``w``
if sys.version_info >= (3, 13):
    CHAR_TYPECODE: Final = "w"
else:
    CHAR_TYPECODE: Final = "u"


class Stream:
    """The text being cleaned: characters, their raw offsets, and whether a repair made them.

    ``repaired`` characters have no raw character of their own (a repair, a synthetic
    ``\n``, an NFKC expansion): the rules never remove them or build on them.

    Memory is linear with a small constant, because the stream is the largest thing ingest
    holds: characters are a C array of code points (4 bytes a character), offsets a C
    ``int`` array (4 bytes; the input cap keeps raw offsets below 2**31), flags a
    ``bytearray`` (1 byte), so 9 bytes a character where a list of ``str`` and a list of
    ints cost ~80. Indexing ``chars`` still gives a one-character ``str``.
    """

    def __init__(self) -> None:
        self.chars: array[str] = array(CHAR_TYPECODE)
        self.src: array[int] = array("i")
        self.repaired = bytearray()

    def add(self, ch: str, src: int, repaired: bool | int = False) -> None:
        self.chars.append(ch)
        self.src.append(src)
        self.repaired.append(1 if repaired else 0)

    def drop(self, mask: bytearray) -> None:
        """Remove the characters whose ``mask`` byte is 1 (bytes 0 or 1, one a character).

        A byte mask, not a set of indices: a set costs ~60 bytes an entry, and the seed's
        pinyin tags alone drop one character in ten. The kept runs are moved down in place
        (C slices of at most ``_CHUNK`` characters) and the tail cut off, so dropping never
        holds a second copy of the stream."""
        n = len(self.chars)
        if mask.find(1) < 0:
            return
        write = read = 0
        while read < n:
            d = mask.find(1, read)
            end = n if d < 0 else d
            for b in range(read, end, _CHUNK):
                e = min(b + _CHUNK, end)
                if write != b:
                    w = write + e - b
                    self.chars[write:w] = self.chars[b:e]
                    self.src[write:w] = self.src[b:e]
                    self.repaired[write:w] = self.repaired[b:e]
                write += e - b
            if d < 0:
                break
            k = mask.find(0, d)
            read = n if k < 0 else k
        del self.chars[write:], self.src[write:], self.repaired[write:]

    def text(self) -> str:
        return self.chars.tounicode()

    def raw_span(self, b: int, e: int) -> tuple[int, int]:
        """Raw span of stream characters ``[b, e)``, ``e > b``."""
        return self.src[b], self.src[e - 1] + 1


class Edits:
    """The report's edits while cleaning; character edits are kept by raw offset.

    Span edits (pinyin tags, commas, repairs: the many) go straight into a compact
    :class:`EditLog`; character edits stay ``Edit`` objects in a dict by raw offset,
    because a later span edit takes them over (they are rare: a page's invisible, control
    and NFKC characters).
    """

    def __init__(self, raw_text: str) -> None:
        self.raw = raw_text
        self.spans = EditLog()
        self.chars: dict[int, Edit] = {}

    def char(self, kind: str, b: int, e: int, inserted: str, reason: str) -> None:
        self.chars[b] = Edit(kind, b, e, self.raw[b:e], inserted, reason)

    def span(
        self, kind: str, b: int, e: int, inserted: str, reason: str, replace: bool = False
    ) -> None:
        """An edit replacing raw ``[b, e)``; it takes over the character edits inside
        (and, with ``replace``, the span edits inside)."""
        if replace:
            self.spans = EditLog(x for x in self.spans if not (b <= x.raw_begin and x.raw_end <= e))
        for pos in range(b, e):
            inner = self.chars.get(pos)
            if inner is None:
                continue
            if inner.raw_end <= e:
                del self.chars[pos]
            elif len(inner.removed) == len(inner.inserted):
                # a one-to-one fold (，+ accent -> , + accent) cut by this edit: it keeps
                # the part after ``e``, if that part still changes anything
                del self.chars[pos]
                cut = e - inner.raw_begin
                rest = Edit(inner.kind, e, inner.raw_end, inner.removed[cut:],
                            inner.inserted[cut:], inner.reason)  # fmt: skip
                if rest.removed != rest.inserted:
                    self.chars[e] = rest
        self.spans.append(Edit(kind, b, e, self.raw[b:e], inserted, reason))

    def extent(self, first: int, last: int) -> tuple[int, int]:
        """Raw span from ``first`` to ``last`` (raw offsets of two characters), widened to
        whole span edits: a repaired character's offset is where its edit begins."""
        b, e = first, last + 1
        for x in self.spans:
            if x.raw_begin <= first < x.raw_end:
                b = min(b, x.raw_begin)
            if x.raw_begin <= last < x.raw_end:
                e = max(e, x.raw_end)
        return b, e

    def all(self) -> EditLog:
        """Every edit, ordered by ``(raw_begin, raw_end, kind)``, as a stable sort of the
        span edits then the character edits would order them.

        Each rule pass appends its span edits in raw order, so the log is a few ascending
        runs; merging them (``heapq.merge`` keeps the earlier run first on ties, as a
        stable sort does) needs no per-edit sort keys held at once, which on a page with an
        edit every twenty bytes would cost more than the edits themselves."""
        cuts = array("i", [0])
        last: tuple[int, int, str] | None = None
        for i, edit in enumerate(self.spans):
            key = _order(edit)
            if last is not None and key < last:
                cuts.append(i)
            last = key
        cuts.append(len(self.spans))
        runs = [_slice(self.spans, b, e) for b, e in pairwise(cuts)]
        runs.append(iter(sorted(self.chars.values(), key=_order)))
        return EditLog(heapq.merge(*runs, key=_order))


def _order(e: Edit) -> tuple[int, int, str]:
    return e.raw_begin, e.raw_end, e.kind


def _slice(log: EditLog, b: int, e: int) -> Iterator[Edit]:
    """Edits ``[b, e)`` of ``log``, made one at a time."""
    for i in range(b, e):
        yield log[i]


def stream_finding(stream: Stream, b: int, e: int, code: str, message: str) -> Finding:
    """A finding about stream characters ``[b, e)`` (raw offsets only: they may still move)."""
    return Finding(
        Level.WARNING,
        STAGE,
        code,
        message,
        raw_begin=stream.src[b],
        raw_end=stream.src[e - 1] + 1,
    )
