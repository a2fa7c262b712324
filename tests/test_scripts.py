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


@pytest.mark.slow
def test_wheel_carries_everything_a_build_needs(tmp_path: Path) -> None:
    """A plain (non-editable) install must build too: the wheel ships the vendored source,
    the curated data, the ontology and shapes (through the graph/ontology link), queries and
    templates."""
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), str(SCRIPTS.parent)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    import zipfile

    [wheel] = list(tmp_path.glob("cqkg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "graph/ontology/cqkg.ttl",
        "graph/ontology/shapes.ttl",
        "graph/sources/hualong-2024-10-12-cq-internet-report-2023/raw.txt",
        "graph/sources/hualong-2024-10-12-cq-internet-report-2023/source.toml",
        "graph/curation/entities.yaml",
        "graph/curation/corrections.tsv",
        "graph/sparql/queries/organizers.rq",
        "graph/view/templates/viewer.html",
    ):
        assert needed in names, needed
