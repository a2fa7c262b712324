"""Headless Chromium settings shared by the viewer's browser tests, benchmark and screenshots.

One place for them because the flags matter: this machine has no network, and Chromium
without ``--disable-background-networking`` and friends keeps trying to reach Google's hosts.
The package itself never needs a browser; Playwright is a test dependency and is imported
lazily by the callers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
