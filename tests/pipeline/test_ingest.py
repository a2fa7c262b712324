"""Ingest: decoding, the three cleaning rules, edit accounting and the offset map."""

from __future__ import annotations

import dataclasses
import itertools
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from graph.curation.corrections import (
    CORRECTION_COLUMNS,
    DEFAULT_CORRECTIONS,
    Correction,
    load_corrections,
)
from graph.model import CleanText, Edit, EditLog, InputError, OffsetMap, SourceDocument
from graph.pipeline import ingest
from graph.pipeline.ingest import decode
from graph.pipeline.ingest_rules import clean
from graph.pipeline.sources import load_sources
from graph.text import han_count

GOLDEN = Path(__file__).parents[1] / "golden" / "cleaned.txt"
GENUINE = ["(2023)", "(12)", "(兼)", "(渝中區)", "(以下簡稱《報告》)", "(AIGC)", "(套)",
           "(重慶)", "(西部)", "(2023年)"]  # fmt: skip


@pytest.fixture(scope="module")
def real() -> CleanText:
    return ingest.run(load_sources()[0])


def _doc(raw: bytes, encoding: str = "utf-8") -> SourceDocument:
    return SourceDocument(
        id="t", path="raw.txt", raw_bytes=raw, sha256="", title="t", publisher="p",
        date="2024-01-01", encoding=encoding,
    )  # fmt: skip


@pytest.fixture(scope="module")
def no_corrections(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corr") / "corrections.tsv"
    path.write_text("\t".join(CORRECTION_COLUMNS) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ the real report


def test_reproduces_golden_cleaned_text(real: CleanText) -> None:
    assert real.text == GOLDEN.read_text(encoding="utf-8")


def test_counts(real: CleanText) -> None:
    counts = real.report.counts
    assert counts["pinyin-tag"] == 689  # = re.findall(r"\([a-zāáǎà…]+\)", raw), checked by hand
    assert counts["mojibake"] == 5
    assert counts["injected-punctuation"] == 224  # 116 ",,", 49 ",、", 48 ",。", 5 ",;", ...
    assert real.report.encoding == "utf-8"
    assert real.report.suspicious == []  # nothing left for quarantine


@pytest.mark.parametrize("snippet", GENUINE)
def test_genuine_parentheses_survive(real: CleanText, snippet: str) -> None:
    assert snippet in real.text


def test_no_damage_left(real: CleanText) -> None:
    assert "?" not in real.text and "\ufffd" not in real.text
    assert "(" + "l" not in real.text  # no pinyin tag left
    for doubled in (",,", ",、", ",。", "。,", ",;"):
        assert doubled not in real.text


def test_every_edit_accounted(real: CleanText) -> None:
    removed = sum(len(e.removed) for e in real.report.edits)
    inserted = sum(len(e.inserted) for e in real.report.edits)
    assert len(real.raw_text) - removed + inserted == len(real.text)
    for e in real.report.edits:
        assert real.raw_text[e.raw_begin : e.raw_end] == e.removed


def _check_offset_map(raw: str, text: str, offsets: Sequence[int], repaired: set[int]) -> None:
    assert len(offsets) == len(text) + 1 and offsets[-1] == len(raw)
    assert all(a <= b for a, b in itertools.pairwise(offsets))
    for i, ch in enumerate(text):
        if i not in repaired:
            assert raw[offsets[i]] == ch, (i, ch)


def test_offset_map_exact_and_monotone(real: CleanText) -> None:
    repaired: set[int] = set()
    for e in real.report.edits:
        if e.kind == "mojibake":
            idx = [i for i, r in enumerate(real.offset_map[:-1]) if e.raw_begin <= r < e.raw_end]
            assert "".join(real.text[i] for i in idx) == e.inserted
            repaired.update(i for i in idx if real.raw_text[real.offset_map[i]] != real.text[i])
    supplied = sum(len(e.inserted) for e in real.report.edits if e.kind == "mojibake")
    assert 0 < len(repaired) < supplied  # shared head/tail characters map exactly
    _check_offset_map(real.raw_text, real.text, real.offset_map, repaired)
    b = real.text.index("康佳光電")
    assert real.raw_span(b, b + 4) == (668, 672)  # inside the raw run 668..678


def test_mojibake_repairs_verified(real: CleanText) -> None:
    moji = [e for e in real.report.edits if e.kind == "mojibake"]
    assert [e.inserted for e in moji] == [
        "康佳光電柔性顯示", "。“疆算入渝”納入", "電子社保卡覆蓋率",
        "。“巴渝治水”整合共享數", "驗模式",
    ]  # fmt: skip
    assert [e.reason.split(" (")[0] for e in moji] == [
        "verified byte-for-byte", "verified partially", "verified byte-for-byte",
        "verified partially", "verified partially",
    ]  # fmt: skip


def test_correction_rows_sorted_unique_and_all_used(real: CleanText) -> None:
    rows = load_corrections(DEFAULT_CORRECTIONS)
    assert [r.id for r in rows] == sorted({r.id for r in rows}), "sort/dedupe corrections.tsv"
    used = {e.reason.split("corrections.tsv ")[1].split(":")[0] for e in real.report.edits
            if "corrections.tsv " in e.reason}  # fmt: skip
    assert used == {r.id for r in rows}, "unused rows in graph/curation/corrections.tsv"


def test_correction_not_found_names_the_row() -> None:
    rows = [Correction("x-01", "不存在的片段", "替換", "test")]
    with pytest.raises(InputError, match=r"corrections\.tsv: row x-01: raw_text found 0 times"):
        clean("重慶市互聯網", rows)


def test_correction_failing_byte_check_is_refused() -> None:
    rows = [Correction("x-01", "??导压怆", "重慶市", "wrong original")]
    with pytest.raises(InputError, match=r"row x-01: replacement does not match"):
        clean("報告??导压怆發布", rows)


def test_clean_is_a_fixpoint_on_golden() -> None:
    text = GOLDEN.read_text(encoding="utf-8")
    assert clean(text, [])[0] == text


# ------------------------------------------------------------------ rules in isolation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("互聯(lián)網(wǎng)", "互聯網"),
        ("數(shù)據(jù)", "數據"),
        ("區(qū)塊鏈", "區塊鏈"),
        ("國家(渝中區(qū))試點", "國家(渝中區)試點"),
        ("委,、市", "委、市"),
        ("會,,公布", "會,公布"),
        ("條,,,水", "條,水"),
        ("設(shè),。", "設。"),
        ("萬戶,同比增長38.83%。,“天目", "萬戶,同比增長38.83%。“天目"),
        ("萬,;“渝", "萬;“渝"),
        ("第1,。", "第1。"),
    ],
)
def test_rules(raw: str, expected: str) -> None:
    assert clean(raw, [])[0] == expected


