"""Ingest, the offset map: the text being cleaned, each character with its raw offset, and
the edits in raw coordinates.

Every rule of ``graph.pipeline.ingest_rules`` removes or replaces characters only through
:class:`Stream` and records it in :class:`Edits`, so ``raw[e.raw_begin:e.raw_end] == e.removed``
holds for every edit and every clean character maps back to the raw text.
"""

from __future__ import annotations

from array import array

from graph.model import Edit, Finding, Level

STAGE = "ingest"


class Stream:
    """The text being cleaned: characters, their raw offsets, and whether a repair made them.

    ``repaired`` characters have no raw character of their own (a repair, a synthetic
    ``\n``, an NFKC expansion): the rules never remove them or build on them.

    Memory is linear with a small constant: offsets are a C ``array('l')`` (8 bytes a
    character), flags a ``bytearray`` (1 byte), and each distinct character is one shared
    ``str`` object (a CJK one-character string costs ~76 bytes; a text repeats a few thousand
    of them), so the stream holds ~17 bytes a character instead of ~130.
    """

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.src: array[int] = array("l")
        self.repaired = bytearray()
        self._shared: dict[str, str] = {}

    def add(self, ch: str, src: int, repaired: bool | int = False) -> None:
        self.chars.append(self._shared.setdefault(ch, ch))
        self.src.append(src)
        self.repaired.append(1 if repaired else 0)

    def drop(self, indices: set[int]) -> None:
        keep = [i for i in range(len(self.chars)) if i not in indices]
        self.chars = [self.chars[i] for i in keep]
        self.src = array("l", (self.src[i] for i in keep))
        self.repaired = bytearray(self.repaired[i] for i in keep)

    def text(self) -> str:
        return "".join(self.chars)

    def raw_span(self, b: int, e: int) -> tuple[int, int]:
        """Raw span of stream characters ``[b, e)``, ``e > b``."""
        return self.src[b], self.src[e - 1] + 1


class Edits:
    """The report's edits while cleaning; character edits are kept by raw offset."""

    def __init__(self, raw_text: str) -> None:
        self.raw = raw_text
        self.spans: list[Edit] = []
        self.chars: dict[int, Edit] = {}

    def char(self, kind: str, b: int, e: int, inserted: str, reason: str) -> None:
        self.chars[b] = Edit(kind, b, e, self.raw[b:e], inserted, reason)

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
