"""Segmentation: headings by rule, stable sentence ids, exact spans, golden TSV."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.model import CleaningReport, CleanText, Segmentation
from graph.pipeline import ingest, segment
from graph.pipeline.sources import load_sources
from graph.text import to_hans, to_hant

GOLDEN = Path(__file__).parents[1] / "golden" / "segments.tsv"
UPDATE = os.environ.get("CQKG_UPDATE_GOLDEN") == "1"  # CQKG_UPDATE_GOLDEN=1 pytest ... refreshes


@pytest.fixture(scope="module")
def clean() -> CleanText:
    return ingest.run(load_sources()[0])


@pytest.fixture(scope="module")
def seg(clean: CleanText) -> Segmentation:
    return segment.run(clean)


def _tsv(seg: Segmentation) -> str:
    sections = {s.id: s for s in seg.sections}
    lines = ["section_id\tlevel\theading\tsentence_id\tbegin\tend"]
    for s in seg.sentences:
        sec = sections[s.section_id]
        lines.append(f"{sec.id}\t{sec.level}\t{sec.heading}\t{s.id}\t{s.begin}\t{s.end}")
    return "\n".join(lines) + "\n"


def test_golden_segments(seg: Segmentation) -> None:
    actual = _tsv(seg)
    if UPDATE:
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8"), "CQKG_UPDATE_GOLDEN=1 pytest to refresh"


def test_structure(seg: Segmentation) -> None:
    levels = [(s.level, s.id) for s in seg.sections]
    assert levels[0] == (0, "front-matter") and levels[-1] == (0, "byline")
    assert [lv for lv, _ in levels[1:-1]] == [1] * 9 + [2] * 4
    assert seg.sections[1].heading == "網絡信息技術創新活躍"
    assert seg.sections[-2].heading == "大力建設“3443”數字素養發展格局"
    assert len({s.id for s in seg.sections}) == len(seg.sections)


def test_spans_exact_and_ids_stable(clean: CleanText, seg: Segmentation) -> None:
    ids = [s.id for s in seg.sentences]
    assert len(set(ids)) == len(ids)
    for s in seg.sentences:
        assert clean.text[s.begin : s.end] == s.text == s.text.strip()
        assert s.id == f"{clean.source_id}/p{s.paragraph:03d}s{s.id[-2:]}"
    assert seg.sentences[0].text == "《重慶市互聯網發展報告(2023)》發布"


def test_sections_cover_their_sentences(seg: Segmentation) -> None:
    sections = {s.id: s for s in seg.sections}
    for s in seg.sentences:
        sec = sections[s.section_id]
        assert sec.begin <= s.begin and s.end <= sec.end
    for sec in seg.sections:
        if sec.heading:
            assert sec.heading_begin == sec.begin


def test_briefings_end_with_an_official(clean: CleanText, seg: Segmentation) -> None:
    for sec in seg.sections:
        if sec.level == 2:
            last = [s for s in seg.sentences if s.section_id == sec.id][-1]
            para = [s for s in seg.sentences if s.paragraph == last.paragraph]
            assert "表示" in para[0].text


def _mini(text: str) -> Segmentation:
    return segment.run(CleanText("x", text, text, tuple(range(len(text) + 1)), CleaningReport()))


def test_no_split_inside_quotes_or_brackets() -> None:
    text = "標題\n日期\n他說“好。很好。”然後走了。《書。名》出版(注。釋)完。"
    got = [s.text for s in _mini(text).sentences]
    assert got == ["標題", "日期", "他說“好。很好。”然後走了。", "《書。名》出版(注。釋)完。"]


def test_unbalanced_bracket_keeps_rest_of_line() -> None:
    text = "標題\n日期\n前文(未閉合。後文。\n下一段。"
    got = [s.text for s in _mini(text).sentences]
    assert got == ["標題", "日期", "前文(未閉合。後文。", "下一段。"]


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("互聯網賦能高品質生活", True),
        ("大力建設“3443”數字素養發展格局", True),
        ("建成智慧醫院67家", False),
        ("重慶市網民數量達2362萬人", False),
        ("據國家網信辦顯示,重慶", False),
        ("記者 吳禮霜/文 李文科/圖", False),
    ],
)
def test_heading_rule(line: str, heading: bool) -> None:
    assert segment.is_heading(line) is heading


# ---------------------------------------------------------------- non-statement lines

PAGE = (
    "某市發布年度報告 全市網民達1234萬人\n"
    "2023-09-20 18:08 來源：某某網\n"
    "原標題：《某市互聯網發展報告(2022)》發布 網民規模突破1200萬\n"
    "\n"
    "截至2022年底,全市網民數量達1234萬人。\n"
    "記者 張三\n"
    "責任編輯：李四\n"
)


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_headline_dateline_original_title_and_credits_are_not_statements(script: str) -> None:
    from graph.text import to_hans

    text = PAGE if script == "hant" else to_hans(PAGE)
    kinds = [(text[b:e][:2], kind) for b, e, kind in segment.non_statements(text)]
    assert [k for _, k in kinds] == ["title", "dateline", "original-title", "byline", "byline"]
    # the body line is a statement
    body = text.index("截至")
    assert not any(b <= body < e for b, e, _ in segment.non_statements(text))


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_headline_figures_are_accounted_not_extracted(script: str) -> None:
    from graph.pipeline.extract import metrics
    from graph.text import to_hans

    text = PAGE if script == "hant" else to_hans(PAGE)
    clean = CleanText("x", text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, findings, acc = metrics.run_with_accounting(clean, segment.run(clean), [])
    assert [o.stated_value for o in obs] == [
        to_hans("1234萬人") if script == "hans" else "1234萬人"
    ]
    assert acc.balanced
    # 1234 in the headline restates the body; 1200 (原標題) does not and is flagged for review
    assert acc.excluded.get("headline restating a body figure") == 1
    warned = [f for f in findings if f.code == "number-not-extracted"]
    assert [text[f.begin : f.end] for f in warned if f.begin is not None] == ["1200"]


def test_a_one_line_text_or_a_sentence_first_line_is_not_a_headline() -> None:
    assert segment.non_statements("網民數量2362萬人。") == []
    assert [k for *_, k in segment.non_statements("網民數量2362萬人。\n下一段。")] == []


@pytest.mark.parametrize(
    ("line", "heading"),
    [("建成智慧医院67家", False), ("重庆市网民数量达2362万人", False), ("记者 张三", False)],
)
def test_heading_rule_simplified(line: str, heading: bool) -> None:
    assert segment.is_heading(line) is heading


def test_bad_layout_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "layout.yaml"
    bad.write_text("byline_words: 記者\n", encoding="utf-8")
    with pytest.raises(segment.InputError, match=r"^layout.yaml: expected lists"):
        segment.load_layout(bad)


INTERVIEW = (
    "某縣寬帶用戶兩年翻番\n"
    "示例網 2031-05-06 10:00\n"
    "通訊員 王五\n"
    "示例縣通信管理局日前發布年度情況。\n"
    "記者：全縣寬帶用戶有多少？\n"
    "局長：全縣固定寬帶用戶達到48萬戶。\n"
    "問：明年有何打算？\n"
    "答：新建基站300個。\n"
    "\n"
    "（責任編輯：趙六）\n"
)


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_byline_line_is_only_itself_and_turn_markers_are_statements(script: str) -> None:
    """A credit under the dateline and 記者：…？ turns never open the closing credits."""
    from graph.text import to_hans

    text = INTERVIEW if script == "hant" else to_hans(INTERVIEW)
    clean = CleanText("x", text, text, tuple(range(len(text) + 1)), CleaningReport())
    seg = segment.run(clean)
    section_of = {s.text[:2]: s.section_id for s in seg.sentences}
    assert section_of[text[text.index("局長" if script == "hant" else "局长") :][:2]] == (
        "front-matter"
    )
    assert section_of[text[text.index("答") :][:2]] == "front-matter"
    assert section_of["（" + text[text.index("責" if script == "hant" else "责")]] == "byline"
    kinds = [(text[b:e], k) for b, e, k in segment.non_statements(text)]
    assert [k for _, k in kinds] == ["title", "dateline", "byline-line", "byline"]
    assert not any(t.startswith(("記者", "记者")) for t, _ in kinds)


@pytest.mark.parametrize("to_script", [to_hant, to_hans])
def test_one_splitter_gives_both_cuts(to_script: Callable[[str], str]) -> None:
    """Sentences keep quotes whole and their mark; figure units cut inside quotes, without it."""
    text = to_script("江北区新建基站120个。他说：“增长很快；还要建。” 明年继续！")
    sentences = [text[b:e] for b, e in segment.sentence_spans(text)]
    assert sentences == [
        to_script("江北区新建基站120个。"),
        to_script("他说：“增长很快；还要建。” 明年继续！"),  # a closing quote ends nothing
    ]
    marks = segment.SENTENCE_MARKS | {"\n"}
    units = segment.sentence_spans(text, marks=marks, nested=False, with_mark=False, trim=False)
    assert [text[b:e] for b, e in units] == [
        to_script("江北区新建基站120个"),
        to_script("他说：“增长很快"),
        to_script("还要建"),
        to_script("” 明年继续"),
    ]
    assert segment.sentence_spans(to_script("一。\n\n二"), marks=marks, nested=False) == [
        (0, 2),
        (4, 5),
    ]


RELATED_PAGE = (
    "某縣數字經濟規模達到320億元\n"
    "來源：示例網　2031-05-06 10:00\n"
    "示例縣全年數字經濟規模達到320億元,同比增長9.5%。\n"
    "分享到：微信　微博\n"
    "\n"
    "【延伸閱讀】\n"
    "· 示例縣5G基站突破2000個\n"
    "\n"
    "· 1-8月示例縣軟件收入增長12.8%\n"
    "相關新聞：示例市網民規模達到880萬人\n"
    "· 第三屆數字大會將於11月舉辦 預計參會企業500家\n"
)


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_related_reading_list_is_not_statements(script: str) -> None:
    """延伸閱讀 / 相關新聞 (layout.yaml related_words) open a list of other articles'
    headlines: header and links are non-statements, blank lines between links included."""
    from graph.pipeline.extract import metrics

    text = RELATED_PAGE if script == "hant" else to_hans(RELATED_PAGE)
    kinds = {text[b:e]: kind for b, e, kind in segment.non_statements(text)}
    related = [t for t, k in kinds.items() if k == "related"]
    assert len(related) == 5 and related[0].endswith("】")
    assert not any("同比" in t or "分享" in t for t in related)  # the body and share line
    clean = CleanText("x", text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, _, acc = metrics.run_with_accounting(clean, segment.run(clean), [])
    body = ["320億元", "9.5%"]
    assert [o.stated_value for o in obs] == [to_hans(s) if script == "hans" else s for s in body]
    # 2000, 12.8, 880, 500 (1-8月 and 11月 are dates, 5G a name): named, never warned
    assert acc.balanced and acc.excluded.get("related-reading headline") == 4
    assert acc.warned == 0


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_related_list_ends_at_a_paragraph_and_a_mid_text_word_is_no_header(script: str) -> None:
    page = (
        "標題\n示例網 2031-05-06\n"
        "相關閱讀\n· 某地網民達100萬人\n"
        "示例縣的全年網民規模達到120萬人,其中農村網民40萬人。\n"
        "文中提到相關閱讀材料共3份。\n"
    )
    text = page if script == "hant" else to_hans(page)
    kinds = [(text[b:e], kind) for b, e, kind in segment.non_statements(text)]
    assert [k for _, k in kinds if k == "related"] == ["related", "related"]
    assert kinds[-1][0].endswith("100萬人" if script == "hant" else "100万人")


@pytest.mark.parametrize("script", ["hant", "hans"])
@pytest.mark.parametrize("header", ["▼往期推薦", ">> 延伸閱讀 <<", "【熱點推薦】："])
def test_a_related_header_may_carry_marks_but_no_words(script: str, header: str) -> None:
    page = f"標題\n示例網 2031-05-06\n正文網民達到120萬人。\n{header}\n· 某地基站新增1200個\n"
    text = page if script == "hant" else to_hans(page)
    kinds = [kind for _, _, kind in segment.non_statements(text)]
    assert kinds.count("related") == 2
    # a line that only mentions the word inside a sentence is no header
    prose = page.replace(header, "文末的往期推薦欄目共列出5篇")
    prose = to_hans(prose) if script == "hans" else prose
    assert "related" not in [k for *_, k in segment.non_statements(prose)]


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_credits_before_a_related_list_still_close_the_article(script: str) -> None:
    page = (
        "標題\n示例網 2031-05-06\n正文網民達到120萬人。\n"
        "來源：示例網\n編輯：王五　校對：李四\n\n▼往期推薦\n· 某地基站新增1200個\n"
    )
    text = page if script == "hant" else to_hans(page)
    clean = CleanText("x", text, text, tuple(range(len(text) + 1)), CleaningReport())
    seg = segment.run(clean)
    assert [s.id for s in seg.sections] == ["front-matter", "byline"]
    kinds = [k for *_, k in segment.non_statements(text)]
    assert kinds[-4:] == ["credit", "byline", "related", "related"]


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_bracketed_subhead_is_not_a_statement(script: str) -> None:
    """【軟件業收入按年增逾一成】 alone on its line sums up the section below it, like a
    headline: no statement, so its figure is not read; a dateline opening with 【本報訊】
    goes on after the bracket and stays a statement."""
    page = (
        "示例標題\n示例報 2031年5月6日\n【本報訊】全市網民規模達到2400萬人。\n\n"
        "【軟件業收入按年增逾一成】\n\n軟件業務收入達到2450億元，按年增長12.4%。\n"
    )
    text = page if script == "hant" else to_hans(page)
    kinds = {text[b:e]: k for b, e, k in segment.non_statements(text)}
    sub = "【軟件業收入按年增逾一成】"
    sub = sub if script == "hant" else to_hans(sub)
    assert kinds.get(sub) == "subhead"
    assert not any(t.startswith("【本報訊】") or t.startswith("【本报讯】") for t in kinds)
