"""Ingest, the cleaning rules: the character pass, cp1252, GBK and reviewed mojibake repairs,
injected pinyin tags and injected commas (what each undoes: ``graph.pipeline.ingest``).

``clean`` is pure (text and corrections in, clean text, offset map and report out), so
``cqkg add`` and the tests run it without a source folder.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import chain

from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from graph.curation.corrections import Correction
from graph.model import CleaningReport, InputError, OffsetMap
from graph.pipeline.ingest_findings import PUNCT_RANK, suspicious_leftovers, unbalanced_brackets
from graph.pipeline.ingest_offsets import Edits, Stream, stream_finding
from graph.pipeline.markup import Markup, find_markup
from graph.pipeline.mojibake import (
    PINYIN_LETTERS,
    Cp1252Span,
    find_cp1252_mojibake,
    has_tone_mark,
    is_traditional_text,
    looks_like_mojibake,
    verify_repair,
)
from graph.pipeline.mojibake_gbk import find_gbk_mojibake
from graph.text import is_han

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


def clean(
    raw_text: str, corrections: list[Correction], required: bool = True
) -> tuple[str, OffsetMap, CleaningReport]:
    """Pure cleaner: ``(clean text, offset map, report)``; see the module docstring.

    ``required``: every correction must apply (a test of one snippet); the build passes
    False, because a content-keyed row only applies to documents that contain it.
    """
    report = CleaningReport()
    edits = Edits(raw_text)
    runs = [*find_cp1252_mojibake(raw_text, _removable), *find_gbk_mojibake(raw_text)]
    markup = {m.begin: m for m in find_markup(raw_text)}
    stream = _normalise_chars(raw_text, edits, {m.begin: m for m in runs}, markup)
    _repair_cp1252_in_stream(stream, edits)
    traditional = is_traditional_text(stream.text())
    stream = _apply_corrections(stream, corrections, edits, traditional, required)
    _strip_pinyin_tags(stream, edits, report)
    _collapse_punctuation(stream, edits)
    text = stream.text()
    offsets = OffsetMap(chain(stream.src, (len(raw_text),)))
    del stream  # the map replaces it; the findings below only read text and map
    report.edits = edits.all()
    report.counts = dict(sorted(Counter(e.kind for e in report.edits).items()))
    leftovers = [
        *suspicious_leftovers(text, offsets, traditional),
        *unbalanced_brackets(text, offsets, raw_text),
    ]
    report.suspicious.extend(sorted(leftovers, key=lambda f: (f.begin or 0, f.code)))
    return text, offsets, report


def _normalise_chars(
    raw_text: str,
    edits: Edits,
    cp1252: dict[int, Cp1252Span],
    markup: dict[int, Markup] | None = None,
) -> Stream:
    """The character pass: HTML markup, cp1252 and GBK mojibake, BOM, line ends, invisible
    and control characters, NFKC.

    HTML markup (``graph.pipeline.markup``; none in a plain-text source) is one edit of kind
    ``markup`` per tag, comment, dropped element or reference; what it reads as (a line end,
    a cell separator, a referenced character) goes through this same pass.

    A run that is UTF-8 read as Windows-1252 is handled first and as a whole: repaired
    when its bytes decode (an ``Edit`` of kind ``mojibake``, each repaired character mapped
    to the raw character its first byte became), else kept exactly as it is (no NFKC, no
    control removal: ``º`` must not silently become ``o``) and reported by ``clean``.
    """
    stream = Stream()
    marks = markup or {}
    i, n = 0, len(raw_text)
    while i < n:
        mark = marks.get(i)
        if mark is not None:
            inserted = _decoded_text(mark.text)
            edits.span("markup", mark.begin, mark.end, inserted, f"HTML {mark.why}")
            for c, _ in _decoded(mark.text, (0,) * len(mark.text)):
                stream.add(c, mark.begin, repaired=True)
            i = mark.end
            continue
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
                    f"UTF-8 read as {moji.codec}; the run's bytes decode as UTF-8 exactly "
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
    sub = _normalise_chars(fixed, Edits(fixed), {})
    return [(c, starts[k]) for c, k in zip(sub.chars, sub.src, strict=True)]


def _decoded_text(fixed: str) -> str:
    return "".join(c for c, _ in _decoded(fixed, tuple(range(len(fixed)))))


def _repair_cp1252_in_stream(stream: Stream, edits: Edits) -> None:
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
        out = Stream()
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


def _remove_char(text: str, i: int, edits: Edits) -> None:
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
    stream: Stream,
    corrections: list[Correction],
    edits: Edits,
    traditional: bool,
    required: bool = True,
) -> Stream:
    """A new stream with every correction applied (snippets matched on the normalised text)."""
    if not corrections:
        return stream
    starts = _locate_corrections(stream.text(), corrections, required)
    out = Stream()
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
    stream: Stream,
    at: int,
    corr: Correction,
    out: Stream,
    edits: Edits,
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


def _strip_pinyin_tags(stream: Stream, edits: Edits, report: CleaningReport) -> None:
    """Remove ``(syllable)`` right after a Han character, repeating until nothing changes.

    Repeating makes the cleaner idempotent when removing one tag exposes another
    (``中(zhōng)(guó)``). A tag may follow a Han character made by a repair.
    """
    while True:
        text = stream.text()
        drop = bytearray(len(text))
        dropped = False
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
                    stream_finding(
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
                    stream_finding(
                        stream, b, e, "pinyin-tag-suspicious", f"removed {m.group()}: {reason}"
                    )
                )
            drop[b:e] = b"\x01" * (e - b)
            dropped = True
        if not dropped:
            return
        stream.drop(drop)


def _collapse_punctuation(stream: Stream, edits: Edits) -> None:
    """A run of the page's marks that contains commas keeps only its strongest mark.

    Only commas are ever removed (and only ones the raw text holds); a run without
    commas (``。、``) is left alone and reported as doubled punctuation.
    """
    text = stream.text()
    drop = bytearray(len(text))
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
                drop[b + k] = 1
    stream.drop(drop)
