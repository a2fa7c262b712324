"""HTML markup (``graph.pipeline.markup``): a saved web page cleans to its article text, with
every character still mapped to its raw bytes, and gives the same figures as the plain text."""

from __future__ import annotations

import html
import tomllib
import unicodedata
from pathlib import Path

import pytest
from fixture_support import ARTICLES, compare_seed, extract_figures, write_source

from graph.pipeline.add import add
from graph.pipeline.ingest import decode
from graph.pipeline.ingest_rules import clean
from graph.pipeline.markup import find_markup, html_title, looks_like_html, visible_text

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta property="og:title" content="{title}">
<title>{title} - 测试网</title>
<style>.a {{ color: red }} p > span {{ x: 1 }}</style>
<script>var s = "<p>不是正文，超过99%</p>"; if (a < b && c > d) {{}}</script>
</head>
<body><nav><a href="/">首页</a> <a href="/n">新闻</a></nav>
<!-- 正文开始：截至2099年底 -->
<article><h1>{title}</h1>
{paragraphs}
</article>
<footer>版权所有 &copy; 测试网 &nbsp;</footer>
</body></html>
"""


def as_page(text: str, title: str, lang: str) -> str:
    """A page in the style of an outlet's article: each line a <p>, long lines wrapped in
    the source between Han characters, references for & and <, a script and a style."""
    paragraphs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        body = html.escape(line, quote=False)
        # wrap the source line after the 12th character when both sides are Han
        if len(body) > 30 and "\u4e00" <= body[11] <= "\u9fff" and "\u4e00" <= body[12] <= "\u9fff":
            body = body[:12] + "\n      " + body[12:]
        paragraphs.append(f'<p class="txt"><span>{body}</span></p>')
    return PAGE.format(title=html.escape(title), lang=lang, paragraphs="\n".join(paragraphs))


@pytest.mark.parametrize(
    "fixture_id", ["fx-c-shancheng-2024-cq2023-hans", "fx-b-jialing-2023-cq2022-hant"]
)
def test_an_article_saved_as_a_web_page_gives_the_same_figures(
    fixture_id: str, tmp_path: Path
) -> None:
    folder = ARTICLES / fixture_id
    manifest = tomllib.loads((folder / "source.toml").read_text(encoding="utf-8"))
    text = (folder / "raw.txt").read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    page = as_page(body, title, manifest["language"])
    assert looks_like_html(page)
    kept = {k: v for k, v in manifest.items() if k not in ("id", "file", "sha256")}
    other = write_source(tmp_path, page.encode("utf-8"), kept, f"{fixture_id}-page")
    original, from_page = extract_figures(folder), extract_figures(other)
    assert "<" not in from_page.text and "不是正文" not in from_page.text
    comparison = compare_seed(original, from_page)
    # the page has no headline line of its own text (the title is in <head> and <h1>)
    assert [(o.stated_value, o.indicator) for o, _ in comparison.differing] == []
    assert comparison.wrong_magnitude == []
    assert comparison.n_hans == comparison.n_seed


@pytest.mark.parametrize(
    ("raw", "clean_text"),
    [
        ("<html><body><p>全市5G基站达到9.1万个</p><p>同比增长24.7%</p></body></html>",
         "\n全市5G基站达到9.1万个\n\n同比增长24.7%\n"),
        ("<html><body><p>全市5G基站達到9.1萬個</p><p>按年增長24.7%</p></body></html>",
         "\n全市5G基站達到9.1萬個\n\n按年增長24.7%\n"),
        ("<html><body><p>互联网普及率\n   达到79.3%&amp;以上</p></body></html>",
         "\n互联网普及率达到79.3%&以上\n"),
        ("<html><body><table><tr><th>指标</th><th>2023年</th></tr>"
         "<tr><td>5G基站（万个）</td><td>9.1</td></tr></table></body></html>",
         "\n\n指标|2023年\n\n5G基站(万个)|9.1\n\n"),
    ],
)  # fmt: skip
def test_markup_becomes_lines_cells_and_characters(raw: str, clean_text: str) -> None:
    text, offsets, report = clean(raw, [])
    assert text == clean_text
    assert report.counts.get("markup", 0) > 0
    for i, ch in enumerate(text):
        if ch not in "\n|&":  # a character of the article maps to that same raw character
            assert unicodedata.normalize("NFKC", raw[offsets[i]]) == ch


@pytest.mark.parametrize(
    "plain",
    [
        "重庆市网络时延<5ms的区域覆盖率达到60%。",
        "重慶市網絡時延<5ms的區域覆蓋率達到60%,文中引用了<p>標籤。",
        "截至2023年底,全市网民规模达到2362万人。",
    ],
)
def test_plain_text_is_not_html(plain: str) -> None:
    assert not looks_like_html(plain)
    assert find_markup(plain) == []
    assert "markup" not in clean(plain, [])[2].counts
    assert clean(plain, [])[0].count("<") == plain.count("<")  # a '<' in prose stays


def test_a_page_heavy_with_script_is_still_a_chinese_document() -> None:
    page = "<html><head><script>" + "var x = 1;" * 5000 + "</script></head>"
    page += "<body><p>截至2023年底，全市网民规模达到2362万人。</p></body></html>"
    assert len(visible_text(page)) < 100
    text, _ = decode(page.encode("utf-8"), "page.html")
    assert text == page  # decoded whole: the check only measures the text


def test_add_takes_the_pages_title(tmp_path: Path) -> None:
    page = as_page("截至2023年底，全市网民规模达到2362万人。", "重庆发布报告 & 数据", "zh-Hans")
    assert html_title(page) == "重庆发布报告 & 数据"
    added = add(
        page.encode(), "p.html", publisher="测试网", date="2024-10-13", sources_dir=tmp_path
    )
    assert added.title == "重庆发布报告 & 数据"
