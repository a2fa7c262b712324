"""Round-11 figure frames seen in the genre's other coverage (other provinces, national
reports, telecom news), each in both scripts on invented texts: time and duration phrases
around an indicator (“十四五”期間, N年), light verbs inside or before it (實現, 完成, 建成具備…的,
建有), a target's frame (目標是), 該省 / 該市 as context pointing back to the province named
before, 排名前N的 and N Mbps及以上 as parts of names, 中國 as a rank scope, a gap that narrows
or widens (縮小 / 擴大), one name before 分別, and a generic counted noun before a selection
(N個項目入選…)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from graph.model import CleaningReport, CleanText, Observation
from graph.pipeline import segment
from graph.pipeline.extract import metrics, period
from graph.text import to_hans

SCRIPTS = pytest.mark.parametrize("script", ["hant", "hans"])


@dataclass(frozen=True)
class _Doc:
    area: str
    date: str = "2031-05-06"
    edition: str | None = "2030"
    report: str | None = None
    title: str = ""


def _clean(body: str, script: str) -> CleanText:
    page = "示例標題\n示例網 2031-05-06\n" + body + "\n"
    text = page if script == "hant" else to_hans(page)
    return CleanText("x", text, text, tuple(range(len(text) + 1)), CleaningReport())


def figures(body: str, script: str, area: str = "place/tianjin") -> list[Observation]:
    """The observations of a one-paragraph page in ``script``, with period and area."""
    clean = _clean(body, script)
    obs, _ = metrics.run(clean, segment.run(clean), [])
    return period.apply(obs, _Doc(area=area), clean.text)


def s(text: str, script: str) -> str:
    """``text`` (written in zh-Hant) in ``script``."""
    return text if script == "hant" else to_hans(text)


def only(obs: list[Observation], stated: str, script: str) -> Observation:
    found = [o for o in obs if o.stated_value == s(stated, script)]
    assert len(found) == 1, [(o.stated_value, o.indicator) for o in obs]
    return found[0]


@SCRIPTS
def test_a_plan_period_or_a_duration_is_trimmed_from_either_end(script: str) -> None:
    obs = figures("寬帶用戶普及率“十三五”期間從41%提升至78%。", script)
    assert {o.indicator for o in obs} == {s("寬帶用戶普及率", script)}
    obs = figures("“十四五”時期本市軟件業務收入年均增長12.5%。", script)
    assert [o.indicator for o in obs] == [s("軟件業務收入", script)]
    invest = only(figures("數據中心投資3年累計超過120億元。", script), "超過120億元", script)
    assert (invest.indicator, invest.qualifier) == (s("數據中心投資", script), "more-than")
    obs = figures("近5年軟件收入年均增長11%；三年行動計劃項目投資達85億元。", script)
    assert only(obs, "11%", script).indicator == s("軟件收入", script)
    # a plan named by its length keeps it (三年行動計劃 is a name, not a duration)
    assert only(obs, "85億元", script).indicator == s("三年行動計劃項目投資", script)
    # a span of years at either end is when, not what
    obs = figures(
        "2024—2027年數據中心算力年均增長16%，網絡零售額2024年至2027年年均增長9%。", script
    )
    assert only(obs, "16%", script).indicator == s("數據中心算力", script)
    assert only(obs, "9%", script).indicator == s("網絡零售額", script)


@SCRIPTS
def test_a_duration_alone_is_no_indicator_the_growth_grows_the_figure_before(script: str) -> None:
    obs = figures("雲計算服務調用量達6.2億次，4年增長12倍。", script)
    level, growth = only(obs, "6.2億次", script), only(obs, "12倍", script)
    assert (growth.kind, growth.value, growth.unit) == ("growth", Decimal(12), "倍")
    assert growth.indicator == level.indicator == s("雲計算服務調用量", script)
    assert growth.growth_of == obs.index(level)


@SCRIPTS
def test_a_plan_period_as_a_comparison_base_is_no_indicator(script: str) -> None:
    obs = figures("全市物聯網終端約850萬個，較“十三五”末翻了一番。", script)
    level, growth = only(obs, "約850萬個", script), only(obs, "翻了一番", script)
    assert (growth.kind, growth.value, growth.unit) == ("growth", Decimal(2), "倍")
    assert growth.indicator == level.indicator == s("物聯網終端", script)
    assert growth.growth_of == obs.index(level)


@SCRIPTS
def test_a_light_verb_between_a_subject_and_its_measure_noun_goes(script: str) -> None:
    obs = figures("軟件和信息服務業實現業務收入812.4億元，網絡零售行業完成交易額95億元。", script)
    assert only(obs, "812.4億元", script).indicator == s("軟件和信息服務業業務收入", script)
    assert only(obs, "95億元", script).indicator == s("網絡零售行業交易額", script)
    # a noun of the verb's own (完成率) stays
    rate = only(figures("年度目標任務完成率達96%。", script), "96%", script)
    assert rate.indicator == s("年度目標任務完成率", script)


@SCRIPTS
def test_a_light_verb_before_a_modifier_of_having_goes(script: str) -> None:
    obs = figures("全省已建成具備萬兆接入能力的光纖端口3.6萬個。", script)
    assert only(obs, "3.6萬個", script).indicator == s("具備萬兆接入能力的光纖端口", script)
    # a 的-clause of the verb's own keeps it (開展試點的區縣: fixture convention)
    obs = figures("開展數字鄉村試點的區縣達12個。", script)
    assert only(obs, "12個", script).indicator == s("開展數字鄉村試點的區縣", script)


@SCRIPTS
def test_a_target_frame_is_context_and_its_year_the_period(script: str) -> None:
    obs = figures("2032年的主要目標為千兆用戶數量突破150萬戶。", script)
    target = only(obs, "突破150萬戶", script)
    assert (target.indicator, target.period, target.qualifier) == (
        s("千兆用戶數量", script),
        "2032",
        "more-than",
    )


@SCRIPTS
def test_this_province_is_context_and_the_province_named_before(script: str) -> None:
    body = "江蘇省發布年度報告。該省數據中心機架總數達42萬架，該省現建有省級工業互聯網平台共65個。"
    obs = figures(body, script, area="place/chongqing")
    racks, platforms = only(obs, "42萬架", script), only(obs, "65個", script)
    assert (racks.indicator, racks.area) == (s("數據中心機架總數", script), "place/jiangsu")
    assert (platforms.indicator, platforms.area) == (
        s("省級工業互聯網平台", script),
        "place/jiangsu",
    )
    # with no province named before, 該市 is the piece's own area
    alone = only(figures("該市5G基站達3.1萬個。", script, area="place/tianjin"), "3.1萬個", script)
    assert (alone.indicator, alone.area) == ("5G" + s("基站", script), "place/tianjin")


@SCRIPTS
def test_a_top_n_modifying_a_noun_is_part_of_a_name_not_a_rank(script: str) -> None:
    clean = _clean("營收排名前50的軟件企業研發投入合計達86億元；軟件收入排名全國前十。", script)
    obs, _, acc = metrics.run_with_accounting(clean, segment.run(clean), [])
    assert [(o.kind, o.stated_value) for o in obs] == [
        ("quantity", s("86億元", script)),
        ("rank", s("前十", script)),
    ]
    assert obs[0].indicator == s("營收排名前50的軟件企業研發投入", script)
    assert acc.excluded.get("name (a rank naming a class)") == 1 and acc.balanced


@SCRIPTS
def test_a_speed_with_a_bound_before_a_noun_names_a_class(script: str) -> None:
    obs = figures("500Mbps及以上速率的家庭寬帶用戶達到36.7萬戶。", script)
    assert [o.stated_value for o in obs] == [s("36.7萬戶", script)]
    assert obs[0].indicator == "500Mbps" + s("及以上速率的家庭寬帶用戶", script)


@SCRIPTS
def test_china_is_a_rank_scope(script: str) -> None:
    obs = figures("電子商務交易額位居中國第六，數據安全保障保持中國第二梯隊。", script)
    rank, tier = only(obs, "第六", script), only(obs, "第二梯隊", script)
    assert (rank.rank, rank.rank_scope, rank.indicator) == (
        6,
        "place/china",
        s("電子商務交易額", script),
    )
    assert (tier.tier, tier.indicator) == ("2", s("數據安全保障", script))


@SCRIPTS
def test_a_gap_narrowing_or_widening_is_a_growth_of_the_gap(script: str) -> None:
    obs = figures(
        "東西部地區寬帶接入速率差距同比縮小1.8個百分點，城鄉網民規模差距擴大0.6個百分點。",
        script,
    )
    down, up = only(obs, "1.8個百分點", script), only(obs, "0.6個百分點", script)
    assert (down.kind, down.value, down.indicator) == (
        "growth",
        Decimal("-1.8"),
        s("東西部地區寬帶接入速率差距", script),
    )
    level = only(figures("城鄉寬帶普及率差距縮小至3.2個百分點。", script), "3.2個百分點", script)
    assert (level.kind, level.indicator) == ("quantity", s("城鄉寬帶普及率差距", script))
    assert (up.kind, up.value, up.indicator) == (
        "growth",
        Decimal("0.6"),
        s("城鄉網民規模差距", script),
    )


@SCRIPTS
def test_one_name_before_respectively_names_every_value(script: str) -> None:
    obs = figures("骨幹企業研發投入占比分別接近7%和9%。", script)
    assert [(o.stated_value, o.indicator) for o in obs] == [
        (s("接近7%", script), s("骨幹企業研發投入占比", script)),
        ("9%", s("骨幹企業研發投入占比", script)),
    ]


@SCRIPTS
def test_a_generic_counted_noun_takes_the_selection_after_it(script: str) -> None:
    obs = figures("18個項目獲評全國智慧城市示範工程。", script)
    assert only(obs, "18個", script).indicator == s("獲評全國智慧城市示範工程項目", script)
    # a selection that ends in the noun names it once
    obs = figures("7個案例入圍全省數字政府優秀案例。", script)
    assert only(obs, "7個", script).indicator == s("入圍全省數字政府優秀案例", script)
    # a noun of its own ends at the verb (fixture c's reading)
    obs = figures("全市已有9個算力樞紐項目納入國家布局。", script)
    assert only(obs, "9個", script).indicator == s("算力樞紐項目", script)


@SCRIPTS
def test_a_kinded_area_word_takes_no_suffix_from_the_next_word(script: str) -> None:
    """全市 / 我國 already say their kind: the 市 after them starts the next word (市場主體,
    市值), it is no administrative suffix. A place name still takes one (重慶市)."""
    obs = figures(
        "全市市場主體總數達到350萬戶。我國市值排名前100的互聯網企業總研發投入達3384億元。"
        "重慶市網民規模達到2400萬人。",
        script,
        area="place/chongqing",
    )
    assert only(obs, "350萬戶", script).indicator == s("市場主體總數", script)
    got = only(obs, "3384億元", script)
    assert got.indicator == s("市值排名前100的互聯網企業總研發投入", script)
    assert got.area == "place/china"
    assert only(obs, "2400萬人", script).indicator == s("網民規模", script)


@SCRIPTS
def test_taiwan_style_mainland_figures(script: str) -> None:
    """A Taiwan-style national paragraph: 大陸 names the mainland (an area word, dropped from
    the label), 兆元 is a trillion, the note in brackets after the value and the 在 of a time
    after the statistic are no part of its name, and 並 links the share to the clause's
    subject."""
    obs = figures(
        "大陸數位經濟總量在2020年達到39.2兆元（人民幣，下同），並佔GDP比重38.6%。",
        script,
        area="place/taiwan",
    )
    total = only(obs, "39.2兆元", script)
    assert (total.indicator, total.value, total.unit) == (
        s("數位經濟總量", script),
        Decimal("39200000000000"),
        "元",
    )
    assert (total.area, total.period) == ("place/china", "2020")
    share = only(obs, "38.6%", script)
    assert share.indicator == s("數位經濟總量佔GDP比重", script)
    assert share.area == "place/china"


@SCRIPTS
def test_a_bracketed_note_after_the_value_is_not_the_counted_noun(script: str) -> None:
    obs = figures("全市建成5G基站8.1萬個（含5G-A基站）。全市並購交易額達到120億元。", script)
    assert only(obs, "8.1萬個", script).indicator == s("5G基站", script)
    assert only(obs, "120億元", script).indicator == s("並購交易額", script)  # 並購 stays


@SCRIPTS
@pytest.mark.parametrize(
    ("body", "stated", "indicator", "area"),
    [
        # 上線 counts what went live, a flow word like 新增 (decision 0012): it stays
        ("截至2023年底，全市累計上線標識解析二級節點32個。", "32個", "上線標識解析二級節點", ""),
        # 整體: the statistic as a whole
        ("重慶數字經濟發展水平整體位於第二梯隊。", "第二梯隊", "數字經濟發展水平", ""),
        # a neighbour named by where it lies: the place is the figure's area
        ("鄰近的四川省數字經濟規模約1.49萬億元。", "約1.49萬億元", "數字經濟規模", "place/sichuan"),
        # 可 before a quoted service: the modal, not the name
        ("可「全程網辦」事項佔比超過九成。", "超過九成", "「全程網辦」事項佔比", ""),
        # a company named before by its common noun, then a time: the subject
        ("公司2023年營業收入27.4億元。", "27.4億元", "營業收入", ""),
        # ... but with no time after it, 公司 is what is counted
        ("全市公司數量達到12萬家。", "12萬家", "公司數量", ""),
        ("可用帶寬達到20Tbps。", "20Tbps", "可用帶寬", ""),
    ],
)
def test_round_11_subject_words(
    body: str, stated: str, indicator: str, area: str, script: str
) -> None:
    got = only(figures(body, script, area="place/chongqing"), stated, script)
    assert got.indicator == s(indicator, script)
    assert got.area == (area or "place/chongqing")


@SCRIPTS
def test_an_estimates_basis_and_a_route(script: str) -> None:
    """按照…測算 frames a national figure used as a basis (its area is the nation's, its name
    the noun inside the frame); 重慶至成都 opens a route, which names the statistic and is no
    area, while 重慶到2025年 is a target's frame and keeps the area."""
    obs = figures(
        "按照全國算力總規模約230EFLOPS測算，重慶算力規模居西部第三。"
        "重慶至成都的網絡時延已控制在5毫秒以內。重慶到2025年數字經濟規模將達到1.5萬億元。",
        script,
        area="place/chongqing",
    )
    basis = only(obs, "約230EFLOPS", script)
    assert (basis.indicator, basis.area) == (s("算力總規模", script), "place/china")
    route = only(obs, "5毫秒以內", script)
    assert (route.indicator, route.area) == (s("重慶至成都的網絡時延", script), "place/chongqing")
    target = only(obs, "1.5萬億元", script)
    assert (target.indicator, target.period) == (s("數字經濟規模", script), "2025")


