"""GBK mojibake: derivation by re-encoding and byte-level verification of reviewed repairs."""

from __future__ import annotations

import pytest

from graph.mojibake import (
    derive_by_shift,
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
