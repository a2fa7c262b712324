"""Fixtures of the SPARQL tests: one small build per test module and both engines on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from query_support import make_build_dir

from graph.sparql.engines import open_engine


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build_dir(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def engines(build_dir: Path) -> dict[str, object]:
    return {name: open_engine(name, build_dir) for name in ("oxigraph", "rdflib")}
