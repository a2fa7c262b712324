"""Ingest: decode a vendored raw document and clean it, keeping an exact map back to the raw.

The scraped page carries three kinds of damage, each undone here and recorded as an
``Edit`` in raw coordinates (so every quote in the graph can be traced to the raw file):

* injected pinyin tags ``聯(lián)``: ASCII parentheses holding one pinyin syllable right
  after a Han character. The syllable must be in the pinyin inventory (derived from
  pypinyin's dictionary, not typed in) and is checked against pypinyin's readings of
  the character; genuine parentheses such as ``(2023)`` ``(兼)`` ``(AIGC)`` never match;
* injected commas next to the page's real punctuation (``,、`` ``,,`` ``,。`` ``。,``):
  a run of punctuation marks that contains commas collapses to its strongest mark;
* GBK mojibake, repaired only from reviewed rows of ``graph/curation/corrections.tsv``,
  each verified against the bytes that survive (see ``graph.mojibake``).

Offsets: ``CleanText.offset_map[i]`` is the index, in code points of the *decoded* raw
text (``CleanText.raw_text``), of clean character ``i``. A UTF-8 byte order mark is part of
the *encoding* (Python's ``utf-8-sig``), not of the text: it is dropped while decoding, so a
file with a BOM yields byte-identical output, raw offsets included, to the same file without.
Characters that come from a repair map monotonically into the raw run they replace.

Anything that still looks damaged after cleaning is reported as a WARNING ``Finding``
with clean and raw offsets (the build writes them to ``quarantine.jsonl``).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from graph.model import CleaningReport, CleanText, Edit, Finding, InputError, Level, SourceDocument
from graph.mojibake import (
    PINYIN_LETTERS,
    has_tone_mark,
    is_traditional_text,
    looks_like_mojibake,
    suspicious_char,
    verify_repair,
)
from graph.text import han_count, is_han

STAGE = "ingest"
DEFAULT_CORRECTIONS = Path(__file__).resolve().parent / "curation" / "corrections.tsv"
CORRECTION_COLUMNS = ("id", "source", "raw_text", "replacement", "reason")
GB_ENCODINGS = frozenset({"gb18030", "gbk", "gb2312"})
MIN_HAN_SHARE = 0.01  # below this share of non-space characters a text is not Chinese
MAX_CONTROL_SHARE = 0.3  # above this share of control characters the input is binary

# Punctuation the page uses, weakest first; a run with commas keeps its strongest mark.
PUNCT_RANK = {",": 0, "，": 0, "、": 1, ":": 2, "：": 2, ";": 3, "；": 3, "。": 4, "！": 4, "？": 4}
COMMAS = frozenset({",", "，"})
_TAG = re.compile(rf"\(([{PINYIN_LETTERS}]{{1,8}})\)")


@dataclass(frozen=True, slots=True)
class Correction:
    """One reviewed row of ``corrections.tsv``: exact raw snippet -> replacement."""

    id: str
    raw_text: str
    replacement: str
    reason: str
    source: str = ""  # the source id the row belongs to; corrections are per document


# ---------------------------------------------------------------- entry points


def run(doc: SourceDocument, corrections_path: Path | None = None) -> CleanText:
    """Decode ``doc`` and clean it with the reviewed corrections."""
    raw_text, encoding = decode(doc.raw_bytes, doc.path, doc.encoding)
    had_bom = raw_text.startswith("\ufeff")
    if had_bom:
        raw_text = raw_text[1:]
    corrections = [
        c
        for c in load_corrections(corrections_path or DEFAULT_CORRECTIONS)
        if c.source in ("", doc.id)
    ]
    text, offsets, report = clean(raw_text, corrections)
    report.encoding = encoding
    if had_bom:
        report.counts["bom"] = 1
        report.suspicious.insert(
            0, Finding(Level.INFO, STAGE, "bom", "UTF-8 byte order mark dropped while decoding")
        )
    if encoding != "utf-8":
        report.suspicious.insert(
            0,
            Finding(Level.INFO, STAGE, "encoding", f"encoding={encoding}", source_id=doc.id),
        )
    findings = [_with_source(f, doc.id) for f in report.suspicious]
    report.suspicious = findings
    return CleanText(doc.id, raw_text, text, offsets, report)


def decode(raw: bytes, name: str, declared: str = "utf-8") -> tuple[str, str]:
    """Strict decoding: UTF-8, or GB18030 only when the manifest declares it. Never U+FFFD.

    Returns ``(text, encoding)``; a UTF-8 BOM stays in the text (the cleaner removes it as
    an edit, so raw offsets count it).
    """
    if not raw.replace(b"\xef\xbb\xbf", b"").strip():
        detail = "0 bytes" if not raw else f"{len(raw)} bytes, whitespace only"
        raise InputError(f"{name}: empty ({detail}); nothing ingested")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(f"{name}: binary data at byte {nul}; not a text document")
    encoding = "utf-8"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if declared.lower().replace("_", "") not in GB_ENCODINGS:
            raise InputError(
                f'{name}: not UTF-8 at byte {exc.start}; set encoding = "gb18030" in '
                "source.toml if the file is GBK/GB18030"
            ) from None
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc2:
            raise InputError(f"{name}: not GB18030 either, at byte {exc2.start}") from None
        encoding = "gb18030"
    controls = [i for i, ch in enumerate(text) if _is_control(ch)]
    if controls and len(controls) > MAX_CONTROL_SHARE * len(text):
        at = len(text[: controls[0]].encode(encoding))
        raise InputError(f"{name}: binary data at byte {at}; not a text document")
    visible = sum(1 for ch in text if not ch.isspace() and ch != "\ufeff")
    share = han_count(text) / visible if visible else 0.0
    if share < MIN_HAN_SHARE:
        raise InputError(
            f"{name}: {share * 100:.1f}% Han characters; not a Chinese document", exit_code=3
        )
    return text, encoding


def load_corrections(path: Path) -> list[Correction]:
    """Read the reviewed corrections TSV; ids unique and sorted, every field present."""
    name = Path(path).name
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    except FileNotFoundError:
        raise InputError(f"{path}: corrections file missing") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8") from None
    if not rows or tuple(rows[0]) != CORRECTION_COLUMNS:
        raise InputError(f"{name}: header must be {' / '.join(CORRECTION_COLUMNS)}")
    out: list[Correction] = []
    for n, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(CORRECTION_COLUMNS) or not all(row[:4]):
            raise InputError(
                f"{name}: line {n}: expected 5 tab-separated fields, id/source/raw_text set"
            )
        rid, source, raw_text, replacement, reason = row
        out.append(Correction(rid, raw_text, replacement, reason, source))
    ids = [c.id for c in out]
    if len(set(ids)) != len(ids):
        raise InputError(f"{name}: duplicate ids")
    if ids != sorted(ids):
        raise InputError(f"{name}: rows must be sorted by id")
    return out


# ---------------------------------------------------------------- the cleaner


class _Stream:
    """The text being cleaned: characters, their raw offsets, and whether a repair made them."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.src: list[int] = []
        self.repaired: list[bool] = []

    def add(self, ch: str, src: int, repaired: bool = False) -> None:
        self.chars.append(ch)
        self.src.append(src)
        self.repaired.append(repaired)

    def drop(self, indices: set[int]) -> None:
        keep = [i for i in range(len(self.chars)) if i not in indices]
        self.chars = [self.chars[i] for i in keep]
        self.src = [self.src[i] for i in keep]
        self.repaired = [self.repaired[i] for i in keep]

    def text(self) -> str:
        return "".join(self.chars)


