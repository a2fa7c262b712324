"""Round-12 figure readings seen in the genre's other coverage (other provinces, national
reports), each in both scripts on invented texts: 分別 after a predicate clause (A和B持續增長，
分別達到X和Y), a bare generic head noun taking the clause subject (規模達到…, 總數達到…), 高出 and a
compared figure in parentheses (比全國（X%）高出…), 約佔…的N%, 已超 before a per-unit phrase, a
value in a clause of its own after a predicate clause (穩步提升，超過四成), leading 特別是 / 近年來,
均 over coordinated items, 年增長率, an age band and a top-N class inside a name."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.curation.registry import load_registry
from graph.pipeline import segment
from graph.pipeline.extract import metrics
from graph.pipeline.extract.candidates_titled import balanced
from pipeline.extract.test_candidates import _run
from pipeline.extract.test_figures_genre import SCRIPTS, _clean, figures, only, s


@SCRIPTS
def test_respectively_after_a_predicate_clause_names_the_items_of_that_clause(
    script: str,
) -> None:
    obs = figures(
        "全省網民規模和互聯網普及率穩步提升，分別達到3120萬人和68.4%，"
        "同比分別增長1.7%和0.9個百分點。",
        script,
    )
    users, rate = only(obs, "3120萬人", script), only(obs, "68.4%", script)
    assert (users.indicator, users.value, users.unit) == (
        s("網民規模", script),
        Decimal(31200000),
        s("人", script),
    )
    assert (rate.indicator, rate.value, rate.unit) == (
        s("互聯網普及率", script),
        Decimal("68.4"),
        "%",
    )
    up, points = only(obs, "1.7%", script), only(obs, "0.9個百分點", script)
    assert (up.kind, up.indicator, up.growth_of) == ("growth", users.indicator, obs.index(users))
    assert (points.kind, points.indicator, points.growth_of) == (
        "growth",
        rate.indicator,
        obs.index(rate),
    )


@SCRIPTS
def test_a_bare_generic_head_takes_the_subject_of_the_predicate_clause(script: str) -> None:
    size = only(
        figures("全省數字經濟穩步壯大，規模突破2.3萬億元。", script), "突破2.3萬億元", script
    )
    assert (size.indicator, size.value, size.qualifier) == (
        s("數字經濟規模", script),
        Decimal("2.3e12"),
        "more-than",
    )


@SCRIPTS
def test_a_total_after_a_count_of_new_items_is_the_total_of_the_items(script: str) -> None:
    obs = figures("去年新建光纜線路2.4萬公里，總數達到41萬公里。", script)
    assert only(obs, "2.4萬公里", script).indicator == s("新建光纜線路", script)
    assert only(obs, "41萬公里", script).indicator == s("光纜線路總數", script)
    # a head that is no total still points back to the new items, and so does any head
    # after a statistic that is no flow (規模 = its size)
    obs = figures("今年新增5G基站1.2萬個，規模居全國第三。", script)
    assert only(obs, "第三", script).indicator == "新增5G" + s("基站", script)
    obs = figures("軟件業務收入達4810億元，規模居全國第八。", script)
    assert only(obs, "第八", script).indicator == s("軟件業務收入", script)


@SCRIPTS
def test_a_value_in_a_clause_of_its_own_measures_the_predicate_clause_subject(
    script: str,
) -> None:
    share = only(figures("5G用戶佔比持續提升，接近六成。", script), "接近六成", script)
    assert (share.indicator, share.value, share.unit, share.qualifier) == (
        "5G" + s("用戶佔比", script),
        Decimal(60),
        "%",
        "nearly",
    )


@SCRIPTS
def test_a_compared_figure_in_brackets_is_the_places_level_and_the_gap_grows_none(
    script: str,
) -> None:
    obs = figures("全市家庭寬帶普及率為88.5%，比全國（85.1%）高出3.4個百分點。", script)
    own, nation = only(obs, "88.5%", script), only(obs, "85.1%", script)
    gap = only(obs, "3.4個百分點", script)
    rate = s("家庭寬帶普及率", script)
    assert (own.indicator, own.area) == (rate, "place/tianjin")
    assert (nation.kind, nation.indicator, nation.value, nation.area) == (
        "quantity",
        rate,
        Decimal("85.1"),
        "place/china",
    )
    assert (gap.kind, gap.indicator, gap.value, gap.area, gap.growth_of) == (
        "growth",
        rate,
        Decimal("3.4"),
        "place/tianjin",
        None,
    )
    # 比…低 (a gap below) and 高於 before the place read the same way
    low = figures("全市家庭寬帶普及率為80.2%，比全國（85.1%）低4.9個百分點。", script)
    below = only(low, "4.9個百分點", script)
    assert (below.kind, below.value, below.indicator) == ("growth", Decimal("-4.9"), rate)
    assert only(low, "85.1%", script).area == "place/china"
    # a year in the comparison is a base, not a place: its bracket stays out, the change
    # grows the level as 比上年提高 does
    year = figures("全市家庭寬帶普及率為88.5%，比上年（85.1%）提高3.4個百分點。", script)
    assert [o.stated_value for o in year] == ["88.5%", s("3.4個百分點", script)]
    assert year[1].growth_of == 0
    high = figures("全市家庭寬帶普及率為88.5%，高於全國（85.1%）3.4個百分點。", script)
    above = only(high, "3.4個百分點", script)
    assert (above.kind, above.value, above.area) == ("growth", Decimal("3.4"), "place/tianjin")


@SCRIPTS
def test_about_before_a_share_qualifies_it_and_an_area_base_is_named_as_a_share(
    script: str,
) -> None:
    obs = figures("電子信息製造業營業收入約佔全市規模以上工業營業收入的23.5%。", script)
    share = only(obs, "23.5%", script)
    assert (share.indicator, share.value, share.qualifier, share.area) == (
        s("電子信息製造業營業收入佔規模以上工業營業收入的比重", script),
        Decimal("23.5"),
        "approximately",
        "place/tianjin",
    )
    # a named area is the base's and stays
    obs = figures("軟件業務收入約佔全國軟件業務收入的2.1%。", script)
    assert only(obs, "2.1%", script).indicator == s("軟件業務收入佔全國軟件業務收入的比重", script)
    # a base with no area takes the share noun too (decision 0015, settled after round 11)
    phones = only(figures("手機網民接近佔網民總數的98.6%。", script), "98.6%", script)
    assert (phones.indicator, phones.qualifier) == (
        s("手機網民佔網民總數的比重", script),
        "nearly",
    )
    # ... and so does a bare area after 佔, the share's base, not the figure's area word
    obs = figures("重慶算力規模約佔全國的2.4%，規模位居西部第三。", script, area="place/chongqing")
    share = only(obs, "2.4%", script)
    assert (share.indicator, share.qualifier) == (
        s("算力規模佔全國的比重", script),
        "approximately",
    )
    # the dimension after it points back to the share's own statistic, not to the share
    assert only(obs, "第三", script).indicator == s("算力規模", script)
    # a share in 成 with no 的 before it
    silver = only(figures("銀髮網民佔網民總數近兩成。", script), "近兩成", script)
    assert silver.indicator == s("銀髮網民佔網民總數的比重", script)


@SCRIPTS
def test_a_marker_before_a_per_unit_phrase_qualifies_the_value(script: str) -> None:
    obs = figures("戶均固定寬帶接入流量已超每戶每月320GB。", script)
    flow = only(obs, "320GB", script)
    assert (flow.indicator, flow.value, flow.unit, flow.qualifier) == (
        s("戶均固定寬帶接入流量", script),
        Decimal(320),
        "GB",
        "more-than",
    )


@SCRIPTS
def test_a_focus_word_or_a_span_with_no_number_opening_a_subject_goes(script: str) -> None:
    obs = figures("特別是數據中心標準機架數突破12萬架。", script)
    assert only(obs, "突破12萬架", script).indicator == s("數據中心標準機架數", script)
    obs = figures("近年來全市數據中心標準機架數突破12萬架。", script)
    assert only(obs, "突破12萬架", script).indicator == s("數據中心標準機架數", script)
    obs = figures("算力總規模達到9.2EFLOPS，其中尤其是智能算力規模超過5EFLOPS。", script)
    assert only(obs, "超過5EFLOPS", script).indicator == s("智能算力規模", script)


@SCRIPTS
def test_each_over_coordinated_items_gives_each_item_the_figure(script: str) -> None:
    obs = figures("全市上行和下行平均接入速率均位列全國第二。", script)
    assert [(o.kind, o.indicator, o.rank, o.rank_scope) for o in obs] == [
        ("rank", s("上行平均接入速率", script), 2, "place/china"),
        ("rank", s("下行平均接入速率", script), 2, "place/china"),
    ]
    assert obs[0].value_begin == obs[1].value_begin
    # items that each name a statistic; a joiner inside a name (軟件和信息服務業) splits nothing
    obs = figures(
        "網民規模和互聯網普及率均超過全國平均水平，軟件和信息服務業收入均增長9%。", script
    )
    growth = only(obs, "9%", script)
    assert growth.indicator == s("軟件和信息服務業收入", script)
    obs = figures("固定寬帶和移動寬帶用戶普及率均超過95%。", script)
    assert [o.indicator for o in obs] == [
        s("固定寬帶用戶普及率", script),
        s("移動寬帶用戶普及率", script),
    ]


@SCRIPTS
def test_an_annual_growth_rate_is_a_growth_of_the_sentences_statistic(script: str) -> None:
    obs = figures("全市電子商務交易額達到5600億元，年增長率為7.9%。", script)
    level, growth = only(obs, "5600億元", script), only(obs, "7.9%", script)
    assert (growth.kind, growth.value, growth.indicator, growth.growth_of) == (
        "growth",
        Decimal("7.9"),
        level.indicator,
        obs.index(level),
    )
    own = only(figures("電子商務交易額年增長率為7.9%。", script), "7.9%", script)
    assert (own.kind, own.indicator) == ("growth", s("電子商務交易額", script))


@SCRIPTS
def test_an_age_band_before_a_noun_is_part_of_the_name(script: str) -> None:
    clean = _clean("20-39歲之間的網民佔比為41.6%，40至59歲網民達到630萬人。", script)
    obs, _, acc = metrics.run_with_accounting(clean, segment.run(clean), [])
    assert [(o.stated_value, o.indicator) for o in obs] == [
        ("41.6%", s("20-39歲之間的網民佔比", script)),
        (s("630萬人", script), s("40至59歲網民", script)),
    ]
    assert acc.excluded.get("name (a figure naming a class)") == 4 and acc.balanced


@SCRIPTS
def test_the_first_n_of_a_class_before_a_noun_is_part_of_the_name(script: str) -> None:
    clean = _clean("前8類應用的用戶規模達到960萬人，軟件收入進入全國前10名。", script)
    obs, _, acc = metrics.run_with_accounting(clean, segment.run(clean), [])
    assert [(o.kind, o.stated_value, o.indicator) for o in obs] == [
        ("quantity", s("960萬人", script), s("前8類應用的用戶規模", script)),
        ("rank", s("前10名", script), s("軟件收入", script)),
    ]
    assert acc.excluded.get("name (a rank naming a class)") == 1 and acc.balanced


@SCRIPTS
def test_an_open_world_label_never_keeps_half_a_bracket_pair(script: str) -> None:
    registry = load_registry()
    for body in (
        "2029（第十八屆）西部數字經濟博覽會在成都舉行。",
        "2029(第十八屆)西部數字經濟博覽會在成都舉行。",
    ):
        cands = _run(s(body, script), registry)[0]
        labels = [c.label for c in cands if c.cls == "event"]
        assert labels == [s("西部數字經濟博覽會", script)]
        assert all(balanced(c.label) for c in cands)
    assert balanced("“渝快辦”平台") and balanced("報告(2023)")
    assert not balanced("第十八屆)西部數字經濟博覽會") and not balanced("“渝快辦平台")


# The lead's round-12 sentences (zh-Hant by OpenCC s2t), each with its expected figures:
# (stated value, kind, indicator, value, qualifier, area), in text order.
LEAD_SENTENCES = [
    (
        "全市網民規模和互聯網普及率持續增長，分別達到2410萬人和75.3%，同比分別增長2.1%和1.6個百分點。",
        [
            ("2410萬人", "quantity", "網民規模", "24100000", "exact", "place/chongqing"),
            ("75.3%", "quantity", "互聯網普及率", "75.3", "exact", "place/chongqing"),
            ("2.1%", "growth", "網民規模", "2.1", "exact", "place/chongqing"),
            ("1.6個百分點", "growth", "互聯網普及率", "1.6", "exact", "place/chongqing"),
        ],
    ),
    (
        "全市數字經濟持續壯大，規模達到1.2萬億元。",
        [("1.2萬億元", "quantity", "數字經濟規模", "1.2e12", "exact", "place/chongqing")],
    ),
    (
        "今年新增移動通信基站1.1萬個，總數達到9.6萬個。",
        [
            ("1.1萬個", "quantity", "新增移動通信基站", "11000", "exact", "place/chongqing"),
            ("9.6萬個", "quantity", "移動通信基站總數", "96000", "exact", "place/chongqing"),
        ],
    ),
    (
        "全市光纖入戶率爲96.2%，比全國（94.0%）高出2.2個百分點。",
        [
            ("96.2%", "quantity", "光纖入戶率", "96.2", "exact", "place/chongqing"),
            ("94.0%", "quantity", "光纖入戶率", "94.0", "exact", "place/china"),
            ("2.2個百分點", "growth", "光纖入戶率", "2.2", "exact", "place/chongqing"),
        ],
    ),
    (
        "軟件業務收入約佔全市規模以上工業營業收入的6.8%。",
        [
            (
                "6.8%",
                "quantity",
                "軟件業務收入佔規模以上工業營業收入的比重",
                "6.8",
                "approximately",
                "place/chongqing",
            )
        ],
    ),
    (
        "戶均移動互聯網接入流量已超每月每戶18GB。",
        [("18GB", "quantity", "戶均移動互聯網接入流量", "18", "more-than", "place/chongqing")],
    ),
    (
        "IPv6流量佔比穩步提升，超過四成。",
        [("超過四成", "quantity", "IPv6流量佔比", "40", "more-than", "place/chongqing")],
    ),
    (
        "特別是工業互聯網標識解析註冊量突破80億。",
        [
            (
                "突破80億",
                "quantity",
                "工業互聯網標識解析註冊量",
                "8e9",
                "more-than",
                "place/chongqing",
            )
        ],
    ),
]


@SCRIPTS
@pytest.mark.parametrize(("body", "expected"), LEAD_SENTENCES)
def test_the_leads_sentences_read_as_the_gold_conventions_say(
    script: str, body: str, expected: list[tuple[str, str, str, str, str, str]]
) -> None:
    obs = figures(body, script, area="place/chongqing")
    got = [
        (o.stated_value, o.kind, o.indicator, o.value, o.qualifier, o.area)
        for o in sorted(obs, key=lambda o: o.value_begin)
    ]
    assert got == [
        (s(st, script), kind, s(ind, script), Decimal(v), q, area)
        for st, kind, ind, v, q, area in expected
    ]


@SCRIPTS
def test_a_compared_rate_in_brackets_is_the_places_growth_and_the_gap_the_rates(
    script: str,
) -> None:
    for body in (
        "全市軟件業務收入達到3100億元，增速高於全國（11.4%）2.6個百分點。",
        "全市軟件業務收入達到3100億元，增速比全國（11.4%）高出2.6個百分點。",
    ):
        obs = figures(body, script)
        level, nation = only(obs, "3100億元", script), only(obs, "11.4%", script)
        gap = only(obs, "2.6個百分點", script)
        assert (nation.kind, nation.indicator, nation.area, nation.growth_of) == (
            "growth",
            level.indicator,
            "place/china",
            None,
        )
        assert (gap.kind, gap.indicator, gap.area, gap.growth_of) == (
            "growth",
            s("軟件業務收入增速", script),
            "place/tianjin",
            None,
        )
