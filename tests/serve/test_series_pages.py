"""Indicator pages draw the series (inline SVG, no script) and show the growth checks.

On the seed + fixtures a (2022) and c (2023): 网民数量 has 2285万人 (a01, 2022) and 2362万人
(c01, 2023, also twice in the seed); 千兆宽带用户's stated 超过50% is inconsistent with its
figures (series.tsv). Every point links to the span page of its quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from series_support import gold, series_build, series_rows
from starlette.testclient import TestClient

from graph.serve.app import ServerConfig, create_app
from graph.serve.page_model import Figure, Node, SpanInfo
from graph.serve.series import series_chart
from graph.sparql.workers import WorkerPool

pytestmark = [pytest.mark.server]

USERS = "/id/indicator/wang-min-shu-liang"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    build = series_build(tmp_path_factory)
    pool = WorkerPool(build.out_dir, size=1)
    app = create_app(ServerConfig(build_dir=build.out_dir, workers=1), pool)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c
    pool.close()


def _svg(page: str) -> str:
    m = re.search(r'<svg class="chart".*?</svg>', page, re.S)
    assert m, page[:500]
    return m.group()


@pytest.mark.slow
def test_indicator_page_draws_each_period_with_links_to_quotes(client: TestClient) -> None:
    page = client.get(USERS)
    assert page.status_code == 200
    svg = _svg(page.text)
    assert "<script" not in page.text
    links = re.findall(r'<a class="point" href="([^"]+)">', svg)
    assert len(links) == 2  # one point per figure: 2022 and 2023
    for href in links:
        assert href.startswith("/id/span/")
        span = client.get(href)
        assert span.status_code == 200
    a01, c01 = gold("a/a01"), gold("c/c01")
    titles = re.findall(r"<title>([^<]+)</title>", svg)
    assert titles[0].startswith(f"{a01.period}: {a01.stated_value}")
    assert titles[1].startswith(f"{c01.period}:") and "2362" in titles[1]
    assert ">2022</text>" in svg and ">2023</text>" in svg
    # later period on the right, larger value higher up
    (x1, y1), (x2, y2) = [
        (float(a), float(b)) for a, b in re.findall(r'cx="([\d.]+)" cy="([\d.]+)"', svg)
    ]
    assert x1 < x2 and y1 > y2


@pytest.mark.slow
def test_check_badges_show_each_status(client: TestClient) -> None:
    [row] = [r for r in series_rows("growth-check") if r["status"] == "inconsistent"]
    indicator = gold(row["object"]).indicator
    res = client.get("/sparql", params={"query": (
        f'SELECT ?i WHERE {{ ?i a cqo:Indicator ; rdfs:label "{indicator}"@zh-Hans }}'
    )}, headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    [binding] = res.json()["results"]["bindings"]
    path = "/id/" + binding["i"]["value"].split("/id/", 1)[1]
    page = client.get(path).text
    assert '<span class="badge check check-inconsistent">inconsistent</span>' in page
    users = client.get(USERS).text
    assert '<span class="badge check check-consistent">consistent</span>' in users


def test_chart_text_is_escaped_and_points_are_numbers() -> None:
    span = SpanInfo(Node("https://w3id.org/cqkg/id/span/s/1-2"), quote="<script>x</script>")
    figs = [
        Figure(Node(f"https://w3id.org/cqkg/id/obs/{i}"), value=v, period=p, stated=[s],
               sources=[span])
        for i, (v, p, s) in enumerate([("100", "2022", "<b>"), ("150", "2023", "150")])
    ]  # fmt: skip
    chart = series_chart(figs)
    assert chart is not None
    assert [p.href for p in chart.points] == ["/id/span/s/1-2"] * 2
    assert re.fullmatch(r"[\d.]+,[\d.]+ [\d.]+,[\d.]+", chart.line)
    assert chart.points[0].cy > chart.points[1].cy
    assert series_chart([]) is None


@pytest.mark.slow
def test_viewer_offers_each_edition_and_tags_nodes_and_figures(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The viewer's edition filter: fixture a is about the 2022 edition, c and the seed 2023."""
    import json

    from graph.view.render import ViewSpec, render_view

    build = series_build(tmp_path_factory)
    page = render_view(build.out_dir, ViewSpec())
    m = re.search(r'<script type="application/json" id="cqkg-data">(.*?)</script>', page, re.S)
    assert m
    data = json.loads(m.group(1))
    assert data["editions"] == ["2022", "2023"]
    assert '<select id="edition">' in page
    a01 = gold("a/a01")
    [fig] = [f for f in data["figures"] if a01.stated_value in f["stated"]]
    assert fig["ed"] == ["2022"]
    [users] = [n for n in data["nodes"] if n["id"].endswith("/indicator/wang-min-shu-liang")]
    assert users["ed"] == ["2022", "2023"]
