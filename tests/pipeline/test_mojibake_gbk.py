"""UTF-8 read as GBK (``graph.pipeline.mojibake_gbk``) and its repair by the cleaner."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.curation import CURATION_DIR
from graph.pipeline.ingest_rules import clean
from graph.pipeline.mojibake_gbk import find_gbk_mojibake, find_gbk_suspects, word_cover
from graph.text import fold, is_han, to_hans, to_hant


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


@pytest.mark.parametrize("original", ["数字经济", "數字經濟"])
def test_only_the_intact_bytes_of_a_cut_run_are_repaired(original: str) -> None:
    moji = as_gbk(original)  # 数字 is bytes 0-5, 经济 bytes 6-11
    [run] = find_gbk_mojibake("办事" + moji[1:] + "次数")  # the lead byte of 数 lost
    # the rest of 数字 is left as it is (no byte guessed); 经济 is intact
    assert (run.begin, run.end, run.fixed) == (4, 7, original[2:])


@pytest.mark.parametrize(
    "original",
    [
        *("共建共享", "形成合力", "深度融合", "平均跑动", "平均跑動", "系统梳理", "系統梳理"),
        *("协同发展", "協同發展", "数据要素市场", "數據要素市場"),
        *("互联网普及率达到", "互聯網普及率達到"),
    ],
)
def test_runs_of_common_characters_repair_when_they_read_as_words(original: str) -> None:
    moji = as_gbk(original)  # 共建共享 reads 鍏卞缓鍏变韩: 卞 缓 变 韩 are common characters
    text = f"会上，{moji}成为共识。"
    [run] = find_gbk_mojibake(text)
    assert (run.begin, run.end, run.fixed) == (3, 3 + len(moji), original)
    assert find_gbk_suspects(text) == []


def test_bytes_gbk_cannot_decode_are_not_guessed() -> None:
    # 協同推進 holds the byte pair 80 B2, which GBK has no character for: a reader shows
    # 鍗斿悓鎺ㄩ�� and only 協同 decodes exactly; the rest is U+FFFD, reported as such
    shown = "協同推進".encode().decode("gbk", errors="replace")
    text, _, report = clean(f"兩地{shown}合作", [])
    assert text.startswith("兩地協同") and "推進" not in text
    assert any("U+FFFD" in f.message for f in report.suspicious)


@pytest.mark.parametrize(
    ("accidental", "reading"),
    [("楂樹緦", "高侌"), ("灏辨东", "就涫"), ("姊洪弹", "梺鵯")],
)
def test_an_accidental_run_is_not_repaired_but_reported(accidental: str, reading: str) -> None:
    # characters of genuine words side by side (山楂 樹 緦麻, 姊妹 洪水 弹性) that have the byte
    # pattern: their reading is no word, so the text stays and the run becomes a finding
    raw = f"文中{accidental}一段"
    assert find_gbk_mojibake(raw) == []
    [suspect] = find_gbk_suspects(raw)
    assert (suspect.begin, suspect.end, suspect.reading) == (2, 5, reading)
    text, _, report = clean(raw, [])
    assert text == raw
    [finding] = [f for f in report.suspicious if "GBK" in f.message]
    assert (finding.code, finding.begin, finding.end) == ("unrepaired-mojibake", 2, 5)
    assert (finding.raw_begin, finding.raw_end) == (2, 5)


@pytest.mark.parametrize("original", ["平均跑动", "平均跑動"])
def test_the_cut_rest_of_a_run_that_reads_as_no_word_is_reported(original: str) -> None:
    moji = as_gbk(original)  # 骞冲潎璺戝姩: cut before 平, 跑动 is one window alone
    raw = "办事" + moji[1:] + "次数"
    text, _, report = clean(raw, [])
    assert text == raw  # 跑动 is no common word: not repaired on one window
    [finding] = [f for f in report.suspicious if "GBK" in f.message]
    assert (finding.begin, finding.end) == (4, 7) and original[2:] in finding.message


@pytest.mark.parametrize(
    ("text", "cover"),
    [
        ("共建共享", 4),
        ("數字經濟", 4),
        ("協同推進", 4),
        ("协同推进工作", 6),
        ("鍏卞缓鍏变韩", 0),
        ("高侌", 0),
    ],
)
def test_word_cover_counts_characters_in_common_words(text: str, cover: int) -> None:
    assert word_cover(text) == cover


def _genuine_texts() -> dict[str, str]:
    """The seed and every fixture's clean text (``expected_clean.txt``, else ``raw.txt``)."""
    root = Path(__file__).resolve().parents[2]
    out = {str(f): f.read_text(encoding="utf-8") for f in root.glob("graph/sources/*/raw.txt")}
    for d in sorted(root.glob("tests/fixtures/articles/fx-*")):
        f = d / "expected_clean.txt" if (d / "expected_clean.txt").exists() else d / "raw.txt"
        out[str(f)] = f.read_text(encoding="utf-8")
    return out


@pytest.mark.parametrize("script", [to_hans, to_hant])
def test_the_repository_s_genuine_texts_have_no_run_in_either_script(
    script: Callable[[str], str],
) -> None:
    texts = _genuine_texts()
    assert len(texts) > 30
    for name, text in texts.items():
        converted = script(text)
        assert find_gbk_mojibake(converted) == [], name
        assert find_gbk_suspects(converted) == [], name


