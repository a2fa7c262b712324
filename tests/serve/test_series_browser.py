"""An indicator page's series chart in a real browser: drawn, no console error, each point a
link to its quote's span page (issue 10), on the seed + fixtures a (2022) and c (2023)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import CHROMIUM, launch, local_page
from query_support import ThreadServer
from series_support import series_build

from graph.serve.app import ServerConfig, create_app
from graph.sparql.workers import WorkerPool

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    build = series_build(tmp_path_factory)
    pool = WorkerPool(build.out_dir, size=1)
    srv = ThreadServer(create_app(ServerConfig(build_dir=build.out_dir), pool))
    yield srv
    srv.stop()
    pool.close()


def test_chart_is_drawn_and_every_point_opens_its_quote(server: ThreadServer) -> None:
    with local_page(server.url, 1200, 900) as (pg, errors, outside):
        page_url = f"{server.url}/id/indicator/wang-min-shu-liang"
        pg.goto(page_url)
        box = pg.locator("svg.chart").bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
        points = pg.locator("svg.chart a.point")
        assert points.count() == 2
        for i in range(points.count()):
            circle = points.nth(i).locator("circle").bounding_box()
            assert circle is not None and circle["width"] > 0  # drawn, not just in the markup
        hrefs = [points.nth(i).get_attribute("href") for i in range(points.count())]
        for href in hrefs:
            pg.goto(page_url)
            pg.locator(f'svg.chart a.point[href="{href}"]').click()
            pg.wait_for_url(f"{server.url}{href}")
            assert pg.locator("mark").count() >= 1  # the span page shows the quote
    assert errors == [], errors
    assert outside == [], outside


def test_viewer_edition_filter_hides_the_other_edition(server: ThreadServer) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    from playwright import sync_api

    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        pg = browser.new_page(viewport={"width": 1300, "height": 900})
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(f"{server.url}/")
        pg.wait_for_function("window.__cqkgReady", timeout=15_000)
        hidden = (
            "cqkg.network.body.data.nodes.get().filter(function (n) { return n.hidden; }).length"
        )
        assert pg.evaluate(hidden) == 0
        assert pg.locator("#edition option").all_inner_texts() == ["*", "2022", "2023"]
        pg.select_option("#edition", "2022")
        only_2022 = pg.evaluate(hidden)
        pg.select_option("#edition", "2023")
        only_2023 = pg.evaluate(hidden)
        pg.select_option("#edition", "")
        assert only_2022 > only_2023 > 0  # the seed is about 2023: far more of the graph
        assert pg.evaluate(hidden) == 0
        browser.close()
    assert errors == [], errors
