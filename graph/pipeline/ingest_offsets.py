"""Ingest, the offset map: the text being cleaned, each character with its raw offset, and
the edits in raw coordinates.

Every rule of ``graph.pipeline.ingest_rules`` removes or replaces characters only through
:class:`Stream` and records it in :class:`Edits`, so ``raw[e.raw_begin:e.raw_end] == e.removed``
holds for every edit and every clean character maps back to the raw text.
"""

from __future__ import annotations

import sys
from array import array
from typing import Final

from graph.model import Edit, Finding, Level

STAGE = "ingest"


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
        pinyin tags alone drop one character in ten. The runs between dropped characters
        are copied as C slices, so no per-character Python object is made."""
        n = len(self.chars)
        if mask.find(1) < 0:
            return
        chars, src, repaired = array(CHAR_TYPECODE), array("i"), bytearray()
        start = 0
        while start < n:
            d = mask.find(1, start)
            end = n if d < 0 else d
            chars.extend(self.chars[start:end])
            src.extend(self.src[start:end])
            repaired.extend(self.repaired[start:end])
            if d < 0:
                break
            k = mask.find(0, d)
            start = n if k < 0 else k
        self.chars, self.src, self.repaired = chars, src, repaired

    def text(self) -> str:
        return self.chars.tounicode()

    def raw_span(self, b: int, e: int) -> tuple[int, int]:
        """Raw span of stream characters ``[b, e)``, ``e > b``."""
        return self.src[b], self.src[e - 1] + 1


class Edits:
    """The report's edits while cleaning; character edits are kept by raw offset."""

    def __init__(self, raw_text: str) -> None:
        self.raw = raw_text
        self.spans: list[Edit] = []
        self.chars: dict[int, Edit] = {}
        self._shared: dict[str, str] = {}

    def _edit(self, kind: str, b: int, e: int, inserted: str, reason: str) -> Edit:
        """An ``Edit`` whose strings are shared with the equal ones before it: a damaged
        page repeats the same few tags, commas and reasons thousands of times, and the
        edits are kept (the cleaning log), so a copy each would be most of ingest's memory."""
        share = self._shared.setdefault
        removed = self.raw[b:e]
        return Edit(
            kind, b, e, share(removed, removed), share(inserted, inserted), share(reason, reason)
        )

    def char(self, kind: str, b: int, e: int, inserted: str, reason: str) -> None:
        self.chars[b] = self._edit(kind, b, e, inserted, reason)

    def span(
        self, kind: str, b: int, e: int, inserted: str, reason: str, replace: bool = False
    ) -> None:
        """An edit replacing raw ``[b, e)``; it takes over the character edits inside
        (and, with ``replace``, the span edits inside)."""
        if replace:
            self.spans = [x for x in self.spans if not (b <= x.raw_begin and x.raw_end <= e)]
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
        self.spans.append(self._edit(kind, b, e, inserted, reason))

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

    def all(self) -> list[Edit]:
        return sorted(
            [*self.spans, *self.chars.values()], key=lambda e: (e.raw_begin, e.raw_end, e.kind)
        )


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
