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
  each verified against the bytes that survive (see ``graph.pipeline.mojibake``). Rows are keyed
  by the damaged snippet (plus context when needed), not by source id, so a renamed or
  re-scraped copy of a text gets the same repairs.

A fourth kind, UTF-8 read as Windows-1252 (``é‡\x8dåº†`` for 重庆), is repaired before
anything else when the run's bytes decode as UTF-8 exactly (kind ``mojibake``; the decoded
characters then get the character pass like any other, so ``ï¼Œ`` ends as ``,``); when a
byte was lost the run is kept exactly as it is (no NFKC: ``º`` stays) and reported. Runs
look through what the character pass removes (U+200B, controls), and a run the character
pass itself joins is repaired right after it, so a second cleaning finds nothing new.
Like every repaired character, decoded ones are exempt from the rules below (a ``,`` that
was ``ï¼Œ`` is never collapsed; ``(é)`` made of mojibake is not a pinyin tag): cleaning the
output again could apply a rule to them, the one known gap in idempotence.

Before those rules, a character pass makes equivalent inputs equal (docs/security.md A5), each
change again an ``Edit``:

* ``invisible``: format characters (Unicode category Cf: U+200B..U+200D, U+2060, U+FEFF
  inside the text, U+00AD soft hyphen, bidi controls...) are removed. Kept, because they
  change what is shown: U+200D between two pictographic symbols (an emoji ZWJ sequence),
  U+200C/U+200D between two Arabic or Indic letters (orthography), and emoji tag
  characters U+E0020..U+E007F after the flag U+1F3F4. None of these occur in Chinese prose;
* ``control``: control characters (Cc) other than ``\n`` and ``\t`` are removed, except
  the ones Python counts as line ends (VT, FF, FS, GS, RS, NEL) which become ``\n``
  (kind ``newline``, like ``\r``, U+2028 and U+2029) so no line is glued to the next;
* ``nfkc``: every character cluster (a character and the combining marks after it) is
  replaced by its NFKC form, so fullwidth ``２３６２萬人`` ``（ＡＩＧＣ）`` ``，`` read as
  the halfwidth text the page uses (the vendored page is NFKC-stable, so this never fires
  on it). Space separators (U+00A0, U+3000, ...) are kept as they are: they are layout,
  and the number grammar reads them; so is ``？`` (an ASCII ``?`` means a lost byte here,
  see ``graph.pipeline.mojibake``). Consequences: a fullwidth ``，`` becomes ``,``, so
  quotes show the page's ASCII commas whatever the input width, and fullwidth brackets
  ``（…）`` become subject to the pinyin-tag rule like ASCII ones. Characters NFKC maps
  into Han (Kangxi radicals ⼀ -> 一, ㈱ -> (株)) raise the Han count; no rule removes Han.

The rules and the corrections then run on that normalised text (a correction's
``raw_text`` is matched there, so a zero-width character inside a mojibake spot does not
hide it), and an edit that removes a span swallows the character edits inside it, so
edits never overlap and ``raw[e.raw_begin:e.raw_end] == e.removed`` always holds.

