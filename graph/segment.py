"""Segment: sections (the report's headings), paragraphs and sentences with stable ids.

The article's layout is a news-page convention, found by rule rather than by listing
headings: line 1 is the title, line 2 the dateline, then lead paragraphs (front matter,
level 0). A *heading* is a short line with no sentence punctuation and no figures with
units, followed by a paragraph; a heading after a blank line opens a topical briefing
(level 2), otherwise a report theme (level 1). The closing credits (``記者 …`` /
``責任編輯…``) form a level-0 ``byline`` section.

Sentences split after 。；;！？!? and at line ends, never inside “…”, 《…》 or brackets.
Ids are ``<source>/p<paragraph:03d>s<n:02d>`` where paragraph is the 1-based index of
the non-empty line, so they only change if the text itself changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.model import CleanText, Section, Segmentation, Sentence
from graph.text import slug

FRONT_MATTER = "front-matter"
BYLINE = "byline"
MAX_HEADING_CHARS = 40
_TERMINAL = frozenset("。；;！？!?")
_NON_HEADING_PUNCT = re.compile(r"[。；;！？!?,，、:：]")
_FIGURE_WITH_UNIT = re.compile(
    r"\d[\d.]*\s*(?:[%萬億個家所張顆臺套年月日號人戶元噸條件起類次]|公里|毫秒|小時)"
)
_BYLINE = re.compile(
    r"^(?:記者|记者|責任編輯|责任编辑|編輯|编辑|通訊員|通讯员|攝影|摄影)(?:\s|:|：|$)"
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
        for n, (b, e) in enumerate(_split_sentences(clean.text, line.begin, line.end), 1):
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
    return (
        0 < len(text) <= MAX_HEADING_CHARS
        and not _NON_HEADING_PUNCT.search(text)
        and not _FIGURE_WITH_UNIT.search(text)
        and not _BYLINE.match(text)
    )


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
    """Label each line: title, dateline, heading-1/2, byline or paragraph."""
    kinds: list[str] = []
    in_byline = False
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if i == 0:
            kinds.append("title")
        elif i == 1:
            kinds.append("dateline")
        elif in_byline or _BYLINE.match(line.text):
            in_byline = True
            kinds.append("byline")
        elif (
            is_heading(line.text)
            and nxt is not None
            and not nxt.after_blank
            and not is_heading(nxt.text)
            and not _BYLINE.match(nxt.text)
        ):
            kinds.append("heading-2" if line.after_blank else "heading-1")
        else:
            kinds.append("paragraph")
    return kinds


def _split_sentences(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside one line, trimmed of whitespace; never split inside brackets."""
    spans: list[tuple[int, int]] = []
    stack: list[str] = []
    start = begin
    for i in range(begin, end):
        ch = text[i]
        if stack and ch == stack[-1]:
            stack.pop()
        elif ch in _OPEN:
            stack.append(_OPEN[ch])
        elif ch in _CLOSE:
            pass  # a stray closer does not open anything
        elif ch in _TERMINAL and not stack:
            spans.append((start, i + 1))
            start = i + 1
    spans.append((start, end))
    out = []
    for b, e in spans:
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
