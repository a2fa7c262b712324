"""The viewer page without a browser: data, focus/section/query views, safety of the HTML."""

from __future__ import annotations

import html as htmllib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from netns_support import stub_isolation  # noqa: F401 - autouse fixture
from typer.testing import CliRunner

from graph.cli import app
from graph.curation import styles as styles_mod
from graph.model import InputError
from graph.view import aggregate as view_aggregate
from graph.view import load, render

DATA = Path(__file__).parents[1] / "data"
YKB = "https://w3id.org/cqkg/id/platform/yukuaiban"
PAYLOADS = ("onerror", "onmouseover", "onload", "<img", "<svg", "<iframe", "alert(", "__xss")


def make_build(tmp: Path, fixture: str) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / fixture, tmp / "cqkg.ttl")
    return tmp


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build(tmp_path_factory.mktemp("view") / "build", "view_fixture.ttl")


@pytest.fixture(scope="module")
def xss_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_build(tmp_path_factory.mktemp("xss") / "build", "xss_graph.ttl")


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="cqkg-data">(.*?)</script>', html, re.S)
    assert m, "data block missing"
    return json.loads(m.group(1))


def entity_count(build_dir: Path) -> int:
    """Entities per the contract: instances of the styled classes that are not observations."""
    styles = styles_mod.load_styles()
    values = " ".join(f"<{c.iri}>" for c in styles.classes if not c.observation)
    store = ox.Store()
    store.load(path=str(build_dir / "cqkg.ttl"), format=ox.RdfFormat.TURTLE)
    q = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c VALUES ?c {{ {values} }} }}"
    return int(next(iter(store.query(q)))["n"].value)


# ---------------------------------------------------------------- the full page


