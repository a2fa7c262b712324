"""Plain typed objects handed between pipeline stages.

Every stage takes and returns these dataclasses (never rdflib objects, except
``assemble`` which produces the graph), so each stage can be tested alone and the
interchange between stages is documented in one place.

Offsets are Python ``str`` indices (code points) into ``CleanText.text`` unless the
name says ``raw``; raw offsets are code-point indices into the decoded raw text.
All spans are half-open ``[begin, end)``.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import overload


class Level(StrEnum):
    """Severity of a build finding (KGX-style enum rather than free text)."""

    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


@dataclass(frozen=True, slots=True)
class Finding:
    """One message for the build report, always tied to a place in a source."""

    level: Level
    stage: str
    code: str
    message: str
    source_id: str = ""
    begin: int | None = None  # clean offset, if known
    end: int | None = None
    raw_begin: int | None = None
    raw_end: int | None = None


class InputError(Exception):
    """Bad input: the CLI prints ``str(self)`` as one line and exits non-zero.

    The message always starts with the file name, e.g. ``raw.txt: empty (0 bytes)``.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class BuildError(Exception):
    """Validation failed; ``str(self)`` is a short summary, the report path is attached.

    Here next to ``InputError`` (not in ``graph.pipeline.run``) so the CLI's exit-code table can
    name it without importing rdflib at start-up.
    """

    def __init__(self, message: str, report_path: Path | None = None) -> None:
        super().__init__(message)
        self.report_path = report_path


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A vendored raw document plus its manifest (``graph/sources/<id>/source.toml``)."""

    id: str
    path: str  # path of the raw file, for error messages
    raw_bytes: bytes
    sha256: str
    title: str
    publisher: str
    date: str  # ISO date
    language: str = "zh-Hant"
    url: str = ""
    title_en: str = ""
    publisher_en: str = ""
    publisher_url: str = ""
    published: str = ""
    authors: tuple[str, ...] = ()
    author_roles: tuple[str, ...] = ()
    editor: str = ""
    licence: str = ""
    report: str = ""
    encoding: str = "utf-8"
    #: default ``cqo:refArea`` of the article's figures (registry id); the text may override
    #: it per figure (全國, 西部 ...). From the manifest key ``area``.
    area: str = "place/chongqing"
    #: the report edition the article covers (a year, "2023"), from the manifest key
    #: ``edition``; "" = read it from the title or body (graph.pipeline.extract.period).
    edition: str = ""


@dataclass(frozen=True, slots=True)
class Edit:
    """One change made by the cleaner, in raw coordinates.

    ``kind`` is one of: ``pinyin-tag``, ``injected-punctuation``, ``mojibake``,
    ``correction`` (from the reviewed corrections file), ``bom``, ``newline`` (CR, CRLF and
    the other line ends Python knows: VT, FF, FS, GS, RS, NEL, U+2028, U+2029),
    ``invisible`` (format characters such as U+200B), ``control`` and ``nfkc`` (a character
    folded to its compatibility form, e.g. fullwidth ２ -> 2).
    """

    kind: str
    raw_begin: int
    raw_end: int
    removed: str
    inserted: str
    reason: str = ""


class EditLog(Sequence[Edit]):
    """The cleaner's edits, stored as columns: offsets in C ``int`` arrays, strings as
    indices into one table of distinct strings.

    Why: a scraped page can need an edit every twenty bytes (the seed's pinyin tags and
    injected commas), and the cleaning log keeps them all; an ``Edit`` object with its two
    int objects costs ~150 bytes, the columns ~21. It reads as a ``Sequence[Edit]`` (each
    read makes the ``Edit``; ``==`` compares with a list of them), so users of
    ``CleaningReport.edits`` iterate, index and compare it as before.
    """

    __slots__ = ("_begins", "_ends", "_ids", "_kinds", "_strings", "_table")

    def __init__(self, edits: Iterable[Edit] = ()) -> None:
        self._begins, self._ends = array("i"), array("i")
        self._kinds, self._ids = array("i"), array("i")  # kind; removed, inserted, reason
        self._strings: dict[str, int] = {}
        self._table: list[str] = []  # id -> string
        for e in edits:
            self.append(e)

    def _id(self, text: str) -> int:
        at = self._strings.setdefault(text, len(self._table))
        if at == len(self._table):
            self._table.append(text)
        return at

    def append(self, e: Edit) -> None:
        self._begins.append(e.raw_begin)
        self._ends.append(e.raw_end)
        self._kinds.append(self._id(e.kind))
        self._ids.extend((self._id(e.removed), self._id(e.inserted), self._id(e.reason)))

    def __len__(self) -> int:
        return len(self._begins)

    @overload
    def __getitem__(self, index: int) -> Edit: ...

    @overload
    def __getitem__(self, index: slice) -> list[Edit]: ...

    def __getitem__(self, index: int | slice) -> Edit | list[Edit]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = index + len(self) if index < 0 else index
        if not 0 <= i < len(self):
            raise IndexError("edit log index out of range")
        table = self._table
        removed, inserted, reason = self._ids[3 * i : 3 * i + 3]
        return Edit(
            table[self._kinds[i]], self._begins[i], self._ends[i],
            table[removed], table[inserted], table[reason],
        )  # fmt: skip

    def __iter__(self) -> Iterator[Edit]:
        table, ids = self._table, self._ids
        for i, (b, e, k) in enumerate(zip(self._begins, self._ends, self._kinds, strict=True)):
            yield Edit(table[k], b, e, table[ids[3 * i]], table[ids[3 * i + 1]],
                       table[ids[3 * i + 2]])  # fmt: skip

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable while the cleaner appends

    def __repr__(self) -> str:
        return f"EditLog({list(self)!r})"


@dataclass(slots=True)
class CleaningReport:
    #: a list, or the compact :class:`EditLog` ingest gives (both read as ``Sequence[Edit]``)
    edits: Sequence[Edit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # kind -> number of edits
    suspicious: list[Finding] = field(default_factory=list)  # characters left that look wrong
    encoding: str = "utf-8"


class OffsetMap(Sequence[int]):
    """Clean offset -> raw offset, stored as runs: ``raw = raw_start + (i - clean_start)``.

    Why runs: a cleaner deletes and replaces runs of characters, so between two edits the
    map goes up by one a character. A tuple of ints cost ~36 bytes a character (a pointer
    and an int object each), the largest thing ingest kept; the runs cost 8 bytes per *run*
    (two C ``int`` arrays), so the map of an article is a few hundred bytes and the worst
    case (every character its own run, e.g. a text of NFKC expansions) 8 bytes a character.
    It is a read-only ``Sequence[int]`` (index, negative index, slice, iteration, ``==``),
    so every user of ``CleanText.offset_map`` reads it as before. Offsets must fit a C
    ``int`` (< 2**31): the input cap (``graph.pipeline.sources``) is far below.
    """

    __slots__ = ("_len", "_raws", "_starts")

    def __init__(self, offsets: Iterable[int] = ()) -> None:
        starts, raws = array("i"), array("i")
        n = 0
        expect = None
        for raw in offsets:
            if raw != expect:
                starts.append(n)
                raws.append(raw)
            expect = raw + 1
            n += 1
        self._starts, self._raws, self._len = starts, raws, n

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...

    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self._len)))
        i = index + self._len if index < 0 else index
        if not 0 <= i < self._len:
            raise IndexError("offset map index out of range")
        k = bisect_right(self._starts, i) - 1
        return self._raws[k] + (i - self._starts[k])

    def __iter__(self) -> Iterator[int]:
        ends = [*self._starts[1:], self._len] if self._len else []
        for start, raw, end in zip(self._starts, self._raws, ends, strict=True):
            yield from range(raw, raw + end - start)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OffsetMap):
            return (self._len, self._starts, self._raws) == (
                other._len, other._starts, other._raws
            )  # fmt: skip
        if isinstance(other, Sequence):
            return len(other) == self._len and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._len, self._starts.tobytes(), self._raws.tobytes()))

    def __repr__(self) -> str:
        return f"OffsetMap({self._len} offsets in {len(self._starts)} runs)"

    @property
    def runs(self) -> int:
        """How many runs the map holds (what its memory grows with)."""
        return len(self._starts)


@dataclass(frozen=True, slots=True)
class CleanText:
    """Output of ``ingest``: cleaned text and a map back to the raw text.

    ``offset_map[i]`` is the raw offset of clean character ``i``; it has
    ``len(text) + 1`` entries, the last being ``len(raw_text)``, so a clean span
    ``[b, e)`` maps to the raw span ``[offset_map[b], offset_map[e - 1] + 1)``. Ingest
    gives an :class:`OffsetMap`; any ``Sequence[int]`` works (tests pass a ``range``
    tuple for a text that needed no cleaning).
    """

    source_id: str
    raw_text: str
    text: str
    offset_map: Sequence[int]
    report: CleaningReport

    def raw_span(self, begin: int, end: int) -> tuple[int, int]:
        if end <= begin:
            raw = self.offset_map[begin]
            return raw, raw
        return self.offset_map[begin], self.offset_map[end - 1] + 1


@dataclass(frozen=True, slots=True)
class Sentence:
    id: str  # stable: "<source>/s<paragraph>.<n>" e.g. "hualong.../s012.02"
    section_id: str
    paragraph: int
    begin: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of the report and the paragraphs under it (becomes a skos:Concept)."""

    id: str  # stable slug
    heading: str  # as written (zh-Hant); "" for the front matter
    begin: int  # offset of the heading (or of the first paragraph)
    end: int
    heading_begin: int | None = None
    heading_end: int | None = None
    level: int = 1  # 0 front matter, 1 report theme, 2 topical briefing


