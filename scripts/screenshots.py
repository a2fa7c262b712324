"""Save the viewer screenshots for the docs: ``docs/screenshots/full.png`` and ``focus.png``.

Usage: .venv/bin/python scripts/screenshots.py [--build-dir build] [--focus 渝快辦] [--hops 2]

Without ``--build-dir`` the graph is built into a temp dir with ``graph.pipeline.run.run``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from browser_support import launch  # noqa: E402

from graph import view  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", type=Path, default=None)
    ap.add_argument("--focus", default="渝快辦")
    ap.add_argument("--hops", type=int, default=2)
    ap.add_argument("--out-dir", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    args.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d, sync_playwright() as p:
        tmp = Path(d)
        build = args.build_dir
        if build is None:
            from graph.pipeline.run import run

            build = tmp / "build"
            run(build)
        pages = {
            "full": view.render_full_html(build),
            "focus": view.render_focus_html(build, args.focus, args.hops),
        }
        browser = launch(p)
        for name, html in pages.items():
            path = tmp / f"{name}.html"
            view.write_html(html, path)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(path.as_uri())
            page.wait_for_function("window.__cqkgReady")
            if name == "focus":  # show the details panel of the focused entity
                page.fill("#search", args.focus)
                page.press("#search", "Enter")
                page.evaluate("cqkg.network.fit({animation: false})")
            page.wait_for_timeout(300)
            page.screenshot(path=str(args.out_dir / f"{name}.png"))
            print(f"wrote {args.out_dir / f'{name}.png'}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
