"""The report at a glance (graph.serve.report): its data is what the shipped queries answer,
every number links to its quote, its charts are well-formed SVG, hostile labels stay text, and
the build writes the same page as ``report.html`` with links that work when served."""

from __future__ import annotations

import re
import shutil
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from query_support import ThreadServer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from graph.pipeline.run import BuildResult
from graph.serve import report
from graph.serve.app import ServerConfig, create_app
from graph.sparql.catalogue import bind_query, load_query
from graph.sparql.engines import open_engine, run_query
from graph.sparql.workers import WorkerPool

DATA = Path(__file__).resolve().parents[1] / "data"
CQO = "https://w3id.org/cqkg/ontology#"


@pytest.fixture(scope="module")
def engine(built: BuildResult) -> object:
    return open_engine("oxigraph", built.out_dir)


@pytest.fixture(scope="module")
def data(engine: object) -> list[report.Section]:
    return report.sections(
        run_query(engine, report.FIGURES),  # type: ignore[arg-type]
        run_query(engine, report.ENTITIES),  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def page(data: list[report.Section]) -> str:
    return report.renderer().render(data, static=False)


def test_each_section_has_what_section_figures_answers(
    engine: object, data: list[report.Section]
) -> None:
    text = load_query("section-figures")
    with_figures = [s for s in data if s.figures]
    assert len(with_figures) >= 8
    for sec in with_figures:
        res = run_query(engine, bind_query(text, {"section": [sec.label.hant]}))  # type: ignore[arg-type]
        expected = sorted(tuple(t.value if t is not None else "" for t in row) for row in res.rows)
        ours = sorted(r for f in sec.figures if f.value for r in f.rows())
        assert ours == expected, sec.label.hant


def test_each_section_has_what_section_entities_answers(
    engine: object, data: list[report.Section]
) -> None:
    text = load_query("section-entities")
    for sec in data:
        res = run_query(engine, bind_query(text, {"section": [sec.label.hant]}))  # type: ignore[arg-type]
        expected = {row[0].value for row in res.rows if row[0] is not None}
        assert {e.label.hant for e in sec.entities} == expected, sec.label.hant


def test_charts_match_the_figures(data: list[report.Section]) -> None:
    kinds = {c.kind for s in data for c in s.charts}
    assert kinds == {"growth", "share"}
    for sec in data:
        for chart in sec.charts:
            figs = [f for f in sec.figures if f.kind == chart.kind and f.value]
            assert [b.label for b in chart.bars] == [f.indicator for f in figs]
            if chart.kind == "share":  # to 100 %: the bar's length is the share of the track
                for bar, f in zip(chart.bars, figs, strict=True):
                    assert abs(bar.width - chart.plot_w * float(f.value) / 100) < 1.01
        if sec.ranks:
            ranked = [f for f in sec.figures if f.rank is not None]
            cells = [f for _, _, c in sec.ranks.rows for fs in c.values() for f in fs]
            assert sorted(f.obs for f in cells) == sorted(f.obs for f in ranked)


class _Cards(HTMLParser):
    """Collects, per figure card, the number's link, the resource link and the marked quote."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict[str, object]] = []
        self.in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and a.get("class") == "card":
            self.cards.append({"num": None, "res": None, "marks": []})
        elif self.cards and tag == "a" and a.get("class") in ("num", "res"):
            if self.cards[-1][str(a["class"])] is None:  # the first link of each kind
                self.cards[-1][str(a["class"])] = a.get("href")
        elif tag == "mark":
            self.in_mark = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self.in_mark = False

    def handle_data(self, data: str) -> None:
        if self.in_mark and self.cards:
            marks = self.cards[-1]["marks"]
            assert isinstance(marks, list)
            marks.append(data)


def test_every_number_links_to_its_quote_and_resource(
    page: str, data: list[report.Section]
) -> None:
    parser = _Cards()
    parser.feed(page)
    figures = [f for s in data for f in s.figures]
    assert len(parser.cards) == len(figures) > 50
    for card, f in zip(parser.cards, figures, strict=True):
        assert card["num"] == "/id/" + f.span.split("/id/", 1)[1], f.obs
        assert card["res"] == "/id/" + f.obs.split("/id/", 1)[1]
        assert f.quote.mark and f.quote.mark in "".join(card["marks"])  # type: ignore[arg-type]
    # every bar of every chart opens a quote too
    bars = re.findall(r'<a class="bar" href="([^"]*)"><title>([^<]*)</title>', page)
    assert len(bars) == sum(len(c.bars) for s in data for c in s.charts) > 5
    assert all(href.startswith("/id/span/") and title for href, title in bars)


def test_every_svg_is_well_formed(page: str) -> None:
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) >= 5
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.findall(".//{http://www.w3.org/2000/svg}rect")


def test_the_page_runs_no_script_under_a_strict_csp(page: str) -> None:
    csp = report.renderer().csp
    assert "script-src" not in csp and csp.startswith("default-src 'none'")
    assert "<script" not in page
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", page)


def test_three_languages(data: list[report.Section], page: str) -> None:
    sec = next(s for s in data if s.label.hant == "互聯網賦能高品質生活")
    assert sec.label.hans == "互联网赋能高品质生活" and sec.label.en != sec.label.hant
    assert f'<span class="hans">{sec.label.hans}</span>' in page


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The XSS fixture, with its figure placed in its section and given a share to draw."""
    build = tmp_path_factory.mktemp("report-xss")
    g = Graph().parse(DATA / "xss_graph.ttl", format="turtle")
    obs = URIRef("https://w3id.org/cqkg/id/obs/xss/1")
    theme = URIRef("https://w3id.org/cqkg/id/theme/xss")
    span = URIRef("https://w3id.org/cqkg/id/span/xss/10-20")
    g.add((obs, URIRef(CQO + "section"), theme))
    g.add((obs, URIRef(CQO + "value"), Literal("99", datatype=XSD.decimal)))
    g.add((obs, URIRef(CQO + "unit"), URIRef(report.PERCENT)))
    g.add((span, URIRef(CQO + "refersTo"), URIRef("https://w3id.org/cqkg/id/platform/img")))
    g.serialize(build / "cqkg.nt", format="nt", encoding="utf-8")
    engine = open_engine("oxigraph", build)
    rows = report.sections(run_query(engine, report.FIGURES), run_query(engine, report.ENTITIES))
    assert rows and rows[0].figures and rows[0].charts and rows[0].entities
    return report.renderer().render(rows, static=False)


def test_hostile_labels_are_text(hostile: str) -> None:
    for raw in ("<img src=x", "<iframe", "<h1 onclick", "<b onmouseover", "<script>x"):
        assert raw not in hostile, raw
    assert "&lt;iframe src=javascript:alert(1)&gt;" in hostile
    assert "&lt;b onmouseover=alert(1)&gt;99&lt;/b&gt;" in hostile
    for svg in re.findall(r"<svg\b.*?</svg>", hostile, re.S):
        ET.fromstring(svg)  # a label with markup in it does not break the chart


def test_build_writes_report_html_with_relative_links(built: BuildResult, page: str) -> None:
    static = (built.out_dir / "report.html").read_text(encoding="utf-8")
    assert 'href="/id/' not in static and 'href="id/span/' in static
    assert static.replace('href="id/', 'href="/id/').count("<a ") == page.count("<a ")
    assert "<mark>" in static  # the quotes are inline


@pytest.fixture(scope="module")
def server(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    out = tmp_path_factory.mktemp("report-served") / "build"
    shutil.copytree(built.out_dir, out)
    pool = WorkerPool(out, size=1)
    srv = ThreadServer(create_app(ServerConfig(build_dir=out), pool))
    yield srv
    srv.stop()
    pool.close()


def test_served_report_has_the_csp_header(server: ThreadServer, page: str) -> None:
    with urllib.request.urlopen(f"{server.url}/report") as resp:
        body = resp.read().decode("utf-8")
        csp = resp.headers["Content-Security-Policy"]
    assert csp == report.renderer().csp and "frame-ancestors 'none'" in csp
    assert body == page


PER_SPAN = """SELECT DISTINCT ?theme ?section ?section_en ?entity ?entity_name ?entity_en ?class
WHERE {
  ?theme a cqo:Theme ; rdfs:label ?section . FILTER(langMatches(lang(?section), "zh-Hant"))
  OPTIONAL { ?theme rdfs:label ?section_en . FILTER(langMatches(lang(?section_en), "en")) }
  ?span cqo:refersTo ?entity ; cqo:section ?theme .
  ?entity a ?class ; rdfs:label ?entity_name . FILTER(langMatches(lang(?entity_name), "zh-Hant"))
  OPTIONAL { ?entity rdfs:label ?entity_en . FILTER(langMatches(lang(?entity_en), "en")) }
  FILTER(STRSTARTS(STR(?class), STR(cqo:)))
}
ORDER BY ?theme ?class ?entity"""
"""The page's entity query as first written (labels joined once per span): the reference."""


def test_entities_made_distinct_before_their_labels_answer_as_joined_per_span(
    engine: object,
) -> None:
    fast = run_query(engine, report.ENTITIES, max_rows=10**6)  # type: ignore[arg-type]
    reference = run_query(engine, PER_SPAN, max_rows=10**6)  # type: ignore[arg-type]
    assert fast.variables == reference.variables
    assert len(fast.rows) > 10 and fast.rows == reference.rows
