"""The ``cqkg`` command: the app, the one table that turns an error into an exit code, and the
sub-commands, split by what they do on a build:

* :mod:`graph.cli.build` makes one: ``add``, ``build``;
* :mod:`graph.cli.read` uses a finished one: ``query``, ``serve``, ``push``, ``compare``,
  ``view``, ``analyze``.

Why a package: one module held every command (528 lines); the two halves share nothing but the
app and the error handling defined here, and a reader of ``cqkg query`` need not page through
the build's options. Importing this package registers every command (the imports at the end),
in that order (``cqkg --help`` lists them so), and ``graph.cli:app`` is the whole command as
before.

Each command is a thin face of its stage: it parses options, calls one function of
``graph.pipeline``, ``graph.sparql``, ``graph.serve`` or ``graph.view`` and prints one summary.
Errors all go through :func:`_handled`, which looks the exception up in :data:`EXIT_CODES` and
prints one line (never a traceback) to stderr, so every command fails the same way.

Imports of the stages are lazy: ``cqkg query`` must start in well under a second, and importing
rdflib, starlette or httpx at CLI start would cost most of that budget for commands that never
use them. The error classes in the table are the cheap ones (no engine, no rdflib).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import NoReturn

import typer

from graph import __version__
from graph.model import BuildError, InputError
from graph.sparql.errors import QueryError
from graph.sparql.push import PushError

#: Exit code per error class (looked up along the exception's MRO). An exception that carries

#: Exit code per error class (looked up along the exception's MRO). An exception that carries
#: its own ``exit_code`` (``InputError(..., exit_code=3)`` for a non-Chinese document) keeps it.
EXIT_CODES: dict[type[Exception], int] = {
    InputError: 2,  # bad input: a file, an option, a query parameter
    QueryError: 2,  # a query the engine refuses (syntax, too large, too many rows, timeout)
    ValueError: 2,  # a result the chosen --format cannot write
    BuildError: 1,  # the build ran but validation failed; build/ is left unchanged
    PushError: 1,  # the triple store refused the upload or could not be reached
}

BUILD_DIR_HELP = "Build output directory holding cqkg.nt and ontology.ttl."
BUILD_OF_HELP = "Directory of `cqkg build`."


def exit_code(exc: BaseException) -> int:
    """The exit code of ``exc``: its own ``exit_code`` if it has one, else the table's."""
    default = next(EXIT_CODES[t] for t in type(exc).__mro__ if t in EXIT_CODES)
    return int(getattr(exc, "exit_code", default))


@contextmanager
def _handled(prefix: str, prefixes: Mapping[type[Exception], str] | None = None) -> Iterator[None]:
    """Turn an error of :data:`EXIT_CODES` into ``<prefix><message>`` on stderr and its exit code.

    ``prefixes`` overrides the prefix for one error class (``cqkg build`` words a failed
    validation differently from bad input). An error with a ``report_path`` names it on a
    second line.
    """
    try:
        yield
    except tuple(EXIT_CODES) as exc:
        lead = next((p for t, p in (prefixes or {}).items() if isinstance(exc, t)), prefix)
        typer.echo(f"{lead}{exc}", err=True)
        report = getattr(exc, "report_path", None)
        if report:
            typer.echo(f"full report: {report}", err=True)
        raise typer.Exit(exit_code(exc)) from None


def _refuse(message: str) -> NoReturn:
    """A refused option: one ``InputError`` for :func:`_handled` to print (exit code 2)."""
    raise InputError(message)


app = typer.Typer(
    name="cqkg",
    help=(
        "Knowledge graph of the Chongqing Internet Development Report 2023 "
        "(重慶市互聯網發展報告(2023))."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cqkg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Build, validate, query and view the cqkg knowledge graph."""


# the commands register themselves on ``app`` (they import it from here)
from graph.cli import build, read  # noqa: E402

__all__ = ["EXIT_CODES", "app", "build", "exit_code", "read"]
