"""Shared fixtures: one real build of the vendored report per test session.

Tests that need the built graph use ``built`` (a ``BuildResult`` in a temporary directory), so
the suite never reads or writes the developer's ``build/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from rdflib import Graph

from graph.pipeline.run import BuildResult, run

# Locally, Hypothesis explores new examples on every run (that is how it finds bugs); in CI
# (CI=true) it replays a fixed, derandomized set so a red build always means a regression.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "graph" / "sources"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/* from the current output (review the diff before committing)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # one switch for every golden test; the older ones read the environment variable
    if config.getoption("--update-golden"):
        os.environ["CQKG_UPDATE_GOLDEN"] = "1"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("session-build") / "build"
    return run(out_dir=out)


@pytest.fixture(scope="session")
def built_dir(built: BuildResult) -> Path:
    return built.out_dir


@pytest.fixture(scope="session")
def corpus_graph(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """The data graph of the seed plus every fixture article, built cold once per session (the
    validation tests compare their shortcuts with pySHACL on it)."""
    from fixture_support import ARTICLES, copy_sources

    base = tmp_path_factory.mktemp("corpus-build")
    articles = sorted(p for p in ARTICLES.iterdir() if p.is_dir())
    sources = copy_sources(base / "sources", articles)
    built = run(out_dir=base / "build", sources_root=sources, use_cache=False)
    return Graph().parse(built.out_dir / "cqkg.nt", format="nt")
