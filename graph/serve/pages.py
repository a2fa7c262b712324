"""Rendering of the HTML the server sends: the resource pages and the query page (Jinja2
templates under ``templates/``, autoescaped) with their Content-Security-Policy, and the
viewer pages that ``graph.view.render`` draws as self-contained HTML.

The data of a resource page comes from :mod:`graph.serve.resource_page`; nothing here runs a
query, so every page is a function of the data it is handed.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route, Router

from graph.namespaces import PREFIXES
from graph.serve.middleware import CSP
from graph.serve.page_model import MAX_ROWS, Page
from graph.sparql.catalogue import list_queries

PACKAGE = Path(__file__).parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
YASGUI_BUILD = PACKAGE.parent.parent / "node_modules" / "@zazuko" / "yasgui" / "build"
"""Where ``npm ci`` (the Makefile's ``web-deps``) puts YASGUI's built bundle; a dependency,
served from there, never copied into the repository."""
YASGUI_FILES = {"yasgui.min.js": "text/javascript", "yasgui.min.css": "text/css"}
"""The only files of the package the server hands out (no source maps, no package.json)."""
YASGUI_STYLE_HASHES = (
    # the table's column resizer (a bundled copy of "column-resizer") adds <style> elements:
    # its fixed rules (' .grip-resizable{table-layout:fixed;} ...') when a table is drawn ...
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",
    # ... and '*{cursor:col-resize!important}' when a column's grip is pressed
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",
)
"""The narrowest style-src YASGUI needs: these exact <style> texts, no 'unsafe-inline'
(docs/decisions/0011-yasgui.md); script-src stays 'self' (no eval). Both are observed in
Chromium by ``tests/serve/test_yasgui_browser.py``, which fails on any CSP violation and on any
difference between this set and the texts the page inserts. (The resizer's hover rule is only
inserted for a hover cursor other than its default, which YASR never sets: no hash for it.)"""


def yasgui_installed(build: Path | None = None) -> bool:
    """Whether both served YASGUI files exist (checked per request: installing needs no restart)."""
    root = YASGUI_BUILD if build is None else build
    return all((root / name).is_file() for name in YASGUI_FILES)


def yasgui_csp() -> str:
    """The endpoint's CSP with style-src widened by exactly ``YASGUI_STYLE_HASHES``."""
    return CSP.replace("style-src 'self'", "style-src 'self' " + " ".join(YASGUI_STYLE_HASHES))


def yasgui_app() -> Router:
    """``/static/yasgui/{name}``: exactly the files of ``YASGUI_FILES``, 404 for anything else."""

    async def serve(request: Request) -> Response:
        name = request.path_params["name"]
        path = YASGUI_BUILD / name
        if name not in YASGUI_FILES or not path.is_file():
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(path, media_type=YASGUI_FILES[name])

    return Router(routes=[Route("/{name}", serve)])


class Pages:
    """The template environment and the resource pages' CSP, both fixed at startup."""

    def __init__(self, templates: Path = TEMPLATES) -> None:
        self.env = Environment(
            loader=FileSystemLoader(templates),
            autoescape=select_autoescape(["html"]),
        )
        self.page_csp = page_csp(templates / "entity.html")

    def entity(self, path: str, page: Page | None, status: int = 200) -> HTMLResponse:
        """A resource page (``page`` None: the not-found page for ``path``)."""
        html = self.env.get_template("entity.html").render(
            page=page,
            path=path,
            # frame-ancestors is only honoured in the header; browsers log an error for it in a meta
            csp=self.page_csp.replace("; frame-ancestors 'none'", ""),
            max_rows=MAX_ROWS,
        )
        headers = {"Vary": "Accept", "Content-Security-Policy": self.page_csp}
        return HTMLResponse(html, status_code=status, headers=headers)

    def query(self) -> HTMLResponse:
        """The query page, with the catalogue's example queries and the prefixes."""
        examples = [
            {
                "name": q.name,
                "summary": q.summary,
                "text": q.text,
                "params": [
                    {"name": p.name, "description": p.description, "default": p.default}
                    for p in q.params
                ],
            }
            for q in list_queries()
        ]
        yasgui = yasgui_installed()
        page = self.env.get_template("query.html").render(
            examples=examples, prefixes=PREFIXES, yasgui=yasgui
        )
        if not yasgui:
            return HTMLResponse(page)  # the endpoint's default CSP
        return HTMLResponse(page, headers={"Content-Security-Policy": yasgui_csp()})


def page_csp(template: Path) -> str:
    """CSP for resource pages: no script at all, and only the template's own inline style.

    The style block is static text in the template, so its sha256 is fixed at startup; a
    style injected by data (impossible under autoescape anyway) would not match it.
    """
    styles = re.findall(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in styles
    )
    style = hashes or "'none'"
    return (
        f"default-src 'none'; style-src {style}; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def view_module() -> Any:
    """``graph.view.render``, looked up per request (None when the viewer is not installed)."""
    try:
        import graph.view.render as render
    except ImportError:
        return None
    return render


def viewer_response(render: Any, page: str) -> Response:
    """The viewer is one self-contained page: all its script and style are inline, so it
    carries its own CSP (the same one as its meta tag: inline only, nothing fetched) instead
    of the endpoint's default ``script-src 'self'``, which would block it from drawing."""
    return HTMLResponse(page, headers={"Content-Security-Policy": render.CSP})


__all__ = [
    "STATIC",
    "YASGUI_BUILD",
    "YASGUI_FILES",
    "YASGUI_STYLE_HASHES",
    "Pages",
    "page_csp",
    "view_module",
    "viewer_response",
    "yasgui_app",
    "yasgui_csp",
    "yasgui_installed",
]