@SCRIPTS
def test_the_compared_places_mean_takes_the_statistic(script: str) -> None:
    """高於全國16.39個的平均值: like 平均水平, the compared place's mean of the sentence's
    statistic (it read '平均值')."""
    obs = figures(
        "截至2022年末，重慶每萬人擁有5G基站數達19.04個，高於全國16.39個的平均值。", script
    )
    mean = only(obs, "16.39個", script)
    assert (mean.indicator, mean.area) == (s("每萬人擁有5G基站數", script), "place/china")


@SCRIPTS
def test_a_gap_clause_naming_the_compared_statistic(script: str) -> None:
    """比中國互聯網普及率高19.6個百分點 opening its clause: the compared place (no area word)
    and the statistic again stand after 比; the gap is a growth in points of the statistic
    stated before, growing no figure."""
    obs = figures("浙江省互聯網普及率為79.2%，比中國互聯網普及率高19.6個百分點。", script)
    gap = only(obs, "19.6個百分點", script)
    assert (gap.kind, gap.indicator, gap.value, gap.growth_of) == (
        "growth",
        s("互聯網普及率", script),
        Decimal("19.6"),
        None,
    )


@SCRIPTS
def test_a_dimension_after_a_share_and_an_emphasis(script: str) -> None:
    """規模 pointing back past a share names the share's statistic (數位經濟總量), and 更是
    before the value is an emphasis, not part of the name."""
    obs = figures("數位經濟總量達到39.2兆元，並佔GDP比重38.6%，規模躍居世界第二。", script)
    assert only(obs, "第二", script).indicator == s("數位經濟總量", script)
    # ... but 這一比例 after a share is the share itself
    obs = figures("全程網辦事項佔比達到91.5%，上年這一比例為86.2%。", script)
    assert only(obs, "86.2%", script).indicator == s("全程網辦事項佔比", script)
    obs = figures("兩市的數位經濟GDP佔比更是超過50%。", script)
    assert only(obs, "超過50%", script).indicator == s("數位經濟GDP佔比", script)