def test_tag_that_is_not_a_reading_is_removed_with_warning() -> None:
    text, _, report = clean("重慶(lián)市", [])
    assert text == "重慶市"
    assert [f.code for f in report.suspicious] == ["pinyin-tag-suspicious"]


def test_toneless_non_reading_is_kept() -> None:
    text, _, report = clean("附件(a)說明", [])
    assert text == "附件(a)說明"
    assert report.suspicious[0].code == "pinyin-shaped-kept"


def test_unrepaired_mojibake_is_reported_with_offsets() -> None:
    raw = "重慶市互聯網發展報告,??导压怆娙嵝燥@示、國測時柵"
    text, _offsets, report = clean(raw, [])
    assert text == raw
    (f,) = report.suspicious
    assert f.code == "unrepaired-mojibake" and f.level == "WARNING"
    assert raw[f.raw_begin : f.raw_end] == "??导压怆娙嵝"
    assert "Simplified-only" in f.message


def test_doubled_punctuation_left_is_reported() -> None:
    _, _, report = clean("重慶。、市", [])
    assert [f.code for f in report.suspicious] == ["doubled-punctuation"]


# ------------------------------------------------------------------ bad inputs


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", r"raw\.txt: empty \(0 bytes\); nothing ingested"),
        (b" \n\t\r\n", r"raw\.txt: empty \(5 bytes, whitespace only\); nothing ingested"),
        ("重慶".encode() + b"\x00\x01", r"raw\.txt: binary data at byte 6; not a text document"),
        (b"\x01\x02\x03\x04ab", r"raw\.txt: binary data at byte 0"),
        # U+3000 (ideographic space) is whitespace too: exit 2 "empty", not 3 "not Chinese"
        ("\u3000\u3000\n\u3000".encode(), r"raw\.txt: empty \(10 bytes, whitespace only\)"),
        ("\ufeff\u3000\u200b\u00a0\n".encode(), r"raw\.txt: empty \(12 bytes, whitespace only\)"),
    ],
)
def test_bad_inputs(raw: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as exc:
        ingest.run(_doc(raw))
    assert exc.value.exit_code == 2


def test_ideographic_space_only_gb18030_is_empty() -> None:
    with pytest.raises(InputError, match=r"raw\.txt: empty \(6 bytes, whitespace only\)") as exc:
        ingest.run(_doc("\u3000\u3000\u3000".encode("gb18030"), "gb18030"))
    assert exc.value.exit_code == 2


@pytest.mark.parametrize("codec", ["no-such-codec", "base64", "utf-16"])
def test_unknown_or_unusable_encoding_is_refused(codec: str) -> None:
    with pytest.raises(InputError, match=rf"^raw\.txt: .*encoding {codec!r}") as exc:
        ingest.run(_doc("重慶市互聯網".encode(), codec))
    assert exc.value.exit_code == 2 and "\n" not in str(exc.value)


def test_declared_big5_decodes(no_corrections: Path) -> None:
    text = "重慶市互聯網發展報告"
    out = ingest.run(_doc(text.encode("big5"), "big5"), no_corrections)
    assert out.text == text and out.report.encoding == "big5"


def test_gbk_without_declaration_is_refused() -> None:
    raw = "重慶市互聯網".encode("gbk")
    with pytest.raises(InputError, match=r'not UTF-8 at byte 0; set encoding = "gb18030"'):
        ingest.run(_doc(raw))


def test_gb18030_with_declaration_decodes(no_corrections: Path) -> None:
    text = "重慶𠮷市互聯網"  # 𠮷 U+20BB7 exists only in GB18030, not GBK
    out = ingest.run(_doc(text.encode("gb18030"), "gb18030"), no_corrections)
    assert out.text == text
    assert out.report.encoding == "gb18030"
    assert out.report.suspicious[0].message == "encoding=gb18030"


def test_bom_is_stripped(no_corrections: Path) -> None:
    body = "重慶(lián)市\n".encode()
    plain = ingest.run(_doc(body), no_corrections)
    bom = ingest.run(_doc(b"\xef\xbb\xbf" + body), no_corrections)
    assert bom.text == plain.text == "重慶市\n"
    assert bom.report.counts["bom"] == 1
    # the BOM belongs to the encoding, not the text: offsets are those of the plain file
    assert bom.offset_map == plain.offset_map and bom.raw_text == plain.raw_text


def test_english_only_is_exit_code_3() -> None:
    with pytest.raises(InputError, match=r"raw\.txt: 0\.0% Han characters") as exc:
        ingest.run(_doc(b"Chongqing Internet Development Report 2023."))
    assert exc.value.exit_code == 3


def test_crlf_normalised_with_edit() -> None:
    text, offsets, report = clean("重慶\r\n市\r", [])
    assert text == "重慶\n市\n"
    assert report.counts == {"newline": 2}
    assert offsets == (0, 1, 3, 4, 5, 6)


# ------------------------------------------------------------------ the character pass


def test_invisible_characters_removed_with_raw_offsets() -> None:
    raw = "重\u200b慶\u00ad市\u2060\ufeff互\u200c聯\u200d網\u202e"
    text, offsets, report = clean(raw, [])
    assert text == "重慶市互聯網"
    assert report.counts == {"invisible": 7}
    assert offsets == (0, 2, 4, 7, 9, 11, 13)
    assert [(e.raw_begin, e.removed) for e in report.edits][:2] == [(1, "\u200b"), (3, "\u00ad")]


def test_bom_only_at_start_is_a_bom() -> None:
    _, _, report = clean("\ufeff重慶\ufeff市", [])
    assert [(e.kind, e.raw_begin) for e in report.edits] == [("bom", 0), ("invisible", 3)]


@pytest.mark.parametrize(
    "kept",
    [
        "👨\u200d👩\u200d👧",  # emoji ZWJ sequence
        "👍🏽\u200d👍",  # a skin-tone modifier before the joiner
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # flag tags
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian ZWNJ
        "\u0915\u094d\u200d\u0937",  # Devanagari half-form ZWJ
    ],
)
def test_format_characters_with_a_role_are_kept(kept: str) -> None:
    raw = "重慶" + kept + "市"
    assert clean(raw, [])[0] == raw


def test_joiner_between_han_or_latin_is_removed() -> None:
    assert clean("重\u200d慶 a\u200cb \U000e0067", [])[0] == "重慶 ab "


def test_controls_removed_and_line_ends_become_lf() -> None:
    text, offsets, report = clean("重\x07慶\x1b市\x0c互\x85聯\u2028網\u2029\t", [])
    assert text == "重慶市\n互\n聯\n網\n\t"
    assert report.counts == {"control": 2, "newline": 4}
    assert offsets[3] == 5  # the \n that replaced the form feed maps to it


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("２３６２萬人", "2362萬人"),
        ("（ＡＩＧＣ）", "(AIGC)"),
        ("（２０２３）", "(2023)"),
        ("報告，發布：內容；完成！", "報告,發布:內容;完成!"),
        ("\uf969據", "數據"),  # CJK compatibility ideograph (a canonical singleton)
        ("u\u0300", "ù"),  # composition of a decomposed pinyin vowel
    ],
)
def test_nfkc_forms(raw: str, expected: str) -> None:
    text, _, report = clean(raw, [])
    assert text == expected
    assert set(report.counts) == {"nfkc"}


