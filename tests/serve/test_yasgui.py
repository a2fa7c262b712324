"""The query page with and without the YASGUI npm package (issue 12, item 1), over HTTP.

The package is a dependency installed by the Makefile (``npm ci``), never part of the
repository: with it the page loads its bundle from ``/static/yasgui/`` (served from
``node_modules``, two files only); without it the page says so and keeps the plain editor.
Both are checked here by pointing ``YASGUI_BUILD`` at a fake package or at nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from query_support import ThreadServer, make_build_dir

from graph.serve import pages
from graph.serve.app import ServerConfig, create_app
from graph.sparql.catalogue import list_queries
from graph.sparql.workers import WorkerPool

pytestmark = [pytest.mark.server]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    build_dir = make_build_dir(tmp_path_factory.mktemp("build"))
    pool = WorkerPool(build_dir, size=1)
    srv = ThreadServer(create_app(ServerConfig(build_dir=build_dir), pool))
    yield srv
    srv.stop()
    pool.close()


@pytest.fixture
def fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for node_modules/@zazuko/yasgui/build with the two served files and others."""
    build = tmp_path / "build"
    build.mkdir()
    (build / "yasgui.min.js").write_text("window.Yasgui = function () {};", encoding="utf-8")
    (build / "yasgui.min.css").write_text(".yasgui { color: black }", encoding="utf-8")
    (build / "yasgui.min.js.map").write_text("{}", encoding="utf-8")
    (build.parent / "package.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(pages, "YASGUI_BUILD", build)
    return build


def test_with_the_package_the_page_loads_yasgui_from_the_server(
    server: ThreadServer, fake_package: Path
) -> None:
    page = httpx.get(f"{server.url}/query", timeout=5)
    assert page.status_code == 200
    assert '<script src="/static/yasgui/yasgui.min.js"></script>' in page.text
    assert '<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">' in page.text
    assert 'src="/static/yasgui-init.js"' in page.text
    assert 'id="no-yasgui"' not in page.text and "/static/query.js" not in page.text
    assert (
        "http://" not in page.text.split("<body>")[0]
        and "https://" not in page.text.split("<body>")[0]
    )  # nothing in the head is fetched from elsewhere
    for q in list_queries():
        assert f'value="{q.name}"' in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe" not in csp
    assert "style-src 'self' " + " ".join(pages.YASGUI_STYLE_HASHES) + ";" in csp
    js = httpx.get(f"{server.url}/static/yasgui/yasgui.min.js", timeout=5)
    assert js.status_code == 200 and js.text == "window.Yasgui = function () {};"
    assert js.headers["content-type"].startswith("text/javascript")
    css = httpx.get(f"{server.url}/static/yasgui/yasgui.min.css", timeout=5)
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_only_the_two_bundle_files_are_served(server: ThreadServer, fake_package: Path) -> None:
    for path in ("yasgui.min.js.map", "../package.json", "%2e%2e/package.json", "", "x.js"):
        resp = httpx.get(f"{server.url}/static/yasgui/{path}", timeout=5)
        assert resp.status_code == 404, path


def test_without_the_package_the_page_says_so_and_keeps_the_plain_editor(
    server: ThreadServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "YASGUI_BUILD", tmp_path / "missing")
    page = httpx.get(f"{server.url}/query", timeout=5)
    assert page.status_code == 200
    assert 'id="no-yasgui"' in page.text and "not installed" in page.text
    assert "make web-deps" in page.text
    assert 'src="/static/query.js"' in page.text and 'id="query"' in page.text
    assert "/static/yasgui/" not in page.text
    assert "sha256-" not in page.headers["content-security-policy"]  # the endpoint's own CSP
    assert httpx.get(f"{server.url}/static/yasgui/yasgui.min.js", timeout=5).status_code == 404


def test_init_script_turns_the_remote_lookups_off() -> None:
    """LOV class/property completion and the endpoint catalogue are YASGUI's remote look-ups."""
    js = (pages.STATIC / "yasgui-init.js").read_text(encoding="utf-8")
    assert 'autocompleters: ["prefixes", "variables"]' in js
    assert "persistenceId: null" in js and "innerHTML" not in js
    assert "http://" not in js and "https://" not in js