@SCRIPTS
def test_a_verb_of_existence_before_the_value(script: str) -> None:
    """試驗區5G試驗基站建設有500餘個: the label is what exists, named before the verb (the
    actor-and-light-verb rule left it empty); 建有 before the noun keeps its reading."""
    body = "截至去年底，試驗區5G試驗基站建設有500餘個。該省現建有國家級創新基地28家。"
    obs = figures(body, script)
    assert only(obs, "500餘個", script).indicator == s("試驗區5G試驗基站", script)
    assert only(obs, "28家", script).indicator == s("國家級創新基地", script)


@SCRIPTS
def test_a_rank_clause_naming_only_a_place_carries_the_ranking(script: str) -> None:
    """…排名第8位；四川排名第6位: after the ；the clause names only a place, so it states that
    place's position in the same ranking (statistic, scope, population); one that names a
    statistic of its own stays its own."""
    obs = figures(
        "在全國31個省（區、市）中，重慶互聯網發展綜合指數排名第8位；四川排名第6位。",
        script,
        area="place/chongqing",
    )
    other = only(obs, "第6位", script)
    assert (other.indicator, other.area, other.rank_scope, other.rank_of) == (
        s("互聯網發展綜合指數", script),
        "place/sichuan",
        "place/china",
        31,
    )
    obs = figures("重慶網民規模排名第8位；四川數字經濟規模排名第6位。", script)
    assert only(obs, "第6位", script).indicator == s("數字經濟規模", script)


