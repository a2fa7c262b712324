"""The viewer in a real browser (Debian chromium driven by Playwright): offline, searchable,
explains figures with their sentence, switches language, and executes nothing from the data.

One browser per module; every test opens a fresh context and records console errors, dialogs
and any request that is not ``file://`` (the route aborts it, so nothing ever leaves).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from browser_support import CHROMIUM, launch

from graph.curation.styles import load_styles
from graph.view import load, page_data, render

pytestmark = pytest.mark.browser

DATA = Path(__file__).parents[1] / "data"
REPO = Path(__file__).resolve().parents[2]
YKB = "https://w3id.org/cqkg/id/platform/yukuaiban"
SENTENCE = (
    "“渝快辦”服務2637萬人、辦件量達2.7億件,“一件事一次辦”覆蓋90%以上高頻事項,"
    "入選國務院辦公廳推廣典型案例。"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = "Debian chromium not installed at /usr/bin/chromium (`make test` installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)  # in CI a missing browser is a broken install, not a skip
        pytest.skip(reason)
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@dataclass
class Opened:
    page: object
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


def open_page(browser, html_path: Path) -> Opened:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    o = Opened(page)

    def route(r) -> None:  # type: ignore[no-untyped-def]
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            o.outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page.on("console", lambda m: o.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: o.errors.append(str(e)))

    def dialog(d) -> None:  # type: ignore[no-untyped-def]
        o.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(html_path.as_uri())
    page.wait_for_function("window.__cqkgReady", timeout=15_000)
    return o


def node_point(page, node_id: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    x, y = page.evaluate(
        """id => { const p = cqkg.network.canvasToDOM(cqkg.network.getPositions([id])[id]);
                   const r = document.getElementById('network').getBoundingClientRect();
                   return [p.x + r.left, p.y + r.top]; }""",
        node_id,
    )
    return x, y


def write_page(tmp: Path, html: str, name: str = "viewer.html") -> Path:
    path = tmp / name
    render.write_html(html, path)
    return path


def sparql_entity_count(store: ox.Store) -> int:
    values = " ".join(f"<{c.iri}>" for c in load_styles().classes if not c.observation)
    q = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c VALUES ?c {{ {values} }} }}"
    return int(next(iter(store.query(q, use_default_graph_as_union=True)))["n"].value)


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("browser") / "build"
    d.mkdir()
    shutil.copy(DATA / "view_fixture.ttl", d / "cqkg.ttl")
    return d


def assert_clean(o: Opened) -> None:
    assert o.errors == []
    assert o.dialogs == []
    assert o.outside == []


def test_full_view_search_panel_language(browser, fixture_build: Path, tmp_path: Path) -> None:
    o = open_page(browser, write_page(tmp_path, render.render_full_html(fixture_build)))
    page = o.page
    store, _idx = load.load_build(fixture_build)
    assert page.evaluate("cqkg.nodes.length") == sparql_entity_count(store)

    for query in ("渝快办", "渝快辦", "Yukuaiban"):
        page.fill("#search", query)
        page.press("#search", "Enter")
        assert page.evaluate("cqkg.network.getSelectedNodes()") == [YKB], query

    page.evaluate("cqkg.network.unselectAll(); cqkg.network.fit()")
    page.keyboard.press("Escape")
    x, y = node_point(page, YKB)
    page.mouse.click(x, y)
    panel = page.inner_text("#panel")
    assert "2637萬人" in panel
    assert SENTENCE in panel
    assert "互聯網賦能高效能治理" in panel  # the section heading of the quote
    assert page.inner_text("#panel mark") == "2637萬人" or "2637萬人" in page.inner_text(
        "#panel .figure mark"
    )

    page.click(".langs button[data-lang='1']")
    assert page.evaluate(f"cqkg.nodes.get('{YKB}').label") == "渝快办"
    page.click(".langs button[data-lang='2']")
    assert page.evaluate(f"cqkg.nodes.get('{YKB}').label") == "Yukuaiban"
    assert "Platform" in page.inner_text("#legend")

    page.uncheck("#legend input[data-cls='Platform']")
    assert page.evaluate(f"cqkg.nodes.get('{YKB}').hidden") is True
    page.screenshot(path=str(tmp_path / "full.png"))
    assert (tmp_path / "full.png").stat().st_size > 10_000
    assert_clean(o)


def test_focus_view(browser, fixture_build: Path, tmp_path: Path) -> None:
    html = render.render_focus_html(fixture_build, "渝快辦", 1)
    o = open_page(browser, write_page(tmp_path, html))
    ids = set(o.page.evaluate("cqkg.nodes.getIds()"))
    assert YKB in ids and "https://w3id.org/cqkg/id/agency/cq-bigdata" in ids
    assert "https://w3id.org/cqkg/id/person/wu-yong-jun" not in ids
    o.page.screenshot(path=str(tmp_path / "focus.png"))
    assert_clean(o)


def test_overview_aggregate_lists_its_members(browser, fixture_build: Path, tmp_path: Path) -> None:
    html = render.render_view(fixture_build, render.ViewSpec(budget=10))
    o = open_page(browser, write_page(tmp_path, html))
    aggs = o.page.evaluate("cqkg.data.nodes.filter(n => n.agg).map(n => [n.id, n.agg.m.length])")
    assert aggs
    agg_id, n_members = max(aggs, key=lambda a: a[1])
    note = o.page.text_content("#agg-note") or ""
    assert "10" in note and "15" in note  # 10 nodes stand for the fixture's 15 entities
    x, y = node_point(o.page, agg_id)
    o.page.mouse.click(x, y)
    o.page.wait_for_selector("#panel.open")
    assert o.page.locator("#panel li code").count() == n_members  # file://: the command to run
    first = o.page.text_content("#panel li code") or ""
    assert first.startswith("cqkg view --focus ")
    assert_clean(o)


def test_hostile_labels_execute_nothing(browser, tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    shutil.copy(DATA / "xss_graph.ttl", build / "cqkg.ttl")
    o = open_page(browser, write_page(tmp_path, render.render_full_html(build)))
    page = o.page
    nodes = page.evaluate("cqkg.data.nodes.map(n => [n.id, n.l[0], n.c])")
    classes = {c["key"]: c["l"][0] for c in page.evaluate("cqkg.data.classes")}
    assert len(nodes) >= 5
    for node_id, label, cls in nodes:
        page.keyboard.press("Escape")  # close the panel: it covers the right of the canvas
        page.evaluate("cqkg.network.fit()")
        x, y = node_point(page, node_id)
        page.mouse.move(x, y)
        page.wait_for_selector("#tooltip", state="visible")
        assert page.text_content("#tooltip") == f"{label}  ·  {classes[cls]}"
        page.mouse.click(x, y)
        assert page.text_content("#panel .title") == label
        page.mouse.move(5, 5)
    for i in range(3):  # every language, every panel again
        page.click(f".langs button[data-lang='{i}']")
    page.evaluate("cqkg.select('https://w3id.org/cqkg/id/platform/img')")
    panel = page.inner_text("#panel")
    assert '<a href="javascript:alert(1)">href</a>' in panel  # shown literally
    assert "<b>99</b>!" in panel
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert (
        page.evaluate(
            "document.querySelectorAll('img, iframe, svg, h1 b, a[href^=javascript]').length"
        )
        == 0
    )
    assert_clean(o)


@pytest.fixture(scope="module")
def report_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real graph: built with ``graph.pipeline.run.run`` if it builds, else the repo's
    ``build/``."""
    reason = "graph.pipeline.run.run not available"
    try:
        from graph.pipeline.run import run
    except ImportError:
        run = None
    if run is not None:
        out = tmp_path_factory.mktemp("report") / "build"
        try:
            run(out)
            return out
        except Exception as exc:  # the build is another stage's; report why we skip
            reason = f"graph.pipeline.run.run failed: {str(exc).splitlines()[0]}"
    if (REPO / "build" / "cqkg.nt").is_file():
        return REPO / "build"
    pytest.skip(f"real report build unavailable ({reason})")


