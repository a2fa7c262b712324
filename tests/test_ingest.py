"""Ingest: decoding, the three cleaning rules, edit accounting and the offset map."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import ingest
from graph.ingest import DEFAULT_CORRECTIONS, Correction, clean, decode, load_corrections
from graph.model import CleanText, InputError, SourceDocument
from graph.sources import load_sources
from graph.text import han_count

GOLDEN = Path(__file__).parent / "golden" / "cleaned.txt"
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
    path.write_text("id\tsource\traw_text\treplacement\treason\n", encoding="utf-8")
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


def _check_offset_map(raw: str, text: str, offsets: tuple[int, ...], repaired: set[int]) -> None:
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
    ],
)
def test_bad_inputs(raw: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as exc:
        ingest.run(_doc(raw))
    assert exc.value.exit_code == 2


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


# ------------------------------------------------------------------ properties

TOKENS = [
    "重", "慶", "市", "聯", "網", "數", "據", "區", "中", "國", "a", "b", "2", "0", " ", "\n",
    "(", ")", "（", "）", ",", "，", "、", "。", ";", ":", "?", "!", "“", "”", "《", "》",
    "(lián)", "(wǎng)", "(shù)", "(de)", "(zhōng)", "(2023)", "(兼)", "(AIGC)", "ù", "\r",
]  # fmt: skip
texts = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
PROPS = settings(max_examples=200, deadline=5000)


@PROPS
@given(texts)
def test_prop_idempotent(raw: str) -> None:
    once = clean(raw, [])[0]
    assert clean(once, [])[0] == once


@PROPS
@given(texts)
def test_prop_keeps_every_han_char(raw: str) -> None:
    text = clean(raw, [])[0]
    assert han_count(text) == han_count(raw)


@PROPS
@given(texts)
def test_prop_offset_map_exact_and_accounted(raw: str) -> None:
    text, offsets, report = clean(raw, [])
    synthetic = {i for i, ch in enumerate(text) if ch == "\n" and raw[offsets[i]] == "\r"}
    _check_offset_map(raw, text, offsets, synthetic)
    removed = sum(len(e.removed) for e in report.edits)
    inserted = sum(len(e.inserted) for e in report.edits)
    assert len(raw) - removed + inserted == len(text)


@PROPS
@given(st.text(alphabet="重慶市聯網數據2023", max_size=15),
       st.sampled_from(["(", "（"]),
       st.text(alphabet="重慶市聯網數據2023 abc", max_size=15))  # fmt: skip
def test_prop_unbalanced_bracket_loses_nothing(head: str, bracket: str, tail: str) -> None:
    raw = head + bracket + tail
    assert clean(raw, [])[0] == raw


@PROPS
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


def test_decode_never_replaces() -> None:
    with pytest.raises(InputError):
        decode(b"\xff\xfe\xfd", "raw.txt")


def test_report_is_a_dataclass_copy_safe(real: CleanText) -> None:
    assert dataclasses.is_dataclass(real.report)