@SCRIPTS
def test_a_new_area_is_an_area_and_its_paragraph_goes_on_in_it(script: str) -> None:
    """兩江新區 is listed with the districts (open_world.yaml): its figures are its own, a later
    sentence of its paragraph with no area word goes on in it, and a place starting a site's
    name (兩江新區數字經濟產業園) is part of the name, no area."""
    obs = figures(
        "2023年，兩江新區數字經濟增加值達到2160億元。截至10月底入駐軟件企業300家以上。"
        "\n兩江新區數字經濟產業園入駐企業1500餘家。",
        script,
        area="place/chongqing",
    )
    assert only(obs, "2160億元", script).area == "place/liangjiang"
    assert only(obs, "300家以上", script).area == "place/liangjiang"
    park = only(obs, "1500餘家", script)
    assert (park.indicator, park.area) == (
        s("兩江新區數字經濟產業園入駐企業", script),
        "place/chongqing",
    )


@SCRIPTS
@pytest.mark.parametrize(
    ("body", "stated", "indicator", "kind", "area"),
    [
        # a hyphenation point as a list bullet
        (
            "‧公共數據資源目錄1.9萬個，按年增長23.5%。",
            "1.9萬個",
            "公共數據資源目錄",
            "quantity",
            "",
        ),
        # 再 before a flow word, and Hong Kong's first three quarters
        ("今年首三季再新增網絡安全企業37家。", "37家", "新增網絡安全企業", "quantity", ""),
        # a body named before by its kind is the subject
        (
            "截至今年9月底，該所累計掛牌數據產品逾一千二百個。",
            "逾一千二百個",
            "掛牌數據產品",
            "quantity",
            "",
        ),
        # 但仍比 … 低: the comparison's 仍 is no name
        (
            "互聯網普及率為74.3%，但仍比全國平均水平（77.4%）低3.1個百分點。",
            "3.1個百分點",
            "互聯網普及率",
            "growth",
            "",
        ),
        # a predicate with a complement of degree names the growth after it, with its place
        (
            "貴州千兆寬帶用戶增長最快，同比增長近六成。",
            "近六成",
            "千兆寬帶用戶",
            "growth",
            "place/guizhou",
        ),
        # the compared place's rate in brackets with no gap after it
        (
            "網絡安全產業規模約268億元，按年增長21.4%，增速高於全國平均水平（15.8%）。",
            "15.8%",
            "網絡安全產業規模",
            "growth",
            "place/china",
        ),
        # a quarter without 度 and 按季 (quarter on quarter) before the growth
        (
            "數據交易額錄得31.5億元，按年增長約七成，其中第三季按季增長18.9%。",
            "18.9%",
            "數據交易額",
            "growth",
            "",
        ),
    ],
)
def test_round_12_frames(
    body: str, stated: str, indicator: str, kind: str, area: str, script: str
) -> None:
    got = only(figures(body, script, area="place/chongqing"), stated, script)
    assert (got.indicator, got.kind) == (s(indicator, script), kind)
    assert got.area == (area or "place/chongqing")