@pytest.mark.slow
def test_report_graph_in_browser(browser, report_build: Path, tmp_path: Path) -> None:
    o = open_page(browser, write_page(tmp_path, render.render_full_html(report_build)))
    page = o.page
    store, _idx = load.load_build(report_build)
    assert page.evaluate("cqkg.nodes.length") == sparql_entity_count(store)
    page.fill("#search", "渝快办")
    page.press("#search", "Enter")
    selected = page.evaluate("cqkg.network.getSelectedNodes()")
    assert len(selected) == 1
    assert page.evaluate(f"cqkg.nodes.get({selected[0]!r}).label") == "渝快辦"
    assert "2637萬人" in page.inner_text("#panel")
    assert_clean(o)


def test_overview_panel_says_how_many_figures_more_and_where(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Above the budget a node lists its first figures; the panel counts the rest and gives
    the node's own full-detail view (the command from file://)."""
    from view_support import IND, indicator_graph

    build = indicator_graph(tmp_path / "b", page_data.FIGURE_LIST + 5)
    out = tmp_path / "overview.html"
    render.write_html(render.render_view(build, render.ViewSpec(budget=8, lang="hans")), out)
    o = open_page(browser, out)
    o.page.evaluate(f"cqkg.select({IND!r})")
    panel = o.page.inner_text("#panel")
    assert f"({page_data.FIGURE_LIST + 5})" in panel
    assert "… +5" in panel
    assert "cqkg view --focus indicator/ce-shi" in panel
    assert panel.count("萬個") == page_data.FIGURE_LIST  # the listed figures' wordings
    assert not o.errors and not o.dialogs and not o.outside
