"""The shipped queries answer the competency questions exactly, on the real build of the report.

Every expected answer below was written by reading ``tests/golden/cleaned.txt`` (the cleaned
article), not by copying the pipeline's output: e.g. the press conference was called by
"市委網信辦聯合市經濟信息委、市大數據發展局、重慶通信管理局", and 渝快辦
"服務2637萬人、辦件量達2.7億件".
A change in extraction that loses or invents a fact fails here.
"""

from __future__ import annotations

import pytest

from graph.pipeline.run import BuildResult
from graph.sparql.catalogue import list_queries, load_query
from graph.sparql.engines import open_engine, run_query

CQR = "https://w3id.org/cqkg/id/"
CQO = "https://w3id.org/cqkg/ontology#"
SEED = "hualong-2024-10-12-cq-internet-report-2023"


@pytest.fixture(scope="module")
def engine(built: BuildResult):  # type: ignore[no-untyped-def]
    return open_engine("oxigraph", built.out_dir)


def rows(engine, name: str) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    res = run_query(engine, load_query(name))
    return [tuple("" if t is None else t.value for t in row) for row in res.rows]


def test_organizers(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted(r[1] for r in rows(engine, "organizers")) == sorted(
        ["市委網信辦", "市經濟信息委", "市大數據發展局", "重慶通信管理局"]
    )


def test_speakers_with_agency_and_title(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted(r[1:] for r in rows(engine, "speakers")) == sorted(
        [
            ("吳勇軍", "市委網信辦", "主任"),
            ("吳勇軍", "市委宣傳部", "副部長"),  # 市委宣傳部副部長(兼)
            ("于明峰", "市大數據發展局", "黨組成員"),
            ("汪立東", "市經濟信息委", "副主任"),
            ("賀宏亮", "重慶通信管理局", "副局長"),
            ("雷志宇", "市委網信辦", "副主任"),
        ]
    )


def test_officials_posts(engine) -> None:  # type: ignore[no-untyped-def]
    got = sorted(rows(engine, "officials-posts"))
    # the five speakers' posts plus 市委書記袁家軍, who is quoted but did not speak
    assert ("袁家軍", "市委", "書記") in got
    assert len(got) == 7


def test_rankings_first_with_scope(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted({(r[0], r[1]) for r in rows(engine, "rankings-first")}) == sorted(
        [
            ("基層數字化治理滿意度", "中國"),
            ("網絡安全知識知曉度", "中國"),
            ("國家(渝中區)區塊鏈創新應用試點", "中國"),
            ("標識解析量增速", "中國"),  # 增速全國第1 … 標識解析量增速全國第一 (one figure)
            ("群眾藝術館數字化成效", "中國"),  # …最具活力地區榜首
            ("計算機產量", "全球"),  # 連續10年蟬聯全球第1
            ("國家級智能工廠數量", "西部"),
            ("國家(渝北區)數字鄉村試點", "西部"),
            ("國家低碳城市試點", "中西部"),
        ]
    )


def test_every_ranking(engine) -> None:  # type: ignore[no-untyped-def]
    got = [(int(r[0]), r[1]) for r in rows(engine, "rankings")]
    assert len(got) == 16
    assert [g for g in got if g[0] > 1] == [
        (4, "中國"),
        (4, "中國"),
        (4, "中國"),
        (6, "中國"),
        (8, "中國"),
        (8, "中國"),
        (9, "中國"),  # 信息化綜合發展水平排名全國第9
    ]


def test_fastest_growing(engine) -> None:  # type: ignore[no-untyped-def]
    assert [(r[0], r[1]) for r in rows(engine, "fastest-growing")] == [
        ("標識解析量", "194.4%"),
        ("水生態問題發現效率", "80%"),  # 提高80%
        ("物聯網終端用戶數", "38.83%"),
        ("軟件著作權量", "超26%"),
        ("網絡零售額", "22.8%"),
        ("發明專利量", "超17%"),
        ("網絡安全業務收入", "7.91%"),
        ("數字經濟核心產業增加值", "4.7%"),
    ]


def test_everything_about_yukuaiban(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted((r[1], r[2]) for r in rows(engine, "yukuaiban")) == [
        ("2.7億件", "270000000"),
        ("2637萬人", "26370000"),
    ]


def test_companies_and_products(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted(rows(engine, "company-products")) == sorted(
        [
            ("康佳光電", "柔性顯示"),
            ("國測時柵", "納米直線柵"),
            ("國測時柵", "圓時柵"),
            ("長安汽車", "超級數智汽車平臺SDA"),
            ("中科云從", "AI智能體"),
            ("北太真元", "仿真軟件"),
            ("中科搖櫓船", "機器視覺檢測設備"),
            ("度小滿", "軒轅大模型"),
            ("馬上消費", "天鏡大模型"),
            ("賽力斯", "問界"),
        ]
    )


def test_pilots_and_districts(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted(rows(engine, "pilots-districts")) == [
        ("國家(渝中區)區塊鏈創新應用試點", "渝中區"),
        ("國家(渝北區)數字鄉村試點", "渝北區"),
    ]


def test_figure_source_is_its_sentence(engine) -> None:  # type: ignore[no-untyped-def]
    [(quote, _, _, sentence)] = rows(engine, "figure-source")
    assert quote == "“渝快辦”服務2637萬人"
    assert sentence == (
        "“渝快辦”服務2637萬人、辦件量達2.7億件,“一件事一次辦”覆蓋90%以上高頻事項,"
        "入選國務院辦公廳推廣典型案例。"
    )


def test_lower_bounds(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted(r[1] for r in rows(engine, "lower-bounds")) == sorted(
        [
            "超74%", "300余家", "超4240萬戶", "超 5000款", "突破5億元", "610余家", "超3000家",
            "3000余萬張", "超3億元", "超100萬人次", "突破208億", "90%以上", "超 160萬余條",
            "5.7萬余件", "超26%", "超17%", "突破2萬件",
        ]
    )  # fmt: skip


def test_refinements(engine) -> None:  # type: ignore[no-untyped-def]
    assert rows(engine, "refinements") == [("互聯網普及率", "74.01%", "超74%")]


def test_documents_cited(engine) -> None:  # type: ignore[no-untyped-def]
    [(citing, cited, quote)] = rows(engine, "documents-cited")
    assert citing == CQR + "document/cq-internet-report-2023"
    assert cited == "國家信息化發展報告(2023年)"
    assert quote == "據《國家信息化發展報告(2023年)》顯示"


def test_section_entities_governance(engine) -> None:  # type: ignore[no-untyped-def]
    assert sorted(r[0] for r in rows(engine, "section-entities")) == sorted(
        [
            "國家網信辦", "國務院辦公廳", "中國", "重慶市", "一件事一次辦", "巴渝治水",
            "市政府門戶網站", "數字化城市運行和治理中心", "渝快政", "渝快辦",
            "清朗巴渝專項行動", "網絡問卷調查",
        ]
    )  # fmt: skip


def test_entities_per_section(engine) -> None:  # type: ignore[no-untyped-def]
    got = dict((r[0], int(r[1])) for r in rows(engine, "entities-per-section"))
    assert len(got) == 15  # front matter, 9 report themes, 4 briefings, byline
    assert got["互聯網賦能高效能治理"] == 12  # the same 12 as section-entities
    assert got["署名"] == 3  # 吳禮霜, 李文科, 鄧旻璐


def test_section_figures_sorted_by_value(engine) -> None:  # type: ignore[no-untyped-def]
    got = rows(engine, "section-figures")
    values = [float(r[2]) for r in got]
    assert values == sorted(values, reverse=True)
    assert [r[1] for r in got[:3]] == ["2296.6億元", "2066.8億元", "398萬噸"]
    # the 15 figures with a value in 互聯網賦能高質量發展 (its 5 rankings have cqo:rank instead)
    assert len(got) == 15


def test_indicators_by_unit(engine) -> None:  # type: ignore[no-untyped-def]
    got = {r[0]: int(r[1]) for r in rows(engine, "indicators-by-unit")}
    assert got["http://qudt.org/vocab/unit/KiloM"] == 1  # 400公里
    assert got["http://qudt.org/vocab/unit/MilliSEC"] == 1  # 5毫秒
    assert got["http://qudt.org/vocab/unit/HR"] == 1  # 23.3 小時
    assert got["http://qudt.org/vocab/currency/CNY"] == 5  # 億元 ×4, 億元 (薪資超3億元)


def test_class_counts(engine) -> None:  # type: ignore[no-untyped-def]
    got = {r[0].removeprefix(CQO): int(r[1]) for r in rows(engine, "class-counts")}
    assert {k: got[k] for k in ("Agency", "Person", "Event", "Place")} == {
        "Agency": 9,
        "Person": 10,  # 5 speakers, 袁家軍, 習近平, 2 journalists, the editor
        "Event": 5,
        "Place": 8,
    }


def test_neighbourhood_construct(engine) -> None:  # type: ignore[no-untyped-def]
    res = run_query(engine, load_query("neighbourhood"))
    triples = {(s.value, p.value, o.value) for s, p, o in res.triples}
    yk = f"{CQR}platform/yukuaiban"
    assert (yk, "http://www.w3.org/2000/01/rdf-schema#label", "渝快辦") in triples
    about = {s for s, p, o in triples if p == f"{CQO}about" and o == yk}
    assert len(about) == 2  # the two figures: 2637萬人 and 2.7億件


def test_glossary(engine) -> None:  # type: ignore[no-untyped-def]
    got = rows(engine, "glossary")
    per_class: dict[str, int] = {}
    for r in got:
        per_class[r[0]] = per_class.get(r[0], 0) + 1
    # 114 registry entities (7 of the 32 projects are pilots) + the article itself + 83 indicators
    assert per_class == {
        "Agency": 9, "Company": 10, "Document": 4, "Event": 5, "Indicator": 83, "Person": 10,
        "Pilot": 7, "Place": 8, "Platform": 20, "Product": 17, "Project": 25,
    }  # fmt: skip
    assert ("Platform", "渝快辦", "渝快办", "Yukuaiban") in [r[:4] for r in got]
    assert ("Indicator", "互聯網普及率", "互联网普及率", "Internet penetration rate") in [
        r[:4] for r in got
    ]


def test_indicator_series_by_period(engine) -> None:  # type: ignore[no-untyped-def]
    """The seed's 網民數量 (body: 網民數量達 2362 萬人; summary: 網民數量2362萬人), 2023 edition."""
    got = rows(engine, "indicator-series")
    assert [r[:8] for r in got] == [
        ("2023", "quantity", "23620000", "people", "exact", s, "2023", SEED)
        for s in ("2362 萬人", "2362萬人")
    ]
    assert {r[9] for r in got} == {f"{CQR}obs/wang-min-shu-liang/quantity-23620000"}


TESTED = {
    "organizers": test_organizers,
    "speakers": test_speakers_with_agency_and_title,
    "officials-posts": test_officials_posts,
    "rankings-first": test_rankings_first_with_scope,
    "rankings": test_every_ranking,
    "fastest-growing": test_fastest_growing,
    "yukuaiban": test_everything_about_yukuaiban,
    "company-products": test_companies_and_products,
    "pilots-districts": test_pilots_and_districts,
    "figure-source": test_figure_source_is_its_sentence,
    "lower-bounds": test_lower_bounds,
    "refinements": test_refinements,
    "documents-cited": test_documents_cited,
    "section-entities": test_section_entities_governance,
    "entities-per-section": test_entities_per_section,
    "section-figures": test_section_figures_sorted_by_value,
    "indicators-by-unit": test_indicators_by_unit,
    "class-counts": test_class_counts,
    "neighbourhood": test_neighbourhood_construct,
    "glossary": test_glossary,
    "indicator-series": test_indicator_series_by_period,
}


def test_every_shipped_query_is_tested_here() -> None:
    assert {q.name for q in list_queries()} == set(TESTED)