@SCRIPTS
def test_an_assessment_named_a_sentence_before_its_ranks(script: str) -> None:
    """對全市38個區縣的X進行了綜合評價。…排名第7位，較上年前移3位，首次進入全市第一梯隊: the
    ranks are placed in the assessment named before (X), the tier is the rank's past its
    change, and 38個 there is the units assessed, no figure."""
    obs = figures(
        "《報告》對全市38個區縣的數字化發展水平進行了綜合評價。"
        "記者獲悉，銅梁區在全市38個區縣中排名第7位，較上年前移3位，首次進入全市第一梯隊。",
        script,
        area="place/tongliang",
    )
    assert [o.stated_value for o in obs] == [s(x, script) for x in ("第7位", "3位", "第一梯隊")]
    assert {o.indicator for o in obs} == {s("數字化發展水平", script)}


@SCRIPTS
def test_a_position_question_names_a_population_and_a_forecast_modal(script: str) -> None:
    """重慶在西部12個省（區、市）中處在什麼位置 asks for a position among a population: 12 is no
    figure; 收入增幅可達 keeps no 可 (達 is read with the number), while 許可 keeps its name."""
    assert figures("看看重慶在西部12個省（區、市）中處在什麼位置。", script) == []
    obs = figures("電信業務經營許可達到120張。網絡安全企業收入增幅可達15%。", script)
    assert only(obs, "120張", script).indicator == s("電信業務經營許可", script)
    rate = only(obs, "15%", script)
    assert (rate.kind, rate.indicator) == ("growth", s("網絡安全企業收入", script))