def test_nfkc_offsets() -> None:
    text, offsets, report = clean("第２名⑴e\u0301!", [])
    assert text == "第2名(1)é!"
    assert offsets == (0, 1, 2, 3, 3, 3, 4, 6, 7)  # expansion -> its raw char; é -> its base
    assert [(e.raw_begin, e.raw_end, e.inserted) for e in report.edits] == [
        (1, 2, "2"), (3, 4, "(1)"), (4, 6, "é"),
    ]  # fmt: skip


def test_spaces_and_question_mark_are_not_folded() -> None:
    raw = "網民2362\u00a0萬人,\u3000網站12\u202f個。嗎？"
    text, _, report = clean(raw, [])
    assert text == raw and report.edits == [] and report.suspicious == []


def test_fullwidth_tag_removed_as_one_edit() -> None:
    text, offsets, report = clean("聯（ｌｉáｎ）網", [])
    assert text == "聯網" and offsets == (0, 7, 8)
    (e,) = report.edits
    assert (e.kind, e.raw_begin, e.raw_end, e.removed) == ("pinyin-tag", 1, 7, "（ｌｉáｎ）")


def test_zero_width_inside_tag_is_part_of_the_tag_edit() -> None:
    text, _, report = clean("聯(li\u200bán)網", [])
    assert text == "聯網"
    assert [(e.kind, e.removed) for e in report.edits] == [("pinyin-tag", "(li\u200bán)")]


