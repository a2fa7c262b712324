"""``cqkg compare``: the ledger of two editions or two sources, through ``graph.sparql.engines``.

Expected cells come from the fixture gold files and ``series.tsv`` (hand-computed growth
checks between fixture a, 2022 edition, and fixture c, 2023 edition), not from the output.
"""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from series_support import FIXTURE_A, gold, in_build, series_build, series_rows
from typer.testing import CliRunner

from graph.cli import app
from graph.model import InputError
from graph.pipeline.run import BuildResult
from graph.sparql import compare

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
SEED = "hualong-2024-10-12-cq-internet-report-2023"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return series_build(tmp_path_factory)


def _ledger(build: BuildResult, *args: str) -> str:
    res = runner.invoke(app, ["compare", *args, "--build-dir", str(build.out_dir)])
    assert res.exit_code == 0, res.output
    return res.stdout


def _written(cell: str) -> set[tuple[str, str]]:
    """``2362萬人 / 2362万人 (2023); 77万人 (2023)`` -> {(form, period), ...}."""
    out = set()
    for figure in cell.split("; "):
        forms, _, period = figure.rpartition(" (")
        out |= {(f, period.rstrip(")")) for f in forms.split(" / ")}
    return out


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.slow
def test_edition_ledger_has_the_hand_computed_checks(build: BuildResult) -> None:
    out = _ledger(build, "--edition", "2022", "--edition", "2023", "-f", "csv")
    rows = {r["indicator"]: r for r in _csv(out)}
    for r in series_rows("growth-check"):
        if not in_build(r):
            continue
        subject, obj, base = gold(r["subject"]), gold(r["object"]), gold(r["base"])
        [row] = [v for k, v in rows.items() if k == obj.indicator]
        assert row["section"] == "indicator"
        assert (base.stated_value, base.period) in _written(row["2022"])
        assert (obj.stated_value, obj.period) in _written(row["2023"])
        assert (subject.stated_value, subject.period) in _written(row["stated growth"])
        assert row["status"] == r["status"], row
        if r["computed"]:
            assert row["computed growth"].split(" ")[0] == str(
                Decimal(r["computed"]).quantize(Decimal("0.01"))
            ).rstrip("0").rstrip(".")


@pytest.mark.slow
def test_edition_ledger_change_of_internet_users(build: BuildResult) -> None:
    """网民数量: 2285万人 (a01, 2022) -> 2362万人 (c01, 2023) = +770000, 3.37%."""
    led = _ledger(build, "--edition", "2022", "--edition", "2023")
    a01, c01 = gold("a/a01"), gold("c/c01")
    diff = Decimal(c01.value) - Decimal(a01.value)
    pct = (diff / Decimal(a01.value) * 100).quantize(Decimal("0.01"))
    [line] = [ln for ln in led.splitlines() if ln.startswith(f"| {a01.indicator} |")]
    assert f"+{diff} ({pct}%), 2022 → 2023" in line
    assert led.startswith("# cqkg compare: edition 2022 vs 2023")
    assert "## Conflicts (cqo:conflictsWith)" in led


@pytest.mark.slow
def test_source_ledger_names_both_sources(build: BuildResult) -> None:
    out = _ledger(build, "--source", FIXTURE_A, "--source", SEED, "-f", "csv")
    rows = _csv(out)
    assert rows and set(rows[0]) >= {FIXTURE_A, SEED, "change", "status"}
    a01 = gold("a/a01")
    [row] = [r for r in rows if r["indicator"] == a01.indicator]
    assert row[FIXTURE_A] == f"{a01.stated_value} ({a01.period})"


@pytest.mark.parametrize(
    "args",
    [
        ["--edition", "2022"],
        ["--edition", "2022", "--source", "x"],
        ["--source", "a", "--source", "b", "--source", "c"],
        ["--edition", "2022", "--edition", "2023", "-f", "xml"],
        ["--edition", "1999", "--edition", "2023"],
    ],
)
def test_bad_options_are_one_line(build: BuildResult, args: list[str]) -> None:
    res = runner.invoke(app, ["compare", *args, "--build-dir", str(build.out_dir)])
    assert res.exit_code == 2
    assert res.stderr.startswith("cqkg: ") and res.stderr.count("\n") == 1


def test_missing_build_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        compare.run_cli(["2022", "2023"], [], "md", tmp_path, "oxigraph")


def _small_build(out: Path) -> Path:
    """A build directory holding tests/data/valid/conflicting_observations.ttl."""
    out.mkdir(parents=True, exist_ok=True)
    store = ox.Store()
    example = ROOT / "tests" / "data" / "valid" / "conflicting_observations.ttl"
    store.load(path=str(example), format=ox.RdfFormat.TURTLE)
    data = ox.serialize(store, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    lines = sorted({line for line in data.splitlines() if line})
    (out / "cqkg.nt").write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    shutil.copyfile(ROOT / "ontology/cqkg.ttl", out / "ontology.ttl")
    return out


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_conflicts_with_both_quotes(tmp_path: Path, engine: str) -> None:
    """test states 網民2362萬, test2 網民2400萬: one indicator, both quotes, both engines."""
    out = compare.run_cli([], ["test", "test2"], "csv", _small_build(tmp_path), engine)
    rows = _csv(out)
    [ind] = [r for r in rows if r["section"] == "indicator"]
    got = (ind["indicator"], ind["test"], ind["test2"])
    assert got == ("网民数量", "2362萬人 (2023)", "2400萬人 (2023)")
    assert ind["change"] == "+380000 (1.61%), 2023 → 2023"
    [conflict] = [r for r in rows if r["section"] == "conflict"]
    assert {conflict["first quote"], conflict["second quote"]} == {"網民2362萬", "網民2400萬"}
    assert {conflict["first"], conflict["second"]} == {"2362萬人 (test)", "2400萬人 (test2)"}


def test_html_page_escapes_every_value() -> None:
    led = compare.Ledger(mode="source", sides=("<a>", "b"))
    head = ("indicator", "en", "<a>", "b", "change", "stated growth", "computed growth", "status")
    led.indicators.append(dict.fromkeys(head, "<script>x</script>"))
    page = compare.to_html(led)
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;a&gt;" in page


@pytest.mark.server
def test_compare_page_on_the_server(tmp_path: Path) -> None:
    """``/compare`` runs the same ledger through the server's worker pool."""
    import httpx
    from query_support import ThreadServer

    from graph.serve.app import ServerConfig, create_app
    from graph.sparql.workers import WorkerPool

    build_dir = _small_build(tmp_path / "b")
    pool = WorkerPool(build_dir, size=1)
    srv = ThreadServer(create_app(ServerConfig(build_dir=build_dir), pool))
    try:
        page = httpx.get(f"{srv.url}/compare?source=test&source=test2", timeout=30)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert "网民数量" in page.text and "網民2400萬" in page.text and "<script" not in page.text
        got = httpx.get(f"{srv.url}/compare?source=test&source=test2&format=csv", timeout=30)
        assert got.text == compare.run_cli([], ["test", "test2"], "csv", build_dir, "oxigraph")
        bad = httpx.get(f"{srv.url}/compare?edition=2022", timeout=30)
        assert bad.status_code == 400 and bad.text.startswith("compare: give two editions")
    finally:
        srv.stop()
        pool.close()
