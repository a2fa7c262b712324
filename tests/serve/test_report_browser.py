"""``/report`` in a real browser (issue 12): every section's charts drawn, the language switch
works without script, no console error, nothing fetched off the machine. The README's picture
of it is taken by scripts/screenshots.py (a test that rewrites a tracked file dirties the tree)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import local_page
from query_support import ThreadServer

from graph.pipeline.run import BuildResult
from graph.serve.app import ServerConfig, create_app
from graph.sparql.workers import WorkerPool

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(built: BuildResult) -> Iterator[ThreadServer]:
    pool = WorkerPool(built.out_dir, size=1)
    srv = ThreadServer(create_app(ServerConfig(build_dir=built.out_dir), pool))
    yield srv
    srv.stop()
    pool.close()


def test_report_draws_every_chart_offline(server: ThreadServer) -> None:
    with local_page(server.url, 1280, 1000) as (pg, errors, outside):
        pg.goto(f"{server.url}/report")
        sections = pg.locator("section.sec")
        assert sections.count() >= 10
        charts = pg.locator("svg.bars")
        assert charts.count() >= 5
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 20
            bar = charts.nth(i).locator("rect.bar").first.bounding_box()
            assert bar is not None and bar["width"] > 0  # drawn, not just in the markup
        assert pg.locator("table.ranks").count() >= 3
        # the switch: zh-Hant shown first, then EN by clicking its label (CSS only, no script)
        first = pg.locator("section.sec h2").first
        assert first.locator(".hant").is_visible() and not first.locator(".en").is_visible()
        pg.locator("label[for=lang-en]").click()
        assert first.locator(".en").is_visible() and not first.locator(".hant").is_visible()
        pg.locator("label[for=lang-hant]").click()
        # a number opens its quote: the span page marks the words
        href = pg.locator(".card a.num").first.get_attribute("href")
        assert href and href.startswith("/id/span/")
        pg.goto(f"{server.url}{href}")
        assert pg.locator("mark").count() >= 1
    assert errors == [], errors
    assert outside == [], outside