def test_fullwidth_comma_collapses_like_ascii() -> None:
    text, _, report = clean("委，、市，，水", [])
    assert text == "委、市,水"  # the surviving fullwidth comma is shown as the page's ASCII one
    assert [(e.kind, e.removed) for e in report.edits] == [
        ("injected-punctuation", "，"), ("nfkc", "，"), ("injected-punctuation", "，"),
    ]  # fmt: skip


def test_expansion_is_never_taken_apart() -> None:
    # ⒜ -> "(a)" after a Han character whose reading is "a": not an injected tag
    assert clean("啊⒜🄁。", [])[0] == "啊(a)0,。"


def test_correction_found_through_a_zero_width_character() -> None:
    raw = "報告??导压\u200b怆娙嵝燥@示"
    rows = [Correction("x-01", "??导压怆娙嵝燥@示", "康佳光電柔性顯示", "test")]
    text, _, report = clean(raw, rows)
    assert text == "報告康佳光電柔性顯示"
    (e,) = report.edits
    assert (e.kind, e.removed) == ("mojibake", raw[2:])


def test_correction_over_an_expansion_is_refused() -> None:
    rows = [Correction("x-01", "(1", "一", "test")]
    with pytest.raises(InputError, match=r"row x-01: raw_text overlaps .* NFKC expansion"):
        clean("報告⑴", rows)


def test_invisible_characters_are_not_visible_for_the_han_share() -> None:
    text, _ = decode("重慶".encode() + "\u200b".encode() * 300, "raw.txt")
    assert text.startswith("重慶")


# ------------------------------------------------------------------ properties

TOKENS = [
    "重", "慶", "市", "聯", "網", "數", "據", "區", "中", "國", "a", "b", "2", "0", " ", "\n",
    "(", ")", "（", "）", ",", "，", "、", "。", ";", ":", "?", "!", "“", "”", "《", "》",
    "(lián)", "(wǎng)", "(shù)", "(de)", "(zhōng)", "(2023)", "(兼)", "(AIGC)", "ù", "\r",
    # the character pass: invisible, control, line ends, fullwidth, NFKC, kept spaces
    "\u200b", "\u200d", "\u00ad", "\ufeff", "\u202e", "\x07", "\x1b", "\x0c", "\u2028",
    "（", "）", "，", "！", "？", "２", "ａ", "（ｌｉáｎ）", "u\u0300", "\u0301", "⑴", "…",
    "\u00a0", "\u3000", "👨\u200d👩",
]  # fmt: skip
texts = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
PROPS = settings(max_examples=200, deadline=5000)


