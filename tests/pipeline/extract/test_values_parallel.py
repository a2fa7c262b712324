"""Figure frames of blind round 10 and of real coverage, in both scripts.

分别 parallels (graph/pipeline/extract/values_parallel.py), rank changes in 位, ratios to
another area's level, and the real-text label frames (a comparison base with its month,
已经, 共计, a spaced month). Texts are invented for these tests (not the seed, not a fixture
sentence); each case runs in zh-Hant and in its OpenCC zh-Hans conversion.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from graph.model import CleaningReport, CleanText, Finding, InputError, Observation
from graph.pipeline import segment
from graph.pipeline.extract import grammar, metrics, period
from graph.text import fold, to_hans
from pipeline.extract.test_period import HEAD, SCRIPTS, _Doc


def _run(body: str, script: str) -> tuple[list[Observation], list[Finding]]:
    text = HEAD + body
    if script == "hans":
        text = to_hans(text)
    clean = CleanText("t", text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, findings = metrics.run(clean, segment.run(clean), [])
    return period.apply(obs, _Doc(), text), findings


def _figures(body: str, script: str) -> list[Observation]:
    return _run(body, script)[0]


def _ind(o: Observation) -> str:
    return fold(o.indicator)


# ---------------------------------------------------------------- real-text label frames


@SCRIPTS
def test_a_comparison_base_with_its_month_is_the_base(script: str) -> None:
    obs = _figures(
        "截至2021年6月,全省寬帶用戶達812萬戶,較2020年9月增長37萬戶。"
        "截至2021年12月,全省網站達9.4萬個,較2021年6月新增網站3200個。",
        script,
    )
    assert [(o.stated_value, o.kind, _ind(o)) for o in obs] == [
        ("812萬戶" if script == "hant" else "812万户", "quantity", "宽带用户"),
        ("37萬戶" if script == "hant" else "37万户", "growth", "宽带用户"),  # no 9月 indicator
        ("9.4萬個" if script == "hant" else "9.4万个", "quantity", "网站"),
        ("3200個" if script == "hant" else "3200个", "quantity", "新增网站"),  # 新增 stays
    ]
    assert obs[1].growth_of == 0


@SCRIPTS
def test_the_aspect_adverb_yijing_goes_as_a_whole(script: str) -> None:
    obs = _figures("全區光纖用戶佔比已經達到91.2%,數據中心已經超過40個。", script)
    assert [_ind(o) for o in obs] == ["光纤用户占比", "数据中心"]


@SCRIPTS
def test_gongji_goes_as_a_whole(script: str) -> None:
    obs = _figures("全年共計新增5G用戶 412萬戶,共計受理投訴1.2萬件。", script)
    assert [_ind(o) for o in obs] == ["新增5g用户", "投诉"]


@SCRIPTS
def test_a_month_set_off_by_spaces_is_a_date(script: str) -> None:
    text = "截至2019年 6 月,全省寬帶用戶達812萬戶。"
    obs, findings = _run(text, script)
    assert [(_ind(o), o.value) for o in obs] == [("宽带用户", Decimal(8120000))]
    assert not [f for f in findings if f.code == "number-not-extracted"]
    obs = _figures("截至2019年 6 月底全省寬帶用戶達812萬戶。", script)
    assert [_ind(o) for o in obs] == ["宽带用户"]  # the spaced month is time context too


# ---------------------------------------------------------------- 分别 parallels


@SCRIPTS
def test_respectively_pairs_items_values_and_a_growth_list(script: str) -> None:
    obs = _figures(
        "寬帶用戶和有線電視用戶分別達到512萬戶、230萬戶,同比分別增長4.1%和2.6%。", script
    )
    assert [(o.kind, _ind(o), o.value, o.growth_of) for o in obs] == [
        ("quantity", "宽带用户", Decimal(5120000), None),
        ("quantity", "有线电视用户", Decimal(2300000), None),
        ("growth", "宽带用户", Decimal("4.1"), 0),  # grows the first item's figure
        ("growth", "有线电视用户", Decimal("2.6"), 1),
    ]


@SCRIPTS
def test_respectively_a_decline_list_signs_every_value(script: str) -> None:
    obs = _figures("光纖用戶和有線電視用戶分別為512萬戶、230萬戶,分別下降4.1%、2.6%。", script)
    assert [(o.kind, o.value, o.growth_of) for o in obs[2:]] == [
        ("growth", Decimal("-4.1"), 0),
        ("growth", Decimal("-2.6"), 1),  # after a 、 it opened a clause of its own
    ]


@SCRIPTS
def test_respectively_three_items_joined_by_comma_ji_and_he(script: str) -> None:
    obs = _figures("光纖用戶、有線電視用戶及智慧電錶分別為210萬戶、95萬戶和48萬台。", script)
    assert [_ind(o) for o in obs] == ["光纤用户", "有线电视用户", "智慧电表"]


@SCRIPTS
def test_respectively_keeps_a_he_inside_a_name(script: str) -> None:
    obs = _figures("軟件和信息服務業收入和電信業務收入分別為820億元、310億元。", script)
    assert [_ind(o) for o in obs] == ["软件和信息服务业收入", "电信业务收入"]


@SCRIPTS
def test_respectively_places_take_their_area_and_the_sentences_rank(script: str) -> None:
    obs = _figures(
        "在全國31個省(區、市)中,該省網絡就緒度排名第4位;雲南、甘肅分別居第16位和第23位。", script
    )
    assert [(o.rank, o.area, o.rank_scope, o.rank_of) for o in obs] == [
        (4, "place/chongqing", "place/china", 31),
        (16, "place/yunnan", "place/china", 31),
        (23, "place/gansu", "place/china", 31),  # 和第23位 continues the rank list
    ]
    assert len({o.indicator for o in obs}) == 1


@SCRIPTS
def test_respectively_with_a_count_mismatch_keeps_todays_reading(script: str) -> None:
    obs, findings = _run("寬帶用戶和有線電視用戶分別達到512萬戶、230萬戶、80萬戶。", script)
    assert len(obs) == 3
    assert [f.code for f in findings if f.code == "respectively-mismatch"] == [
        "respectively-mismatch"
    ]


# ---------------------------------------------------------------- frames over a sentence


@SCRIPTS
def test_a_rank_change_is_a_growth_in_wei_of_the_rank(script: str) -> None:
    obs = _figures("全市光纖用戶佔比為88.1%,全國排名第7位,排名較上年上升2位。", script)
    rank, change = obs[1], obs[2]
    assert (change.kind, change.value, fold(change.unit), change.growth_of) == (
        "growth",
        Decimal(2),
        "位",
        None,  # grows no figure: a growth's base is a quantity (the rank is the row before)
    )
    assert change.stated_value == "2位" and change.indicator == rank.indicator


@SCRIPTS
def test_a_rank_falling_is_negative_on_the_rank_s_own_indicator(script: str) -> None:
    obs = _figures("該市網絡就緒度全國排名第12位,排名比上年下降3位。", script)
    assert (obs[1].value, obs[1].growth_of) == (Decimal(-3), None)
    obs = _figures("全市數字政府指數居全國第5位,位次較上年後移1位。", script)
    change = obs[1]
    assert (change.kind, change.value, change.growth_of) == ("growth", Decimal(-1), None)
    assert _ind(change) == "数字政府指数"  # 位次 is the rank's position, not another statistic


@SCRIPTS
def test_a_ratio_to_another_areas_level_is_a_growth_in_bei(script: str) -> None:
    obs = _figures("全區每萬人擁有充電樁42.5個,是全省平均水平的1.6倍。", script)
    ratio = obs[1]
    assert (ratio.kind, ratio.value, fold(ratio.unit), ratio.growth_of) == (
        "growth",
        Decimal("1.6"),
        "倍",
        None,  # the level compared is not stated: it grows no figure of the text
    )
    assert ratio.indicator == obs[0].indicator and ratio.area == "place/chongqing"


@SCRIPTS
def test_compared_places_figures_measure_the_sentences_statistic(script: str) -> None:
    obs = _figures("全市每萬人擁有充電樁42.5個,高於雲南的30.2個和甘肅的28.4個。", script)
    obs.sort(key=lambda o: o.value_begin)
    assert [(o.area, o.indicator == obs[0].indicator) for o in obs] == [
        ("place/chongqing", True),
        ("place/yunnan", True),
        ("place/gansu", True),
    ]


@SCRIPTS
def test_a_figure_whose_subject_is_a_place_measures_the_sentences_statistic(script: str) -> None:
    obs = _figures("雲南軟件業務收入約820億元;甘肅約310億元,增速較快。", script)
    assert [(o.area, _ind(o)) for o in obs] == [
        ("place/yunnan", "软件业务收入"),
        ("place/gansu", "软件业务收入"),
    ]


@SCRIPTS
def test_a_pointing_back_rank_takes_the_statistic_it_points_to(script: str) -> None:
    obs = _figures(
        "2023年,全市數字化指數得分為71.2分。在全國31個省(區、市)中,"
        "全市這一指數的排名由2022年的第12位升至2023年的第10位。",
        script,
    )
    assert sorted((o.rank, _ind(o), o.period) for o in obs[1:]) == [
        (10, "数字化指数", "2023"),
        (12, "数字化指数", "2022"),  # cut after 指数: the index, not its score
    ]


@SCRIPTS
def test_a_growth_after_a_place_clause_is_that_places(script: str) -> None:
    obs = _figures("雲南軟件業務收入約820億元;甘肅規模較小,但增速達到15.1%,位居前列。", script)
    growth = obs[1]
    assert (growth.kind, growth.area, growth.growth_of) == ("growth", "place/gansu", None)
    assert _ind(growth) == "软件业务收入"  # 但 is a link, not the name


@SCRIPTS
def test_a_share_of_another_places_level_keeps_its_base(script: str) -> None:
    obs = _figures("全市軟件業務收入相當於雲南的七成左右。", script)
    assert [(_ind(o), o.value, o.qualifier, o.area) for o in obs] == [
        ("软件业务收入相当于云南的比重", Decimal(70), "approximately", "place/chongqing")
    ]


def test_frames_loader_refuses_a_missing_section(tmp_path: Path) -> None:
    bad = tmp_path / "grammar.yaml"
    bad.write_text("frames:\n  parallel_joiners: [和]\n", encoding="utf-8")
    with pytest.raises(InputError, match="rank_change"):
        grammar.load_frames(bad)
    assert "以及" in grammar.frames().parallel_joiners  # the shipped file loads


@SCRIPTS
def test_the_group_a_share_is_taken_in_is_not_its_name(script: str) -> None:
    obs = _figures("全區企業中中小企業佔比為92%,城市中心區人口佔比為40%。", script)
    assert [_ind(o) for o in obs] == ["中小企业占比", "城市中心区人口占比"]  # 中心 is a word


@SCRIPTS
def test_respectively_a_joiner_inside_a_word_joins_nothing(script: str) -> None:
    obs = _figures(
        "全省網民規模和互聯網普及率分別達3120萬人和81.5%,分別較2021年12月增長96萬人和1.2個百分點。",
        script,
    )
    assert [(o.kind, _ind(o), o.growth_of) for o in obs] == [
        ("quantity", "网民规模", None),
        ("quantity", "互联网普及率", None),  # 普及 is one word, not 普 and 率
        ("growth", "网民规模", 0),  # a base with its month stands before the growth list
        ("growth", "互联网普及率", 1),
    ]


@SCRIPTS
def test_respectively_a_share_list_is_each_items_share(script: str) -> None:
    obs = _figures(
        "其中,城鎮用戶和農村用戶分別為1800萬戶、540萬戶,分別佔用戶總數的77%和23%。", script
    )
    assert [_ind(o) for o in obs[2:]] == ["城镇用户占用户总数的比重", "农村用户占用户总数的比重"]


@SCRIPTS
def test_respectively_places_with_their_statistic(script: str) -> None:
    obs = _figures("北京、上海、廣東的普及率分別為88.1%、89.3%和85.6%。", script)
    assert [(o.area, _ind(o)) for o in obs] == [
        ("place/beijing", "普及率"),
        ("place/shanghai", "普及率"),
        ("place/guangdong", "普及率"),
    ]
    obs = _figures("雲南和甘肅兩省網民規模分別為3120萬人和1650萬人。", script)
    assert [(o.area, _ind(o)) for o in obs] == [
        ("place/yunnan", "网民规模"),  # 两省 counts the places named, it measures nothing
        ("place/gansu", "网民规模"),
    ]


@SCRIPTS
def test_a_rank_change_right_after_its_rank_or_counted_in_positions(script: str) -> None:
    for body in (
        "該市數字經濟指數居全國第8位,較上年前進3位。",  # no rank noun: it follows the rank
        "該市數字經濟指數居全國第8位,比上年提升3個位次。",  # a count of positions
    ):
        change = _figures(body, script)[1]
        assert (change.kind, change.value, fold(change.unit), change.growth_of) == (
            "growth",
            Decimal(3),
            "位",
            None,
        ), body


@SCRIPTS
def test_respectively_the_count_of_the_items_is_no_part_of_the_last(script: str) -> None:
    obs = _figures("光纖普及率、用戶滿意度和網速三項指標分別為81%、92%和95%。", script)
    assert [_ind(o) for o in obs] == ["光纤普及率", "用户满意度", "网速"]


@SCRIPTS
def test_a_growth_of_another_place_grows_no_figure(script: str) -> None:
    obs = _figures("雲南軟件業務收入約820億元,甘肅增速達到15.1%。", script)
    assert (obs[1].kind, obs[1].area, obs[1].growth_of) == ("growth", "place/gansu", None)
    obs = _figures("甘肅軟件業務收入約820億元,增速達到15.1%。", script)
    assert (obs[1].area, obs[1].growth_of) == ("place/gansu", 0)  # its own place's figure
