"""Consistency checks (graph/pipeline/checks.py): interval arithmetic, and the checks a build makes.

The build-level expectations are the hand-computed growth checks of
``tests/fixtures/articles/series.tsv`` (fixture a = 2022 edition, c = 2023 edition), read from
the gold files, never from the pipeline's output.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from series_support import gold, in_build, series_build, series_rows

from graph.model import InputError, Level
from graph.namespaces import CQR, UNIT
from graph.pipeline import checks
from graph.pipeline.checks_figures import (
    PARTS_RULE,
    SHARE_RULE,
    STAGE,
    Interval,
    half_unit,
    relative_growth,
    stated_interval,
    status_of,
)
from graph.pipeline.checks_sentences import load_check_words
from graph.pipeline.run import BuildResult
from graph.sparql.engines import open_engine, run_query
from graph.vocab import CQO

D = Decimal
DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")
GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")


# ---------------------------------------------------------------- interval arithmetic


@pytest.mark.parametrize(
    ("stated", "value", "half"),
    [
        ("24.7%", "24.7", "0.05"),
        ("9.1万个", "91000", "500"),
        ("9.1萬個", "91000", "500"),
        ("2362萬人", "23620000", "5000"),
        ("1,200户", "1200", "0.5"),
        ("三千", "3000", "0"),
    ],
)
def test_half_unit_is_half_the_last_written_digit(stated: str, value: str, half: str) -> None:
    assert half_unit(stated, D(value)) == D(half)


def test_stated_interval_honours_qualifier_and_precision() -> None:
    assert stated_interval(D("24.7"), None, "exact", D("0.05")) == Interval(D("24.65"), D("24.75"))
    assert stated_interval(D("50"), None, "more-than", D("0.5")) == Interval(D("50"), None)
    assert stated_interval(D("2100"), None, "nearly", D("0.5")) == Interval(None, D("2100"))
    assert stated_interval(D("70"), None, "approximately", D("0.5")) == Interval(D(63), D(77))
    assert stated_interval(D("10"), D("20"), "exact", D(0)) == Interval(D(10), D(20))


def test_relative_growth_of_intervals() -> None:
    exact = relative_growth(Interval(D(120), D(120)), Interval(D(100), D(100)))
    assert exact == Interval(D(20), D(20))
    # the figure that grew is a lower bound (超120): the growth is a lower bound too
    assert relative_growth(Interval(D(120), None), Interval(D(100), D(100))) == Interval(
        D(20), None
    )
    # the base is an upper bound (近100): the growth is at least 20%, with no upper end
    assert relative_growth(Interval(D(120), D(120)), Interval(None, D(100))) == Interval(
        D(20), None
    )
    # both open-ended upwards: only the trivial -100% is known
    assert relative_growth(Interval(D(120), None), Interval(D(100), None)) == Interval(
        D(-100), None
    )
    assert relative_growth(Interval(D(1), D(1)), Interval(D(-1), D(0))) is None


def test_status_is_disjoint_bounded_or_open() -> None:
    stated = Interval(D("24.65"), D("24.75"))
    assert status_of(Interval(D("23.1"), D("26.2")), stated) == CQO.consistent
    assert status_of(Interval(D("38.9"), D("40.5")), Interval(D(50), None)) == CQO.inconsistent
    assert status_of(Interval(D(-100), None), Interval(D(63), D(77))) == CQO.uncheckable
    # an open-ended computed growth still refutes a rate it cannot reach
    assert status_of(Interval(D("9.3"), None), Interval(D("4.65"), D("4.75"))) == CQO.inconsistent


# ---------------------------------------------------------------- the stage on a small graph


def _obs(g: Graph, name: str, value: str, stated: str, period: str, unit: URIRef) -> URIRef:
    node = CQR[f"obs/x/{name}"]
    g.add((node, RDF.type, CQO.Observation))
    g.add((node, CQO.indicator, CQR["indicator/x"]))
    g.add((node, CQO.value, Literal(value, datatype=DECIMAL)))
    g.add((node, CQO.statedValue, Literal(stated)))
    g.add((node, CQO.qualifier, CQR["qualifier/exact"]))
    g.add((node, CQO.period, Literal(period, datatype=GYEAR)))
    g.add((node, CQO.refArea, CQR["place/chongqing"]))
    g.add((node, CQO.unit, unit))
    return node


def test_growth_of_an_indicator_finds_both_figures_and_warns_when_inconsistent() -> None:
    """Text other than the seed, both scripts: 用戶1,000萬 (2022), 1,300萬 (2023), 增長20%."""
    g = Graph()
    ren = CQR["unit/ren"]
    base = _obs(g, "q2022", "10000000", "1,000萬", "2022", ren)
    cur = _obs(g, "q2023", "13000000", "1,300万", "2023", ren)
    growth = _obs(g, "g2023", "20", "20%", "2023", UNIT.PERCENT)
    g.add((growth, RDF.type, CQO.GrowthObservation))
    g.add((growth, CQO.growthOf, CQR["indicator/x"]))
    out = checks.run(g)
    [node] = list(g.subjects(RDF.type, CQO.ConsistencyCheck))
    assert node == checks.check_iri(growth, cur, base)
    assert g.value(node, CQO.checks) == growth
    assert set(g.objects(node, CQO.usesObservation)) == {cur, base}
    assert g.value(node, CQO.status) == CQO.inconsistent
    assert D(str(g.value(node, CQO.computedValue))) == D(30)
    assert D(str(g.value(node, CQO.computedMin))) < 30 < D(str(g.value(node, CQO.computedMax)))
    assert "inconsistent" in str(g.value(node, RDFS.comment))
    assert out.counts == {"inconsistent": 1}
    [finding] = out.findings
    assert finding.level == Level.WARNING and finding.code == "growth-inconsistent"


def test_no_base_figure_no_check() -> None:
    g = Graph()
    cur = _obs(g, "q2023", "13000000", "1300萬", "2023", CQR["unit/ren"])
    growth = _obs(g, "g2023", "30", "30%", "2023", UNIT.PERCENT)
    g.add((growth, RDF.type, CQO.GrowthObservation))
    g.add((growth, CQO.growthOf, cur))
    assert checks.run(g).counts == {}
    assert not list(g.subjects(RDF.type, CQO.ConsistencyCheck))


# ---------------------------------------------------------------- the fixture build


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return series_build(tmp_path_factory)


def _checks(build: BuildResult) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    """(growth stated, base stated) -> (status, computedValue, computedMin, computedMax)."""
    engine = open_engine("oxigraph", build.out_dir)
    res = run_query(
        engine,
        """SELECT ?gs ?bs ?gp ?bp ?status ?v ?lo ?hi WHERE {
          ?c a cqo:ConsistencyCheck ; cqo:checks ?g ; cqo:usesObservation ?b ; cqo:status ?status .
          ?g cqo:statedValue ?gs ; cqo:period ?gp . ?b cqo:statedValue ?bs ; cqo:period ?bp .
          FILTER(?bp < ?gp)
          OPTIONAL { ?c cqo:computedValue ?v } OPTIONAL { ?c cqo:computedMin ?lo }
          OPTIONAL { ?c cqo:computedMax ?hi }
        }""",
    )
    out = {}
    for row in res.rows:
        gs, bs, _gp, _bp, status, v, lo, hi = ("" if t is None else t.value for t in row)
        out[(gs, bs)] = (status.rsplit("#", 1)[-1], v, lo, hi)
    return out


@pytest.mark.slow
def test_fixture_checks_are_the_hand_computed_ones(build: BuildResult) -> None:
    rows = [r for r in series_rows("growth-check") if in_build(r)]
    assert {r["status"] for r in rows} == {"consistent", "inconsistent", "uncheckable"}
    found = _checks(build)
    for r in rows:
        key = (gold(r["subject"]).stated_value, gold(r["base"]).stated_value)
        assert key in found, (r, sorted(found))
        status, value, _lo, _hi = found[key]
        assert status == r["status"], (r, found[key])
        if r["computed"]:
            assert abs(D(value) - D(r["computed"])) < D("0.01"), (r, value)
        else:
            assert value == "", (r, value)


@pytest.mark.slow
def test_inconsistent_checks_are_warnings_in_the_report(build: BuildResult) -> None:
    report = (build.out_dir / "report.md").read_text(encoding="utf-8")
    [row] = [
        r for r in series_rows("growth-check") if in_build(r) and r["status"] == "inconsistent"
    ]
    stated = gold(row["subject"]).stated_value
    lines = [ln for ln in report.splitlines() if "growth-inconsistent" in ln and stated in ln]
    assert lines and lines[0].startswith("| WARNING |"), report[-2000:]
    assert build.stats["counts"]["checks_inconsistent"] >= 1
    warned = [f for f in build.findings if f.code == "growth-inconsistent"]
    assert all(f.level == Level.WARNING and f.begin is not None for f in warned)


# ---------------------------------------------------------------- share and parts rules

# Invented sentences (not the seed), one consistent, one inconsistent, one uncheckable per rule.
TEXT_RULES = (
    "重庆发布数字经济新数据\n"
    "2024-10-20 10:00:00 来源: 测试观察网\n\n"
    "2023年,全市311项政务服务事项中252项实现全程网办,占比81%。"
    "全市1.2万家规上企业中有3400家上云,占35%。"
    "全市800家医院中有超200家接入平台,占比30%。\n"
    "全市建成5G基站9.1万个,其中农村3.2万个、城区5.9万个。"
    "共建成数据中心40个,其中大型数据中心15个、中型数据中心12个。"
    "全市建成充电站500个,其中城区300个、郊区100个。\n"
)
# (rule, the checked figure as stated, status, computedValue or "")
TEXT_EXPECTED = {
    (SHARE_RULE, "81%", "consistent", "81.0289"),  # 252/311 = 81.03%
    (SHARE_RULE, "35%", "inconsistent", "28.3333"),  # 3400/12000 = 28.33%
    (SHARE_RULE, "30%", "uncheckable", ""),  # 超200 of 800: at least 24.98%
    (PARTS_RULE, "9.1万个", "consistent", "91000"),  # 3.2万 + 5.9万
    (PARTS_RULE, "40个", "inconsistent", "27"),  # 共建成 40, listed 15 + 12
    (PARTS_RULE, "500个", "uncheckable", "400"),  # 其中 300 + 100: maybe not all
}


@pytest.fixture(scope="module", params=["hans", "hant"])
def text_build(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> BuildResult:
    from fixture_support import write_source

    from graph.pipeline.run import run
    from graph.text import to_hant

    script = request.param
    text = TEXT_RULES if script == "hans" else to_hant(TEXT_RULES)
    root = tmp_path_factory.mktemp(f"text-rules-{script}")
    manifest = {"title": "数字经济新数据", "publisher": "测试观察网", "date": "2024-10-20",
                "language": "zh-Hans" if script == "hans" else "zh-Hant"}  # fmt: skip
    write_source(root / "sources", text.encode("utf-8"), manifest, f"t-rules-{script}")
    return run(out_dir=root / "build", sources_root=root / "sources")


def _text_checks(build: BuildResult) -> set[tuple[str, str, str, str]]:
    from graph.text import to_hans

    g = Graph()
    g.parse(build.out_dir / "cqkg.nt", format="nt")
    out = set()
    for node in g.subjects(RDF.type, CQO.ConsistencyCheck):
        rule = str(g.value(node, CQO.rule))
        checked = g.value(node, CQO.checks)
        stated = to_hans(str(g.value(checked, CQO.statedValue)))
        status = str(g.value(node, CQO.status)).rsplit("#", 1)[-1]
        value = g.value(node, CQO.computedValue)
        text = "" if value is None else format(D(str(value)).normalize(), "f")
        out.add((rule, stated, status, text))
        uses = set(g.objects(node, CQO.usesObservation))
        assert len(uses) >= 2 and checked not in uses
    return out


@pytest.mark.slow
def test_share_and_parts_checks_are_the_hand_computed_ones(text_build: BuildResult) -> None:
    assert _text_checks(text_build) == TEXT_EXPECTED
    counts = text_build.stats["counts"]
    assert (counts["checks_consistent"], counts["checks_inconsistent"]) == (2, 2)
    assert counts["checks_uncheckable"] == 2


@pytest.mark.slow
def test_share_and_parts_inconsistencies_are_report_warnings(text_build: BuildResult) -> None:
    report = (text_build.out_dir / "report.md").read_text(encoding="utf-8")
    for code in ("share-inconsistent", "parts-inconsistent"):
        lines = [ln for ln in report.splitlines() if code in ln]
        assert len(lines) == 1 and lines[0].startswith("| WARNING |"), report[-2000:]
    warned = [f for f in text_build.findings if f.stage == STAGE]
    assert {f.code for f in warned} == {"share-inconsistent", "parts-inconsistent"}
    assert all(f.level == Level.WARNING and f.begin is not None for f in warned)


def test_check_words_are_folded_once(tmp_path: Path) -> None:
    words = load_check_words()
    assert "占" in words.share and "占比" in words.share  # zh-Hant 佔 / 佔比, folded
    assert words.share.index("占比") < words.share.index("占")  # longest first
    bad = tmp_path / "checks.yaml"
    bad.write_text(
        "share_from_counts: {share: [佔, 占], total_after: [中], fill: [有], of: [佔], "
        "of_end: [的]}\nparts_vs_total: {parts: [其中], exhaustive: [合計], breaks: [。]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"^checks.yaml: share_from_counts.share lists '占' twice"):
        load_check_words(bad)