@SCRIPTS
def test_a_time_modifier_with_de_and_a_forecast_range(script: str) -> None:
    """網絡安全企業今年的收入: the time with 的 modifies the noun (the firms stay, 今年的 is the
    period); a forecast range of a growth noun is one growth of the statistic, a spread
    (介於…之間) keeps the noun."""
    obs = figures("當地網絡安全企業今年的收入增幅可達15%至20%。", script)
    rate = only(obs, "15%至20%", script)
    assert (rate.kind, rate.indicator, rate.value_max) == (
        "growth",
        s("網絡安全企業收入", script),
        Decimal("20"),
    )
    spread = only(figures("各市州數字經濟增速介於8%至19%之間。", script), "8%至19%", script)
    assert spread.indicator == s("數字經濟增速", script)
    # an actor and a time with no 的 still goes (通信行業全年攔截涉詐電話)
    obs = figures("通信行業全年攔截涉詐電話1.3億次。", script)
    assert only(obs, "1.3億次", script).indicator == s("攔截涉詐電話", script)


@SCRIPTS
def test_a_rank_past_the_population_carries_no_ranking(script: str) -> None:
    """A place's rank larger than the carried population (31) is of another ranking: it takes
    neither the statistic nor the population (a rank cannot exceed the number ranked)."""
    obs = figures("在全國31個省（區、市）中，重慶網民規模排名第8位；四川排名第40位。", script)
    other = only(obs, "第40位", script)
    assert (other.indicator, other.rank_of) == ("", None)


