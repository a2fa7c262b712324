"""``cqkg add`` and ``cqkg build``: the commands that make a build.

Each parses its options, calls one function of ``graph.pipeline`` and
prints one summary; errors go through ``graph.cli._handled`` (one line, the table's exit code).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from graph.cli import _handled, app
from graph.model import BuildError

if TYPE_CHECKING:
    from graph.pipeline.run import BuildResult


# ---------------------------------------------------------------- add and build


@app.command("add")
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
    from graph.pipeline.add import add as run_add
    from graph.pipeline.add import read_input

    with _handled("cqkg add: error: "):
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
    typer.echo(
        f"added {added.path}/: {added.size} bytes ({added.encoding}), {added.language}, "
        f"title {added.title!r}; {added.language_basis}"
    )
    typer.echo(f"build it with: cqkg build --sources {sources_dir}")


@app.command("build")
def build(
    out: Path = typer.Option(
        Path("build"), "--out", "-o", help="Output directory (a symlink to the current version)."
    ),
    sources_dir: Path | None = typer.Option(
        None, "--sources", help="Folder of source folders (default: the vendored ones)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing on success."),
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Redo every source (ignore and do not write the cache)."
    ),
    cache_dir: Path | None = typer.Option(
        None,
        "--cache-dir",
        help="Per-source cache directory (default: .cqkg-cache/ next to the output).",
    ),
) -> None:
    """Build the graph: ingest, extract, assemble, validate (SHACL + quotes), export."""
    from graph.pipeline.run import run

    failed: dict[type[Exception], str] = {
        BuildError: f"cqkg build: validation failed; {out} left unchanged.\n"
    }
    with _handled("cqkg build: error: ", failed):
        result = run(
            out_dir=out, sources_root=sources_dir, cache_dir=cache_dir, use_cache=not no_cache
        )
    if not quiet:
        typer.echo(_build_summary(result, out))


def _build_summary(result: BuildResult, out: Path) -> str:
    """The three lines ``cqkg build`` prints: counts and checks, cleaning, open world."""
    s = result.stats
    c = s["counts"]
    warnings = s["findings"].get("WARNING", 0)
    built = (
        f"built {out}/ in {result.seconds:.2f} s: {s['triples']} triples, "
        f"{c.get('entities', 0)} entities, {c.get('observations', 0)} observations, "
        f"{c.get('relations', 0)} relations, {c.get('spans', 0)} spans; "
        f"SHACL conforms, {s['spans_checked']} quotes verified; {warnings} warning(s) "
        f"(see {out}/report.md)"
    )
    changes = ", ".join(f"{k} {v}" for k, v in s["cleaning_changes"].items())
    checks = ", ".join(
        f"{c.get('checks_' + status, 0)} {status}"
        for status in ("consistent", "inconsistent", "uncheckable")
    )
    open_world = (
        f"open world: {c.get('candidates', 0)} candidate entities and "
        f"{c.get('candidates.indicators', 0)} candidate indicators queued in "
        f"{out}/curation-queue.yaml; {c.get('conflicts', 0)} conflict(s); growth checks: {checks}"
    )
    return f"{built}\ncleaning: {changes or 'nothing to clean'}\n{open_world}"
