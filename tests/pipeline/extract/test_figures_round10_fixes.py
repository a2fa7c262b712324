"""Frames the last misses of blind rounds 9 and 10 showed, in both scripts.

A total of the items just counted (总投资), the park pointing back before its tenants
(园区入驻企业), a present possession in quoted speech (已有: the article's year), 同期 figures,
a head noun shared by 和-joined modifiers. Sentences invented for these tests (not the seed,
not a fixture sentence); each runs in zh-Hant and in its OpenCC zh-Hans conversion.
"""

from __future__ import annotations

from graph.model import CleaningReport, CleanText, Observation
from graph.pipeline import segment
from graph.pipeline.extract import metrics, period
from graph.text import fold, to_hans
from pipeline.extract.test_period import HEAD, SCRIPTS, _Doc


def _figures(body: str, script: str) -> list[Observation]:
    text = HEAD + body  # an article of 2023-09-20 on the 2022 edition
    if script == "hans":
        text = to_hans(text)
    clean = CleanText("t", text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, _ = metrics.run(clean, segment.run(clean), [])
    return period.apply(obs, _Doc(), text)


@SCRIPTS
def test_a_total_investment_after_a_count_is_the_counted_items_total(script: str) -> None:
    obs = _figures("去年全區共開工38個新型基礎設施項目,總投資420億元。", script)
    counted = "开工新型基础设施项目"
    assert [fold(o.indicator) for o in obs] == [counted, counted + "总投资"]
    assert [fold(o.indicator) for o in _figures("全市總投資達500億元。", script)] == ["总投资"]


@SCRIPTS
def test_the_park_before_its_tenants_is_the_subject_a_named_park_stays(script: str) -> None:
    obs = _figures("開園以來,園區入駐企業達86家,軟件園入駐企業達120家。", script)
    assert [fold(o.indicator) for o in obs] == ["入驻企业", "软件园入驻企业"]


@SCRIPTS
def test_a_present_possession_in_quoted_speech_is_the_articles_year(script: str) -> None:
    obs = _figures("“開園不到半年,園區入駐企業已有12家,配套也跟上了。”他說。", script)
    assert [(o.value, o.period) for o in obs] == [(12, "2023")]
    # outside speech, and in speech quoting the report with a time word, the edition stays
    obs = _figures("全區企業已有3000家。“2022年,我們累計建成基站800個,用戶已有2萬戶。”", script)
    assert [o.period for o in obs] == ["2022", "2022", "2022"]


@SCRIPTS
def test_a_listed_citys_figure_has_the_curated_citys_area(script: str) -> None:
    obs = _figures(
        "全市千兆寬帶用戶佔比為24.6%,低於廣州的28.1%。貴陽市數據中心機架達到8萬架,西安為6萬架。",
        script,
    )
    assert [o.area for o in obs] == [
        "place/chongqing",
        "place/guangzhou",
        "place/guiyang",
        "place/xian",
    ]


@SCRIPTS
def test_a_population_with_no_measure_word_before_zhong_ranks(script: str) -> None:
    obs = _figures(
        "每萬人擁有光纜線路8.2公里,在西北五省（區）中居首位。"
        "在西南五省（區、市）中,網民規模排名第2位。",
        script,
    )
    assert [(o.rank, o.rank_scope, o.rank_of) for o in obs if o.kind == "rank"] == [
        (1, "place/northwest-china", 5),
        (2, "place/southwest-china", 5),
    ]


@SCRIPTS
def test_a_bracketed_abbreviation_is_no_part_of_the_indicator(script: str) -> None:
    obs = _figures(
        "數字經濟增加值占地區生產總值（GDP）的比重約41.2%,生成式人工智能(AIGC)企業達120家。",
        script,
    )
    assert [fold(o.indicator) for o in obs] == [
        "数字经济增加值占地区生产总值的比重",
        "生成式人工智能企业",
    ]
    # a bracket that is not a Latin abbreviation says something of its own and stays
    obs = _figures("全市“5G+工業互聯網”(二期)項目達到30個。", script)
    assert "(二期)" in fold(obs[0].indicator) or "（二期）" in obs[0].indicator


@SCRIPTS
def test_an_adverb_of_occasion_before_the_value_is_no_part_of_the_indicator(script: str) -> None:
    obs = _figures("全市農村網民佔比首次超過30%,5G用戶再次突破2000萬戶。", script)
    assert [fold(o.indicator) for o in obs] == ["农村网民占比", "5g用户"]


@SCRIPTS
def test_a_share_inside_its_subject_loses_its_bases_own_area(script: str) -> None:
    obs = _figures(
        "全市農村快遞業務量佔全市快遞業務量比重約1/5,網絡零售額佔全國比重為2.1%。", script
    )
    assert [fold(o.indicator) for o in obs] == [
        "农村快递业务量占快递业务量比重",
        "网络零售额占全国比重",  # no base noun: the area is the base
    ]


@SCRIPTS
def test_a_tongqi_figure_has_the_period_of_the_figure_it_is_compared_with(script: str) -> None:
    obs = _figures(
        "今年上半年全市5G用戶達1500萬戶。同期全國5G用戶為8億戶,同期,四川5G用戶為3000萬戶。"
        "\n全市網站達1.2萬個。",
        script,
    )
    assert [(o.value, o.period, o.area) for o in obs] == [
        (15000000, "2023", "place/chongqing"),  # 今年: the article's year
        (800000000, "2023", "place/china"),  # 同期: the same period, not the edition's 2022
        (30000000, "2023", "place/sichuan"),
        (12000, "2022", "place/chongqing"),  # a new paragraph: the edition again
    ]
    # 較同期 is a growth's base, not a 同期 figure
    obs = _figures("2021年全市網民規模達2100萬人,較同期增長5%。", script)
    assert [o.period for o in obs] == ["2021", "2021"]


@SCRIPTS
def test_modifiers_in_a_parallel_share_the_last_items_head_noun(script: str) -> None:
    obs = _figures(
        "全區移動和固定寬帶用戶分別達到410萬戶和128萬戶,國家級、省級和市級重點實驗室"
        "分別為3個、12個和40個。網民規模和互聯網普及率分別為900萬人和71%。",
        script,
    )
    assert [fold(o.indicator) for o in obs] == [
        "移动宽带用户",
        "固定宽带用户",
        "国家级重点实验室",
        "省级重点实验室",
        "市级重点实验室",
        "网民规模",  # items that are statistics of their own share nothing
        "互联网普及率",
    ]