def clean(
    raw_text: str, corrections: list[Correction]
) -> tuple[str, tuple[int, ...], CleaningReport]:
    """Pure cleaner: ``(clean text, offset map, report)``; see the module docstring."""
    report = CleaningReport()
    stream = _Stream()
    starts = _locate_corrections(raw_text, corrections)
    traditional = is_traditional_text(raw_text)
    i = 0
    while i < len(raw_text):
        ch = raw_text[i]
        if i in starts:
            corr = starts[i]
            _apply_correction(raw_text, i, corr, stream, report, traditional)
            i += len(corr.raw_text)
            continue
        if ch == "\ufeff" and i == 0:
            report.edits.append(Edit("bom", 0, 1, ch, "", "UTF-8 byte order mark"))
        elif ch == "\r":
            if raw_text[i + 1 : i + 2] == "\n":
                report.edits.append(Edit("newline", i, i + 1, ch, "", "CRLF -> LF"))
            else:
                report.edits.append(Edit("newline", i, i + 1, ch, "\n", "CR -> LF"))
                stream.add("\n", i, repaired=True)
        else:
            stream.add(ch, i)
        i += 1
    _strip_pinyin_tags(stream, report)
    _collapse_punctuation(stream, report)
    text = stream.text()
    offsets = (*stream.src, len(raw_text))
    report.edits.sort(key=lambda e: (e.raw_begin, e.raw_end, e.kind))
    report.counts = dict(sorted(Counter(e.kind for e in report.edits).items()))
    report.suspicious.extend(_leftovers(text, offsets, traditional))
    return text, offsets, report