@pytest.mark.parametrize("script", [to_hans, to_hant])
@pytest.mark.parametrize("strict", [True, False])
def test_phrases_of_the_fixtures_repair_when_read_as_gbk(
    script: Callable[[str], str], strict: bool
) -> None:
    # every 4- and 6-character stretch of common words in the fixture texts, in one script,
    # read by strict GBK or as a browser shows GBK (private-use pairs, byte 80 as €)
    phrases = set()
    for text in _genuine_texts().values():
        for stretch in re.findall("[\u4e00-\u9fff]{4,}", script(text)):
            for size in (4, 6):
                for i in range(0, len(stretch) - size + 1, 2):
                    phrase = stretch[i : i + size]
                    if word_cover(phrase) == size:
                        phrases.add(phrase)
    decodable = {}
    for phrase in phrases:
        try:
            shown = as_gbk(phrase) if strict else as_browser_gbk(phrase)
        except UnicodeDecodeError:  # a byte pair strict GBK has no character for
            continue
        if "\ufffd" not in shown:  # a lone byte left over: not all of it can be repaired
            decodable[phrase] = shown
    assert len(decodable) > 1000
    missed = [p for p, m in decodable.items() if [s.fixed for s in find_gbk_mojibake(m)] != [p]]
    assert missed == []


def test_the_common_word_list_is_folded_sorted_and_of_short_han_words() -> None:
    lines = (CURATION_DIR / "common_words.txt").read_text(encoding="utf-8").splitlines()
    words = [w for w in lines if not w.startswith("#")]
    assert len(words) == 30_000 and words == sorted(set(words))
    assert all(2 <= len(w) <= 4 and all(is_han(c) for c in w) and fold(w) == w for w in words)
    # one list for both scripts: a traditional word is found through its folded form
    assert word_cover("網絡安全") == word_cover("网络安全") == 4


def as_browser_gbk(text: str) -> str:
    """What a browser (GB18030's table) or Windows' code page 936 shows for UTF-8 read as
    GBK: user-defined pairs as private-use characters, a lone byte 80 as €, any other byte
    it cannot decode as U+FFFD."""

    def shown(err: UnicodeError) -> tuple[str, int]:
        assert isinstance(err, UnicodeDecodeError)
        return ("€" if err.object[err.start] == 0x80 else "\ufffd"), err.start + 1

    codecs.register_error("test-browser-gbk", shown)
    return text.encode("utf-8").decode("gb18030", errors="test-browser-gbk")


@pytest.mark.parametrize(
    ("original", "shown"),
    [
        ("数字一体化", "鏁板瓧涓€浣撳寲"),  # 一 is E4 B8 80: 涓 then a lone 80
        ("數字一體化", "鏁稿瓧涓€楂斿寲"),
        ("参考指", "鍙傝€冩寚"),  # 考 is E8 80 83: 80 falls on a lead position
        ("參考指", "鍙冭€冩寚"),
    ],
)
def test_a_lone_byte_80_shown_as_euro_is_read_back_as_byte_80(original: str, shown: str) -> None:
    assert as_browser_gbk(original) == shown
    text = f"会上{shown}成为"
    [run] = find_gbk_mojibake(text)
    assert (run.begin, run.end, run.fixed) == (2, 2 + len(shown), original)
    assert list(run.starts) == sorted(run.starts)
    cleaned, offsets, _ = clean(text, [])
    assert cleaned == f"会上{original}成为"
    assert text[offsets[cleaned.index("成")]] == "成"


@pytest.mark.parametrize("original", ["参考", "參考", "加快推進"])
def test_a_euro_that_does_not_decode_is_reported(original: str) -> None:
    # 考's 80 83 ends the text: 83 is a lone byte, so no window decodes and nothing is repaired
    shown = as_browser_gbk(original)
    assert "€" in shown
    text, _, report = clean(f"会上{shown}。", [])
    assert "€" in text
    assert any("'€' after a GBK character" in f.message for f in report.suspicious)


@pytest.mark.parametrize("original", ["专家", "專家", "推进建设", "基礎設施建設"])
def test_a_private_use_character_is_read_back_as_its_user_defined_byte_pair(
    original: str,
) -> None:
    shown = as_browser_gbk(original)  # 家 is E5 AE B6: the pair AE B6 is user-defined
    assert any(unicodedata.category(c) == "Co" for c in shown)
    assert "\ufffd" not in shown
    text, offsets, _ = clean(f"会上{shown}成为", [])
    assert text == f"会上{original}成为"
    assert offsets[len(text) - 2] == 2 + len(shown)  # 成 maps to itself


@pytest.mark.parametrize("text", ["会上\ue18d成为", "會上\ue18d成為"])
def test_a_private_use_character_left_over_is_reported(text: str) -> None:
    cleaned, _, report = clean(text, [])
    assert cleaned == text
    [finding] = [f for f in report.suspicious if "private-use" in f.message]
    assert (finding.begin, finding.end) == (2, 3)
