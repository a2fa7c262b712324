"""Every shipped query answers its competency question exactly.

The graph here is the small hand-written fixture in the agreed shape
(``tests/data/fixture_graph.ttl``), which pins each query's logic on a graph that does not move;
``tests/test_competency_report.py`` asks the same questions of the real build of the report.
"""

from __future__ import annotations

import pytest
from query_support import CLEANED, make_build_dir

from graph.sparql.catalogue import list_queries, load_query
from graph.sparql.engines import open_engine, run_query
from graph.sparql.results import Result


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return open_engine("oxigraph", make_build_dir(tmp_path_factory.mktemp("build")))


def rows(engine, name: str) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    res: Result = run_query(engine, load_query(name))
    return [tuple("" if t is None else t.value for t in row) for row in res.rows]


def col(engine, name: str, i: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    return [r[i] for r in rows(engine, name)]


def test_at_least_fifteen_documented_queries() -> None:
    queries = list_queries()
    assert len(queries) >= 15
    for q in queries:
        assert " / " in q.summary, q.name  # English / Chinese
        assert q.description, q.name


def test_organizers(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted(col(engine, "organizers", 1)) == sorted(
        ["市委網信辦", "市經濟信息委", "市大數據發展局", "重慶通信管理局"]
    )


def test_speakers(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted(r[1:] for r in rows(engine, "speakers")) == sorted(
        [
            ("吳勇軍", "市委網信辦", "主任"),
            ("吳勇軍", "市委宣傳部", "副部長(兼)"),
            ("于明峰", "市大數據發展局", "黨組成員"),
            ("汪立東", "市經濟信息委", "副主任"),
            ("賀宏亮", "重慶通信管理局", "副局長"),
            ("雷志宇", "市委網信辦", "副主任"),
        ]
    )


def test_officials_posts(engine) -> None:  # type: ignore[no-untyped-def]
    names = {r[0] for r in rows(engine, "officials-posts")}
    assert names == {"吳勇軍", "于明峰", "汪立東", "賀宏亮", "雷志宇"}
    assert len(rows(engine, "officials-posts")) == 6


def test_section_figures_sorted_by_value(engine) -> None:  # type: ignore[no-untyped-def]
    got = rows(engine, "section-figures")
    assert [r[1] for r in got] == ["2296.6億元", "610余家", "4.7%"]
    values = [float(r[2]) for r in got]
    assert values == sorted(values, reverse=True)


def test_rankings_first(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted((r[0], r[1]) for r in rows(engine, "rankings-first")) == sorted(
        [("國家低碳城市試點", "中西部"), ("區塊鏈創新應用試點", "全國"), ("計算機產量", "全球")]
    )


def test_rankings(engine) -> None:  # type: ignore[no-untyped-def]
    assert [(r[0], r[1]) for r in rows(engine, "rankings")][-2:] == [("8", "全國"), ("9", "全國")]


def test_fastest_growing(engine) -> None:  # type: ignore[no-untyped-def]
    assert [r[1] for r in rows(engine, "fastest-growing")] == ["194.4%", "38.83%", "4.7%"]
    assert col(engine, "fastest-growing")[0] == "標識解析量"


def test_yukuaiban(engine) -> None:  # type: ignore[no-untyped-def]
    got = rows(engine, "yukuaiban")
    assert [(r[1], r[2]) for r in got] == [("2.7億件", "270000000"), ("2637萬人", "26370000")]


def test_company_products(engine) -> None:  # type: ignore[no-untyped-def]
    assert rows(engine, "company-products") == sorted(
        [("度小滿", "軒轅大模型"), ("長安汽車", "超級數智汽車平臺SDA"), ("馬上消費", "天鏡大模型")]
    )


def test_pilots_districts(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted(rows(engine, "pilots-districts")) == sorted(
        [("國家(渝中區)區塊鏈創新應用試點", "渝中區"), ("國家(渝北區)數字鄉村試點", "渝北區")]
    )


def test_figure_source_is_the_sentence(engine) -> None:  # type: ignore[no-untyped-def]
    text = CLEANED.read_text(encoding="utf-8")
    ((quote, begin, end, sentence),) = rows(engine, "figure-source")
    assert text[int(begin) : int(end)] == quote
    assert "2637萬人" in quote
    assert sentence.startswith("“渝快辦”服務2637萬人") and sentence.endswith("推廣典型案例。")
    assert sentence in text


def test_indicators_by_unit(engine) -> None:  # type: ignore[no-untyped-def]
    got = {r[0].rsplit("/", 1)[-1]: int(r[1]) for r in rows(engine, "indicators-by-unit")}
    assert got == {"PERCENT": 5, "ren": 3, "ge": 2, "CNY": 1, "jia": 1, "jian": 1}


def test_entities_per_section(engine) -> None:  # type: ignore[no-untyped-def]
    got = dict((r[0], int(r[1])) for r in rows(engine, "entities-per-section"))
    assert got == {
        "互聯網開放合作持續深化": 5,
        "網絡信息技術創新活躍": 5,
        "互聯網賦能高品質生活": 2,
        "互聯網賦能高效能治理": 2,
        "互聯網賦能高質量發展": 2,
        "全民數字素養與技能不斷提升": 1,
        "數據資源共享利用有序推進": 1,
        "新一代信息基礎設施迭代升級": 1,
    }


def test_section_entities(engine) -> None:  # type: ignore[no-untyped-def]
    assert col(engine, "section-entities") == ["渝快政", "渝快辦"]


def test_lower_bounds(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted(r[1] for r in rows(engine, "lower-bounds")) == sorted(
        ["超74%", "超 5000款", "超4240萬戶", "610余家"]
    )


def test_documents_cited(engine) -> None:  # type: ignore[no-untyped-def]
    assert col(engine, "documents-cited", 1) == [
        "全民數字素養與技能提升100問",
        "國家信息化發展報告(2023年)",
    ]


def test_refinements(engine) -> None:  # type: ignore[no-untyped-def]
    assert rows(engine, "refinements") == [("互聯網普及率", "74.01%", "超74%")]


def test_neighbourhood_construct(engine) -> None:  # type: ignore[no-untyped-def]
    res = run_query(engine, load_query("neighbourhood"))
    assert res.kind == "graph"
    subjects = {s.value.rsplit("/", 2)[-2] for s, _, _ in res.triples}
    stated = {o.value for _, p, o in res.triples if p.value.endswith("#statedValue")}
    assert stated == {"2637萬人", "2.7億件"}
    assert "platform" in subjects


def test_class_counts(engine) -> None:  # type: ignore[no-untyped-def]
    got = {r[0].rsplit("#", 1)[-1]: int(r[1]) for r in rows(engine, "class-counts")}
    assert got["Agency"] == 6 and got["Event"] == 1 and got["Pilot"] == 2


def test_every_quote_matches_the_source(engine) -> None:  # type: ignore[no-untyped-def]
    """The fixture itself is honest: each span's anchorOf is the cleaned text at its offsets."""
    text = CLEANED.read_text(encoding="utf-8")
    res = run_query(
        engine,
        "SELECT ?q ?b ?e WHERE { ?s nif:anchorOf ?q ; nif:beginIndex ?b ; nif:endIndex ?e }",
    )
    assert len(res.rows) > 50
    for q, b, e in res.rows:
        assert text[int(b.value) : int(e.value)] == q.value  # type: ignore[union-attr]


def test_every_query_is_covered_here() -> None:
    tested = {
        name.removeprefix("test_").replace("_", "-")
        for name in globals()
        if name.startswith("test_")
    }
    aliases = {
        "neighbourhood-construct": "neighbourhood",
        "figure-source-is-the-sentence": "figure-source",
        "section-figures-sorted-by-value": "section-figures",
    }
    tested |= {aliases.get(t, t) for t in tested}
    assert {q.name for q in list_queries()} <= tested


def test_glossary(engine) -> None:  # type: ignore[no-untyped-def]
    got = rows(engine, "glossary")
    assert ("Platform", "渝快辦", "渝快办", "Yukuaiban") in [r[:4] for r in got]
    # a pilot is listed under its most specific class only
    assert ("Pilot", "國家(渝中區)區塊鏈創新應用試點") in [r[:2] for r in got]
    assert not [r for r in got if r[0] == "Project" and "試點" in r[1] and "國家(" in r[1]]


def test_indicator_series(engine) -> None:  # type: ignore[no-untyped-def]
    """網民數量 by period: one figure (stated 2362萬人) quoted twice; a quote that spaces the
    number (網民數量達 2362 萬人) keeps its row, with the figure's stated value."""
    got = [(r[0], r[1], r[2], r[5], r[8]) for r in rows(engine, "indicator-series")]
    assert got == [
        ("2023", "quantity", "23620000", "2362萬人", "網民數量2362萬人"),
        ("2023", "quantity", "23620000", "2362萬人", "網民數量達 2362 萬人"),
    ]
