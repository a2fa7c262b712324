"""``cqkg add``: the command-line face of ``graph.pipeline.add`` (one line per outcome)."""

from __future__ import annotations

from pathlib import Path

import typer


def add(
    file: str = typer.Argument(..., help="The article as a text file, or - for standard input."),
    publisher: str = typer.Option("", "--publisher", help="Who published it (華龍網)."),
    date: str = typer.Option("", "--date", help="The article's date, YYYY-MM-DD (required)."),
    title: str | None = typer.Option(
        None, "--title", help="Title (default: the first non-empty line of the text)."
    ),
    url: str = typer.Option("", "--url", help="Where the article was found."),
    language: str | None = typer.Option(
        None, "--language", help="zh-Hant or zh-Hans (default: detected with OpenCC)."
    ),
    sources_dir: Path = typer.Option(
        Path("sources"), "--sources", help="Folder of source folders to add to."
    ),
    edition: str = typer.Option("", "--edition", help="Report edition it covers (2023)."),
    area: str = typer.Option(
        "", "--area", help="Default area of its figures, a registry id (place/chongqing)."
    ),
    encoding: str = typer.Option("utf-8", "--encoding", help="Text encoding of the file."),
) -> None:
    """Add an article to a sources folder: raw bytes verbatim plus a source.toml manifest."""
    from graph.model import InputError
    from graph.pipeline.add import add as run_add
    from graph.pipeline.add import read_input

    try:
        data, name = read_input(file)
        added = run_add(
            data,
            name,
            publisher=publisher,
            date=date or None,
            sources_dir=sources_dir,
            title=title,
            url=url,
            language=language,
            edition=edition,
            area=area,
            encoding=encoding,
        )
    except InputError as exc:
        typer.echo(f"cqkg add: error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"added {added.path}/: {added.size} bytes ({added.encoding}), {added.language}, "
        f"title {added.title!r}; {added.language_basis}"
    )
    typer.echo(f"build it with: cqkg build --sources {sources_dir}")


def register(app: typer.Typer) -> None:
    app.command("add")(add)
