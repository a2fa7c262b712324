"""Headless Chromium settings shared by the viewer's browser tests, benchmark and screenshots.

One place for them because the flags matter: this machine has no network, and Chromium
without ``--disable-background-networking`` and friends keeps trying to reach Google's hosts.
The package itself never needs a browser; Playwright is a test dependency and is imported
lazily by the callers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (the Makefile installs it)
ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def launch(playwright: Any) -> Any:
    """Launch Debian's Chromium headless through a Playwright ``sync_playwright()`` handle."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(ARGS))


def require_chromium() -> None:
    """Skip (fail under CI) when Debian's Chromium is missing: a browser test cannot run."""
    if not CHROMIUM.exists():
        reason = "Debian chromium not installed at /usr/bin/chromium (`make test` installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@contextmanager
def local_page(
    base_url: str, width: int, height: int
) -> Iterator[tuple[Any, list[str], list[str]]]:
    """(page, errors, outside): a fresh Chromium page that may load only ``base_url``.

    Requests anywhere else are aborted and recorded in ``outside``; console errors and
    uncaught page errors go to ``errors``, so a test can assert both stay empty.
    """
    require_chromium()
    from playwright import sync_api

    errors: list[str] = []
    outside: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        ctx = browser.new_context(viewport={"width": width, "height": height})

        def route(r: Any) -> None:
            if r.request.url.startswith(base_url):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        pg = ctx.new_page()
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        try:
            yield pg, errors, outside
        finally:
            browser.close()
