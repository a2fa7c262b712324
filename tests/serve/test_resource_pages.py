"""The HTML resource pages at ``/id/{path}``: content on the real build, escaping, path checks."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from graph.pipeline.run import BuildResult
from graph.serve.app import ServerConfig, create_app
from graph.serve.page_model import format_decimal, iri_term, resource_iri
from graph.sparql.workers import WorkerPool
from graph.text import highlight

pytestmark = [pytest.mark.server]

ROOT = Path(__file__).resolve().parents[2]
SRC = "hualong-2024-10-12-cq-internet-report-2023"
GOVERNANCE = "互聯網賦能高效能治理"


@pytest.fixture(scope="module")
def client(built: BuildResult) -> Iterator[TestClient]:
    pool = WorkerPool(built.out_dir, size=1)
    app = create_app(ServerConfig(build_dir=built.out_dir, workers=1), pool)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c
    pool.close()


def _text(page: str) -> str:
    """Visible text: style dropped, tags become spaces, entities decoded, whitespace collapsed."""
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", page)))


def _quote_blocks(page: str) -> list[str]:
    return re.findall(r"<blockquote>(.*?)</blockquote>", page, re.S)


# ---------------------------------------------------------------- real build


def test_yukuaiban_page_shows_both_figures_with_sentence_and_section(client: TestClient) -> None:
    resp = client.get("/id/platform/yukuaiban")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    page = resp.text
    text = _text(page)
    assert "渝快辦 / 渝快办 / Yukuaiban" in text
    assert "平臺 · Platform" in text
    assert "https://w3id.org/cqkg/id/platform/yukuaiban" in text
    assert 'href="/view?focus=platform/yukuaiban"' in page
    assert 'href="/id/platform/yukuaiban?format=turtle"' in page
    assert 'href="/id/platform/yukuaiban?format=jsonld"' in page and 'href="/query"' in page
    sentence_tail = (
        "辦件量達2.7億件,“一件事一次辦”覆蓋90%以上高頻事項,入選國務院辦公廳推廣典型案例。"
    )
    # the two figures, each with its quote marked inside the full sentence, and the section
    assert "<mark>“渝快辦”服務2637萬人</mark>、" + sentence_tail in page
    assert "“渝快辦”服務2637萬人、<mark>辦件量達2.7億件</mark>," in page
    for stated, value, unit in (("2637萬人", "26,370,000", "人"), ("2.7億件", "270,000,000", "件")):
        assert f'<div class="big">{stated}</div>' in page
        assert f"數值 value {value} {unit}" in text
    figures = page[page.index("figures (2)") : page.index("relations</span></h2>")]
    assert figures.count(f">{GOVERNANCE}</a>") == 2
    assert "<dd>2023</dd>" in figures and "確數" in figures
    # the mention, grouped under its section
    mentions = page[page.index("mentions (1)") :]
    assert '§ <a href="/id/theme/hu-lian-wang-fu-neng-gao-xiao-neng-zhi-li"' in mentions
    assert "“<mark>渝快辦</mark>”服務2637萬人" in mentions


def test_agency_page_incoming_organizer_and_posts_with_quotes(client: TestClient) -> None:
    page = client.get("/id/agency/cq-cac").text
    text = _text(page)
    assert "市委網信辦 / 市委网信办 / Cyberspace Administration Office" in text
    assert "重慶市委網信辦" in text  # skos:altLabel
    # incoming organizer from the press conference, with its evidence sentence
    org = page[page.index("主辦方") :]
    assert '<a href="/id/event/report-press-conference"' in org
    assert "新聞發布會 ← 主辦方 ← 市委網信辦" in _text(org)
    assert "<mark>市委網信辦聯合市經濟信息委、市大數據發展局、重慶通信管理局召開" in org
    # posts in this agency, who holds them, and the quote naming them
    # (org: terms are labelled in ontology/cqkg.ttl: post in = 職位所屬機構, held by = 任職者)
    posts = _text(page[page.index("職位所屬機構") : page.index("主辦方")])
    assert "市委網信辦主任 ← 職位所屬機構 ← 市委網信辦 · 任職者 吳勇軍" in posts
    assert "市委網信辦副主任 ← 職位所屬機構 ← 市委網信辦 · 任職者 雷志宇" in posts
    assert "市委網信辦主任、市委宣傳部副部長(兼)吳勇軍" in posts
    assert "市委網信辦副主任雷志宇" in posts
    assert page.count('href="/id/person/wu-yongjun"') >= 1
    assert page.count('href="/id/person/lei-zhiyu"') >= 1


def test_person_page_posts_via_holds_and_post_in(client: TestClient) -> None:
    text = _text(client.get("/id/person/wu-yongjun").text)
    assert "吳勇軍 → 擔任 → 市委網信辦主任 · 職位所屬機構 市委網信辦" in text
    assert "吳勇軍 → 擔任 → 市委宣傳部副部長 · 職位所屬機構 市委宣傳部" in text
    assert "新聞發布會 ← 發言人 ← 吳勇軍" in text and "吳勇軍介紹" in text


def test_observation_page(client: TestClient) -> None:
    resp = client.get("/id/obs/yu-kuai-ban-fu-wu/quantity-26370000-yukuaiban")
    assert resp.status_code == 200
    page, text = resp.text, _text(resp.text)
    assert "“渝快辦”服務 2637萬人 / “渝快办”服务 2637万人" in text
    assert "觀測值 · Observation" in text
    assert '<div class="big">2637萬人</div>' in page
    assert "數值 value 26,370,000 人" in text and "關於 about 渝快辦" in text
    assert "<mark>“渝快辦”服務2637萬人</mark>、辦件量達2.7億件" in page
    assert f'href="/id/span/{SRC}/2174-2187"' in page
    assert "open in viewer" not in page  # the viewer has no node for observations


def test_span_page(client: TestClient) -> None:
    page = client.get(f"/id/span/{SRC}/2174-2187").text
    text = _text(page)
    assert "文本片段 · Span" in text
    assert "<mark>“渝快辦”服務2637萬人</mark>、辦件量達2.7億件" in page
    assert "offsets (clean) 2174–2187" in text and "offsets (raw) 3686–3703" in text
    assert f"章節 section {GOVERNANCE}" in text
    assert f'href="/id/span/{SRC}/2174-2233"' in page  # its sentence
    derived = page[page.index("derived from this span") :]
    assert 'href="/id/obs/yu-kuai-ban-fu-wu/quantity-26370000-yukuaiban"' in derived
    sentence = client.get(f"/id/span/{SRC}/2174-2233").text
    inner = sentence[sentence.index("spans in this sentence") :]
    assert "“<mark>渝快辦</mark>”服務2637萬人" in inner
    assert 'href="/id/platform/yukuaiban"' in inner


def test_theme_page_lists_entities_and_figures(client: TestClient) -> None:
    page = client.get("/id/theme/hu-lian-wang-fu-neng-gao-xiao-neng-zhi-li").text
    text = _text(page)
    assert f"{GOVERNANCE} / 互联网赋能高效能治理" in text
    members = page[page.index("entities in this section") : page.index("figures (")]
    assert '<a href="/id/platform/yukuaiban"' in members
    assert '<a href="/id/agency/cac"' in members and "平臺" in members
    figures = page[page.index("figures (") :]
    assert '<div class="big">2637萬人</div>' in figures
    assert '<div class="big">2.7億件</div>' in figures
    assert "關於 about 渝快辦" in _text(figures)
    assert "notation 06" in text


def test_indicator_page_lists_its_figures(client: TestClient) -> None:
    page = client.get("/id/indicator/ban-jian-liang").text
    assert '<div class="big">2.7億件</div>' in page
    assert "<mark>辦件量達2.7億件</mark>" in page


def test_rank_figure_shows_rank_and_scope(client: TestClient) -> None:
    text = _text(client.get("/id/obs/ji-ceng-shu-zi-hua-zhi-li-man-yi-du/rank-1-china").text)
    assert "排名 rank 第 1(範圍 中國 )" in text


def test_formats_and_headers(client: TestClient) -> None:
    ttl = client.get("/id/platform/yukuaiban?format=turtle")
    assert ttl.headers["content-type"].startswith("text/turtle") and "渝快辦" in ttl.text
    assert client.get("/id/platform/yukuaiban?format=jsonld").json()
    nt = client.get("/id/platform/yukuaiban", headers={"Accept": "application/n-triples"})
    assert nt.headers["content-type"].startswith("application/n-triples")
    assert client.get("/id/platform/yukuaiban?format=exe").status_code == 400
    page = client.get("/id/platform/yukuaiban")
    csp = page.headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    assert "http" not in csp and "unsafe-inline" not in csp
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page.text)
    assert meta is not None  # for saved copies; frame-ancestors works only as a header
    assert htmllib.unescape(meta.group(1)) == csp.replace("; frame-ancestors 'none'", "")
    assert "frame-ancestors 'none'" in csp
    assert "<script" not in page.text and 'src="http' not in page.text
    assert 'href="http' not in page.text and "cdn" not in page.text.lower()


def test_style_hash_matches_the_served_style(client: TestClient) -> None:
    import base64
    import hashlib

    page = client.get("/id/agency/cq-cac")
    style = re.search(r"<style>(.*?)</style>", page.text, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in page.headers["content-security-policy"]


# ---------------------------------------------------------------- 404 and path validation


@pytest.mark.parametrize(
    "path",
    [
        "platform/nothing-here",
        "platform/%2E%2E/agency/cq-cac",  # the client would resolve a literal ..
        "platform/%2E/yukuaiban",
        "platform//yukuaiban",
        "platform/yukuaiban%00",
        "platform/yuk%22aiban",
        "platform/yuk'aiban",
        "platform/%3Cscript%3Ealert(1)%3C/script%3E",
        "platform/a%3Eb",
        "platform/a b",
        "platform/yukuaiban%0A",
    ],
)
def test_bad_or_unknown_paths_are_404(client: TestClient, path: str) -> None:
    resp = client.get("/id/" + path)
    assert resp.status_code == 404
    assert "<script>" not in resp.text and "找不到" in resp.text


def test_404_page_escapes_the_path(client: TestClient) -> None:
    resp = client.get("/id/x%3Cimg%20src=x%20onerror=alert(1)%3E")
    assert resp.status_code == 404
    assert "<img" not in resp.text and "&lt;img src=x onerror=alert(1)&gt;" in resp.text


def test_resource_iri_and_iri_term() -> None:
    assert resource_iri("platform/yukuaiban") == "https://w3id.org/cqkg/id/platform/yukuaiban"
    for bad in ("", "..", "a/../b", "a/./b", "a//b", "/a", "a/", "a>b", "a\x00", 'a"b', "é"):
        assert resource_iri(bad) is None, bad
    assert iri_term("https://w3id.org/cqkg/id/place/x'y") == "<https://w3id.org/cqkg/id/place/x'y>"
    for bad in ("a>b", "a b", 'a"b', "a\\b", "a{b", "a\nb"):
        with pytest.raises(ValueError):
            iri_term(bad)


def test_highlight_and_decimal() -> None:
    assert highlight("ab<c>d", 10, "<c>", 12) == highlight("ab<c>d", None, "<c>", None)
    h = highlight("ab<c>d", 10, "<c>", 12)
    assert (h.before, h.mark, h.after) == ("ab", "<c>", "d")
    wrong = highlight("xyz", 0, "q", 1)  # offsets that do not match the text are not trusted
    assert (wrong.before, wrong.mark, wrong.after) == ("xyz", "", "")
    assert format_decimal("26370000.0") == "26,370,000" and format_decimal("63.90") == "63.9"
    assert format_decimal("n/a") == "n/a"


# ---------------------------------------------------------------- hostile data


@pytest.fixture(scope="module")
def xss_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    out = tmp_path_factory.mktemp("xss-build")
    store = ox.Store()
    store.load(path=str(ROOT / "tests" / "data" / "xss_graph.ttl"), format=ox.RdfFormat.TURTLE)
    data = ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    (out / "cqkg.nt").write_text(data, encoding="utf-8")
    (out / "ontology.ttl").write_text(
        (ROOT / "ontology" / "cqkg.ttl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    pool = WorkerPool(out, size=1)
    app = create_app(ServerConfig(build_dir=out, workers=1), pool)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c
    pool.close()


XSS_PAGES = [
    "platform/img",
    "agency/script",
    "company/attr",
    "theme/xss",
    "indicator/xss",
    "obs/xss/1",
    "span/xss/10-20",
    "span/xss/0-40",
]


@pytest.mark.parametrize("path", XSS_PAGES)
def test_hostile_strings_are_escaped(xss_client: TestClient, path: str) -> None:
    resp = xss_client.get("/id/" + path)
    assert resp.status_code == 200, path
    body = resp.text
    # the only tags are the template's: no data-born tag or handler survives unescaped
    for payload in ("<script", "<img", "<svg", "<iframe", "<b>", "<h1 ", '<a href="javascript'):
        assert payload not in body, (path, payload)
    for attr in re.findall(r"<[a-z0-9]+(\s[^>]*)?>", body):
        assert not re.search(r"\son[a-z]+\s*=", attr), (path, attr)
    assert "javascript:" not in re.sub(
        r"&[a-z#0-9]+;", "", "".join(re.findall(r'href="[^"]*"', body))
    )


def test_hostile_labels_show_literally(xss_client: TestClient) -> None:
    page = xss_client.get("/id/platform/img").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;a href=&#34;javascript:alert(1)&#34;&gt;href&lt;/a&gt;" in page  # altLabel
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # operatedBy label
    assert "&lt;b onmouseover=alert(1)&gt;99&lt;/b&gt;" in page  # stated value
    assert "&lt;h1 onclick=alert(1)&gt;章節&lt;/h1&gt;" in page  # section label
    # a linked IRI whose path the route would refuse is shown, not linked
    attr = xss_client.get("/id/company/attr").text
    assert "onmouseover=alert(1)>" not in attr and "href=\"/id/place/x'" not in attr
    assert "see &lt;a href=&#34;https://example.invalid/&#34;&gt;href&lt;/a&gt; here" in attr


def test_hostile_sentence_highlight_is_escaped(xss_client: TestClient) -> None:
    page = xss_client.get("/id/obs/xss/1").text
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<mark>&lt;b&gt;99&lt;/b&gt;!</mark>" in page
