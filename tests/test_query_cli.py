"""``cqkg query`` through Typer's runner and, for the cold-start budget, a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from netns_support import stub_isolation  # noqa: F401 - autouse fixture
from query_support import make_build_dir
from typer.testing import CliRunner

from graph.cli import app
from graph.sparql.catalogue import list_queries

runner = CliRunner()


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build_dir(tmp_path_factory.mktemp("build"))


def test_list_shows_every_query_with_summary() -> None:
    res = runner.invoke(app, ["query", "--list"])
    assert res.exit_code == 0
    for q in list_queries():
        assert q.name in res.stdout and q.summary in res.stdout


def test_named_query_table(build_dir: Path) -> None:
    res = runner.invoke(app, ["query", "organizers", "--build-dir", str(build_dir)])
    assert res.exit_code == 0, res.output
    assert "市委網信辦" in res.stdout and res.stdout.rstrip().endswith("(4 rows)")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "md"])
def test_formats(build_dir: Path, fmt: str) -> None:
    res = runner.invoke(app, ["query", "yukuaiban", "-f", fmt, "--build-dir", str(build_dir)])
    assert res.exit_code == 0, res.output
    assert "2637萬人" in res.stdout
    if fmt == "json":
        assert len(json.loads(res.stdout)["results"]["bindings"]) == 2


def test_rdf_file_and_construct(build_dir: Path, tmp_path: Path) -> None:
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?x a cqo:Event }", encoding="utf-8")
    res = runner.invoke(app, ["query", str(rq), "-f", "csv", "--build-dir", str(build_dir)])
    assert res.stdout.splitlines() == ["n", "1"]
    res = runner.invoke(app, ["query", "neighbourhood", "-f", "nt", "--build-dir", str(build_dir)])
    assert res.exit_code == 0 and "2637萬人" in res.stdout


def test_engine_rdflib(build_dir: Path) -> None:
    res = runner.invoke(
        app, ["query", "rankings-first", "--engine", "rdflib", "--build-dir", str(build_dir)]
    )
    assert res.exit_code == 0 and "計算機產量" in res.stdout


def test_malformed_query_exit_2_no_traceback(build_dir: Path) -> None:
    res = runner.invoke(app, ["query", "SELECT * WHERE {\n ?s ?p", "--build-dir", str(build_dir)])
    assert res.exit_code == 2
    assert "2:" in res.stderr and "Traceback" not in res.output + res.stderr


def test_missing_build(tmp_path: Path) -> None:
    res = runner.invoke(app, ["query", "organizers", "--build-dir", str(tmp_path / "build")])
    assert res.exit_code == 2
    assert "cqkg.nt: not found; run `cqkg build` first" in res.stderr


def test_service_refused_in_cli_too(build_dir: Path) -> None:
    res = runner.invoke(
        app,
        [
            "query",
            "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "--build-dir",
            str(build_dir),
        ],
    )
    assert res.exit_code == 2 and "SERVICE is disabled" in res.stderr


#: what ``cqkg query`` must never import: the build's and the viewer's heavy dependencies
#: (pySHACL, jieba, OpenCC, pypinyin, networkx/numpy/scipy, pyvis). Importing only what a
#: query needs is what keeps a cold ``cqkg query`` near 0.3 s; the time itself is measured by
#: ``scripts/bench_query.py`` (a timed test would fail on a loaded machine, not on a regression).
HEAVY = ("pyshacl", "jieba", "opencc", "pypinyin", "networkx", "numpy", "scipy", "pyvis")


def test_cold_query_imports_none_of_the_build_and_viewer_dependencies(build_dir: Path) -> None:
    cmd = [sys.executable, "-X", "importtime", "-m", "graph.cli", "query", "organizers"]
    out = subprocess.run(
        [*cmd, "--build-dir", str(build_dir)], capture_output=True, text=True, check=True
    )
    assert "市委網信辦" in out.stdout
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in out.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "pyoxigraph" in imported  # the parse of -X importtime works
    assert sorted(imported & set(HEAVY)) == []


# ---------------------------------------------------------------- network isolation (issue 8)


def test_query_isolates_the_network_before_opening_an_engine(
    build_dir: Path, isolation_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph.sparql import engines

    opened: list[int] = []
    real_open = engines.open_engine

    def spy(engine: str, path: Path) -> object:
        opened.append(len(isolation_calls))
        return real_open(engine, path)

    monkeypatch.setattr(engines, "open_engine", spy)
    res = runner.invoke(app, ["query", "organizers", "--build-dir", str(build_dir)])
    assert res.exit_code == 0, res.output
    assert opened == [1]  # isolation came first


def test_query_warns_in_one_line_when_isolation_is_unavailable(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph.sparql import sandbox

    monkeypatch.setattr(
        sandbox, "isolate_network", lambda: sandbox.Isolation(False, "unshare failed: EPERM")
    )
    res = runner.invoke(app, ["query", "organizers", "--build-dir", str(build_dir)])
    assert res.exit_code == 0
    [warning] = res.stderr.splitlines()
    assert warning.startswith("cqkg query: warning: network NOT isolated (unshare failed: EPERM)")


def test_query_refuses_to_run_unisolated_when_isolation_is_required(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph.sparql import sandbox

    def required() -> sandbox.Isolation:
        raise RuntimeError("network NOT isolated (unshare failed: EPERM)")

    monkeypatch.setattr(sandbox, "isolate_network", required)
    res = runner.invoke(app, ["query", "organizers", "--build-dir", str(build_dir)])
    assert res.exit_code == 2
    assert res.stderr.strip() == "cqkg: network NOT isolated (unshare failed: EPERM)"


def _cqkg(*args: str) -> subprocess.CompletedProcess[str]:
    cqkg = str(Path(sys.executable).parent / "cqkg")
    return subprocess.run([cqkg, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_nesting_bomb_is_a_clean_error_not_a_segfault(build_dir: Path, engine: str) -> None:
    query = "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    res = _cqkg("query", query, "--engine", engine, "--build-dir", str(build_dir))
    assert res.returncode == 2, res.stderr[-300:]
    assert res.stderr.startswith("cqkg: query too deeply nested (max 64) at 1:")
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_the_cli_has_no_network_even_if_the_check_were_broken(build_dir: Path, engine: str) -> None:
    """Defence in depth: with the safety check patched out, SERVICE still reaches nothing."""
    from query_support import canary

    script = (
        "import sys, graph.sparql.engines as q\n"
        "q.precheck = lambda *a, **k: False\n"
        "q.check = lambda *a, **k: None\n"
        "def run(engine, text, max_rows=10000):\n"
        "    return engine.execute(text, max_rows=max_rows)\n"
        "q.run_query = run\n"
        "from graph.cli import app\n"
        "app(sys.argv[1:])\n"
    )
    with canary() as c:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{c.port}/x> {{ ?s ?p ?o }} }}"
        args = ["query", query, "--engine", engine, "--build-dir", str(build_dir)]
        res = subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        time.sleep(0.2)
        assert c.connections == 0
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