def test_full_page_is_self_contained(build: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    html = render.render_full_html(build)
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp and htmllib.unescape(csp.group(1)) == render.CSP
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert "vis.Network" in html and "innerHTML" not in render._template().render(
        csp="", lang_tag="", title="", vis_js="", vis_css="", data_json="{}"
    )
    assert list(tmp_path.iterdir()) == []  # nothing (no lib/) written to the CWD


def test_node_count_equals_entity_count(build: Path) -> None:
    data = page_data(render.render_full_html(build))
    assert len(data["nodes"]) == entity_count(build)
    assert all("title" not in n for n in data["nodes"])  # never vis/pyvis's HTML popup
    classes = {n["id"]: n["c"] for n in data["nodes"]}
    assert classes[YKB] == "Platform"


def test_figures_and_quotes_reach_the_panel_data(build: Path) -> None:
    data = page_data(render.render_full_html(build))
    node = next(n for n in data["nodes"] if n["id"] == YKB)
    assert node["l"] == ["渝快辦", "渝快办", "Yukuaiban"]
    figs = [data["figures"][i] for i in node["fig"]]
    fig = next(f for f in figs if "2637萬人" in f["stated"])
    (src,) = fig["src"]
    assert src["mark"] == "2637萬人"
    assert src["pre"] + src["mark"] + src["post"] == (
        "“渝快辦”服務2637萬人、辦件量達2.7億件,“一件事一次辦”覆蓋90%以上高頻事項,入選國務院辦公廳推廣典型案例。"
    )
    names = {n["id"]: n["l"] for n in data["nodes"]} | data["terms"]
    assert names[src["sec"]][0] == "互聯網賦能高效能治理"
    rel = {(r[0], r[1], r[2]) for r in node["rel"]}
    assert (
        "out",
        "https://w3id.org/cqkg/ontology#operatedBy",
        "https://w3id.org/cqkg/id/agency/cq-bigdata",
    ) in rel
    operated = next(r for r in node["rel"] if r[1].endswith("operatedBy"))
    assert operated[4] and operated[4][0]["mark"] == "渝快辦"  # evidence of the assertion


def test_search_keys_fold_both_scripts_and_english(build: Path) -> None:
    data = page_data(render.render_full_html(build))
    node = next(n for n in data["nodes"] if n["id"] == YKB)
    for query in ("渝快办", "yukuaiban", "platform/yukuaiban"):
        assert query in node["k"]
    # the browser folds 渝快辦 with this table (it has no OpenCC)
    folded = "".join(data["fold"].get(ch, ch) for ch in "渝快辦")
    assert folded == "渝快办"


def test_layout_is_deterministic_and_spread(build: Path) -> None:
    a = page_data(render.render_full_html(build))["nodes"]
    load._cached_build.cache_clear()
    b = page_data(render.render_full_html(build))["nodes"]
    assert [(n["x"], n["y"]) for n in a] == [(n["x"], n["y"]) for n in b]
    assert len({(n["x"], n["y"]) for n in a}) == len(a)


def test_observations_flag_draws_figures(build: Path) -> None:
    html = render.render_view(build, render.ViewSpec(observations=True))
    ids = {n["id"] for n in page_data(html)["nodes"]}
    assert "https://w3id.org/cqkg/id/obs/shi-ming-zhu-ce-yong-hu/quantity-26370000" in ids


# ---------------------------------------------------------------- focused views


@pytest.mark.parametrize("text", ["渝快辦", "渝快办", "Yukuaiban", "platform/yukuaiban", YKB])
def test_focus_resolves_any_script_or_id(build: Path, text: str) -> None:
    data = page_data(render.render_focus_html(build, text, 1))
    ids = {n["id"] for n in data["nodes"]}
    assert YKB in ids
    assert "https://w3id.org/cqkg/id/agency/cq-bigdata" in ids  # one hop
    assert "https://w3id.org/cqkg/id/person/wu-yong-jun" not in ids  # three hops away
    assert data["heading"][0].endswith("渝快辦")


def test_focus_hops_widen_the_ego_network(build: Path) -> None:
    one = page_data(render.render_focus_html(build, "渝快辦", 1))["nodes"]
    three = page_data(render.render_focus_html(build, "渝快辦", 3))["nodes"]
    assert len(three) > len(one)
    assert "https://w3id.org/cqkg/id/person/wu-yong-jun" in {n["id"] for n in three}


def test_unknown_focus_is_an_input_error(build: Path) -> None:
    with pytest.raises(InputError, match="no matching node"):
        render.render_focus_html(build, "不存在的東西", 2)


@pytest.mark.parametrize(
    "section", ["hu-lian-wang-fu-neng-gao-xiao-neng-zhi-li", "互联网赋能高效能治理"]
)
def test_section_view(build: Path, section: str) -> None:
    ids = {
        n["id"]
        for n in page_data(render.render_view(build, render.ViewSpec(section=section)))["nodes"]
    }
    assert YKB in ids and "https://w3id.org/cqkg/id/platform/yukuaizheng" in ids
    assert "https://w3id.org/cqkg/id/person/wu-yong-jun" not in ids


def test_query_view_draws_construct_result(build: Path) -> None:
    q = (
        "PREFIX cqo: <https://w3id.org/cqkg/ontology#>\n"
        "CONSTRUCT { ?e cqo:operatedBy ?a } WHERE { ?e cqo:operatedBy ?a }"
    )
    data = page_data(render.render_view(build, render.ViewSpec(query=q)))
    assert {n["id"] for n in data["nodes"]} == {YKB, "https://w3id.org/cqkg/id/agency/cq-bigdata"}
    assert len(data["edges"]) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("CONSTRUCT { WHERE", "query"),
    ],
)
def test_bad_queries_are_input_errors(build: Path, query: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        render.render_view(build, render.ViewSpec(query=query))


# ---------------------------------------------------------------- safety (docs/security.md 23-24)


def test_json_block_is_inert() -> None:
    text = render._json_for_script({"a": "</script><script>alert(1)</script> & \u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text)["a"].startswith("</script>")


def test_hostile_labels_stay_inside_the_json_block(xss_build: Path) -> None:
    html = render.render_full_html(xss_build)
    data = page_data(html)
    labels = {lab for n in data["nodes"] for lab in n["l"]}
    assert "<img src=x onerror=alert(1)>" in labels
    assert '" onmouseover=alert(1) x="' in labels
    js, _css = render._vis_assets()
    outside = re.sub(
        r'<script type="application/json" id="cqkg-data">.*?</script>', "", html, flags=re.S
    ).replace(js, "")
    for payload in PAYLOADS:
        assert payload not in outside, payload
    assert "popup.innerHTML" not in html
    assert html.replace(js, "").count("<script") == 3  # data block, vis-network, page script


def test_cli_view_writes_utf8_under_any_locale(build: Path, tmp_path: Path) -> None:
    out = tmp_path / "v.html"
    env = {
        **os.environ,
        "LANG": "zh_CN.GBK",
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONIOENCODING": "ascii:replace",
    }
    code = "from graph.cli import app; app()"
    args = ["view", "--build-dir", str(build), "--out", str(out)]
    res = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=tmp_path, env=env, capture_output=True, check=False
    )
    assert res.returncode == 0, res.stderr
    raw = out.read_bytes()
    assert "渝快辦".encode() in raw
    raw.decode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.html"]


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["view", "--build-dir", str(tmp_path), "--out", str(tmp_path / "x.html")]
    )
    assert res.exit_code == 2
    assert "no cqkg.nt or cqkg.ttl" in res.output
    assert not (tmp_path / "x.html").exists()


def test_cli_focus_section_query_exclusive(build: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app,
        [
            "view",
            "--build-dir",
            str(build),
            "--out",
            str(tmp_path / "x.html"),
            "--focus",
            "a",
            "--section",
            "b",
        ],
    )
    assert res.exit_code == 2


def test_cli_query_file(build: Path, tmp_path: Path) -> None:
    q = tmp_path / "q.rq"
    q.write_text(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/cqkg/ontology#Agency> ; ?p ?o }",
        encoding="utf-8",
    )
    out = tmp_path / "q.html"
    res = CliRunner().invoke(
        app,
        ["view", "--build-dir", str(build), "--out", str(out), "--query", str(q), "--lang", "en"],
    )
    assert res.exit_code == 0, res.output
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["lang"] == "en"
    assert "https://w3id.org/cqkg/id/agency/cq-cac" in {n["id"] for n in data["nodes"]}


# ---------------------------------------------------------------- one checked engine path (issue 8)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "CONSTRUCT { ?s ?p ?o } WHERE { BIND(cqr:x\\#y AS ?z) SERVICE <http://e/> { } }",
            "SERVICE",
        ),
        ("CONSTRUCT { ?s ?p ?o } WHERE { \\u0053ERVICE <http://e/> { ?s ?p ?o } }", "SERVICE"),
        ("CONSTRUCT { ?s ?p ?o } FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "not a graph"),
        ("LOAD <http://e/>", "read-only"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { " + "{ " * 5000 + "} " * 5000 + "}", "too deeply"),
    ],
)
def test_viewer_queries_take_the_checked_path(build: Path, query: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        render.render_view(build, render.ViewSpec(query=query))


def test_view_query_isolates_the_network_first(
    build: Path, tmp_path: Path, isolation_calls: list[str]
) -> None:
    q = tmp_path / "q.rq"
    q.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3", encoding="utf-8")
    out = tmp_path / "q.html"
    args = ["view", "--build-dir", str(build), "--out", str(out)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0 and isolation_calls == []  # no query, no engine query: no need
    res = CliRunner().invoke(app, [*args, "--query", str(q)])
    assert res.exit_code == 0, res.output
    assert isolation_calls == ["isolate_network"]


def test_view_query_nesting_bomb_is_a_clean_error(build: Path, tmp_path: Path) -> None:
    q = tmp_path / "bomb.rq"
    q.write_text(
        "CONSTRUCT { ?s ?p ?o } WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        encoding="utf-8",
    )
    cqkg = str(Path(sys.executable).parent / "cqkg")
    args = ["view", "--build-dir", str(build), "--out", str(tmp_path / "b.html"), "--query", str(q)]
    res = subprocess.run(
        [cqkg, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2, res.stderr[-300:]
    assert res.stderr.startswith("query: query too deeply nested (max 64) at 1:")
    assert not (tmp_path / "b.html").exists()


# ---------------------------------------------------------------- overview above the node budget


def test_overview_aggregates_above_the_budget(build: Path) -> None:
    total = entity_count(build)
    html = render.render_view(build, render.ViewSpec(budget=10))
    data = page_data(html)
    assert data["aggregated"] is True and data["total"] == total
    assert len(data["nodes"]) <= 10
    aggs = [n for n in data["nodes"] if "agg" in n]
    assert aggs and all(n["id"].startswith(view_aggregate.AGGREGATE_PREFIX) for n in aggs)
    drawn = {n["id"] for n in data["nodes"] if "agg" not in n}
    members = [m[0] for n in aggs for m in n["agg"]["m"]]
    assert sum(n["agg"]["n"] for n in aggs) == total - len(drawn)
    assert len(members) == len(set(members)) and not set(members) & drawn
    # an aggregate is labelled with its class and count in every script
    cls = {c["key"]: c["l"] for c in data["classes"]}
    for n in aggs:
        assert n["l"] == [f"{name} ({n['agg']['n']:,})" for name in cls[n["c"]]]
    counted = [e for e in data["edges"] if e["p"] == view_aggregate.AGGREGATE_EDGE]
    assert counted and all(e["n"] >= 1 for e in counted)
    # the legend counts every entity, drawn or folded
    assert sum(c["n"] for c in data["classes"]) == total
    assert (
        page_data(render.render_view(build, render.ViewSpec(budget=10)))["nodes"] == data["nodes"]
    )


def test_overview_budget_zero_and_focus_are_full_detail(build: Path) -> None:
    full = page_data(render.render_view(build, render.ViewSpec(budget=0)))
    assert full["aggregated"] is False and len(full["nodes"]) == entity_count(build)
    focus = page_data(render.render_view(build, render.ViewSpec(focus="渝快辦", hops=3, budget=5)))
    assert focus["aggregated"] is False and len(focus["nodes"]) > 5


def test_cli_budget_must_not_be_negative(build: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    args = ["view", "--build-dir", str(build), "--out", str(out), "--budget", "-1"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2 and "--budget -1" in res.output
    assert not out.exists()
