"""``cqkg view`` (the network as one offline HTML page) and ``cqkg analyze`` (networkx)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer

from graph.model import InputError


def _fail(exc: InputError) -> None:
    typer.echo(str(exc), err=True)
    raise typer.Exit(exc.exit_code)


def register(app: typer.Typer) -> None:
    """Attach ``view`` and ``analyze`` to the main app."""

    @app.command()
    def view(
        build_dir: Path = typer.Option(
            Path("build"), "--build-dir", help="Directory of `cqkg build`."
        ),
        out: Path = typer.Option(Path("build/viewer.html"), "--out", help="HTML file to write."),
        focus: str = typer.Option(
            "", "--focus", help="Ego network of an entity: label (any script), id or IRI."
        ),
        hops: int = typer.Option(
            2, "--hops", help="Steps from --focus (themes are not walked through)."
        ),
        section: str = typer.Option(
            "", "--section", help="Entities mentioned in one theme (id or heading)."
        ),
        query: Path | None = typer.Option(
            None, "--query", help="Draw the result of a CONSTRUCT query file."
        ),
        observations: bool = typer.Option(
            False, "--observations", help="Draw figures as nodes too."
        ),
        lang: str = typer.Option("hant", "--lang", help="Initial labels: hant, hans or en."),
        budget: int = typer.Option(
            1500,
            "--budget",
            help="Above this many nodes the full view draws the best connected and groups "
            "the rest by class (0 = draw every node).",
        ),
    ) -> None:
        """Write the graph as ONE self-contained HTML file (works offline, no CDN)."""
        from graph.view.render import ViewSpec, render_view, write_html

        if budget < 0:
            _fail(InputError(f"--budget {budget}: must be 0 or more"))

        if sum(bool(x) for x in (focus, section, query)) > 1:
            _fail(InputError("view: give only one of --focus, --section, --query"))
        if query is not None:
            from graph.sparql import sandbox

            try:
                sandbox.isolate_cli("view")  # before the engine is opened
            except RuntimeError as exc:
                _fail(InputError(str(exc)))
        try:
            text = ""
            if query is not None:
                try:
                    text = query.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise InputError(f"{query}: cannot read ({exc})") from None
            spec = ViewSpec(
                observations=observations,
                focus=focus,
                hops=hops,
                section=section,
                query=text,
                lang=lang,
                budget=budget,
            )
            t0 = time.perf_counter()
            html = render_view(build_dir, spec)
            write_html(html, out)
        except InputError as exc:
            _fail(exc)
        typer.echo(
            f"wrote {out} ({len(html.encode('utf-8'))} bytes, {time.perf_counter() - t0:.2f} s)"
        )

    @app.command()
    def analyze(
        build_dir: Path = typer.Option(
            Path("build"), "--build-dir", help="Directory of `cqkg build`."
        ),
        path: tuple[str, str] | None = typer.Option(
            None, "--path", help="Shortest chain between two entities: --path A B."
        ),
        export_dir: Path | None = typer.Option(
            None, "--export-dir", help="Write cqkg-network.graphml and .gexf here."
        ),
        lang: str = typer.Option("hant", "--lang", help="Labels in the report: hant, hans or en."),
    ) -> None:
        """Counts per class and relation, components, central entities, paths; GraphML/GEXF."""
        from graph.view import analyze as an

        try:
            if lang not in ("hant", "hans", "en"):
                raise InputError(f"--lang {lang}: choose one of hant, hans, en")
            result, g, idx, styles = an.run(build_dir, lang)
            sys.stdout.write(an.format_report(result))
            if path:
                steps = an.shortest_chain(g, idx, styles, path[0], path[1], lang)
                typer.echo(f"path ({len(steps)} steps): {an.format_chain(steps)}")
            if export_dir is not None:
                for written in an.export(g, idx, styles, export_dir):
                    typer.echo(f"wrote {written}")
        except InputError as exc:
            _fail(exc)
