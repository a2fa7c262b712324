"""``graph/cli.py``: one exit-code table for every command, one line on stderr per failure.

The commands' own behaviour is tested next to their stages (tests/test_query_cli.py,
tests/pipeline/test_add.py, tests/view/...); here: the table, and that each command's refusals
go through it with the wording and code they always had.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from graph.cli import EXIT_CODES, _handled, app, exit_code
from graph.model import BuildError, InputError
from graph.sparql.catalogue import ParameterError
from graph.sparql.errors import QueryError, TooManyRows
from graph.sparql.push import PushError

runner = CliRunner()


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (InputError("raw.txt: empty (0 bytes)"), 2),
        (InputError("raw.txt: 3.0% Han characters; not a Chinese document", exit_code=3), 3),
        (ParameterError("query: --bind x=1: no such parameter"), 2),  # subclass: by MRO
        (QueryError("bad"), 2),
        (TooManyRows("more than 10 rows"), 2),
        (ValueError("--format turtle: not for SELECT results"), 2),
        (BuildError("2 errors", Path("build.failed.md")), 1),
        (PushError("store answered 500"), 1),
    ],
)
def test_exit_code_of_each_error_class(exc: Exception, code: int) -> None:
    assert exit_code(exc) == code


def test_the_table_holds_only_error_classes() -> None:
    assert all(isinstance(t, type) and issubclass(t, Exception) for t in EXIT_CODES)
    assert set(EXIT_CODES.values()) == {1, 2}


def test_an_error_outside_the_table_is_not_swallowed() -> None:
    """A bug stays a traceback: the handler turns only the table's errors into exit codes."""
    with pytest.raises(KeyError), _handled("cqkg: "):
        raise KeyError("a bug")


def test_a_failed_validation_names_its_report(capsys: pytest.CaptureFixture[str]) -> None:
    prefixes: dict[type[Exception], str] = {BuildError: "cqkg build: validation failed; "}
    with pytest.raises(typer.Exit) as info, _handled("cqkg build: error: ", prefixes):
        raise BuildError("1 error", Path("out.failed.md"))
    assert info.value.exit_code == 1
    assert capsys.readouterr().err == (
        "cqkg build: validation failed; 1 error\nfull report: out.failed.md\n"
    )


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["add", "no-such-file.txt", "--date", "2024-01-01"], "cqkg add: error: "),
        (["query"], "cqkg: give a query, a .rq file or a shipped query name"),
        (["query", "x", "--format", "yaml"], "cqkg: --format yaml: unknown (use table, "),
        (["serve", "--timeout", "99"], "cqkg: --timeout 99: must be > 0 and at most 30 s"),
        (
            ["push", "--endpoint", "http://127.0.0.1:9/store", "--graph", "g", "--default-graph"],
            "cqkg: --graph and --default-graph exclude each other",
        ),
        (
            ["push", "--endpoint", "http://127.0.0.1:9/s", "--chunk-mib", "0"],
            "cqkg: --chunk-mib 0:",
        ),
        (["compare", "--edition", "2023"], "cqkg: "),
        (["view", "--budget", "-1"], "--budget -1: must be 0 or more"),
        (["view", "--focus", "a", "--section", "b"], "view: give only one of --focus, --section"),
        (["analyze", "--lang", "fr"], "--lang fr: choose one of hant, hans, en"),
    ],
)
def test_each_command_refuses_in_one_line_with_exit_2(
    args: list[str], stderr: str, tmp_path: Path
) -> None:
    res = runner.invoke(app, args + (["--build-dir", str(tmp_path)] if args[0] != "add" else []))
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith(stderr), res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
