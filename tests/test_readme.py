"""The README cannot drift: its SPARQL examples run on the real build and answer something,
and the commands it promises exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.pipeline.run import BuildResult
from graph.sparql.engines import open_engine, run_query

README = Path(__file__).resolve().parents[1] / "README.md"


def _sparql_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    queries: list[str] = []
    for block in re.findall(r"```sparql\n(.*?)```", text, flags=re.S):
        # a block may hold several queries, each starting with SELECT/CONSTRUCT at line start
        parts = re.split(r"\n\s*\n(?=SELECT|CONSTRUCT|ASK|DESCRIBE)", block.strip())
        queries.extend(p for p in parts if p.strip())
    return queries


def test_readme_has_sparql_examples() -> None:
    assert len(_sparql_blocks()) >= 4


@pytest.mark.parametrize("query", _sparql_blocks())
def test_readme_query_answers_on_the_real_build(built: BuildResult, query: str) -> None:
    engine = open_engine("oxigraph", built.out_dir)
    result = run_query(engine, query)
    assert len(result) > 0, query


def test_readme_names_the_two_setup_commands_and_every_cli_command() -> None:
    from typer.main import get_command

    from graph.cli import app

    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    for name in get_command(app).commands:  # type: ignore[attr-defined]
        assert f"cqkg {name}" in text, name