@SCRIPTS
@pytest.mark.parametrize(
    ("body", "stated", "indicator", "area"),
    [
        # 整體 after 大陸 (as a whole): the compared place of a growth-rate gap
        (
            "數位經濟規模年增9.4%，增速高於大陸整體2.1個百分點。",
            "2.1個百分點",
            "數位經濟規模增速",
            "",
        ),
        # 僅次於 a place: the compared place's figure, and the rank after it is the own place's
        (
            "重慶算力總規模約6.8EFLOPS，僅次於四川的約9.5EFLOPS，算力總規模位居西部第二。",
            "約9.5EFLOPS",
            "算力總規模",
            "place/sichuan",
        ),
        (
            "重慶算力總規模約6.8EFLOPS，僅次於四川的約9.5EFLOPS，算力總規模位居西部第二。",
            "第二",
            "算力總規模",
            "place/chongqing",
        ),
        # a build verb right before the value
        ("重慶5G基地台累計建成超過9.6萬座。", "超過9.6萬座", "5G基地台", ""),
        # a forecast landing in a range
        ("今年數位經濟規模年增可望落在8%至10%之間。", "8%至10%", "數位經濟規模", ""),
        # a company's figure in a place
        ("今年前三季度，公司在重慶的營收年增逾六成。", "逾六成", "營收", ""),
        # a share in a clause of its own after a growth: the statistic before it
        (
            "網絡安全產業規模約236億元，同比增長15.2%，約佔全國的2.1%。",
            "2.1%",
            "網絡安全產業規模佔全國的比重",
            "",
        ),
        # the number of people (用戶規模) composes a share of the people
        (
            "網絡購物用戶規模達到1820萬人，佔網民總數的74.5%。",
            "74.5%",
            "網絡購物用戶佔網民總數的比重",
            "",
        ),
        ("農村網民規模約648萬人，佔比為27.9%。", "27.9%", "農村網民佔比", ""),
        # a generic platform noun before the quoted name, and how the speaker counted
        (
            "一體化在線政務服務平台「渝速辦」實名註冊用戶超過1650萬人。",
            "超過1650萬人",
            "「渝速辦」實名註冊用戶",
            "",
        ),
        ("我們統計的公共數據集開放數量超過1.2萬個。", "超過1.2萬個", "公共數據集開放數量", ""),
    ],
)
def test_round_13_frames(body: str, stated: str, indicator: str, area: str, script: str) -> None:
    got = only(figures(body, script, area="place/chongqing"), stated, script)
    assert got.indicator == s(indicator, script)
    assert got.area == (area or "place/chongqing")


@SCRIPTS
def test_round_14_frames(script: str) -> None:
    """A figure-less clause opening the sentence names its place (昆明作為省會城市，…); 其中 +
    a flow word counts the new ones of the statistic before; a rank after a composed share is
    of the sentence's statistic; N個方面 / N個維度 are the report's aspects, no figures."""
    obs = figures(
        "全省上雲企業累計超過3萬家，其中去年新增6200餘家。昆明作為省會城市，數字經濟規模約4600億元。",
        script,
        area="place/yunnan",
    )
    assert only(obs, "6200餘家", script).indicator == s("新增上雲企業", script)
    assert only(obs, "約4600億元", script).area == "place/kunming"
    obs = figures(
        "數字經濟規模達到1.05萬億元，佔地區生產總值的比重為36.2%，"
        "在全國31個省（區、市）中排名第十一。",
        script,
    )
    assert only(obs, "第十一", script).indicator == s("數字經濟規模", script)
    assert figures("報告從網絡基礎設施、數字經濟等5個方面和4個維度進行了梳理。", script) == []


@SCRIPTS
def test_round_15_frames(script: str) -> None:
    """A company page: a stock code is no figure, 公司 before its accounts is the subject (also
    past 實現), 回升至 and 預計為 are verbs, 是上年同期的N倍 after a statistic is its growth, and a
    speaker's opening quote is no part of the name."""
    obs = figures(
        "重慶雲岫科技股份有限公司（證券代碼：603917）是本地智算服務的代表企業。"
        "今年上半年，公司實現營業收入15.3億元，營業收入回升至16.1億元，"
        "新簽訂單金額是上年同期的1.6倍。他說：“我們預計今年數字經濟增加值增長8%至10%。”",
        script,
    )
    assert [o.stated_value for o in obs] == [
        s(x, script) for x in ("15.3億元", "16.1億元", "1.6倍", "8%至10%")
    ]
    assert only(obs, "15.3億元", script).indicator == s("營業收入", script)
    assert only(obs, "16.1億元", script).indicator == s("營業收入", script)
    multiple = only(obs, "1.6倍", script)
    assert (multiple.kind, multiple.indicator) == ("growth", s("新簽訂單金額", script))
    assert only(obs, "8%至10%", script).indicator == s("數字經濟增加值", script)
