"""The YASGUI query page in a real browser on the real build (issue 12, item 1).

A shipped query picked from the list opens in its own tab with highlighted SPARQL, runs
against /sparql and shows its rows in YASR's table (sortable, paged, downloadable); a CONSTRUCT
result offers the network viewer. No console error (the page's CSP allows only YASGUI's own
<style> texts by hash) and no request leaves the machine (no CDN, prefix.cc, LOV).
Also writes docs/img/query.png, the README's picture of the page.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from browser_support import local_page
from query_support import ThreadServer

from graph.pipeline.run import BuildResult
from graph.serve.app import ServerConfig, create_app
from graph.serve.pages import view_module, yasgui_installed
from graph.sparql.workers import WorkerPool

pytestmark = [pytest.mark.browser, pytest.mark.server]

SHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "query.png"
ACTIVE = ".yasgui .tabPanel.active"


@pytest.fixture(scope="module")
def server(built: BuildResult) -> Iterator[ThreadServer]:
    if not yasgui_installed():
        reason = "YASGUI not installed in node_modules (`make web-deps` runs npm ci)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    pool = WorkerPool(built.out_dir, size=1)
    srv = ThreadServer(create_app(ServerConfig(build_dir=built.out_dir), pool))
    yield srv
    srv.stop()
    pool.close()


def _run_shipped(pg, url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    pg.goto(f"{url}/query")
    pg.wait_for_function("window.__cqkgYasgui", timeout=15_000)
    pg.select_option("#examples", name)
    pg.wait_for_function(f"window.__cqkgYasgui.getTab().getName() === {name!r}")
    pg.click(f"{ACTIVE} .yasqe_queryButton")


def test_shipped_query_runs_and_shows_sortable_paged_rows(server: ThreadServer) -> None:
    with local_page(server.url, 1300, 1000) as (pg, errors, outside):
        _run_shipped(pg, server.url, "organizers")
        rows = f"{ACTIVE} .yasr table.dataTable tbody tr"
        pg.wait_for_selector(rows, timeout=15_000)
        table = pg.inner_text(f"{ACTIVE} .yasr table.dataTable")
        for name in ("市委網信辦", "市經濟信息委", "市大數據發展局", "重慶通信管理局"):
            assert name in table
        assert pg.locator(rows).count() == 4
        # highlighted SPARQL: CodeMirror tokens, and the prologue the page adds for cqo:
        assert pg.locator(f"{ACTIVE} .CodeMirror .cm-keyword").count() > 0
        assert "PREFIX cqo: <https://w3id.org/cqkg/ontology#>" in pg.evaluate(
            "window.__cqkgYasgui.getTab().getQuery()"
        )
        # sorting: a header click orders the name column ascending, a second one descending
        first = f"{rows}:first-child td:nth-child(3)"
        header = pg.locator(f"{ACTIVE} .yasr th", has_text="name").first
        header.click()
        pg.wait_for_selector(f"{ACTIVE} .yasr th.dt-ordering-asc", timeout=5_000)
        ascending = pg.inner_text(first)
        header.click()
        pg.wait_for_selector(f"{ACTIVE} .yasr th.dt-ordering-desc", timeout=5_000)
        descending = pg.inner_text(first)
        assert ascending != descending and {ascending, descending} <= set(
            pg.locator(f"{rows} td:nth-child(3)").all_inner_texts()
        )
        # paging and download controls
        assert pg.locator(f"{ACTIVE} .yasr select").count() >= 1  # page size
        assert pg.locator(f"{ACTIVE} .yasr .yasr_downloadIcon").count() == 1
        with pg.expect_download() as table_download:
            pg.click(f"{ACTIVE} .yasr .yasr_downloadIcon")
        csv = Path(table_download.value.path()).read_text(encoding="utf-8")
        assert table_download.value.suggested_filename.endswith(".csv") and "市委網信辦" in csv
        pg.screenshot(path=str(SHOT), full_page=False)
        pg.click(f"{ACTIVE} .yasr .select_response")  # the raw response: JSON results
        with pg.expect_download() as raw_download:
            pg.click(f"{ACTIVE} .yasr .yasr_downloadIcon")
        raw = Path(raw_download.value.path()).read_text(encoding="utf-8")
        assert raw_download.value.suggested_filename.endswith(".json")
        names = {b["name"]["value"] for b in json.loads(raw)["results"]["bindings"]}
        assert {"市委網信辦", "重慶通信管理局"} <= names
    assert errors == [], errors
    assert outside == [], outside


def test_construct_result_opens_in_the_viewer(server: ThreadServer) -> None:
    with local_page(server.url, 1300, 1000) as (pg, errors, outside):
        _run_shipped(pg, server.url, "neighbourhood")
        pg.wait_for_selector("#open-viewer:not([hidden])", timeout=15_000)
        href = pg.get_attribute("#open-viewer", "href")
        assert href is not None and href.startswith("/view?focus=https%3A%2F%2Fw3id.org%2Fcqkg")
        if view_module() is None:  # the viewer extra (pyvis) is absent: /view goes to /query
            pytest.skip("graph.view.render not importable (pip install -e '.[view]')")
        viewer = httpx.get(f"{server.url}{href}", timeout=60, follow_redirects=False)
        assert viewer.status_code == 200, (href, viewer.text[:200])
        assert "__cqkgReady" in viewer.text  # the viewer page
    assert errors == [], errors
    assert outside == [], outside