@PROPS
@given(texts)
@example(",，\u0301")  # regression: a folded ， + accent was protected from the comma rule
@example("a\u200b\u0301")  # regression: a + ZWSP + accent composed only on the second pass
@example("!，\ufeff\u0303")  # regression: ，+ invisible + accent was protected on pass 1 only
@example(";，\u00ad\u0301a")
@example("慶（ｌｉáｎ）\x07\u0301數")  # ... and so was the ） of a fullwidth pinyin tag
def test_prop_idempotent(raw: str) -> None:
    once = clean(raw, [])[0]
    assert clean(once, [])[0] == once


@PROPS
@given(texts)
def test_prop_keeps_every_han_char(raw: str) -> None:
    text = clean(raw, [])[0]
    assert han_count(text) == han_count(raw)


def _made_by_edits(text: str, offsets: tuple[int, ...], edits: list[Edit]) -> set[int]:
    """Clean indices whose character an edit inserted (a line end, an NFKC form)."""
    inserted = {e.raw_begin: e.inserted for e in edits if e.kind in ("newline", "nfkc")}
    return {i for i, ch in enumerate(text) if ch in inserted.get(offsets[i], "")}


@PROPS
@given(texts)
@example(",，\u0301")  # regression: the comma rule cut a folded ， + accent edit in two
def test_prop_offset_map_exact_and_accounted(raw: str) -> None:
    text, offsets, report = clean(raw, [])
    _check_offset_map(raw, text, offsets, _made_by_edits(text, offsets, report.edits))
    removed = sum(len(e.removed) for e in report.edits)
    inserted = sum(len(e.inserted) for e in report.edits)
    assert len(raw) - removed + inserted == len(text)
    for e in report.edits:
        assert raw[e.raw_begin : e.raw_end] == e.removed, e
    for a, b in itertools.pairwise(report.edits):
        assert a.raw_end <= b.raw_begin, (a, b)  # edits never overlap


