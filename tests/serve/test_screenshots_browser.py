"""``scripts/screenshots.py`` (``make screenshots``) makes the README's pictures of the query
page and the report from a deterministic state: two runs write the same PNG bytes."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import require_chromium
from query_support import free_port

from graph.pipeline.run import BuildResult
from graph.serve.pages import yasgui_installed

pytestmark = [pytest.mark.browser, pytest.mark.server]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"
PNG = b"\x89PNG\r\n\x1a\n"


def _shoot(build: Path, out: Path, port: int) -> dict[str, str]:
    args = ["--build-dir", str(build), "--out-dir", str(out), "--port", str(port)]
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--only", "query,report"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    shots = {}
    for name in ("query", "report"):
        data = (out / f"{name}.png").read_bytes()
        assert data.startswith(PNG) and len(data) > 20_000, name  # a picture, not a blank
        shots[name] = hashlib.sha256(data).hexdigest()
    return shots


def test_two_runs_make_the_same_pictures(built: BuildResult, tmp_path: Path) -> None:
    require_chromium()
    if not yasgui_installed():
        pytest.skip("YASGUI not installed in node_modules (`make web-deps` runs npm ci)")
    # one port for both runs: the query page shows its endpoint's URL (the script's is fixed)
    port = free_port()
    first = _shoot(built.out_dir, tmp_path / "a", port)
    assert _shoot(built.out_dir, tmp_path / "b", port) == first