Offsets: ``CleanText.offset_map[i]`` is the index, in code points of the *decoded* raw
text (``CleanText.raw_text``), of clean character ``i``. A UTF-8 byte order mark is part of
the *encoding* (Python's ``utf-8-sig``), not of the text: it is dropped while decoding, so a
file with a BOM yields byte-identical output, raw offsets included, to the same file without.
Characters that come from a repair map monotonically into the raw run they replace; an
NFKC expansion (``⑴`` -> ``(1)``) maps all its characters to its one raw character, and a
composition (``u`` + U+0300 -> ``ù``) maps to the raw index of the base character.

Anything that still looks damaged after cleaning is reported as a WARNING ``Finding``
with clean and raw offsets (the build writes them to ``quarantine.jsonl``), and so is a
bracket without its partner on its line (with line:col of the raw text; nothing removed).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from graph.model import CleaningReport, CleanText, Edit, Finding, InputError, Level, SourceDocument
from graph.pipeline.mojibake import (
    PINYIN_LETTERS,
    Cp1252Span,
    find_cp1252_mojibake,
    has_tone_mark,
    is_traditional_text,
    looks_like_mojibake,
    suspicious_char,
    verify_repair,
)
from graph.pipeline.sources import codec_name
from graph.text import han_count, is_han

STAGE = "ingest"
DEFAULT_CORRECTIONS = Path(__file__).resolve().parents[1] / "curation" / "corrections.tsv"
CORRECTION_COLUMNS = ("id", "before", "raw_text", "after", "replacement", "reason")
GB_ENCODINGS = frozenset({"gb18030", "gbk", "gb2312"})
MIN_HAN_SHARE = 0.01  # below this share of non-space characters a text is not Chinese
MAX_CONTROL_SHARE = 0.3  # above this share of control characters the input is binary

# Punctuation the page uses, weakest first; a run with commas keeps its strongest mark.
# ``!`` is the NFKC form of ``！`` (the cleaner folds before collapsing).
PUNCT_RANK = {",": 0, "，": 0, "、": 1, ":": 2, "：": 2, ";": 3, "；": 3, "。": 4, "！": 4, "？": 4}
PUNCT_RANK |= {"!": 4}
# Kept out of NFKC: to this cleaner an ASCII '?' is a byte lost in decoding (mojibake), so a
# genuine question mark must not turn into one.
NFKC_KEEP = frozenset("？﹖")
COMMAS = frozenset({",", "，"})
_TAG = re.compile(rf"\(([{PINYIN_LETTERS}]{{1,8}})\)")
# Line ends for ``str.splitlines`` besides \n and \r; the cleaner makes each one a \n.
LINE_BREAKS = frozenset("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
ZWNJ, ZWJ = "\u200c", "\u200d"
BLACK_FLAG, CANCEL_TAG = "\U0001f3f4", "\U000e007f"
# Edits of single characters; a later edit removing a span takes over the ones inside it.
CHAR_KINDS = frozenset({"invisible", "control", "nfkc"})


@dataclass(frozen=True, slots=True)
class Correction:
    """One reviewed row of ``corrections.tsv``: exact raw snippet -> replacement.

    A row is keyed by *content*, not by a source id: it applies to every document whose
    normalised text contains ``before + raw_text + after`` (the context columns are empty
    when the damaged snippet is unique on its own), so a copy or a re-scrape of the same
    text under any id is repaired too. Only ``raw_text`` is replaced; the context stays.
    """

    id: str
    raw_text: str
    replacement: str
    reason: str
    before: str = ""  # unchanged context that must precede raw_text (for uniqueness)
    after: str = ""  # ... and follow it

    @property
    def key(self) -> str:
        """What is searched for in a document's normalised text."""
        return self.before + self.raw_text + self.after


# ---------------------------------------------------------------- entry points


def run(doc: SourceDocument, corrections_path: Path | None = None) -> CleanText:
    """Decode ``doc`` and clean it with the reviewed corrections."""
    raw_text, encoding = decode(doc.raw_bytes, doc.path, doc.encoding)
    had_bom = raw_text.startswith("\ufeff")
    if had_bom:
        raw_text = raw_text[1:]
    path = corrections_path or DEFAULT_CORRECTIONS
    corrections = load_corrections(path)
    try:
        text, offsets, report = clean(raw_text, corrections, required=False)
    except InputError as exc:
        where = str(exc).replace("corrections.tsv:", f"{path}:", 1)
        raise InputError(f"{where} (in {doc.path})", exc.exit_code) from None
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
    """Strict decoding: UTF-8, else the declared encoding (GB18030 for any GB label).

    Never U+FFFD. Returns ``(text, encoding)``; a UTF-8 BOM stays in the text (the cleaner
    removes it as an edit, so raw offsets count it). A declared label Python does not
    know, or one that is not an ASCII-compatible text codec, is refused, not read as UTF-8.
    """
    codec = codec_name(declared)
    if codec is None:
        raise InputError(f"{name}: unknown or unusable encoding {declared!r}; not decoded")
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
        if codec == "utf-8":
            raise InputError(
                f'{name}: not UTF-8 at byte {exc.start}; set encoding = "gb18030" in '
                "source.toml if the file is GBK/GB18030"
            ) from None
        encoding = "gb18030" if codec.replace("_", "") in GB_ENCODINGS else codec
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc2:
            label = "GB18030" if encoding == "gb18030" else encoding
            raise InputError(f"{name}: not {label} either, at byte {exc2.start}") from None
    controls = [i for i, ch in enumerate(text) if _is_control(ch)]
    if controls and len(controls) > MAX_CONTROL_SHARE * len(text):
        at = len(text[: controls[0]].encode(encoding))
        raise InputError(f"{name}: binary data at byte {at}; not a text document")
    visible = sum(
        1 for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")
    )
    if not visible:
        # whitespace the byte check cannot see: U+3000, U+00A0, U+200B, a lone BOM ...
        raise InputError(f"{name}: empty ({len(raw)} bytes, whitespace only); nothing ingested")
    share = han_count(text) / visible
    if share < MIN_HAN_SHARE:
        raise InputError(
            f"{name}: {share * 100:.1f}% Han characters; not a Chinese document", exit_code=3
        )
    return text, encoding


def load_corrections(path: Path) -> list[Correction]:
    """Read the reviewed corrections TSV, strictly: every problem names the file and row.

    Refused: a header other than ``CORRECTION_COLUMNS`` (the old per-source ``source``
    column included: a row keyed by directory name stops applying when a source is
    renamed), a row with missing fields or no reason, duplicate or unsorted ids, two rows
    with the same key, and a key that contains another row's key (which one applies
    would depend on the order).
    """
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
        if len(row) != len(CORRECTION_COLUMNS) or not (row[0] and row[2] and row[5]):
            raise InputError(
                f"{name}: line {n}: expected {len(CORRECTION_COLUMNS)} tab-separated fields "
                "(id, before, raw_text, after, replacement, reason), id/raw_text/reason set"
            )
        rid, before, raw_text, after, replacement, reason = row
        out.append(Correction(rid, raw_text, replacement, reason, before, after))
    seen: dict[str, str] = {}
    for corr in out:
        if corr.id in seen.values():
            raise InputError(f"{name}: row {corr.id}: duplicate id")
        if corr.key in seen:
            raise InputError(f"{name}: row {corr.id}: same key as row {seen[corr.key]}")
        seen[corr.key] = corr.id
    for corr in out:
        for other in out:
            if other is not corr and corr.key in other.key:
                raise InputError(
                    f"{name}: row {other.id}: its key contains the key of row {corr.id}; "
                    "ambiguous, add context to one of them"
                )
    ids = [c.id for c in out]
    if ids != sorted(ids):
        raise InputError(f"{name}: rows must be sorted by id")
    return out


# ---------------------------------------------------------------- the cleaner


class _Stream:
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


class _Edits:
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


def clean(
    raw_text: str, corrections: list[Correction], required: bool = True
) -> tuple[str, tuple[int, ...], CleaningReport]:
    """Pure cleaner: ``(clean text, offset map, report)``; see the module docstring.

    ``required``: every correction must apply (a test of one snippet); the build passes
    False, because a content-keyed row only applies to documents that contain it.
    """
    report = CleaningReport()
    edits = _Edits(raw_text)
    cp1252 = find_cp1252_mojibake(raw_text, _removable)
    stream = _normalise_chars(raw_text, edits, {m.begin: m for m in cp1252})
    _repair_cp1252_in_stream(stream, edits)
    traditional = is_traditional_text(stream.text())
    stream = _apply_corrections(stream, corrections, edits, traditional, required)
    _strip_pinyin_tags(stream, edits, report)
    _collapse_punctuation(stream, edits)
    text = stream.text()
    offsets = (*stream.src, len(raw_text))
    report.edits = edits.all()
    report.counts = dict(sorted(Counter(e.kind for e in report.edits).items()))
    leftovers = [
        *_leftovers(text, offsets, traditional),
        *_unbalanced_brackets(text, offsets, raw_text),
    ]
    report.suspicious.extend(sorted(leftovers, key=lambda f: (f.begin or 0, f.code)))
    return text, offsets, report


def _normalise_chars(raw_text: str, edits: _Edits, cp1252: dict[int, Cp1252Span]) -> _Stream:
    """The character pass: cp1252 mojibake, BOM, line ends, invisible and control
    characters, NFKC.

    A run that is UTF-8 read as Windows-1252 is handled first and as a whole: repaired
    when its bytes decode (an ``Edit`` of kind ``mojibake``, each repaired character mapped
    to the raw character its first byte became), else kept exactly as it is (no NFKC, no
    control removal: ``º`` must not silently become ``o``) and reported by ``clean``.
    """
    stream = _Stream()
    i, n = 0, len(raw_text)
    while i < n:
        ch = raw_text[i]
        cat = unicodedata.category(ch)
        moji = cp1252.get(i)
        if moji is not None:
            if moji.fixed is None:
                for k in range(moji.begin, moji.end):
                    if _removable(raw_text, k):  # a C1 control is still not text
                        _remove_char(raw_text, k, edits)
                    else:  # verbatim: no NFKC
                        stream.add(raw_text[k], k)
            else:
                for c, at in _decoded(moji.fixed, moji.starts):
                    stream.add(c, at, repaired=True)
                inserted = _decoded_text(moji.fixed)
                reason = (
                    "UTF-8 read as Windows-1252; the run's bytes decode as UTF-8 exactly "
                    f"({moji.end - moji.begin} chars -> {moji.fixed!r}"
                    + ("" if inserted == moji.fixed else f", normalised {inserted!r}")
                    + (f", {moji.dropped} C1 control(s) left out" if moji.dropped else "")
                    + ")"
                )
                edits.span("mojibake", moji.begin, moji.end, inserted, reason)
            i = moji.end
            continue
        if ch == "\ufeff" and i == 0:
            edits.char("bom", 0, 1, "", "UTF-8 byte order mark")
        elif ch == "\r":
            if raw_text[i + 1 : i + 2] == "\n":
                edits.char("newline", i, i + 1, "", "CRLF -> LF")
            else:
                edits.char("newline", i, i + 1, "\n", "CR -> LF")
                stream.add("\n", i, repaired=True)
        elif ch in LINE_BREAKS:
            edits.char("newline", i, i + 1, "\n", f"U+{ord(ch):04X} line end -> LF")
            stream.add("\n", i, repaired=True)
        elif _removable(raw_text, i):
            _remove_char(raw_text, i, edits)
        else:
            # the cluster: this character and the combining marks after it, looking through
            # removable invisibles between them (a + U+200B + U+0301 is the cluster á once the
            # U+200B is gone; folding it only on a second pass would break idempotence)
            j = k = i + 1
            while k < n and (unicodedata.combining(raw_text[k]) or _removable(raw_text, k)):
                k += 1
                if unicodedata.combining(raw_text[k - 1]):
                    j = k
            cluster = raw_text[i:j]
            inside = [k for k in range(i, j) if _removable(raw_text, k)]
            visible = "".join(raw_text[k] for k in range(i, j) if k not in inside)
            keep = cat == "Zs" or ch in NFKC_KEEP
            norm = visible if keep else unicodedata.normalize("NFKC", visible)
            if norm == visible:
                for k in range(i, j):
                    if k in inside:
                        _remove_char(raw_text, k, edits)
                    else:
                        stream.add(raw_text[k], k)
            elif inside and len(norm) == len(visible):
                # a one-to-one fold with invisibles inside (，+ U+200B + accent): each
                # visible character keeps its offset and stays subject to the rules, as
                # it will be on a second pass once the invisibles are gone (idempotence)
                pos = 0
                for k in range(i, j):
                    if k in inside:
                        _remove_char(raw_text, k, edits)
                        continue
                    if norm[pos] != raw_text[k]:
                        edits.char("nfkc", k, k + 1, norm[pos], "NFKC compatibility form")
                    stream.add(norm[pos], k)
                    pos += 1
            elif inside:
                # one edit for the whole cluster, invisibles included (edits never overlap)
                edits.char("nfkc", i, j, norm, "NFKC compatibility form (invisibles dropped)")
                for c in norm:
                    stream.add(c, i, repaired=len(norm) > 1)
            else:
                edits.char("nfkc", i, j, norm, "NFKC compatibility form")
                if len(norm) == len(cluster):
                    # a one-to-one fold (fullwidth ， + an accent -> , + the accent): each
                    # character keeps its own offset and stays subject to the rules, exactly
                    # as the already-folded text would be on a second pass (idempotence)
                    for k, c in enumerate(norm):
                        stream.add(c, i + k)
                else:
                    for c in norm:
                        stream.add(c, i, repaired=len(norm) > 1)
            i = j
            continue
        i += 1
    return stream


def _decoded(fixed: str, starts: tuple[int, ...]) -> list[tuple[str, int]]:
    """The character pass applied to decoded mojibake (``，`` -> ``,``, ``２`` -> ``2``), as
    it is applied to every other character: ``(char, offset in the run)`` pairs."""
    sub = _normalise_chars(fixed, _Edits(fixed), {})
    return [(c, starts[k]) for c, k in zip(sub.chars, sub.src, strict=True)]


def _decoded_text(fixed: str) -> str:
    return "".join(c for c, _ in _decoded(fixed, tuple(range(len(fixed)))))


def _repair_cp1252_in_stream(stream: _Stream, edits: _Edits) -> None:
    """Repair cp1252 runs that only the character pass put together, until none is left.

    The raw-level pass sees runs as scraped; removing an invisible or control character,
    or an NFKC composition (``a`` + U+0301 -> ``á``), can join characters into a run whose
    bytes decode, which a second cleaning would then repair. Doing it here keeps the
    cleaner idempotent. The edit spans the raw characters of the run and takes over the
    edits inside it (edits never overlap); a run that would cut an earlier repair in two
    is left alone.
    """
    while True:
        changed = False
        out = _Stream()
        j = 0
        for run in find_cp1252_mojibake(stream.text()):
            if run.fixed is None or run.begin < j:
                continue
            raw_b, raw_e = edits.extent(stream.src[run.begin], stream.src[run.end - 1])
            covered = [k for k, s in enumerate(stream.src) if raw_b <= s < raw_e]
            if covered[0] < run.begin or covered[-1] >= run.end:
                continue  # an earlier repair's characters reach outside the run
            for k in range(j, run.begin):
                out.add(stream.chars[k], stream.src[k], stream.repaired[k])
            reason = (
                "UTF-8 read as Windows-1252 (a run joined once invisible or control "
                f"characters were removed or marks composed); bytes decode exactly -> {run.fixed!r}"
            )
            edits.span("mojibake", raw_b, raw_e, _decoded_text(run.fixed), reason, replace=True)
            for c, at in _decoded(run.fixed, run.starts):
                out.add(c, stream.src[at], repaired=True)
            j = run.end
            changed = True
        if not changed:
            return
        for k in range(j, len(stream.chars)):
            out.add(stream.chars[k], stream.src[k], stream.repaired[k])
        stream.chars, stream.src, stream.repaired = out.chars, out.src, out.repaired


def _removable(text: str, i: int) -> bool:
    """An invisible format character without a role, or a control character that is not a
    line end: removed by the character pass."""
    ch = text[i]
    cat = unicodedata.category(ch)
    if cat == "Cf":
        return not (ch == "\ufeff" and i == 0) and not _format_has_role(text, i)
    return cat == "Cc" and ch not in "\n\t\r" and ch not in LINE_BREAKS


def _remove_char(text: str, i: int, edits: _Edits) -> None:
    ch = text[i]
    kind = "invisible" if unicodedata.category(ch) == "Cf" else "control"
    label = "format" if kind == "invisible" else "control"
    edits.char(kind, i, i + 1, "", f"{label} character U+{ord(ch):04X}")


def _format_has_role(text: str, i: int) -> bool:
    """Whether the format character ``text[i]`` changes what is shown (kept, not removed)."""
    ch = text[i]
    if "\U000e0020" <= ch <= CANCEL_TAG:  # emoji tag sequence: 🏴 + tags + cancel tag
        k = i - 1
        while k >= 0 and i - k <= 32 and "\U000e0020" <= text[k] < CANCEL_TAG:
            k -= 1
        return k >= 0 and text[k] == BLACK_FLAG
    if ch not in (ZWNJ, ZWJ) or i == 0 or i + 1 >= len(text):
        return False
    k = i - 1
    while k > 0 and (text[k] == "\ufe0f" or "\U0001f3fb" <= text[k] <= "\U0001f3ff"):
        k -= 1  # variation selector 16 and skin-tone modifiers belong to the emoji
    before, after = text[k], text[i + 1]
    if ch == ZWJ and unicodedata.category(before) == unicodedata.category(after) == "So":
        return True
    return _joining_script(before) and _joining_script(after)


def _joining_script(ch: str) -> bool:
    """Arabic, Syriac, Thaana, NKo and Indic letters: scripts where ZWJ/ZWNJ are spelling."""
    return "\u0600" <= ch <= "\u0dff" and unicodedata.category(ch)[0] in "LM"


def _locate_corrections(
    text: str, corrections: list[Correction], required: bool
) -> dict[int, Correction]:
    """Start of ``raw_text`` -> correction; a key occurs at most once, rows never overlap.

    A key found twice is ambiguous (which occurrence was reviewed?) and refused; a key not
    found means the row is about another document, unless ``required``.
    """
    starts: dict[int, Correction] = {}
    taken: list[tuple[int, int, str]] = []
    for corr in corrections:
        count = text.count(corr.key)
        if count > 1 or (required and count != 1):
            raise InputError(
                f"corrections.tsv: row {corr.id}: raw_text found {count} times (with its "
                "context) in the raw text; it must occur exactly once"
                + ("; add context" if count > 1 else "")
            )
        if count == 0:
            continue
        at = text.index(corr.key) + len(corr.before)
        end = at + len(corr.raw_text)
        for b, e, other in taken:
            if at < e and b < end:
                raise InputError(f"corrections.tsv: row {corr.id}: overlaps row {other}")
        taken.append((at, end, corr.id))
        starts[at] = corr
    return starts


def _apply_corrections(
    stream: _Stream,
    corrections: list[Correction],
    edits: _Edits,
    traditional: bool,
    required: bool = True,
) -> _Stream:
    """A new stream with every correction applied (snippets matched on the normalised text)."""
    if not corrections:
        return stream
    starts = _locate_corrections(stream.text(), corrections, required)
    out = _Stream()
    j = 0
    while j < len(stream.chars):
        corr = starts.get(j)
        if corr is None:
            out.add(stream.chars[j], stream.src[j], stream.repaired[j])
            j += 1
            continue
        if any(stream.repaired[j : j + len(corr.raw_text)]):
            raise InputError(
                f"corrections.tsv: row {corr.id}: raw_text overlaps a line end or an NFKC "
                "expansion; quote the raw characters instead"
            )
        _apply_correction(stream, j, corr, out, edits, traditional)
        j += len(corr.raw_text)
    return out


def _apply_correction(
    stream: _Stream,
    at: int,
    corr: Correction,
    out: _Stream,
    edits: _Edits,
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
    size = len(corr.raw_text)
    raw_b, raw_e = stream.raw_span(at, at + size)
    edits.span(kind, raw_b, raw_e, corr.replacement, note)
    head, tail = ver.prefix, ver.suffix
    rep = corr.replacement
    for k in range(head):
        out.add(rep[k], stream.src[at + k])
    mid = rep[head : len(rep) - tail]
    lo = stream.src[at + head] if head < size else raw_e
    hi = stream.src[at + size - tail] if tail else raw_e
    for k, ch in enumerate(mid):
        out.add(ch, lo + (k * (hi - lo)) // len(mid), repaired=True)
    for k in range(tail):
        out.add(rep[len(rep) - tail + k], stream.src[at + size - tail + k])


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


def _strip_pinyin_tags(stream: _Stream, edits: _Edits, report: CleaningReport) -> None:
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
            edits.span("pinyin-tag", *stream.raw_span(b, e), "", reason)
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


def _collapse_punctuation(stream: _Stream, edits: _Edits) -> None:
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
                reason = f"run {run!r} -> {run[keep]!r}"
                edits.span("injected-punctuation", src, src + 1, "", reason)
                drop.add(b + k)
    stream.drop(drop)


def _leftovers(text: str, offsets: Sequence[int], traditional: bool) -> list[Finding]:
    """Anything still suspicious after cleaning, grouped into spans (the quarantine).

    A cp1252 mojibake run that could not be repaired is one finding for the whole run (its
    characters are not flagged a second time).
    """
    out: list[Finding] = []
    inside: set[int] = set()
    for run in find_cp1252_mojibake(text):
        b, e = run.begin, run.end
        inside.update(range(b, e))
        out.append(
            Finding(
                Level.WARNING,
                STAGE,
                "unrepaired-mojibake",
                f"{text[b:e]!r}: UTF-8 read as Windows-1252, but its bytes do not decode "
                "(a byte was lost); kept as it is",
                begin=b,
                end=e,
                raw_begin=offsets[b],
                raw_end=offsets[e - 1] + 1,
            )
        )
    flagged = [
        (i, why)
        for i in range(len(text))
        if i not in inside and (why := suspicious_char(text, i, traditional))
    ]
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


BRACKETS = {"(": ")", "（": "）", "《": "》", "【": "】", "「": "」", "『": "』"}
_CLOSERS = {v: k for k, v in BRACKETS.items()} | {"）": "(", ")": "（"}


def _unbalanced_brackets(text: str, offsets: Sequence[int], raw_text: str) -> list[Finding]:
    """A WARNING for every bracket without its partner on the same line (docs/security.md #6).

    Checked on the cleaned text (a pinyin remnant ``shù)`` that a repair removed is not a
    bracket any more), located by line:col of the raw text. ``(`` and ``（`` close each
    other (NFKC folds one into the other anyway). Nothing is removed: this only reports.
    """
    out: list[Finding] = []
    stack: list[int] = []

    def report(i: int, what: str) -> None:
        rb = offsets[i]
        line = raw_text.count("\n", 0, rb) + 1
        col = rb - (raw_text.rfind("\n", 0, rb) + 1) + 1
        out.append(
            Finding(
                Level.WARNING,
                STAGE,
                "unbalanced-bracket",
                f"{raw_text[rb]!r} at line {line}:{col} of the raw text {what}; kept",
                begin=i,
                end=i + 1,
                raw_begin=rb,
                raw_end=rb + 1,
            )
        )

    for i, ch in enumerate(text):
        if ch == "\n":
            for j in stack:
                report(j, "is never closed on its line")
            stack = []
        elif ch in BRACKETS:
            stack.append(i)
        elif ch in _CLOSERS:
            partners = {_CLOSERS[ch], *(o for o, c in BRACKETS.items() if c == ch)}
            if stack and text[stack[-1]] in partners:
                stack.pop()
            else:
                report(i, "closes nothing")
    for j in stack:
        report(j, "is never closed")
    return out


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