@PROPS
@given(texts)
def test_prop_no_control_or_invisible_left(raw: str) -> None:
    text = clean(raw, [])[0]
    left = [ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t"]
    assert set(left) <= {"\u200d"}  # only inside the emoji ZWJ sequence token
    assert all(ch not in text for ch in "\r\x0c\u2028")


@PROPS
@given(st.text(alphabet="重慶市聯網數據2023", max_size=15),
       st.sampled_from(["(", "（"]),
       st.text(alphabet="重慶市聯網數據2023 abc", max_size=15))  # fmt: skip
def test_prop_unbalanced_bracket_loses_nothing(head: str, bracket: str, tail: str) -> None:
    raw = head + bracket + tail
    assert clean(raw, [])[0] == raw.replace("（", "(")  # NFKC folds the fullwidth bracket


@settings(max_examples=500, deadline=5000)  # docs/security.md A9 (CI part): 500 examples, 5 s each
@given(st.binary(max_size=200), st.sampled_from(["utf-8", "gb18030"]))
def test_prop_ingest_raises_only_input_error(
    no_corrections: Path, data: bytes, encoding: str
) -> None:
    try:
        out = ingest.run(_doc(data, encoding), no_corrections)
    except InputError as exc:
        assert str(exc).startswith("raw.txt: ")
    else:
        assert "\ufffd" not in out.text or "\ufffd" in out.raw_text
        assert all(unicodedata.category(ch) != "Cc" or ch in "\n\t" for ch in out.text)
        assert len(out.offset_map) == len(out.text) + 1


@settings(max_examples=500, deadline=5000)
@given(st.text(max_size=200), st.sampled_from(["utf-8", "gb18030"]))
def test_prop_ingest_on_decodable_text(no_corrections: Path, tail: str, encoding: str) -> None:
    """Random bytes rarely decode; arbitrary text after some Han reaches the cleaner."""
    raw = ("重慶" + tail).encode(encoding)  # text() has no surrogates; GB18030 covers the rest
    try:
        out = ingest.run(_doc(raw, encoding), no_corrections)
    except InputError as exc:
        assert str(exc).startswith("raw.txt: ")
    else:
        assert out.text.startswith("重慶")
        assert all(unicodedata.category(ch) != "Cc" or ch in "\n\t" for ch in out.text)


def test_decode_never_replaces() -> None:
    with pytest.raises(InputError):
        decode(b"\xff\xfe\xfd", "raw.txt")


def test_report_is_a_dataclass_copy_safe(real: CleanText) -> None:
    assert dataclasses.is_dataclass(real.report)


# ------------------------------------------------- corrections follow content, not the id


def _tsv(tmp_path: Path, *rows: tuple[str, ...]) -> Path:
    path = tmp_path / "corrections.tsv"
    lines = ["\t".join(CORRECTION_COLUMNS), *("\t".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_seed_under_another_id_cleans_byte_identically() -> None:
    """Renaming (or re-scraping) the seed must not lose its reviewed repairs."""
    doc = load_sources()[0]
    copy = dataclasses.replace(doc, id="some-other-outlet-2024-10-13-abcdef12", path="copy.txt")
    out = ingest.run(copy)
    assert out.text == GOLDEN.read_text(encoding="utf-8")
    assert out.report.counts["mojibake"] == 5
    assert out.report.suspicious == []
    assert "shù)" not in out.text and "ǜ" not in out.text


def test_every_correction_row_applies_to_the_seed_exactly_once() -> None:
    raw = load_sources()[0].raw_bytes.decode("utf-8")
    for row in load_corrections(DEFAULT_CORRECTIONS):
        assert row.reason.strip(), row.id
        assert raw.count(row.key) == 1, f"{row.id}: key not unique in the seed"


def test_correction_absent_from_a_document_is_skipped() -> None:
    rows = [Correction("x-01", "不存在的片段", "替換", "test")]
    text, _, report = clean("重慶市互聯網", rows, required=False)
    assert text == "重慶市互聯網" and report.edits == []


def test_correction_found_twice_is_ambiguous() -> None:
    rows = [Correction("x-01", "??导压怆娙嵝燥@示", "康佳光電柔性顯示", "test")]
    twice = "甲??导压怆娙嵝燥@示乙??导压怆娙嵝燥@示丙"
    with pytest.raises(InputError, match=r"row x-01: raw_text found 2 times .*add context"):
        clean(twice, rows, required=False)
    ctx = [Correction("x-01", "??导压怆娙嵝燥@示", "康佳光電柔性顯示", "test", before="乙")]
    text, _, _ = clean(twice, ctx, required=False)
    assert text == "甲??导压怆娙嵝燥@示乙康佳光電柔性顯示丙"  # context kept, only raw_text replaced


def test_ambiguous_row_in_a_build_names_the_corrections_file(tmp_path: Path) -> None:
    path = _tsv(tmp_path, ("x-01", "", "??导压怆娙嵝燥@示", "", "康佳光電柔性顯示", "test"))
    raw = "報告發布??导压怆娙嵝燥@示,又??导压怆娙嵝燥@示。\n".encode()
    with pytest.raises(InputError) as err:
        ingest.run(_doc(raw), path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: row x-01: raw_text found 2 times") and "raw.txt" in msg
    assert "\n" not in msg


A = ("a-01", "", "甲乙", "", "丙", "r")
STRICT = [
    ([A, ("a-01", "", "丁戊", "", "丙", "r")], "a-01: duplicate id"),
    ([A, ("a-02", "", "甲乙", "", "丁", "r")], "a-02: same key as row a-01"),
    ([A, ("a-02", "x", "甲乙", "", "丁", "r")], "a-02: its key contains .* a-01"),
    ([("a-02", *A[1:]), ("a-01", "", "丁戊", "", "丙", "r")], "sorted by id"),
    ([(*A[:5], "")], "line 2: expected 6"),
    ([A[:5]], "line 2: expected 6"),
]


@pytest.mark.parametrize(("rows", "message"), STRICT)
def test_loader_is_strict(tmp_path: Path, rows: list[tuple[str, ...]], message: str) -> None:
    with pytest.raises(InputError, match=rf"^corrections\.tsv: .*{message}"):
        load_corrections(_tsv(tmp_path, *rows))


def test_old_per_source_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corrections.tsv"
    path.write_text("id\tsource\traw_text\treplacement\treason\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^corrections\.tsv: header must be id / before"):
        load_corrections(path)


# ------------------------------------------- UTF-8 read as cp1252, unbalanced brackets


def _cp1252(text: str) -> str:
    return "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8")
    )


@pytest.mark.parametrize("city", ["重庆", "重慶"])
def test_cp1252_mojibake_is_repaired_with_a_record(city: str) -> None:
    raw = f"截至2023年底,{_cp1252(city)}市網民達2362萬人。"
    text, offsets, report = clean(raw, [])
    assert text == f"截至2023年底,{city}市網民達2362萬人。"
    [edit] = [e for e in report.edits if e.kind == "mojibake"]
    assert (edit.removed, edit.inserted) == (_cp1252(city), city)
    assert "Windows-1252" in edit.reason and raw[edit.raw_begin : edit.raw_end] == edit.removed
    at = text.index(city)
    assert offsets[at] == edit.raw_begin and offsets[at + 1] == edit.raw_begin + 3
    assert offsets[at + 2] == edit.raw_end  # 市 keeps its own raw offset
    assert report.suspicious == []


@pytest.mark.parametrize("city", ["重庆", "重慶"])
def test_cp1252_mojibake_with_a_lost_byte_is_kept_and_quarantined(city: str) -> None:
    moji = _cp1252(city).replace("\x8d", "")  # the undefined byte 0x8D did not survive
    raw = f"截至2023年底,{moji}市網民達2362萬人。"
    text, _, report = clean(raw, [])
    assert moji in text  # untouched: no NFKC (º would become o), nothing else
    assert not any(raw.find(moji) <= e.raw_begin < raw.find(moji) + len(moji) for e in report.edits)
    [finding] = report.suspicious
    assert finding.code == "unrepaired-mojibake" and finding.level.name == "WARNING"
    assert (finding.raw_begin, finding.raw_end) == (raw.find(moji), raw.find(moji) + len(moji))
    assert finding.begin is not None and text[finding.begin : finding.end] == moji


def test_cp1252_mojibake_in_a_source_document(no_corrections: Path) -> None:
    out = ingest.run(_doc(f"報告:{_cp1252('重庆')}互聯網".encode()), no_corrections)
    assert out.text == "報告:重庆互聯網" and out.report.counts == {"mojibake": 1}


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ("全市網民(截至年底達2362萬人", ["'(' at line 1:5"]),
        ("全市网民（截至年底达2362万人", ["'（' at line 1:5"]),  # fullwidth, simplified
        ("第一行\n全市網民截至年底)達", ["')' at line 2:9"]),
        ("《報告》(2023)發布\n「渝快辦", ["'「' at line 2:1"]),
        ("聯(lián)網(《報告", ["'(' at line 1:9", "'《' at line 1:10"]),
    ],
)
def test_unbalanced_bracket_warns_with_line_and_col(raw: str, where: list[str]) -> None:
    report = clean(raw, [])[2]
    found = [f for f in report.suspicious if f.code == "unbalanced-bracket"]
    assert [f.message.split(" of the raw")[0] for f in found] == where
    assert all(f.level.name == "WARNING" and f.raw_begin is not None for f in found)
    assert all(raw[f.raw_begin] in "()（）《》「」" for f in found if f.raw_begin is not None)


