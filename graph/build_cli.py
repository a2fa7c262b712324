"""``cqkg build``: run the pipeline and publish ``build/`` (or fail, leaving it intact)."""

from __future__ import annotations

from pathlib import Path

import typer


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
    from graph.model import InputError
    from graph.pipeline.run import BuildError, run

    try:
        result = run(
            out_dir=out, sources_root=sources_dir, cache_dir=cache_dir, use_cache=not no_cache
        )
    except InputError as exc:
        typer.echo(f"cqkg build: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except BuildError as exc:
        typer.echo(f"cqkg build: validation failed; {out} left unchanged.\n{exc}", err=True)
        if exc.report_path:
            typer.echo(f"full report: {exc.report_path}", err=True)
        raise typer.Exit(1) from None
    if quiet:
        return
    s = result.stats
    c = s["counts"]
    warnings = s["findings"].get("WARNING", 0)
    typer.echo(
        f"built {out}/ in {result.seconds:.2f} s: {s['triples']} triples, "
        f"{c.get('entities', 0)} entities, {c.get('observations', 0)} observations, "
        f"{c.get('relations', 0)} relations, {c.get('spans', 0)} spans; "
        f"SHACL conforms, {s['spans_checked']} quotes verified; {warnings} warning(s) "
        f"(see {out}/report.md)"
    )
    changes = ", ".join(f"{k} {v}" for k, v in s["cleaning_changes"].items())
    typer.echo(f"cleaning: {changes or 'nothing to clean'}")
    checks = ", ".join(
        f"{c.get('checks_' + status, 0)} {status}"
        for status in ("consistent", "inconsistent", "uncheckable")
    )
    typer.echo(
        f"open world: {c.get('candidates', 0)} candidate entities and "
        f"{c.get('candidates.indicators', 0)} candidate indicators queued in "
        f"{out}/curation-queue.yaml; {c.get('conflicts', 0)} conflict(s); growth checks: {checks}"
    )


def register(app: typer.Typer) -> None:
    app.command("build")(build)
