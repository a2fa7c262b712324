"""The benchmark and docs scripts still run (they are how the README's numbers are made)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


@pytest.mark.slow
def test_bench_build_prints_its_table() -> None:
    res = subprocess.run(
        [sys.executable, str(SCRIPTS / "bench_build.py"), "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert "| `cqkg build` wall, median of 1" in res.stdout
    for stage in ("assemble", "validate", "export"):
        assert f"| stage: {stage}" in res.stdout
