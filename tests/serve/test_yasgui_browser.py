"""The YASGUI query page in a real browser on the real build (issue 12, item 1).

A shipped query picked from the list opens in its own tab with highlighted SPARQL, runs
against /sparql and shows its rows in YASR's table (sortable, paged, downloadable); a CONSTRUCT
result opens in the network viewer (/view?query=). No console error and no CSP violation (the
page's CSP allows only YASGUI's own <style> texts by hash, exactly those it inserts) and no
request leaves the machine (no CDN, prefix.cc, LOV). The README's picture of the page is taken
by scripts/screenshots.py, not here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import local_page
from query_support import ThreadServer

from graph.pipeline.run import BuildResult
from graph.serve.app import ServerConfig, create_app
from graph.serve.pages import YASGUI_STYLE_HASHES, view_module, yasgui_installed
from graph.sparql.workers import WorkerPool

pytestmark = [pytest.mark.browser, pytest.mark.server]

ACTIVE = ".yasgui .tabPanel.active"
YKB = "https://w3id.org/cqkg/id/platform/yukuaiban"


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
    _run_tab(pg, name)


def _run_tab(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    """Open shipped query ``name`` in a new tab of the loaded page and run it."""
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
    """A shipped CONSTRUCT runs in YASGUI; "Open in the viewer" draws that result as a network
    (/view?query=, run again through the endpoint's gate and workers)."""
    if view_module() is None:  # the viewer extra (pyvis) is absent: /view goes to /query
        pytest.skip("graph.view.render not importable (pip install -e '.[view]')")
    with local_page(server.url, 1300, 1000) as (pg, errors, outside):
        _run_shipped(pg, server.url, "neighbourhood")
        pg.wait_for_selector("#open-viewer:not([hidden])", timeout=15_000)
        href = pg.get_attribute("#open-viewer", "href")
        assert href is not None and href.startswith("/view?query=")
        sent = parse_qs(urlsplit(href).query)["query"][0]
        assert sent == pg.evaluate("window.__cqkgYasgui.getTab().getQuery()")
        pg.click("#open-viewer")
        pg.wait_for_function("window.__cqkgReady", timeout=30_000)
        drawn = pg.evaluate("cqkg.nodes.getIds()")
        assert YKB in drawn and len(drawn) >= 5
        assert pg.evaluate("cqkg.edges.length") >= 4
        # the network is drawn on the canvas, not just in the data
        box = pg.locator("canvas").first.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 300
        # a SELECT offers no viewer link
        pg.go_back()
        _run_shipped(pg, server.url, "organizers")
        pg.wait_for_selector(f"{ACTIVE} .yasr table.dataTable tbody tr", timeout=15_000)
        assert pg.locator("#open-viewer").is_hidden()
    assert errors == [], errors
    assert outside == [], outside


CSP_PROBE = """
window.__csp = []; window.__styles = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(" "));
});
new MutationObserver(function (ms) {
  ms.forEach(function (m) {
    m.addedNodes.forEach(function (n) {
      if (n.nodeName === "STYLE") { window.__styles.push(n.textContent); }
    });
  });
}).observe(document, { subtree: true, childList: true });
"""


def _sha(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def test_the_csp_style_hashes_are_exactly_what_the_page_needs(server: ThreadServer) -> None:
    """Every CSP violation fails (``securitypolicyviolation`` events and console errors) while
    the page does what a user does: a table, a column dragged by its grip, the raw response,
    a graph result, typing in the editor. And every ``<style>`` YASGUI inserts meanwhile is
    recorded: its sha256 set must be exactly ``YASGUI_STYLE_HASHES``, so a hash the page does
    not need (or a new text after an upgrade) fails too."""
    with local_page(server.url, 1300, 1000) as (pg, errors, outside):
        pg.add_init_script(CSP_PROBE)
        _run_shipped(pg, server.url, "organizers")
        pg.wait_for_selector(f"{ACTIVE} .yasr table.dataTable tbody tr", timeout=15_000)
        grips = f"{ACTIVE} .grip-handle:not(.grip-lastgrip) .grip-resizable"
        pg.wait_for_function(f"document.querySelector({grips!r})?.offsetWidth > 0")
        pg.wait_for_timeout(300)  # the resizer is set up again after the table's first draw
        box = pg.locator(grips).first.bounding_box()
        assert box is not None and box["width"] > 0
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        pg.mouse.move(x, y)
        pg.mouse.down()
        pg.mouse.move(x + 40, y, steps=5)
        pg.wait_for_function("window.__styles.length >= 2", timeout=5_000)
        pg.mouse.up()
        pg.click(f"{ACTIVE} .yasr .select_response")
        pg.click(f"{ACTIVE} .yasr .select_table")
        _run_tab(pg, "neighbourhood")
        pg.wait_for_selector("#open-viewer:not([hidden])", timeout=15_000)
        pg.click(f"{ACTIVE} .CodeMirror")
        pg.keyboard.type("\nPREFIX ")
        pg.wait_for_timeout(300)
        violations = pg.evaluate("window.__csp")
        styles = pg.evaluate("window.__styles")
    assert violations == [], violations
    assert errors == [], errors
    assert outside == [], outside
    assert {_sha(s) for s in styles} == set(YASGUI_STYLE_HASHES), styles
