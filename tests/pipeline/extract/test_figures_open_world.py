"""Round-3 figure rules (issue 7, open world), each in both scripts on texts of their own:
a growth rate's gap (增速高於全國2.3個百分點), 回落 (a decline; 回落至 a level), Chinese-numeral
counts with 多/余, ‰, the area of a place the clause names (重慶的78.1%), the order of
分列 pairs, the districts of 全區; (round 4) a flattened table's bare cells, which take
their row header's (unit) and their column header's year; and (round 5) Chinese numerals
before 萬/億, 三成五, a table's growth column, compared levels and gaps in points, 全市 in a
district piece, and section numbers, bracketed area codes and chapter counts as no figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from graph.model import CleaningReport, CleanText, InputError, Observation
from graph.pipeline import segment
from graph.pipeline.extract import metrics, period
from graph.text import to_hans

SCRIPTS = pytest.mark.parametrize("script", ["hant", "hans"])


@dataclass(frozen=True)
class _Doc:
    date: str = "2031-05-06"
    area: str = "place/tianjin"
    edition: str | None = "2030"
    report: str | None = None
    title: str = ""


def figures(body: str, script: str, area: str = "place/tianjin") -> list[Observation]:
    """The observations of a one-paragraph page (headline and dateline first), with period
    and area, in ``script``."""
    page = "示例標題\n示例網 2031-05-06\n" + body + "\n"
    text = page if script == "hant" else to_hans(page)
    clean = CleanText("x", text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, _ = metrics.run(clean, segment.run(clean), [])
    return period.apply(obs, _Doc(area=area), text)


def by_value(obs: list[Observation], stated: str, script: str) -> Observation:
    want = stated if script == "hant" else to_hans(stated)
    found = [o for o in obs if o.stated_value == want]
    assert len(found) == 1, [o.stated_value for o in obs]
    return found[0]


@SCRIPTS
def test_a_growth_rate_gap_is_a_growth_in_points(script: str) -> None:
    obs = figures(
        "某市軟件收入同比增長8.1%,增速高於全國平均水平1.7個百分點,"
        "增幅低於西部2個百分點;網站普及率高於全國3個百分點。",
        script,
    )
    up, down = by_value(obs, "1.7個百分點", script), by_value(obs, "2個百分點", script)
    assert (up.kind, up.value, up.unit) == ("growth", Decimal("1.7"), "個百分點")
    assert up.growth_of is None
    assert (down.kind, down.value) == ("growth", Decimal("-2"))
    # a level's gap in points (普及率, no growth noun) is a growth of the level in points too
    # (fixture h14's reading: a difference of two rates is never a level), growing no figure
    level = by_value(obs, "3個百分點", script)
    assert (level.kind, level.value, level.growth_of) == ("growth", Decimal(3), None)
    assert level.indicator == ("網站普及率" if script == "hant" else to_hans("網站普及率"))


@SCRIPTS
def test_a_rate_falling_back_is_a_negative_growth_and_the_level_it_falls_to_a_quantity(
    script: str,
) -> None:
    obs = figures(
        "全市快遞業務量同比增長4.2%,增速比上年回落0.8個百分點;平均投訴量由上年的2.5件回落至2.1件。",
        script,
    )
    fall = by_value(obs, "0.8個百分點", script)
    assert (fall.kind, fall.value, fall.unit) == ("growth", Decimal("-0.8"), "個百分點")
    level = by_value(obs, "2.1件", script)
    assert (level.kind, level.value) == ("quantity", Decimal("2.1"))


@SCRIPTS
def test_chinese_numeral_counts_take_their_qualifier_markers(script: str) -> None:
    obs = figures("全縣培育科技型企業三千多家,建成智慧工廠兩百余個,引進人才超過一千名。", script)
    more = by_value(obs, "三千多家", script)
    assert (more.value, more.unit, more.qualifier) == (
        Decimal(3000),
        "家",
        "more-than-approximately",
    )
    some = by_value(obs, "兩百余個", script)
    assert (some.value, some.unit, some.qualifier) == (
        Decimal(200),
        "個",
        "more-than-approximately",
    )
    over = by_value(obs, "超過一千名", script)
    assert (over.value, over.qualifier) == (Decimal(1000), "more-than")
    # a single Chinese digit stays prose (一個) and an exact one keeps its stated numeral only
    exact = figures("全縣建成示範點三十一個,其中一個在城區。", script)
    assert [(o.stated_value, o.qualifier) for o in exact] == [
        ("三十一個" if script == "hant" else "三十一个", "exact")
    ]


@SCRIPTS
def test_per_mille_is_a_unit(script: str) -> None:
    obs = figures("全市熱線涉網訴求占比為3.2‰,網絡投訴量占比約1.5‰。", script)
    assert [(o.value, o.unit, o.qualifier) for o in obs] == [
        (Decimal("3.2"), "‰", "exact"),
        (Decimal("1.5"), "‰", "approximately"),
    ]


@SCRIPTS
def test_a_compared_place_next_to_its_value_is_the_figure_s_area(script: str) -> None:
    """天津的普及率高於重慶的78.1%: the statement opens with the article's area, the value is
    重慶's; a place word is one of periods.yaml's area words."""
    obs = figures(
        "橫向比較,天津的互聯網普及率高於重慶的78.1%,低於北京市的89.2%,全市的網民為1186萬人。",
        script,
    )
    areas = [(o.value, o.area) for o in obs]
    assert areas == [
        (Decimal("78.1"), "place/chongqing"),
        (Decimal("89.2"), "place/beijing"),
        (Decimal(11860000), "place/tianjin"),  # 全市的: the article's own area
    ]
    # the place that opens the statement keeps its figure when none stands by the value
    own = figures("四川的網民規模達到5000萬人。", script)
    assert [o.area for o in own] == ["place/sichuan"]


@SCRIPTS
def test_last_year_in_the_report_s_words_counts_from_the_statement_s_year(script: str) -> None:
    """上年 (anaphoric_years) is the year before the statement's own (the paragraph's 2028 or
    the edition 2030), dating the figure right after it only; 去年 counts from the article."""
    obs = figures(
        "2028年,全市平均投訴量由上年的2.5件回落至2.1件。網民數量去年達到900萬人。"
        "\n全縣每萬人投訴量由上年的3.1件降至2.9件。",
        script,
    )
    assert [(o.value, o.period) for o in sorted(obs, key=lambda o: o.value_begin)] == [
        (Decimal("2.5"), "2027"),
        (Decimal("2.1"), "2028"),
        (Decimal(9000000), "2030"),
        (Decimal("3.1"), "2029"),
        (Decimal("2.9"), "2030"),
    ]


@SCRIPTS
def test_places_joined_before_respectively_pair_with_the_values_in_order(script: str) -> None:
    obs = figures(
        "在全國31個省(區、市)中,廣東數字經濟規模連續七年位居第一,江蘇、浙江分列第二、第三;"
        "北京、上海分別達到2.1萬億元、1.1萬億元。",
        script,
        area="place/china",
    )
    got = [(o.stated_value, o.area) for o in sorted(obs, key=lambda o: o.value_begin)]
    want = [
        ("第一", "place/guangdong"),
        ("第二", "place/jiangsu"),
        ("第三", "place/zhejiang"),
        ("2.1萬億元", "place/beijing"),
        ("1.1萬億元", "place/shanghai"),
    ]
    assert got == [(to_hans(s) if script == "hans" else s, a) for s, a in want]


@SCRIPTS
def test_any_of_the_38_chongqing_districts_is_what_the_district_words_point_back_to(
    script: str,
) -> None:
    """全區 / 區內 point back to the last district named; the districts are open_world.yaml's
    chongqing_districts (one list with the place candidates), not a list of their own."""
    from graph.curation import periods

    listed = periods.chongqing_districts()
    # the 38 districts and counties, and the state-level new area
    assert len(listed) == 39 and listed["万州区"] == "place/wanzhou"
    assert listed["两江新区"] == "place/liangjiang"
    obs = figures(
        "萬州區發布年度數字經濟報告。全區數字經濟規模達到320億元,區內5G基站達到2600個。"
        "\n石柱土家族自治縣網民規模達到30萬人,全縣寬帶用戶達到12萬戶。",
        script,
        area="place/chongqing",
    )
    assert [o.area for o in sorted(obs, key=lambda o: o.value_begin)] == [
        "place/wanzhou",
        "place/wanzhou",
        "place/shizhu",
        "place/shizhu",
    ]


def test_a_district_listed_twice_is_refused(tmp_path: Path) -> None:
    from graph.curation import periods

    raw = periods.PERIODS_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "periods.yaml"
    bad.write_text(
        raw.replace("areas:\n", "areas:\n  - {word: 渝北區, id: place/yubei}\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"^periods.yaml: .*Chongqing district"):
        periods.load_rules(bad)


@SCRIPTS
def test_a_share_raised_over_last_year_is_a_growth_of_the_share_in_points(script: str) -> None:
    obs = figures("全市電子商務交易額占比為28.4%,比上年提高2.6個百分點。", script)
    share, up = sorted(obs, key=lambda o: o.value_begin)
    assert (up.kind, up.value, up.unit) == ("growth", Decimal("2.6"), "個百分點")
    assert obs[up.growth_of] is share if up.growth_of is not None else False
    assert share.period == up.period == "2030"  # 上年 after 比 is a comparison base


def test_province_area_words_are_the_gazetteer_s_names_with_the_registry_s_places(
    tmp_path: Path,
) -> None:
    """open_world.yaml provinces + the registry place each name labels: no list of its own."""
    from graph.curation import periods

    named = periods.provinces()
    assert named["北京"] == "place/beijing" and named["内蒙古"] == "place/inner-mongolia"
    assert "台湾" not in named  # the registry has no place for it: no area id to give
    assert set(named.values()) <= set(periods.rules().area_ids.values())
    raw = periods.PERIODS_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "periods.yaml"
    bad.write_text(
        raw.replace("areas:\n", "areas:\n  - {word: 四川, id: place/sichuan}\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"^periods.yaml: 四川 is a province"):
        periods.load_rules(bad)


@SCRIPTS
def test_tenths_in_an_arabic_digit_are_a_share_not_a_count(script: str) -> None:
    obs = figures("農村網民占比近3成,老年網民占比超過2成,網民數量達到3000萬人。", script)
    got = [(o.value, o.unit, o.qualifier) for o in sorted(obs, key=lambda o: o.value_begin)]
    assert got == [
        (Decimal(30), "%", "nearly"),
        (Decimal(20), "%", "more-than"),
        (Decimal(30000000), "人", "exact"),
    ]


@SCRIPTS
def test_a_growth_that_slows_or_dips_is_a_decline(script: str) -> None:
    """按年微跌0.6% / 增速較上年放緩1.2個百分點 / 下跌: declines (grammar.yaml decline)."""
    obs = figures(
        "全市網上零售額按年微跌0.6%,軟件收入同比增長8.7%,增速較上年放緩1.2個百分點,"
        "快遞價格下跌3%。",
        script,
    )
    got = {o.stated_value: (o.kind, o.value) for o in obs}
    pts = "1.2個百分點" if script == "hant" else "1.2个百分点"
    assert got["0.6%"] == ("growth", Decimal("-0.6"))
    assert got[pts] == ("growth", Decimal("-1.2"))
    assert got["3%"] == ("growth", Decimal(-3))
    assert got["8.7%"] == ("growth", Decimal("8.7"))


@SCRIPTS
def test_an_age_with_a_bound_before_a_noun_names_a_class_not_a_figure(script: str) -> None:
    """60歲及以上網民達到412萬人: 60 names the class (grammar.yaml class_units and the
    qualifiers' suffix markers); 平均年齡38歲 stays a figure (歲 is no unit yet)."""
    from graph.pipeline.extract import metrics

    body = "全省60歲及以上網民達到412萬人,18歲以下網民占比為15%,網民平均年齡38歲。"
    obs = figures(body, script)
    assert [o.stated_value for o in sorted(obs, key=lambda o: o.value_begin)] == [
        to_hans(s) if script == "hans" else s for s in ("412萬人", "15%", "38")
    ]
    text = body if script == "hant" else to_hans(body)
    excluded = metrics.exclusions(text, metrics.numbers.grammar())
    assert (
        excluded[text.index("60")]
        == excluded[text.index("18")]
        == ("name (a figure naming a class)")
    )


@SCRIPTS
def test_this_year_s_half_opening_a_paragraph_sets_its_topic(script: str) -> None:
    """今年上半年, opening a paragraph dates its later sentences too (like 2031年上半年); a
    bare 今年 dates only its own sentence."""
    obs = figures(
        "今年上半年,全市網上辦件量達到7260萬件。熱線受理量達到562.3萬件。"
        "\n今年全市計劃新建基站3000個。熱線辦結率為98.7%。",
        script,
    )
    got = [(o.value, o.period) for o in sorted(obs, key=lambda o: o.value_begin)]
    assert got == [
        (Decimal(72600000), "2031"),
        (Decimal(5623000), "2031"),
        (Decimal(3000), "2031"),
        (Decimal("98.7"), "2030"),  # the edition: a bare 今年 sets no topic
    ]


@SCRIPTS
def test_a_number_in_a_formula_note_is_not_a_figure(script: str) -> None:
    from graph.pipeline.extract import metrics

    body = "全程網辦事項占比達到92%。\n注：全程網辦事項占比＝全程網辦事項數÷事項總數×100%。"
    text = body if script == "hant" else to_hans(body)
    assert [o.stated_value for o in figures(body, script)] == ["92%"]
    excluded = metrics.exclusions(text, metrics.numbers.grammar())
    assert excluded[text.index("100")] == "formula"


@SCRIPTS
def test_a_multiple_in_a_chinese_digit_is_a_growth_in_times(script: str) -> None:
    """增長近兩倍: one Chinese digit before 倍 is a multiple (a single digit before any other
    unit, 兩項, stays prose)."""
    obs = figures("全市網絡安全產業規模為186億元,比上年增長近兩倍,建成兩項平台。", script)
    assert len(obs) == 2
    size, grown = sorted(obs, key=lambda o: o.value_begin)
    assert (grown.kind, grown.value, grown.unit, grown.qualifier) == (
        "growth",
        Decimal(2),
        "倍",
        "nearly",
    )
    assert obs[grown.growth_of] is size if grown.growth_of is not None else False


TABLE_STYLES = pytest.mark.parametrize(
    "sep, open_, close",
    [("｜", "（", "）"), ("|", "(", ")"), ("\t", "（", "）"), (" | ", "(", ")")],
    ids=["fullwidth", "ascii", "tabs", "spaced"],
)


def _table(rows: list[list[str]], sep: str, open_: str, close: str) -> str:
    return "\n".join(sep.join(r) for r in rows).replace("（", open_).replace("）", close)


@SCRIPTS
@TABLE_STYLES
def test_a_bare_table_cell_takes_its_row_header_s_unit_and_its_column_s_year(
    script: str, sep: str, open_: str, close: str
) -> None:
    body = "附表：主要指標一覽\n" + _table(
        [
            ["指標", "2028年", "2029年"],
            ["寬帶用戶（萬戶）", "1650", "1990"],
            ["光纖普及率（%）", "70.5", "73.2"],
            ["移動流量（億GB）", "12.5", "20"],
        ],
        sep,
        open_,
        close,
    )
    obs = figures(body, script)
    got = {
        o.stated_value: (o.value, o.unit, o.period)
        for o in obs
        if o.stated_value in {"1650", "1990", "70.5", "73.2", "12.5", "20"}
    }
    households = "戶"  # the curated unit surface, whatever the script
    assert got == {
        "1650": (Decimal("16500000"), households, "2028"),
        # a year-like cell under a unit is a value (and dated by its column, not itself)
        "1990": (Decimal("19900000"), households, "2029"),
        "70.5": (Decimal("70.5"), "%", "2028"),
        "73.2": (Decimal("73.2"), "%", "2029"),
        "12.5": (Decimal("1250000000"), "GB", "2028"),
        "20": (Decimal("2000000000"), "GB", "2029"),
    }
    # every cell is named by its row's first cell, without the unit note
    want = "寬帶用戶" if script == "hant" else to_hans("寬帶用戶")
    assert by_value(obs, "1990", script).indicator == want
    assert by_value(obs, "1650", script).indicator == want
    assert all(o.area == "place/tianjin" for o in obs)


@SCRIPTS
def test_a_table_row_s_parentheses_that_are_no_unit_change_nothing(script: str) -> None:
    body = "附表\n" + _table(
        [
            ["指標", "甲區", "乙區"],
            ["用戶（含專網）", "1650", "1720"],
            ["成立年份", "2015", "2018"],
            ["千兆用戶（萬戶）", "42.3萬戶", "8600"],
        ],
        "｜",
        "（",
        "）",
    )
    obs = figures(body, script)
    stated = {o.stated_value: (o.value, o.unit) for o in obs}
    # （含專網） is not a unit: the cells stay bare counts
    assert stated["1650"] == (Decimal("1650"), "")
    # a bare year under a header with no unit stays a year (not a figure)
    assert "2015" not in stated and "2018" not in stated
    # a cell with a unit of its own keeps it (not multiplied twice); a bare one takes the row's
    households = "戶"  # the curated unit surface, whatever the script
    assert stated[to_hans("42.3萬戶") if script == "hans" else "42.3萬戶"] == (
        Decimal("423000"),
        households,
    )
    assert stated["8600"] == (Decimal("86000000"), households)
    # the column headers name no year: every cell keeps the piece's edition
    assert {o.period for o in obs} == {"2030"}


@SCRIPTS
def test_a_tab_with_no_text_before_it_in_its_clause_is_no_table_cell(script: str) -> None:
    # a tab after 、 (pasted layout) must not turn the 、 list into table cells: the second
    # count still pairs with the second name of 分別
    obs = figures("全市數據中心和算力中心分別達到144個、\t958個。", script)
    second = "算力中心" if script == "hant" else to_hans("算力中心")
    assert by_value(obs, "958個", script).indicator == second
    assert by_value(obs, "144個", script).indicator == (
        "數據中心" if script == "hant" else to_hans("數據中心")
    )


# ---------------------------------------------------------------- round 5 (h13, h14)


@SCRIPTS
def test_chinese_numerals_before_a_magnitude_are_figures(script: str) -> None:
    """逾三千億元 / 兩千多萬人 / 接近萬家: a Chinese numeral scaled by 萬 or 億 is a figure
    (one digit word is enough: 兩億元), and a bare magnitude is one after a bounding marker."""
    obs = figures(
        "全縣電商交易額逾三千億元,常住網民兩千多萬人,註冊商戶接近萬家,物流包裹兩億件。",
        script,
    )
    got = [(o.value, o.unit, o.qualifier) for o in obs]
    assert got == [
        (Decimal(300000000000), "元", "more-than"),
        (Decimal(20000000), "人", "more-than-approximately"),
        (Decimal(10000), "家", "nearly"),
        (Decimal(200000000), "件", "exact"),
    ]
    assert by_value(obs, "接近萬家", script).indicator == (
        "註冊商戶" if script == "hant" else to_hans("註冊商戶")
    )
    # a lone position word is a figure too once a marker bounds it (近千萬臺, 超百家)
    bounded = figures("平台連接設備近千萬臺,服務企業超百家,上百家企業參與。", script)
    assert [(o.value, o.qualifier) for o in bounded] == [
        (Decimal(10000000), "nearly"),
        (Decimal(100), "more-than"),
    ]


@SCRIPTS
def test_idioms_of_magnitude_words_are_no_figures(script: str) -> None:
    # a bare 萬 with no bounding marker, and a numeral of position words only, are prose;
    # two digit words side by side are a span (兩三萬人: 2-3萬), not the number 23萬
    obs = figures("網絡服務走進千家萬戶,萬眾一心建設數字鄉村,惠及兩三萬人,新增網點三十個。", script)
    assert [o.value for o in obs] == [Decimal(30)]


@SCRIPTS
def test_a_digit_after_tenths_is_the_next_tenth(script: str) -> None:
    obs = figures("全省雲上企業佔比達七成二,超六成五的農戶用上寬帶,近三成企業已轉型。", script)
    assert [(o.value, o.unit, o.qualifier) for o in obs] == [
        (Decimal(72), "%", "exact"),
        (Decimal(65), "%", "more-than"),
        (Decimal(30), "%", "nearly"),
    ]


@SCRIPTS
def test_light_words_then_and_again_leave_the_statistic(script: str) -> None:
    """則 (a contrast) and 又 (one more fact) link the narrative: 新增 after 又 stays."""
    obs = figures("全區網民則達到88萬人。上半年全區又新增光纖端口3200個。", script)
    want = ["網民", "新增光纖端口"]
    assert [o.indicator for o in obs] == (want if script == "hant" else [to_hans(x) for x in want])


@SCRIPTS
def test_section_numbers_phone_numbers_and_chapter_counts_are_no_figures(script: str) -> None:
    body = (
        "在白皮書的十二個篇章之中,「算力」一章最受關注。全書分8個章節。\n"
        "01 網絡基礎：光網全覆蓋\n"
        "02數字經濟：產業增長\n"
        "全區網民達到52萬人。查詢詳情可致電（852）3188 6688,或(023)6781-2345。"
    )
    obs = figures(body, script)
    assert [(o.value, o.unit) for o in obs] == [(Decimal(520000), "人")]


@SCRIPTS
def test_a_table_column_headed_by_a_growth_holds_growths_of_its_row(script: str) -> None:
    """項目｜數值｜同比增長: the growth column's cells are growths of the row's value cell
    (any growth word of grammar.yaml, after a unit note: 增速（%）), the value column stays."""
    body = "附表：主要指標\n" + _table(
        [
            ["項目", "數值", "同比增長"],
            ["光纜線路（萬公里）", "8.3", "12.5%"],
            ["算力規模（EFLOPS）", "9.6", "1.3倍"],
        ],
        "｜",
        "（",
        "）",
    )
    obs = figures(body, script)
    got = {o.stated_value: (o.kind, o.value, o.unit) for o in obs}
    assert got == {
        "8.3": ("quantity", Decimal(83000), "公里"),
        "12.5%": ("growth", Decimal("12.5"), "%"),
        "9.6": ("quantity", Decimal("9.6"), "EFLOPS"),
        ("1.3倍" if script == "hant" else to_hans("1.3倍")): ("growth", Decimal("1.3"), "倍"),
    }
    growth = by_value(obs, "12.5%", script)
    assert growth.growth_of is not None and obs[growth.growth_of].stated_value == "8.3"
    assert growth.indicator == ("光纜線路" if script == "hant" else to_hans("光纜線路"))
    # a decline column gives negative growths; a header with a unit note still names growth
    down = figures(
        "附表\n"
        + _table([["項目", "增速（%）", "下降"], ["投訴量", "3.5%", "2.1%"]], "｜", "（", "）"),
        script,
    )
    assert [(o.kind, o.value) for o in down] == [
        ("growth", Decimal("3.5")),
        ("growth", Decimal("-2.1")),
    ]


@SCRIPTS
def test_a_compared_level_is_the_compared_area_s_figure_of_the_sentence_s_statistic(
    script: str,
) -> None:
    """…高於全市平均水平（18.2個）/ 優於全市2.1‰的平均水平 / 但仍低於全國80.3%的平均水平: the
    value after the comparison is the compared area's figure (全市 in a district piece is the
    city), of the statistic the sentence named; the gap in points stays the district's."""
    obs = figures(
        "全區每萬人擁有充電樁20.5個,高於全市平均水平（18.2個）。寬帶投訴率降至1.6‰,"
        "優於全市2.1‰的平均水平。網絡覆蓋率為77.1%,高於全市1.8個百分點,"
        "但仍低於全國80.3%的平均水平。",
        script,
        area="place/yongchuan",
    )
    name = {"hant": lambda x: x, "hans": to_hans}[script]
    got = [(o.value, o.kind, o.indicator, o.area) for o in obs]
    assert got == [
        (Decimal("20.5"), "quantity", name("每萬人擁有充電樁"), "place/yongchuan"),
        (Decimal("18.2"), "quantity", name("每萬人擁有充電樁"), "place/chongqing"),
        (Decimal("1.6"), "quantity", name("寬帶投訴率"), "place/yongchuan"),
        (Decimal("2.1"), "quantity", name("寬帶投訴率"), "place/chongqing"),
        (Decimal("77.1"), "quantity", name("網絡覆蓋率"), "place/yongchuan"),
        (Decimal("1.8"), "growth", name("網絡覆蓋率"), "place/yongchuan"),
        (Decimal("80.3"), "quantity", name("網絡覆蓋率"), "place/china"),
    ]
    # a comparison inside the counted noun's name (…的區縣) is no compared figure
    inner = figures("其中,高於全國平均水平的區縣有12個。", script, area="place/chongqing")
    assert [(o.indicator, o.area) for o in inner] == [
        (name("高於全國平均水平的區縣"), "place/chongqing")
    ]
    # a bracket after a noun that is no comparison base still names a class (no figure)
    named = figures("千兆寬帶用戶(1000Mbps及以上)達到30萬戶。", script)
    assert [o.value for o in named] == [Decimal(300000)]


@SCRIPTS
def test_the_whole_city_in_a_district_piece_is_the_city(script: str) -> None:
    """In a piece on 永川區, 全市 is Chongqing: a rank among the city's districts has the city
    as its scope (from the population 全市38個區縣 or a scope word 全市第3位); in a city's
    own piece 全市 stays its own area, and a statement's area word is not a rank's scope."""
    obs = figures(
        "報告對全市38個區縣的網絡發展水平進行了評估,本區排名第4位。"
        "全區電商企業達到1200家,位列全市第3位。",
        script,
        area="place/yongchuan",
    )
    ranks = [(o.rank, o.rank_scope, o.rank_of, o.area) for o in obs if o.kind == "rank"]
    assert ranks == [
        (4, "place/chongqing", 38, "place/yongchuan"),
        (3, "place/chongqing", None, "place/yongchuan"),
    ]
    own = figures("全市網民達到900萬人,位居全市第一。", script, area="place/tianjin")
    assert [(o.kind, o.rank_scope, o.area) for o in own] == [
        ("quantity", None, "place/tianjin"),
        ("rank", "place/tianjin", "place/tianjin"),
    ]
    other = figures("全省基站達到9.7萬座,在西北五省中居首位。", script, area="place/shaanxi")
    # 全省 is not the scope; 西北 is (grammar.yaml scopes), with its population of 5
    assert [(o.rank_scope, o.rank_of) for o in other if o.kind == "rank"] == [
        ("place/northwest-china", 5)
    ]


@SCRIPTS
def test_a_score_has_its_unit_and_a_clock_time_in_words_is_no_figure(script: str) -> None:
    """得分為91.5分: 分 is the score's unit (分鐘 stays minutes); 9時45分 is a time of day."""
    obs = figures("發布會於9時45分開始。全縣信息化評估得分為91.5分,平均辦理用時12分鐘。", script)
    assert [(o.value, o.unit) for o in obs] == [
        (Decimal("91.5"), "分"),
        (Decimal(12), "分鐘"),
    ]


# ---------------------------------------------------------------- round 6


@SCRIPTS
def test_taiwan_growth_words_are_growths(script: str) -> None:
    """年增 / 年減 (Taiwan wording for 同比增長 / 同比下降) and 成長 (增長) are growth verbs:
    their number grows the figure before it (年減 is a decline, its value negative)."""
    obs = figures(
        "全市寬頻用戶約320萬戶,年增6.4%。網路購物投訴件數年減12.5%。"
        "雲端服務企業近900家,較2028年成長一倍。",
        script,
    )
    name = {"hant": lambda x: x, "hans": to_hans}[script]
    got = [(o.value, o.kind, o.indicator, o.growth_of) for o in obs]
    assert got == [
        (Decimal(3200000), "quantity", name("寬頻用戶"), None),
        (Decimal("6.4"), "growth", name("寬頻用戶"), 0),
        (Decimal("-12.5"), "growth", name("網路購物投訴件數"), None),
        (Decimal(900), "quantity", name("雲端服務企業"), None),
        (Decimal(1), "growth", name("雲端服務企業"), 3),
    ]


@SCRIPTS
def test_compared_figures_of_yu_xiangbi_and_a_whole_area_take_the_statistic(script: str) -> None:
    """但與全國80.3%的水平相比 / 但仍低於中國大陸整體的79.5%: the value is the compared place's
    figure of the sentence's statistic (no label of its own); 較前一年 is a comparison base
    like 較上年; a phrase after 與 that is no place (與某公司合作建設的…) keeps its name."""
    obs = figures(
        "全市寬頻普及率為71.2%,較前一年提高1.2個百分點,但與全國80.3%的水平相比,仍有差距。"
        "全市光纖覆蓋率為88.1%,但仍低於中國大陸整體的90.4%。",
        script,
    )
    name = {"hant": lambda x: x, "hans": to_hans}[script]
    got = [(o.value, o.kind, o.indicator, o.area) for o in obs]
    assert got == [
        (Decimal("71.2"), "quantity", name("寬頻普及率"), "place/tianjin"),
        (Decimal("1.2"), "growth", name("寬頻普及率"), "place/tianjin"),
        (Decimal("80.3"), "quantity", name("寬頻普及率"), "place/china"),
        (Decimal("88.1"), "quantity", name("光纖覆蓋率"), "place/tianjin"),
        (Decimal("90.4"), "quantity", name("光纖覆蓋率"), "place/china"),
    ]
    other = figures("與某公司合作建設的數據中心達到12個。", script)
    assert [o.indicator for o in other] == [name("與某公司合作建設的數據中心")]


@SCRIPTS
def test_a_rate_gap_in_the_bi_form_is_a_growth_of_the_rate(script: str) -> None:
    """增速比全市高出2.3個百分點: the 比 form of 增速高於全市 (the place between 比 and the gap
    word), a growth in points on the rate, growing no figure; the rank after it is the rate's
    too. A level's 比 form in points (普及率比全國高出) is a gap on the level."""
    obs = figures(
        "全區軟件收入同比增長14.6%,增速比全市高出2.3個百分點,增速居全市第3位。"
        "全區寬頻普及率為81.2%,比全國高出1.5個百分點。",
        script,
        area="place/fuling",
    )
    name = {"hant": lambda x: x, "hans": to_hans}[script]
    got = [(o.value, o.kind, o.indicator, o.growth_of) for o in obs]
    assert got == [
        (Decimal("14.6"), "growth", name("軟件收入"), None),
        (Decimal("2.3"), "growth", name("軟件收入增速"), None),
        (Decimal(3), "rank", name("軟件收入增速"), None),
        (Decimal("81.2"), "quantity", name("寬頻普及率"), None),
        (Decimal("1.5"), "growth", name("寬頻普及率"), None),
    ]


@SCRIPTS
def test_the_place_after_the_locative_of_a_rank_is_its_scope_not_its_area(script: str) -> None:
    """本區在全市38個區縣中排名第4位: 全市 opens the scope (the city, in a district piece),
    the ranked one is the district (its tier too); in the city's piece a district named
    before 在 is the ranked one."""
    obs = figures(
        "去年本區在全市38個區縣中排名第4位,位列第二梯隊。", script, area="place/yongchuan"
    )
    got = [(o.kind, o.area, o.rank_scope, o.rank_of) for o in obs]
    assert got == [
        ("rank", "place/yongchuan", "place/chongqing", 38),
        ("tier", "place/yongchuan", None, None),
    ]
    city = figures("渝北區在全市38個區縣中排名第2位。", script, area="place/chongqing")
    assert [(o.area, o.rank_scope) for o in city] == [("place/yubei", "place/chongqing")]


@SCRIPTS
def test_a_population_before_shou_wei_is_its_population(script: str) -> None:
    """在西部12個省（區、市）中位居首位 / 在20個城市中位居首位: rank 1 of the population
    before it, with its scope, as for 第N (the population's number is no figure)."""
    obs = figures(
        "某市軟件收入在西部12個省（區、市）中位居首位。某市寬頻普及率在20個城市中位居首位。",
        script,
    )
    got = [(o.kind, o.rank, o.rank_scope, o.rank_of) for o in obs]
    assert got == [("rank", 1, "place/western-china", 12), ("rank", 1, None, 20)]


@SCRIPTS
def test_the_nations_provinces_without_a_scope_word_rank_in_the_nation(script: str) -> None:
    """在三十一個省份中排名第五: the nation's 31 province-level units rank in place/china as
    在全國31個省中 does; another count (10個省份) names a population with no scope."""
    obs = figures(
        "某市軟件收入在三十一個省份中排名第五。某市寬頻普及率在10個省份中排名第二。", script
    )
    got = [(o.rank, o.rank_scope, o.rank_of) for o in obs]
    assert got == [(5, "place/china", 31), (2, None, 10)]


@SCRIPTS
def test_a_number_first_list_line_names_its_statistic_after_the_mark(script: str) -> None:
    """``3.5萬台——累計部署充電樁`` (round 7): the mark is no part of the name, the statistic
    after it is trimmed as a subject (累計, an actor's 部署, a quarter word) and 累計
    qualifies the value before the mark; a growth after it grows that value."""
    obs = figures(
        "【一圖看懂】\n"
        "3.5萬台——累計部署充電樁,同比增長20.5%\n"
        "64.2%——光纖用戶佔比,較上年提高2個百分點\n"
        "1.8萬家——三季度新增註冊企業\n"
        "420所：智慧校園",
        script,
    )
    pile, share = by_value(obs, "3.5萬台", script), by_value(obs, "64.2%", script)
    want = {"hant": ("充電樁", "光纖用戶佔比"), "hans": ("充电桩", "光纤用户占比")}[script]
    assert (pile.indicator, pile.qualifier, pile.value) == (want[0], "cumulative", 35000)
    assert share.indicator == want[1] and share.qualifier == "exact"
    growth = by_value(obs, "20.5%", script)
    assert (growth.kind, growth.indicator) == ("growth", want[0])
    assert growth.growth_of is not None and obs[growth.growth_of] == pile
    firms = by_value(obs, "1.8萬家", script)
    assert firms.indicator == ("新增註冊企業" if script == "hant" else "新增注册企业")
    assert by_value(obs, "420所", script).indicator == (
        "智慧校園" if script == "hant" else "智慧校园"
    )


@SCRIPTS
def test_a_from_to_frame_is_no_part_of_either_value_s_statistic(script: str) -> None:
    """``X由前年的A增加到去年的B`` / ``X從A增長到B`` (round 7): both values measure X; the
    frame's 由/從, its base period and the verb of the to-value are grammar."""
    obs = figures(
        "全市充電樁數量由前年的3.2萬個增加到去年的4.1萬個。平台註冊用戶從120萬人增長至150萬人。",
        script,
    )
    piles = {"hant": "充電樁數量", "hans": "充电桩数量"}[script]
    users = {"hant": "平台註冊用戶", "hans": "平台注册用户"}[script]
    got = sorted((o.value, o.indicator) for o in obs)
    assert got == [(32000, piles), (41000, piles), (1200000, users), (1500000, users)]


@SCRIPTS
def test_a_company_before_a_de_phrase_is_whose_statistic_it_is(script: str) -> None:
    """``公司倉庫的利用率達85%`` (round 7): 公司 stands for the company named before, whose
    figure it is; the statistic keeps its 的 (倉庫的利用率). 公司數量 is a statistic of
    companies and keeps its noun."""
    obs = figures("某物流集團總經理介紹,公司倉庫的利用率達85%。全市軟件公司數量達到420家。", script)
    got = sorted((o.value, o.indicator) for o in obs)
    want = [(85, "倉庫的利用率"), (420, "軟件公司數量")]
    assert got == [(v, i if script == "hant" else to_hans(i)) for v, i in want]


@SCRIPTS
def test_a_counted_noun_ends_before_tou_ru(script: str) -> None:
    """``近300個充電站投入運營`` (round 7): 投入 says what the items went into, not what they
    are, as 納入 does."""
    obs = figures("全市已有近300個充電站投入運營。", script)
    assert [o.indicator for o in obs] == ["充電站" if script == "hant" else "充电站"]


@SCRIPTS
def test_a_level_of_an_act_keeps_its_verb_and_a_companion_phrase_is_no_subject(
    script: str,
) -> None:
    """``對全市20個區縣的智慧交通建設水平進行評價,A區排名第3位,與另外幾個區一同處於第二梯隊``
    (round 7): 建設水平 is the level of the building (the verb stays, as before 率 or 規模),
    and 與…一同 says who shares the tier: both figures measure 智慧交通建設水平."""
    obs = figures(
        "報告對全市20個區縣的智慧交通建設水平進行評價,渝北區排名第3位,"
        "與另外幾個區一同處於第二梯隊。",
        script,
        area="place/chongqing",
    )
    want = "智慧交通建設水平" if script == "hant" else "智慧交通建设水平"
    assert [(o.kind, o.indicator) for o in obs] == [("rank", want), ("tier", want)]


@SCRIPTS
def test_half_after_tenths_is_five_hundredths(script: str) -> None:
    """``約三成半`` = 35 % (round 7): 半 after 成 is half a tenth; 半年 after 成 is a duration
    (the tenths stand alone)."""
    obs = figures("全區老年網民佔比約三成半,四成半年內完成改造的小區已驗收。", script)
    assert [(o.value, o.unit, o.qualifier) for o in obs] == [
        (Decimal(35), "%", "approximately"),
        (Decimal(40), "%", "exact"),
    ]


@SCRIPTS
def test_the_mainland_is_the_nation_s_rank_scope(script: str) -> None:
    """``排名內地第8`` (round 7, Hong Kong usage): 內地 scopes a rank as 全國 does."""
    obs = figures("某市軟件業務收入排名內地第8,西部第2。", script)
    got = [(o.kind, o.rank, o.rank_scope) for o in obs]
    assert got == [("rank", 8, "place/china"), ("rank", 2, "place/western-china")]


@SCRIPTS
def test_a_span_of_time_or_a_closing_xiangbi_opening_a_change_is_no_subject(script: str) -> None:
    """``一年間增長12.5%`` / ``與上年的60.2%相比提高3個百分點`` (round 7): the span and the
    frame's close say how or against what the statistic changed: the change is of the
    statistic named before (光纖端口, 寬帶普及率), growing its figure."""
    obs = figures(
        "全區光纖端口達到8.1萬個,一年間增長12.5%。全區寬帶普及率為63.2%,"
        "與上年的60.2%相比提高3個百分點。",
        script,
    )
    ports = {"hant": "光纖端口", "hans": "光纤端口"}[script]
    rate = {"hant": "寬帶普及率", "hans": "宽带普及率"}[script]
    one, points = by_value(obs, "12.5%", script), by_value(obs, "3個百分點", script)
    assert (one.kind, one.indicator) == ("growth", ports)
    assert (points.kind, points.indicator) == ("growth", rate)


@SCRIPTS
def test_a_pointing_back_rank_change_measures_the_paragraph_s_last_statistic(script: str) -> None:
    """``這一指標的排名從第8位升至第6位`` opening a sentence (round 8): 這一指標 points back
    to the statistic of the sentence before (no figure of its own sentence precedes), 從
    belongs to the rank statement, and the from-rank is the year before's."""
    obs = figures(
        "全市每萬人擁有充電樁由12.4個增至15.8個。在西部12個省（區、市）中,"
        "該指標的排名從第5位升至第3位。",
        script,
    )
    want = "每萬人擁有充電樁" if script == "hant" else to_hans("每萬人擁有充電樁")
    got = sorted((o.value_begin, o.kind, o.indicator, o.rank, o.rank_of, o.period) for o in obs)
    assert [g[1:] for g in got] == [
        ("quantity", want, None, None, "2029"),
        ("quantity", want, None, None, "2030"),
        ("rank", want, 5, 12, "2029"),
        ("rank", want, 3, 12, "2030"),
    ]
    assert {o.rank_scope for o in obs if o.kind == "rank"} == {"place/western-china"}


@SCRIPTS
def test_a_rate_speeding_up_is_a_growth_of_the_rate_in_points(script: str) -> None:
    """``增速比前一年加快0.7個百分點`` (round 8): 加快 / 加速 are to a rate what 放緩 is, the
    change of the growth rate itself: a growth in 個百分點 on the statistic's 增速, growing
    no figure (fixtures README: a growth-rate gap or change)."""
    obs = figures(
        "全市軟件收入達到1200億元,按年增長8.4%,增速比前一年加快1.1個百分點;"
        "快遞業務量增長5%,增速較上年加速0.6個百分點。",
        script,
    )
    for stated, name in (("1.1個百分點", "軟件收入增速"), ("0.6個百分點", "快遞業務量增速")):
        o = by_value(obs, stated, script)
        want = name if script == "hant" else to_hans(name)
        assert (o.kind, o.unit, o.indicator, o.growth_of) == ("growth", "個百分點", want, None)
        assert o.value > 0


@SCRIPTS
def test_a_level_s_gap_in_the_bi_form_is_a_growth_in_points_of_the_own_area(script: str) -> None:
    """``普及率75.6%,比全國平均水平低1.9個百分點`` (round 8): after 比 / 較 and a place, a bare
    低 / 高 is the gap word (as 低於 / 高出 are): a growth in points on the level's indicator,
    negative when lower, growing no figure, in the area of what is compared (not 全國); the
    figure after it stays in the sentence's area."""
    obs = figures(
        "全市寬帶普及率68.2%,比全國平均水平低2.3個百分點;5G用戶佔比41%,較全國高1.2個百分點。",
        script,
        area="place/chongqing",
    )
    low, high = by_value(obs, "2.3個百分點", script), by_value(obs, "1.2個百分點", script)
    rate = "寬帶普及率" if script == "hant" else "宽带普及率"
    share = "5G用戶佔比" if script == "hant" else "5G用户占比"
    assert (low.kind, low.value, low.indicator, low.growth_of) == (
        "growth",
        Decimal("-2.3"),
        rate,
        None,
    )
    assert (high.kind, high.value, high.indicator, high.growth_of) == (
        "growth",
        Decimal("1.2"),
        share,
        None,
    )
    assert {o.area for o in obs} == {"place/chongqing"}


@SCRIPTS
def test_a_per_unit_rate_keeps_its_verb_and_takes_the_counted_statistic(script: str) -> None:
    """``每萬人擁有31.9個`` (round 8): a per-unit base with its verb (每萬人擁有, 每百戶擁有)
    names a rate, so the verb stays, whether the counted noun comes before the value or after
    it; with none (充電樁累計8萬個,每萬人擁有12.5個) the counted thing is the sentence's previous
    statistic, and the rank and tier after it measure the same rate."""
    obs = figures(
        "全市充電樁累計8萬個,每萬人擁有12.5個,排名全國第7,西部第一。"
        "全市每百戶擁有42.5台電腦。每千人擁有執業醫師3.2名。",
        script,
    )
    names = [(o.stated_value, o.indicator) for o in obs]
    want = [
        ("8萬個", "充電樁"),
        ("12.5個", "每萬人擁有充電樁"),
        ("第7", "每萬人擁有充電樁"),
        ("第一", "每萬人擁有充電樁"),
        ("42.5台", "每百戶擁有電腦"),
        ("3.2名", "每千人擁有執業醫師"),
    ]
    assert sorted(names) == sorted(
        (to_hans(s), to_hans(n)) if script == "hans" else (s, n) for s, n in want
    )


@SCRIPTS
def test_an_assessment_clause_names_the_statistic_of_the_tier_after_it(script: str) -> None:
    """``在全國一體化政務服務能力評估中,我市連續兩年位居第一梯隊`` (round 8): the assessment
    the place is placed in names the statistic of its tier or rank (its area trimmed)."""
    obs = figures(
        "在全國數字政府建設水平評估中,我市連續三年位居第一梯隊。"
        "在全市智慧城市綜合評價當中,渝北區排名第4位。",
        script,
        area="place/chongqing",
    )
    got = [(o.kind, o.indicator) for o in obs]
    want = [("tier", "數字政府建設水平"), ("rank", "智慧城市")]
    assert got == [(k, n if script == "hant" else to_hans(n)) for k, n in want]


@SCRIPTS
def test_an_organiser_s_recognition_is_no_part_of_the_status_it_counts(script: str) -> None:
    """``市經濟信息委牽頭認定網絡安全重點企業近60家`` (round 8): the organiser and its act of
    recognition (認定, 評定, 評選, 遴選) are context; the count is of the status noun. A verb
    that says what is counted (處置網絡安全事件: the incidents handled) stays."""
    obs = figures(
        "市科技局牽頭認定高新技術企業近800家,評選智能工廠35個。全年處置網絡詐騙案件120起。",
        script,
    )
    got = [o.indicator for o in obs]
    want = ["高新技術企業", "智能工廠", "處置網絡詐騙案件"]
    assert got == [n if script == "hant" else to_hans(n) for n in want]


@SCRIPTS
def test_a_frequency_is_no_per_unit_base(script: str) -> None:
    """``每年都有300家企業`` is a frequency, not a per-unit rate: its verb is no name."""
    obs = figures("全市每年都有300家企業上雲。", script)
    assert "有" not in obs[0].indicator