def test_balanced_brackets_and_the_seed_give_no_bracket_warning(real: CleanText) -> None:
    assert not [f for f in real.report.suspicious if f.code == "unbalanced-bracket"]
    assert clean("(2023)（兼）《報告》「渝」(以下簡稱《報告》)", [])[2].suspicious == []


ANNOTATIONS = frozenset({"pinyin-tag", "injected-punctuation"})


@settings(max_examples=300, deadline=5000)
@given(st.text(alphabet="重慶市聯網()（）《》,、。 lián1\n", max_size=60))
def test_prop_no_text_lost_after_a_bracket(body: str) -> None:
    """Output length >= input length - what the recognised annotations removed, and every
    raw character outside an edit is in the output (an unbalanced bracket swallows nothing).
    """
    text, offsets, report = clean(body, [])
    removed = sum(len(e.removed) - len(e.inserted) for e in report.edits if e.kind in ANNOTATIONS)
    assert len(text) >= len(body) - removed
    edited = {i for e in report.edits for i in range(e.raw_begin, e.raw_end)}
    assert set(range(len(body))) - edited <= set(offsets[:-1])


CP1252_TOKENS = [
    _cp1252("重庆"), _cp1252("重慶"), _cp1252("重庆").replace("\x8d", ""), _cp1252("網"),
    "Ã—", "é", "º", "‡", "†", "\x8d", "\xad", "café",
]  # fmt: skip
cp1252_texts = st.lists(st.sampled_from(TOKENS + CP1252_TOKENS), max_size=40).map("".join)


