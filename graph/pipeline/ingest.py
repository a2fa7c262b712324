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

A saved web page (``graph.pipeline.markup``) loses its markup in the same pass: tags,
comments, scripts and the ``<head>`` are edits of kind ``markup``, block tags become line
ends and character references their characters, so a figure on an HTML page still points at
its raw bytes; the Han-share check measures the page's text, not its tags.

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

import unicodedata
from pathlib import Path

from graph.curation.corrections import DEFAULT_CORRECTIONS, load_corrections
from graph.model import CleanText, Finding, InputError, Level, SourceDocument
from graph.pipeline.ingest_offsets import STAGE
from graph.pipeline.ingest_rules import clean
from graph.pipeline.markup import looks_like_html, visible_text
from graph.pipeline.sources import codec_name
from graph.text import han_count

GB_ENCODINGS = frozenset({"gb18030", "gbk", "gb2312"})
MIN_HAN_SHARE = 0.01  # below this share of non-space characters a text is not Chinese
MAX_CONTROL_SHARE = 0.3  # above this share of control characters the input is binary


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
    seen = visible_text(text) if looks_like_html(text) else text  # a page: its text, not its tags
    visible = sum(
        1 for ch in seen if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")
    )
    if not visible:
        # whitespace the byte check cannot see: U+3000, U+00A0, U+200B, a lone BOM ...
        raise InputError(f"{name}: empty ({len(raw)} bytes, whitespace only); nothing ingested")
    share = han_count(seen) / visible
    if share < MIN_HAN_SHARE:
        raise InputError(
            f"{name}: {share * 100:.1f}% Han characters; not a Chinese document", exit_code=3
        )
    return text, encoding


def _with_source(f: Finding, source_id: str) -> Finding:
    return Finding(
        f.level, f.stage, f.code, f.message, source_id, f.begin, f.end, f.raw_begin, f.raw_end
    )


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v"
