"""Segment: sections (the report's headings), paragraphs and sentences with stable ids.

The article's layout is a news-page convention, found by rule rather than by listing
headings: line 1 is the title, line 2 the dateline, then lead paragraphs (front matter,
level 0). A *heading* is a short line with no sentence punctuation and no figures with
units, followed by a paragraph; a heading after a blank line opens a topical briefing
(level 2), otherwise a report theme (level 1). A *byline line* (``記者 …`` /
``責任編輯…``) is a short credit with no sentence punctuation; it is only itself, and the
closing credits (the run of byline and credit lines that ends the text) form a level-0
``byline`` section. A byline line inside the page (``通訊員 …`` under the dateline) never
swallows the body, and an interview's turn markers (``記者：…？``, ``問：``/``答：``) are
statements, not credits.

The line words are data (``graph/curation/layout.yaml``), written once and matched on the
folded line, so a simplified page segments like a traditional one. ``non_statements(text)``
gives the lines that are not statements (headline, 原標題, dateline, credits, a portal's
相關閱讀 / 延伸閱讀 list of other articles' headlines): the metrics extractor reads no figure
there.

Sentences split after 。；;！？!? and at line ends, never inside “…”, 《…》 or brackets.
Ids are ``<source>/p<paragraph:03d>s<n:02d>`` where paragraph is the 1-based index of
the non-empty line, so they only change if the text itself changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.curation.layout import LAYOUT_FILE, Layout, layout, load_layout
from graph.model import CleanText, InputError, Section, Segmentation, Sentence
from graph.pipeline.extract.grammar import fold_aligned
from graph.text import slug

__all__ = [
    "BYLINE",
    "FRONT_MATTER",
    "LAYOUT_FILE",
    "NON_STATEMENT_KINDS",
    "SENTENCE_MARKS",
    "InputError",
    "Layout",
    "is_heading",
    "layout",
    "load_layout",
    "non_statements",
    "run",
    "sentence_spans",
]

FRONT_MATTER = "front-matter"
BYLINE = "byline"
MAX_HEADING_CHARS = 40
SENTENCE_MARKS = frozenset("。；;！？!?")
"""Marks that end a sentence (both scripts and widths write the same ones)."""
_NON_HEADING_PUNCT = re.compile(r"[。；;！？!?,，、:：]")
_DATELINE = re.compile(r"(?:19|20)\d\d[-/年.]\d{1,2}[-/月.]\d{1,2}")
#: kinds of line that are not statements (what ``non_statements`` reports)
NON_STATEMENT_KINDS = (
    "title",
    "original-title",
    "dateline",
    "credit",
    "byline",
    "byline-line",
    "related",
    "subhead",
)
MAX_RELATED_CHARS = 60
"""A line of a related-reading list is a headline: longer than this, it is a paragraph."""
_PARAGRAPH_MARKS = frozenset("。；;")


def _is_byline(text: str) -> bool:
    """A credit line: a byline word first, short, and no sentence punctuation.

    ``記者：能否介紹一下？`` is an interview turn (it asks a question), not a credit.
    """
    folded = fold_aligned(text)
    return (
        bool(layout().byline.match(folded))
        and len(text) <= MAX_HEADING_CHARS
        and not any(ch in SENTENCE_MARKS for ch in text)
    )


_OPEN = {"“": "”", "《": "》", "(": ")", "（": "）", "「": "」", "『": "』", "[": "]", "【": "】"}
_CLOSE = frozenset(_OPEN.values())


@dataclass(frozen=True, slots=True)
class _Line:
    begin: int
    end: int  # exclusive, stripped of surrounding whitespace
    text: str
    after_blank: bool
    paragraph: int  # 1-based index among non-empty lines


def run(clean: CleanText) -> Segmentation:
    """Sections and sentences of one cleaned document."""
    lines = _lines(clean.text)
    kinds = _classify(lines)
    sections: list[Section] = []
    sentences: list[Sentence] = []
    current: dict[str, object] | None = None

    def close(end: int) -> None:
        if current is not None:
            sections.append(Section(end=end, **current))  # type: ignore[arg-type]

    last_end = 0
    for line, kind in zip(lines, kinds, strict=True):
        if current is None:
            current = {"id": FRONT_MATTER, "heading": "", "begin": line.begin, "level": 0}
        if kind in ("heading-1", "heading-2"):
            close(last_end)
            current = {
                "id": _unique(slug(line.text), sections),
                "heading": line.text,
                "begin": line.begin,
                "heading_begin": line.begin,
                "heading_end": line.end,
                "level": 1 if kind == "heading-1" else 2,
            }
        elif kind == "byline" and current["id"] != BYLINE:
            close(last_end)
            current = {"id": BYLINE, "heading": "", "begin": line.begin, "level": 0}
        for n, (b, e) in enumerate(sentence_spans(clean.text, line.begin, line.end), 1):
            sentences.append(
                Sentence(
                    id=f"{clean.source_id}/p{line.paragraph:03d}s{n:02d}",
                    section_id=str(current["id"]),
                    paragraph=line.paragraph,
                    begin=b,
                    end=e,
                    text=clean.text[b:e],
                )
            )
        last_end = line.end
    close(last_end)
    return Segmentation(clean.source_id, tuple(sections), tuple(sentences))


def is_heading(text: str) -> bool:
    """A heading: short, no sentence or clause punctuation, no figure with a unit."""
    folded = fold_aligned(text)
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and not _NON_HEADING_PUNCT.search(text)
        and not layout().figure_with_unit.search(folded)
        and not layout().byline.match(folded)
    )


def non_statements(text: str) -> list[tuple[int, int, str]]:
    """``(begin, end, kind)`` of every line that is not a statement, in text order.

    Kinds: ``title`` (line 1, when the page has a body and the line does not end a sentence),
    ``dateline`` (line 2 when it carries a date or a credit word), ``original-title``
    (原標題: …), ``credit`` (來源: …), ``byline`` (the closing credits) and ``related`` (a
    portal's related-reading list: its header and the headlines of other articles).
    """
    lines = _lines(text)
    return [
        (line.begin, line.end, kind)
        for line, kind in zip(lines, _classify(lines), strict=True)
        if kind in NON_STATEMENT_KINDS and _is_non_statement(line, kind, len(lines))
    ]


def _is_non_statement(line: _Line, kind: str, n_lines: int) -> bool:
    if kind == "title":
        return n_lines > 1 and line.text[-1] not in SENTENCE_MARKS
    if kind == "dateline":
        folded = fold_aligned(line.text)
        return bool(_DATELINE.search(folded) or layout().credit.search(folded))
    return True


def _is_subtitle(line: _Line, nxt: _Line | None) -> bool:
    """Line 2 is a second headline line (重慶網民錄得2325萬人 / 信息基礎設施發展水平穩居全國第一
    梯隊) when it carries no date or credit, ends no sentence and the line after it is the
    dateline: its figures restate the body's, like the headline's."""
    if nxt is None or line.text[-1] in SENTENCE_MARKS:
        return False
    folded, after = fold_aligned(line.text), fold_aligned(nxt.text)
    dated = _DATELINE.search(folded) or layout().credit.search(folded)
    return not dated and bool(_DATELINE.search(after)) and len(line.text) <= MAX_HEADING_CHARS


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    blank_before = False
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            b = pos + (len(raw) - len(raw.lstrip()))
            out.append(_Line(b, b + len(stripped), stripped, blank_before, len(out) + 1))
            blank_before = False
        else:
            blank_before = True
        pos += len(raw) + 1
    return out


def _classify(lines: list[_Line]) -> list[str]:
    """Label each line: title, dateline, heading-1/2, byline(-line), credit or paragraph.

    ``byline`` is a line of the closing credits (from the first byline line after which
    only byline and credit lines follow); ``byline-line`` is a credit line anywhere else.
    """
    kinds: list[str] = []
    related = _related_lines(lines, len(lines))
    closing = _closing_credits_start(lines, related)
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if i == 0:
            kinds.append("title")
        elif i == 1 and _is_subtitle(line, nxt):
            kinds.append("title")  # a second headline line above the dateline
        elif i == 1:
            kinds.append("dateline")
        elif i in related:
            kinds.append("related")
        elif i >= closing:
            kinds.append("byline")
        elif _is_byline(line.text):
            kinds.append("byline-line")
        elif layout().headline.match(fold_aligned(line.text)):
            kinds.append("original-title")
        elif layout().credit.match(fold_aligned(line.text)):
            kinds.append("credit")
        elif (
            is_heading(line.text)
            and nxt is not None
            and not nxt.after_blank
            and not is_heading(nxt.text)
            and not _is_byline(nxt.text)
        ):
            kinds.append("heading-2" if line.after_blank else "heading-1")
        elif layout().subhead.match(fold_aligned(line.text)):
            kinds.append("subhead")  # 【…】 alone on its line: it sums up, it states nothing
        else:
            kinds.append("paragraph")
    return kinds


def _related_lines(lines: list[_Line], end: int) -> set[int]:
    """Indexes of the lines of a portal's related-reading lists (header and links).

    ``相關閱讀：`` (or 延伸閱讀, 推薦閱讀 … of ``layout.yaml``) opens the list; every following
    line that reads as a headline (no sentence-ending 。/；, at most ``MAX_RELATED_CHARS``,
    not a credit) is one link. The links are other articles' headlines, not statements of
    this one, so their numbers are not figures; the first paragraph-like line ends the list.
    """
    out: set[int] = set()
    i = 2
    while i < end:
        if not layout().related.match(fold_aligned(lines[i].text)):
            i += 1
            continue
        out.add(i)
        i += 1
        while i < end and _is_link_line(lines[i].text):
            out.add(i)
            i += 1
    return out


def _is_link_line(text: str) -> bool:
    folded = fold_aligned(text)
    return (
        len(text) <= MAX_RELATED_CHARS
        and not any(ch in _PARAGRAPH_MARKS for ch in text)
        and not _is_byline(text)
        and not layout().credit.match(folded)
        and not layout().related.match(folded)
    )


def _closing_credits_start(lines: list[_Line], related: set[int] | None = None) -> int:
    """Index of the first line of the closing credits (``len(lines)`` when there are none).

    The credits are the trailing run of byline and credit lines that holds at least one
    byline line; they start at a byline line (a trailing 來源: line alone is no credits).
    A related-reading list after them (``related``: its lines) does not end the run: a portal
    prints its links below the article's credits.
    """
    start = len(lines)
    for i in range(len(lines) - 1, 1, -1):
        if related and i in related:
            continue
        text = lines[i].text
        if _is_byline(text) or _is_byline(_unwrap(text)):
            start = i
        elif not (layout().credit.match(fold_aligned(text)) or _is_credit_note(text)):
            break
    return start


def _unwrap(text: str) -> str:
    """A credit in brackets (``（責任編輯：羅佳）``) without its brackets."""
    if len(text) > 2 and text[0] in _OPEN and text[-1] == _OPEN[text[0]]:
        return text[1:-1].strip()
    return text


def _is_credit_note(text: str) -> bool:
    """A bracketed credit line such as ``（來源：…）``."""
    inner = _unwrap(text)
    return inner != text and bool(layout().credit.match(fold_aligned(inner)))


def sentence_spans(
    text: str,
    begin: int = 0,
    end: int | None = None,
    *,
    marks: frozenset[str] = SENTENCE_MARKS,
    nested: bool = True,
    with_mark: bool = True,
    trim: bool = True,
) -> list[tuple[int, int]]:
    """The one sentence splitter: spans of ``text[begin:end]`` cut after each of ``marks``.

    Two readers want two cuts of the same marks. Segmentation (the defaults) never splits inside
    brackets or quotes (``nested``), keeps the mark in its sentence and trims whitespace, so a
    ``nif:Sentence`` is what a reader calls a sentence. The figure extractor
    (``graph.pipeline.extract.metrics``) cuts at every mark and newline, inside quotes too, and
    leaves the mark out (``nested=False, with_mark=False, trim=False``): a figure never spans a
    mark, and a quoted sentence is its own unit. Empty spans are never returned.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    stack: list[str] = []
    start = begin
    for i in range(begin, end):
        ch = text[i]
        if nested:
            if stack and ch == stack[-1]:
                stack.pop()
                continue
            if ch in _OPEN:
                stack.append(_OPEN[ch])
                continue
            if ch in _CLOSE:
                continue  # a stray closer does not open anything
        if ch in marks and not stack:
            spans.append((start, i + 1 if with_mark else i))
            start = i + 1
    spans.append((start, end))
    out = []
    for b, e in spans:
        if not trim:
            if e > b:
                out.append((b, e))
            continue
        seg = text[b:e]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            out.append((b + lead, b + lead + len(seg.strip())))
    return out


def _unique(section_id: str, sections: list[Section]) -> str:
    """Disambiguate a repeated heading slug deterministically (-2, -3, ...)."""
    taken = {s.id for s in sections}
    if section_id not in taken:
        return section_id
    n = 2
    while f"{section_id}-{n}" in taken:
        n += 1
    return f"{section_id}-{n}"