def _visible(text: str) -> str:
    return unicodedata.normalize(
        "NFKC", "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf"))
    )


@PROPS
@given(cp1252_texts)
@example("a\u0301“”")  # an NFKC composition joins a run that decodes (U+14D4)
@example("é‡\u200b\x8dåº†")  # ZWSP inside a run
@example("ºé\x8d")  # suspicious only because of the C1 control
@example(_cp1252(_cp1252("重庆")))  # double encoding
def test_prop_cp1252_repairs_are_exact_idempotent_and_lose_no_han(raw: str) -> None:
    text, offsets, report = clean(raw, [])
    assert clean(text, [])[0] == text
    assert han_count(text) >= han_count(raw)
    for e in report.edits:
        if e.kind == "mojibake":  # round trip: the removed run is the inserted text's bytes
            # through cp1252 once (or more: double encoding), after the character pass
            steps = [e.inserted]
            for _ in range(3):
                steps.append(_cp1252(steps[-1]))
            assert e.removed in steps[1:] or _visible(e.removed) in map(_visible, steps[1:]), e
    assert len(offsets) == len(text) + 1 and list(offsets) == sorted(offsets)


# ---------------------------------------------------------------- the offset map's memory


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=40))
def test_prop_offset_map_reads_as_its_offsets(offsets: list[int]) -> None:
    """The run-length map is the list it was built from under every read its users make."""
    m = OffsetMap(offsets)
    assert len(m) == len(offsets) and list(m) == offsets and m == offsets
    assert [m[i] for i in range(len(offsets))] == offsets
    back = range(1, len(offsets) + 1)
    assert [m[-i] for i in back] == [offsets[-i] for i in back]
    assert m[1:-1] == tuple(offsets[1:-1]) and m == OffsetMap(offsets)
    with pytest.raises(IndexError):
        m[len(offsets)]


def test_offset_map_of_a_cleaned_text_is_runs_between_edits() -> None:
    """Between two edits the map counts up by one, so it holds a run per edit, not an int per
    character (traditional and simplified script alike)."""
    for raw in ("重慶(chóng)市,,發布報告。" * 50, "重庆(chóng)市,,发布报告。" * 50):
        text, offsets, report = clean(raw, [])
        assert isinstance(offsets, OffsetMap) and len(offsets) == len(text) + 1
        assert offsets.runs <= 2 * len(report.edits) + 1 < len(text)
        _check_offset_map(raw, text, offsets, set())


def test_stream_drop_removes_exactly_the_masked_characters() -> None:
    from graph.pipeline.ingest_offsets import Stream

    s = Stream()
    for i, ch in enumerate("重慶市發布報告"):
        s.add(ch, 10 + i, repaired=i == 3)
    s.drop(bytearray([1, 0, 0, 1, 1, 0, 1]))
    assert s.text() == "慶市報" and list(s.src) == [11, 12, 15] and s.repaired == bytearray(3)
    s.drop(bytearray(3))
    assert s.text() == "慶市報"


def test_edit_log_reads_as_the_edits_it_was_given() -> None:
    """The columnar log is the list of ``Edit``s under every read (index, slice, iteration,
    ==), in both scripts; strings are stored once however often edits repeat them."""
    edits = [
        Edit("pinyin-tag", 2, 9, "(lián)", "", "reading of 聯"),
        Edit("pinyin-tag", 12, 19, "(lián)", "", "reading of 联"),
        Edit("injected-punctuation", 30, 31, ",", "", "run ',。' -> '。'"),
    ]
    log = EditLog(edits)
    assert log == edits and list(log) == edits and log[-1] == edits[-1] and log[1:] == edits[1:]
    assert len(log) == 3 and log != edits[:2]
    with pytest.raises(IndexError):
        log[3]


def test_cleaned_edits_are_ordered_across_rule_passes() -> None:
    """Each pass appends its edits in raw order; the merged log is ordered by raw span
    (pinyin tags and commas interleave), as a sort of all of them would be."""
    for raw in ("重慶(chóng),、市(shì)。,發布", "重庆(chóng),、市(shì)。,发布"):
        _, _, report = clean(raw, [])
        kinds = [e.kind for e in report.edits]
        assert set(kinds) == {"pinyin-tag", "injected-punctuation"}
        assert list(report.edits) == sorted(report.edits, key=lambda e: (e.raw_begin, e.raw_end))
