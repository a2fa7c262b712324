"""UTF-8 read as GBK (``graph.pipeline.mojibake_gbk``) and its repair by the cleaner."""

from __future__ import annotations

import pytest

from graph.pipeline.ingest_rules import clean
from graph.pipeline.mojibake_gbk import find_gbk_mojibake


def as_gbk(text: str) -> str:
    """What a GBK reader shows for the UTF-8 bytes of ``text`` (strict: no byte lost)."""
    return text.encode("utf-8").decode("gbk")


@pytest.mark.parametrize(
    "original", ["平均跑动", "平均跑動", "数字经济规模", "數字經濟規模", "网联数据", "網聯數據"]
)
def test_a_run_is_found_in_both_scripts_and_decodes_exactly(original: str) -> None:
    moji = as_gbk(original)
    text = f"群众办事{moji}次数"
    [run] = find_gbk_mojibake(text)
    assert (run.begin, run.end, run.fixed, run.codec) == (4, 4 + len(moji), original, "GBK")
    assert list(run.starts) == sorted(run.starts) and run.starts[0] == 4


@pytest.mark.parametrize(
    "genuine",
    [
        "重庆市数字经济规模突破两千亿元，同比增长12.5%。",
        "重慶市數字經濟規模突破兩千億元，按年增長12.5%。",
        "记者璐瑜、琪琳从市通信管理局获悉，全市5G基站达到9.1万个。",
        "記者璐瑜、琪琳從市通信管理局獲悉，全市5G基站達到9.1萬個。",
        "鑫瑞科技、翊宸数据、骞翮网络三家企业入选。",
    ],
)
def test_genuine_text_has_no_run(genuine: str) -> None:
    assert find_gbk_mojibake(genuine) == []


@pytest.mark.parametrize(
    ("clean_text", "run"),
    [
        ("截至去年底全市互联网普及率达到79.3%。", "互联网普及率"),
        ("截至去年底全市互聯網普及率達到79.3%。", "互聯網普及率"),
    ],
)
def test_the_cleaner_repairs_the_run_and_maps_offsets_to_the_raw_run(
    clean_text: str, run: str
) -> None:
    raw = clean_text.replace(run, as_gbk(run))
    text, offsets, report = clean(raw, [])
    assert text == clean_text
    [edit] = [e for e in report.edits if e.kind == "mojibake"]
    assert "UTF-8 read as GBK" in edit.reason
    begin = clean_text.index(run)
    # the repaired characters point into the raw run, the text after it at its own bytes
    assert offsets[begin] == raw.index(as_gbk(run))
    assert raw[offsets[begin + len(run)]] == clean_text[begin + len(run)]
    assert clean(text, [])[0] == text  # idempotent


def test_only_the_intact_bytes_of_a_cut_run_are_repaired() -> None:
    moji = as_gbk("平均跑动")  # 骞冲潎璺戝姩: 平均 is bytes 0-5, 跑动 bytes 6-11
    [run] = find_gbk_mojibake("办事" + moji[1:] + "次数")  # the lead byte of 平 lost
    # 冲潎 holds the rest of 平均 and is left as it is (no byte guessed); 跑动 is intact
    assert (run.begin, run.end, run.fixed) == (4, 7, "跑动")
