"""scripts/bench_ingest.py runs and ingest memory stays under its target (issue 11: peak RSS
growth < 10x the input), measured the way the README's row is."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench_ingest.py"


@pytest.mark.slow
def test_ingest_peak_memory_is_under_ten_times_the_input() -> None:
    res = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "4"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    row = re.search(r"^\| 4 \| ([\d.]+) \| ([\d.]+)x \| ([\d.]+) \|", res.stdout, re.M)
    assert row, res.stdout
    growth_mib, ratio = float(row[1]), float(row[2])
    assert growth_mib > 0 and ratio < 10, res.stdout
