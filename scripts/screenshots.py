"""Save the README's and docs' screenshots into ``docs/screenshots/``: the viewer (``full.png``,
``focus.png``), the query page (``query.png``), a CONSTRUCT result opened from it in the
viewer (``construct.png``) and the report at a glance (``report.png``).

Usage: .venv/bin/python scripts/screenshots.py [--build-dir build] [--focus 渝快辦] [--hops 2]
       [--port 8765] [--only query,report]

Why a script and not the browser tests: a test that rewrites a tracked file on every run leaves
the tree dirty and makes the picture depend on whichever test ran last. Here every picture is
taken from one deterministic state: the seed built into a temp dir (unless ``--build-dir``),
the server (``graph.serve.app``, one worker) on a fixed loopback port, a fresh browser context
per page with a fixed viewport, YASGUI with nothing persisted, animations off, the text caret
hidden. The query page shows the shipped ``organizers`` query with its table sorted by name;
the report the first section that has a ranking, growth bars and shares to 100 %.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # browser_support

from browser_support import launch  # noqa: E402

from graph.view import render as view  # noqa: E402

PORT = 8765
"""Fixed, so two runs serve (and draw) the same URLs; any free loopback port works."""
ACTIVE = ".yasgui .tabPanel.active"
SHOTS = ("full", "focus", "query", "construct", "report")


def _viewer(browser: Any, build: Path, tmp: Path, out: Path, focus: str, hops: int) -> None:
    pages = {
        "full": view.render_full_html(build),
        "focus": view.render_focus_html(build, focus, hops),
    }
    for name, html in pages.items():
        path = tmp / f"{name}.html"
        view.write_html(html, path)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(path.as_uri())
        page.wait_for_function("window.__cqkgReady")
        if name == "focus":  # show the details panel of the focused entity
            page.fill("#search", focus)
            page.press("#search", "Enter")
            page.evaluate("cqkg.network.fit({animation: false})")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / f"{name}.png"), animations="disabled", caret="hide")
        print(f"wrote {out / f'{name}.png'}")
        page.close()


def _run_shipped(browser: Any, url: str, name: str, width: int) -> tuple[Any, Any]:
    """(context, page): a fresh context on ``/query`` with shipped query ``name`` run in its tab."""
    ctx = browser.new_context(viewport={"width": width, "height": 1000})
    page = ctx.new_page()
    page.goto(f"{url}/query")
    page.wait_for_function("window.__cqkgYasgui", timeout=15_000)
    page.select_option("#examples", name)
    page.wait_for_function(f"window.__cqkgYasgui.getTab().getName() === {name!r}")
    page.click(f"{ACTIVE} .yasqe_queryButton")
    return ctx, page


def _query_page(browser: Any, url: str, out: Path) -> None:
    """``/query``: the shipped ``organizers`` query run in its tab, rows sorted by name."""
    ctx, page = _run_shipped(browser, url, "organizers", 1300)
    page.wait_for_selector(f"{ACTIVE} .yasr table.dataTable tbody tr", timeout=15_000)
    page.locator(f"{ACTIVE} .yasr th", has_text="name").first.click()
    page.wait_for_selector(f"{ACTIVE} .yasr th.dt-ordering-asc", timeout=5_000)
    page.mouse.move(0, 0)  # no hover highlight
    # "4 results in 0.37 seconds" differs on every run: its time is the one thing not shown
    # (CSSOM, which the page's CSP allows; an injected <style> it would block)
    page.evaluate(
        "document.querySelectorAll('.yasr_response_chip').forEach(function (e) {"
        " e.textContent = e.textContent.replace(/ in [0-9.]+ seconds?/, ''); })"
    )
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / "query.png"), animations="disabled", caret="hide")
    print(f"wrote {out / 'query.png'}")
    ctx.close()


def _construct_in_viewer(browser: Any, url: str, out: Path) -> None:
    """The shipped ``neighbourhood`` CONSTRUCT run on ``/query``, then "open in the viewer"."""
    ctx, page = _run_shipped(browser, url, "neighbourhood", 1600)
    page.wait_for_selector("#open-viewer:not([hidden])", timeout=15_000)
    page.click("#open-viewer")
    page.wait_for_function("window.__cqkgReady", timeout=30_000)
    page.evaluate("cqkg.network.fit({animation: false})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / "construct.png"), animations="disabled", caret="hide")
    print(f"wrote {out / 'construct.png'}")
    ctx.close()


def _report_page(browser: Any, url: str, out: Path) -> None:
    """``/report``: one section with a ranking, growth bars and shares to 100 %."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = ctx.new_page()
    page.goto(f"{url}/report")
    sections = page.locator("section.sec")
    shown = next(
        i
        for i in range(sections.count())
        if sections.nth(i).locator("svg.bars.growth").count()
        and sections.nth(i).locator("svg.bars.share").count()
        and sections.nth(i).locator("table.ranks").count()
    )
    top = sections.nth(shown).bounding_box()
    assert top is not None
    page.screenshot(
        path=str(out / "report.png"),
        full_page=True,
        clip={"x": 0, "y": top["y"], "width": 1280, "height": 1000},
        animations="disabled",
    )
    print(f"wrote {out / 'report.png'}")
    ctx.close()


def _serve(build: Path, port: int) -> tuple[Any, threading.Thread, Any]:
    """The real app (worker pool, YASGUI, report) on ``127.0.0.1:port`` in a thread."""
    import uvicorn

    from graph.serve.app import ServerConfig, create_app, uvicorn_config
    from graph.sparql.workers import WorkerPool

    pool = WorkerPool(build, size=1)
    app = create_app(ServerConfig(build_dir=build, port=port), pool)
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pool.close()
            raise SystemExit(f"screenshots: server did not start on 127.0.0.1:{port}")
        time.sleep(0.05)
    return server, thread, pool


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", type=Path, default=None)
    ap.add_argument("--focus", default="渝快辦")
    ap.add_argument("--hops", type=int, default=2)
    ap.add_argument("--port", type=int, default=PORT)
    ap.add_argument("--only", default=",".join(SHOTS), help="comma-separated: " + ",".join(SHOTS))
    ap.add_argument("--out-dir", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    if not only <= set(SHOTS):
        ap.error(f"--only: choose from {', '.join(SHOTS)}")
    from playwright.sync_api import sync_playwright

    from graph.serve.pages import yasgui_installed

    if only & {"query", "construct"} and not yasgui_installed():
        raise SystemExit("screenshots: YASGUI is not installed (make web-deps)")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d, sync_playwright() as p:
        tmp = Path(d)
        build = args.build_dir
        if build is None:
            from graph.pipeline.run import run

            build = run(tmp / "build").out_dir
        browser = launch(p)
        try:
            if only & {"full", "focus"}:
                _viewer(browser, build, tmp, args.out_dir, args.focus, args.hops)
            if only & {"query", "construct", "report"}:
                server, thread, pool = _serve(Path(build), args.port)
                url = f"http://127.0.0.1:{args.port}"
                try:
                    if "query" in only:
                        _query_page(browser, url, args.out_dir)
                    if "construct" in only:
                        _construct_in_viewer(browser, url, args.out_dir)
                    if "report" in only:
                        _report_page(browser, url, args.out_dir)
                finally:
                    server.should_exit = True
                    thread.join(10)
                    pool.close()
        finally:
            browser.close()


if __name__ == "__main__":
    main()