@dataclass(frozen=True, slots=True)
class Segmentation:
    source_id: str
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class Mention:
    entity_id: str  # registry id, e.g. "platform/yukuaiban"
    begin: int
    end: int
    surface: str  # the exact clean text
    sentence_id: str
    alias: str  # the registry alias that matched


@dataclass(frozen=True, slots=True)
class Observation:
    """One figure as stated in one place. ``assemble`` merges equal figures."""

    indicator: str  # indicator label as written (zh-Hant), e.g. "網民數量"
    stated_value: str  # literal text, e.g. "2362萬人"
    value: Decimal | None  # normalized: 23620000; None for tiers
    unit: str  # surface unit, e.g. "人", "%", "億元", "" if none
    qualifier: str  # id in graph/curation/qualifiers.yaml: exact, more-than, at-least, ...
    kind: str  # quantity | rank | tier | growth | ratio
    begin: int  # span of the whole statement (indicator .. value)
    end: int
    value_begin: int
    value_end: int
    sentence_id: str
    #: xsd:gYear (or gYearMonth "2023-06") the figure refers to, read from the text
    #: (截至2022年底, 2023年, 去年/今年 relative to the article's date) or, failing that, the
    #: edition the article covers. Never defaulted here: "" is refused by assemble.
    period: str = ""
    #: registry/candidate id of the area the figure covers; "" = the source's default area
    #: (``SourceDocument.area``).
    area: str = ""
    about: str | None = None  # registry id of the entity measured
    rank: int | None = None
    rank_scope: str | None = None  # registry id, e.g. "place/china"
    rank_of: int | None = None  # population ranked: 在全國31個省(區、市)中排名第9 -> 31
    value_max: Decimal | None = None  # upper end of a range (10-20個): value is the lower end
    growth_of: int | None = None  # index (in the same list) of the observation it grows
    refines: int | None = None
    tier: str | None = None
    duration_years: int | None = None  # 連續10年