def _locate_corrections(raw_text: str, corrections: list[Correction]) -> dict[int, Correction]:
    """Start offset -> correction; each raw snippet must occur exactly once, without overlap."""
    starts: dict[int, Correction] = {}
    taken: list[tuple[int, int, str]] = []
    for corr in corrections:
        count = raw_text.count(corr.raw_text)
        if count != 1:
            raise InputError(
                f"corrections.tsv: row {corr.id}: raw_text found {count} times in the raw "
                "text; it must occur exactly once"
            )
        at = raw_text.index(corr.raw_text)
        end = at + len(corr.raw_text)
        for b, e, other in taken:
            if at < e and b < end:
                raise InputError(f"corrections.tsv: row {corr.id}: overlaps row {other}")
        taken.append((at, end, corr.id))
        starts[at] = corr
    return starts


def _apply_correction(
    raw_text: str,
    at: int,
    corr: Correction,
    stream: _Stream,
    report: CleaningReport,
    traditional: bool,
) -> None:
    """Emit the replacement; shared head/tail characters keep exact offsets."""
    kind, note = "correction", corr.reason
    ver = verify_repair(corr.raw_text, corr.replacement)
    if looks_like_mojibake(corr.raw_text, traditional):
        if not ver.ok:
            raise InputError(
                f"corrections.tsv: row {corr.id}: replacement does not match the surviving "
                f"GBK bytes of {corr.raw_text!r}"
            )
        kind, note = "mojibake", f"{ver.describe()}; corrections.tsv {corr.id}: {corr.reason}"
    end = at + len(corr.raw_text)
    report.edits.append(Edit(kind, at, end, corr.raw_text, corr.replacement, note))
    head, tail = ver.prefix, ver.suffix
    rep = corr.replacement
    for k in range(head):
        stream.add(rep[k], at + k)
    mid = rep[head : len(rep) - tail]
    lo, hi = at + head, end - tail
    for k, ch in enumerate(mid):
        stream.add(ch, lo + (k * (hi - lo)) // len(mid), repaired=True)
    for k in range(tail):
        stream.add(rep[len(rep) - tail + k], hi + k)


@lru_cache(maxsize=1)
def pinyin_inventory() -> frozenset[str]:
    """Every syllable pypinyin knows, with tone marks and toneless (the inventory is data)."""
    marked = {s for v in pinyin_dict.values() for s in v.split(",")}
    return frozenset(marked | {to_normal(s) for s in marked})


@lru_cache(maxsize=65536)
def readings(ch: str) -> frozenset[str]:
    """pypinyin's readings of one character (all heteronyms), tone-marked and toneless."""
    marked = set(pinyin_dict.get(ord(ch), "").split(",")) - {""}
    return frozenset(marked | {to_normal(s) for s in marked})


def _strip_pinyin_tags(stream: _Stream, report: CleaningReport) -> None:
    """Remove ``(syllable)`` right after a Han character, repeating until nothing changes.

    Repeating makes the cleaner idempotent when removing one tag exposes another
    (``中(zhōng)(guó)``). A tag may follow a Han character made by a repair.
    """
    while True:
        text = stream.text()
        drop: set[int] = set()
        for m in _TAG.finditer(text):
            b, e = m.span()
            if b == 0 or not is_han(text[b - 1]) or any(stream.repaired[b:e]):
                continue
            syllable = unicodedata.normalize("NFC", m.group(1))
            if syllable not in pinyin_inventory():
                continue
            host = text[b - 1]
            fits = syllable in readings(host)
            if not fits and not has_tone_mark(syllable):
                report.suspicious.append(
                    _finding(
                        stream,
                        b,
                        e,
                        "pinyin-shaped-kept",
                        f"toneless {m.group()} after {host} is not one of its readings; kept",
                    )
                )
                continue
            reason = f"reading of {host}" if fits else f"NOT a pypinyin reading of {host}"
            report.edits.append(
                Edit("pinyin-tag", stream.src[b], stream.src[e - 1] + 1, m.group(), "", reason)
            )
            if not fits:
                report.suspicious.append(
                    _finding(
                        stream, b, e, "pinyin-tag-suspicious", f"removed {m.group()}: {reason}"
                    )
                )
            drop.update(range(b, e))
        if not drop:
            return
        stream.drop(drop)


def _collapse_punctuation(stream: _Stream, report: CleaningReport) -> None:
    """A run of the page's marks that contains commas keeps only its strongest mark.

    Only commas are ever removed (and only ones the raw text holds); a run without
    commas (``。、``) is left alone and reported as doubled punctuation.
    """
    text = stream.text()
    drop: set[int] = set()
    for m in re.finditer("[" + re.escape("".join(PUNCT_RANK)) + "]{2,}", text):
        run = m.group()
        if not COMMAS & set(run):
            continue
        b = m.start()
        keep = max(range(len(run)), key=lambda k: (PUNCT_RANK[run[k]], -k))
        for k, ch in enumerate(run):
            if k != keep and ch in COMMAS and not stream.repaired[b + k]:
                src = stream.src[b + k]
                report.edits.append(
                    Edit(
                        "injected-punctuation",
                        src,
                        src + 1,
                        ch,
                        "",
                        f"run {run!r} -> {run[keep]!r}",
                    )
                )
                drop.add(b + k)
    stream.drop(drop)


def _leftovers(text: str, offsets: tuple[int, ...], traditional: bool) -> list[Finding]:
    """Anything still suspicious after cleaning, grouped into spans (the quarantine)."""
    flagged = [(i, why) for i in range(len(text)) if (why := suspicious_char(text, i, traditional))]
    out: list[Finding] = []
    group: list[tuple[int, str]] = []
    for item in [*flagged, (10**12, "")]:
        if group and item[0] - group[-1][0] > 3:
            b, e = group[0][0], group[-1][0] + 1
            reasons = "; ".join(dict.fromkeys(w for _, w in group))
            out.append(
                Finding(
                    Level.WARNING,
                    STAGE,
                    "unrepaired-mojibake",
                    f"{text[b:e]!r}: {reasons}",
                    begin=b,
                    end=e,
                    raw_begin=offsets[b],
                    raw_end=offsets[e - 1] + 1,
                )
            )
            group = []
        group.append(item)
    marks = re.escape("".join(PUNCT_RANK))
    for m in re.finditer(f"[{marks}]{{2,}}", text):
        b, e = m.span()
        out.append(
            Finding(
                Level.WARNING,
                STAGE,
                "doubled-punctuation",
                f"{m.group()!r} left after cleaning",
                begin=b,
                end=e,
                raw_begin=offsets[b],
                raw_end=offsets[e - 1] + 1,
            )
        )
    return sorted(out, key=lambda f: (f.begin or 0, f.code))


def _finding(stream: _Stream, b: int, e: int, code: str, message: str) -> Finding:
    """A finding about stream characters ``[b, e)`` (raw offsets only: they may still move)."""
    return Finding(
        Level.WARNING,
        STAGE,
        code,
        message,
        raw_begin=stream.src[b],
        raw_end=stream.src[e - 1] + 1,
    )


def _with_source(f: Finding, source_id: str) -> Finding:
    return Finding(
        f.level, f.stage, f.code, f.message, source_id, f.begin, f.end, f.raw_begin, f.raw_end
    )


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v"
