"""GBK mojibake: derivation by re-encoding and byte-level verification of reviewed repairs."""

from __future__ import annotations

import pytest

from graph.pipeline.ingest_rules import clean
from graph.pipeline.mojibake import (
    derive_by_shift,
    find_cp1252_mojibake,
    is_traditional_compatible,
    is_traditional_text,
    suspicious_char,
    verify_repair,
)

SPOTS = [
    ("??导压怆娙嵝燥@示", "康佳光電柔性顯示", True),
    ("?!敖闳胗濉奔{入", "。“疆算入渝”納入", False),
    ("電子社??ǜ采w率", "電子社保卡覆蓋率", True),
    ("?!鞍陀逯嗡闭瞎蚕頂?shù)", "。“巴渝治水”整合共享數", False),
    ("驗?zāi)J?", "驗模式", False),
]


@pytest.mark.parametrize(("raw", "original", "exact"), SPOTS)
def test_the_five_spots_verify(raw: str, original: str, exact: bool) -> None:
    v = verify_repair(raw, original)
    assert v.ok
    assert v.byte_for_byte is exact
    assert 0 < v.attested <= v.total


def test_shift_derivation_recovers_what_survives() -> None:
    # 康's lead byte fell off; the remaining bytes re-encode to the rest of the phrase
    assert derive_by_shift("导压怆娙嵝燥@") == "佳光電柔性顯"
    assert derive_by_shift("ǜ采w") == "覆蓋"


def test_swallowed_pinyin_remnant_is_reported() -> None:
    v = verify_repair("?!鞍陀逯嗡闭瞎蚕頂?shù)", "。“巴渝治水”整合共享數")
    assert v.remnants == ("shù)",)
    assert "swallowed pinyin remnant 'shù)'" in v.describe()


@pytest.mark.parametrize(
    ("raw", "wrong"),
    [
        ("??导压怆娙嵝燥@示", "康佳光電柔性顯著"),
        ("電子社??ǜ采w率", "電子社保險覆蓋率"),
        ("驗?zāi)J?", "驗模型"),
    ],
)
def test_wrong_originals_fail(raw: str, wrong: str) -> None:
    v = verify_repair(raw, wrong)
    assert not v.ok
    assert v.describe().startswith("NOT verified")


def test_fullwidth_fold_is_understood() -> None:
    # "!" is the NFKC fold of "！" (GBK a3 a1): the tail of 。 and the head of “
    assert verify_repair("?!", "。“").ok


def test_script_signals() -> None:
    assert is_traditional_compatible("於") and is_traditional_compatible("于")
    assert not is_traditional_compatible("导")
    assert is_traditional_text("重慶市互聯網發展報告")
    assert not is_traditional_text("重庆市互联网发展报告")
    text = "報告?發布"
    assert suspicious_char(text, 2, True) is not None
    assert suspicious_char("a?b", 1, True) is None
    assert suspicious_char("報导", 1, True) is not None
    assert suspicious_char("報导", 1, False) is None


def test_opencc_traditional_variants_are_not_damage() -> None:
    """爲 and 敎 are outside Big5-HKSCS but are what OpenCC s2t writes for 为 and 教; a
    traditional repost converted that way must raise no mojibake finding on them."""
    for ch in "爲敎":
        assert is_traditional_compatible(ch)
        assert suspicious_char(f"成{ch}重要", 1, True) is None
    text, _, report = clean("數字經濟已成爲穩增長的關鍵力量。", [])
    assert text == "數字經濟已成爲穩增長的關鍵力量。" and report.suspicious == []


# ------------------------------------------------------------ UTF-8 read as Windows-1252


def as_cp1252(text: str) -> str:
    """What a browser shows for UTF-8 bytes decoded as Windows-1252 (undefined bytes pass)."""
    return "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8")
    )


@pytest.mark.parametrize("original", ["重庆", "重慶", "互联网发展报告", "互聯網發展報告", "“渝”。"])
def test_cp1252_run_is_found_and_decodes_exactly(original: str) -> None:
    moji = as_cp1252(original)
    text = f"前文{moji}后文"
    [span] = find_cp1252_mojibake(text)
    assert (span.begin, span.end, span.fixed) == (2, 2 + len(moji), original)
    # each repaired character points at the character its first byte became
    assert [text[k] for k in span.starts] == [as_cp1252(c)[0] for c in original]


def test_cp1252_run_looks_through_what_the_cleaner_removes() -> None:
    text = "é‡\u200b\x8dåº†"  # a zero-width space inside the run
    [span] = find_cp1252_mojibake(text, lambda t, i: t[i] == "\u200b")
    assert (span.begin, span.end, span.fixed, span.starts) == (0, 7, "重庆", (0, 4))
    assert find_cp1252_mojibake(text)[0].fixed is None  # without: two runs, the first kept


def test_cp1252_double_encoding_and_dropped_c1() -> None:
    [span] = find_cp1252_mojibake(as_cp1252(as_cp1252("重庆")))
    assert span.fixed == "重庆"
    [span] = find_cp1252_mojibake("é‡\x8d‡")  # decodes only without the stray control
    assert (span.fixed, span.dropped) == ("采", 1)


def test_cp1252_run_before_a_combining_mark_gives_up_its_last_character() -> None:
    [span] = find_cp1252_mojibake("é‡åº\u0301")
    assert (span.begin, span.end, span.fixed) == (0, 3, None)  # º goes with the accent


def test_cp1252_runs_stop_at_ascii() -> None:
    spans = find_cp1252_mojibake(as_cp1252("5G基站超過1萬個"))
    assert [s.fixed for s in spans] == ["基站超過", "萬個"]


def test_cp1252_run_with_a_lost_byte_is_reported_not_repaired() -> None:
    assert as_cp1252("重庆") == "é‡\x8dåº†"
    [span] = find_cp1252_mojibake("截至去年底é‡åº†網民")  # U+008D lost: bytes E9 87 E5 BA 86
    assert (span.begin, span.end, span.fixed) == (5, 10, None)


@pytest.mark.parametrize("genuine", ["café", "聯(lián)網", "“渝悅·根治欠薪”", "naïve", "Â", "±5%"])
def test_genuine_latin_is_not_cp1252_mojibake(genuine: str) -> None:
    assert find_cp1252_mojibake(genuine) == []
