"""The ``cqkg`` command: one sub-command per verb (add, build, query, serve, push, view,
analyze, compare).

Sub-commands of the query and viewer features live in their own modules and register
themselves through ``register(app)`` so this file stays a thin index.
"""

from __future__ import annotations

import typer

from graph import __version__

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


def _register() -> None:
    from graph import add_cli, build_cli, query_cli, view_cli
    from graph.sparql import compare

    add_cli.register(app)
    build_cli.register(app)
    query_cli.register(app)
    view_cli.register(app)
    compare.register(app)


_register()


if __name__ == "__main__":
    app()