@dataclass(frozen=True, slots=True)
class Relation:
    """A binary fact between two registry entities, with its evidence span."""

    subject: str  # registry id
    predicate: str  # local name in cqo: or a CURIE such as "org:holds"
    object: str  # registry id, or a post id "post/<agency>/<title-slug>"
    begin: int
    end: int
    sentence_id: str
    rule: str  # name of the rule that produced it


@dataclass(frozen=True, slots=True)
class Post:
    """An org:Post: a title held in an agency (e.g. 市委網信辦 主任)."""

    id: str
    title: str  # zh-Hant as written
    agency: str  # registry id
    holder: str  # registry id of the person
    begin: int
    end: int
    sentence_id: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """An open-world entity: a name the curated registry does not know, found by a rule.

    ``id`` has the registry's shape (``<class>/<ascii-slug>``, the slug from pinyin of the
    script-folded label) so that promoting a candidate is a paste into
    ``graph/curation/entities.yaml`` plus an English name. Mentions of a candidate use its
    ``id`` as ``Mention.entity_id``. The graph marks it ``cqo:curationStatus cqo:Candidate``;
    a curated entry with the same folded label always wins.
    """

    id: str
    cls: str  # registry class: agency, company, person, platform, project, document, place, ...
    label: str  # as written in the source
    lang: str  # language tag of ``label`` (the source's script): zh-Hant or zh-Hans
    rule: str  # name of the rule that found it, e.g. "agency-suffix", "title-person"
    edition: str = ""  # for documents: the edition year written with the title ((2023))


@dataclass(slots=True)
class Extraction:
    source_id: str
    mentions: list[Mention] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
