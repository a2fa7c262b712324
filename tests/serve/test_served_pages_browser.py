"""What `make run` serves, opened in a real browser: every page works under the server's CSP.

The viewer is tested from file:// in test_view_browser.py; served at `/` it lives under the
endpoint's security headers, which once blocked all its inline script (it drew nothing while
every status code was 200). This opens each served page on the real build in headless
Chromium and requires no console error, no request off the server, and the page's content.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import local_page
from query_support import ThreadServer

from graph.pipeline.run import BuildResult
from graph.serve import pages
from graph.serve.app import ServerConfig, create_app
from graph.sparql.workers import WorkerPool

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(built: BuildResult) -> Iterator[ThreadServer]:
    pool = WorkerPool(built.out_dir, size=2)
    srv = ThreadServer(create_app(ServerConfig(build_dir=built.out_dir), pool))
    yield srv
    srv.stop()
    pool.close()


@pytest.fixture(scope="module")
def page(server: ThreadServer) -> Iterator[tuple[object, list[str], list[str]]]:
    with local_page(server.url, 1300, 900) as opened:
        yield opened


def _clean(errors: list[str], outside: list[str]) -> None:
    assert errors == [], errors
    assert outside == [], outside


def test_served_viewer_draws(server: ThreadServer, page) -> None:  # type: ignore[no-untyped-def]
    pg, errors, outside = page
    pg.goto(f"{server.url}/")
    pg.wait_for_function("window.__cqkgReady", timeout=15_000)
    assert pg.evaluate("cqkg.network.body.data.nodes.length") > 100
    _clean(errors, outside)


def test_served_focus_view_draws(server: ThreadServer, page) -> None:  # type: ignore[no-untyped-def]
    pg, errors, outside = page
    pg.goto(f"{server.url}/view?focus=渝快辦&hops=2")
    pg.wait_for_function("window.__cqkgReady", timeout=15_000)
    ids = pg.evaluate("cqkg.network.body.data.nodes.getIds()")
    assert "https://w3id.org/cqkg/id/platform/yukuaiban" in ids
    _clean(errors, outside)


def test_query_page_runs_an_example(server: ThreadServer, page, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # the plain editor (YASGUI not installed); YASGUI's page is tests/serve/test_yasgui_browser.py
    monkeypatch.setattr(pages, "YASGUI_BUILD", tmp_path / "no-yasgui")
    pg, errors, outside = page
    pg.goto(f"{server.url}/query")
    pg.select_option("#examples", "organizers")
    pg.click("#run")
    pg.wait_for_selector("#results table", timeout=10_000)
    text = pg.inner_text("#results")
    for name in ("市委網信辦", "市經濟信息委", "市大數據發展局", "重慶通信管理局"):
        assert name in text
    assert pg.locator("#open-viewer").is_hidden()  # a SELECT: nothing to draw
    # a CONSTRUCT offers the viewer, which draws that result
    pg.select_option("#examples", "neighbourhood")
    pg.click("#run")
    pg.wait_for_selector("#open-viewer:not([hidden])", timeout=10_000)
    pg.click("#open-viewer")
    pg.wait_for_function("window.__cqkgReady", timeout=30_000)
    ids = pg.evaluate("cqkg.nodes.getIds()")
    assert "https://w3id.org/cqkg/id/platform/yukuaiban" in ids and len(ids) >= 5
    _clean(errors, outside)


def test_resource_page_renders_styled(server: ThreadServer, page) -> None:  # type: ignore[no-untyped-def]
    pg, errors, outside = page
    pg.goto(f"{server.url}/id/platform/yukuaiban")
    assert "2637萬人" in pg.inner_text("body") and "2.7億件" in pg.inner_text("body")
    # the page's own <style> applied (its CSP allows exactly that block by hash)
    assert pg.evaluate("getComputedStyle(document.body).margin") == "0px"
    _clean(errors, outside)
