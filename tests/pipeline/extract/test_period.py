"""Period, area and edition of each figure (graph/pipeline/extract/period.py), both scripts.

Texts are invented for these tests (not the seed). Each case runs in zh-Hant and in its
OpenCC zh-Hans conversion and must give the same periods and areas.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from graph.model import CleaningReport, CleanText, InputError, Observation
from graph.pipeline import segment
from graph.pipeline.extract import metrics, period
from graph.text import to_hans

HEAD = "某網報道\n2023-09-20 10:00\n"


@dataclass(frozen=True)
class _Doc:
    """The manifest fields period.apply reads."""

    date: str = "2023-09-20"
    edition: str = ""
    report: str = ""
    title: str = "某市網絡發展報告發布"
    area: str = "place/chongqing"


def _figures(body: str, script: str, doc: _Doc | None = None) -> list[Observation]:
    text = HEAD + body
    if script == "hans":
        text = to_hans(text)
    clean = CleanText("t", text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, _ = metrics.run(clean, segment.run(clean), [])
    return period.apply(obs, doc or _Doc(), text)


SCRIPTS = pytest.mark.parametrize("script", ["hant", "hans"])


@SCRIPTS
def test_year_end_and_topic_of_a_paragraph(script: str) -> None:
    obs = _figures(
        "截至2022年底,全市網站數量達12345家,而2021年底這一數字僅為11000家。全市上線應用達88家。",
        script,
    )
    assert [(o.stated_value[:5], o.period) for o in obs] == [
        ("12345", "2022"),
        ("11000", "2021"),  # the nearest in its sentence
        ("88家", "2022"),  # the paragraph's clause-initial topic, not the contrast
    ]


@SCRIPTS
def test_relative_years_count_from_the_article_date(script: str) -> None:
    obs = _figures("去年,全市網站數量達12345家。前年新增企業達300家。", script)
    assert [o.period for o in obs] == ["2022", "2021"]  # article dated 2023-09-20


@SCRIPTS
def test_part_of_a_year_is_its_year(script: str) -> None:
    text = "今年上半年,全市新增企業達300家。2022年前三季度新增網站達120家。截至6月底,平臺達45家。"
    assert [o.period for o in _figures(text, script)] == ["2023", "2022", "2023"]
    exprs = period.time_expressions(HEAD + text, 2023)
    assert [x.month for x in exprs if x.month] == [6, 9, 6]  # parsed, not the period


@SCRIPTS
def test_a_multiple_of_an_earlier_year_is_a_base(script: str) -> None:
    obs = _figures("2023年,全市端口達到41萬個,是2021年底的3倍。", script)
    assert obs and {o.period for o in obs} == {"2023"}


@SCRIPTS
def test_comparison_bases_titles_and_event_dates_are_not_periods(script: str) -> None:
    obs = _figures(
        "2023年9月20日,《某市報告(2021)》發布。全市網站數量較2021年底增長12%,達12345家。",
        script,
        _Doc(report="某市網絡發展報告(2022)"),
    )
    assert obs and all(o.period == "2022" for o in obs)  # the edition, from the report name


@SCRIPTS
def test_a_2022_and_a_2023_article_stating_one_number_differ_in_period(script: str) -> None:
    body = "全市網站數量達12345家。"
    old = _figures(body, script, _Doc(date="2023-09-20"))
    new = _figures(body, script, _Doc(date="2024-10-12"))
    assert [o.indicator for o in old] == [o.indicator for o in new]
    assert [o.value for o in old] == [o.value for o in new]
    assert (old[0].period, new[0].period) == ("2022", "2023")  # edition = year before the date


@SCRIPTS
def test_area_from_the_statement_else_the_manifest(script: str) -> None:
    obs = _figures(
        "全國網民規模達1234家,同比增長5%。四川省網站數量達345家。全市網站數量達12家。"
        "重慶信息化發展水平排名全國第9。",
        script,
    )
    got = [(o.kind, o.area) for o in obs]
    assert got == [
        ("quantity", "place/china"),
        ("growth", "place/china"),  # a growth covers the area of what it grows
        ("quantity", "place/sichuan"),
        ("quantity", "place/chongqing"),
        ("rank", "place/chongqing"),  # 全國 is the rank's scope, not its area
    ]
    assert obs[0].indicator == ("網民規模" if script == "hant" else "网民规模")


@SCRIPTS
def test_a_continued_statistic_keeps_its_area(script: str) -> None:
    obs = _figures(
        "2022年全國數字經濟規模達502家,占國內生產總值的比重為41.5%。"
        "每萬人擁有5G基站14.6家,全國平均水平為16.4家。",
        script,
        _Doc(area="place/sichuan"),
    )
    assert [o.area for o in obs] == ["place/china", "place/china", "place/sichuan", "place/china"]
    assert obs[2].indicator == obs[3].indicator  # 平均水平 is the same statistic


@SCRIPTS
def test_wo_guo_is_the_national_area(script: str) -> None:
    # 我國 (our country) names the nation like 全國, and is not part of the label
    obs = _figures("我國快遞網點達到45萬個。", script, _Doc(area="place/sichuan"))
    assert [(o.area, o.indicator) for o in obs] == [
        ("place/china", "快遞網點" if script == "hant" else "快递网点")
    ]


@SCRIPTS
def test_a_district_with_a_registry_row_is_its_own_area(script: str) -> None:
    # a district word names the district's area and leaves the label; 區內 points back to it
    obs = _figures("渝中區快遞網點達到450個。區內郵政網點達到54個。", script)
    want = [("place/yuzhong", "快遞網點"), ("place/yuzhong", "郵政網點")]
    got = [(o.area, o.indicator) for o in obs]
    assert got == (want if script == "hant" else [(a, to_hans(i)) for a, i in want])


def test_every_figure_gets_a_period_and_an_area() -> None:
    obs = _figures("網站數量達12家。", "hant", _Doc(area="place/sichuan", edition="2021"))
    assert [(o.period, o.area) for o in obs] == [("2021", "place/sichuan")]


def test_edition_from_manifest_title_body_or_date() -> None:
    assert period.edition(_Doc(edition="2020"), "") == "2020"
    assert period.edition(_Doc(title="《某市互聯網發展報告(2022)》發布"), "") == "2022"
    assert period.edition(_Doc(), "正文提到《某市互联网发展报告（2021）》") == "2021"
    assert period.edition(_Doc(date="2025-01-02"), "") == "2024"


def test_bad_periods_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "periods.yaml"
    bad.write_text("relative_years: {}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^periods.yaml: needs"):
        period.load_rules(bad)


@SCRIPTS
def test_a_month_range_in_the_lead_gives_later_bare_months_their_year(script: str) -> None:
    """2024年1-6月 in the lead: a later 1-6月 / 6月當月 / 上半年 clause is 2024, not the edition."""
    body = (
        "某局發布2024年1-6月全縣郵政業運行情況。\n"
        "1-6月,全縣快遞業務量達到3.2億件。\n"
        "6月當月,快遞業務收入達到1.1億元。\n"
        "上半年,郵政網點達到560個。\n"
    )
    obs = _figures(body, script, _Doc(date="2024-07-20"))
    assert [o.period for o in obs] == ["2024", "2024", "2024"]
    # without a dated anchor a bare month stays too vague: the edition (date year - 1)
    alone = _figures("1-6月,全縣快遞業務量達到3.2億件。", script, _Doc(date="2024-07-20"))
    assert [o.period for o in alone] == ["2023"]


@SCRIPTS
def test_a_price_base_year_is_not_the_period(script: str) -> None:
    text = "按照上年不變價計算的郵政業務總量同比增長9.1%。"
    obs = _figures(text, script, _Doc(date="2024-07-20"))
    assert [o.period for o in obs] == ["2023"]  # the edition, not 上年 (a price base)


@SCRIPTS
def test_a_later_clause_without_an_area_stays_in_the_sentences_area(script: str) -> None:
    obs = _figures(
        "2022年全國快遞網點達到45萬個,鄉鎮覆蓋率為98.5%。同期全國郵政網點約5.4萬個。"
        "全縣郵政網點達到56個。",
        script,
        _Doc(area="place/sichuan"),
    )
    assert [o.area for o in obs] == ["place/china", "place/china", "place/china", "place/sichuan"]


@SCRIPTS
def test_a_relative_year_opening_a_sentence_does_not_carry_past_it(script: str) -> None:
    # 今年 states its own sentence's plan; the turn's 截至2022年底 is the topic again after it
    obs = _figures(
        "記者問：截至2022年底,全市基站數量達到8000個。今年將新建基站500個。"
        "全市光纖用戶累計達到320萬戶,寬帶端口逾900萬個。",
        script,
    )
    assert [(o.stated_value[:3], o.period) for o in obs] == [
        ("800", "2022"),
        ("500", "2023"),  # 今年 of an article dated 2023
        ("320", "2022"),
        ("逾90", "2022"),
    ]


@SCRIPTS
def test_district_words_point_back_to_the_last_district_named(script: str) -> None:
    # 全區 / 區內 without a district named before: the piece's own area
    obs = _figures("全區快遞網點達到45個。渝中區擁有書店20家。全區郵政網點達到54個。", script)
    assert [o.area for o in obs] == ["place/chongqing", "place/yuzhong", "place/yuzhong"]


@SCRIPTS
def test_a_clause_after_a_semicolon_keeps_its_sentences_area(script: str) -> None:
    obs = _figures(
        "截至2022年底,渝中區建成書店20家;社區圖書館達到35個。全市書店達到900家,農家書屋3000個。",
        script,
    )
    assert [o.area for o in obs] == ["place/yuzhong"] * 2 + ["place/chongqing"] * 2


@SCRIPTS
def test_a_flattened_tables_header_gives_each_column_its_area(script: str) -> None:
    obs = _figures(
        "附：2022年圖書指標（渝中區 | 全市）\n公共圖書館藏書 | 120萬冊 | 4500萬冊\n"
        "閱讀推廣活動 | 310場 | 5200場\n",
        script,
    )
    assert [o.area for o in obs] == ["place/yuzhong", "place/chongqing"] * 2


@SCRIPTS
def test_a_rank_takes_the_ranked_ones_area_not_its_scope(script: str) -> None:
    obs = _figures(
        "四川書店數量達到900家,連續三年位居第一。渝中區閱讀指數居全國第5位,位列第一梯隊。",
        script,
        _Doc(area="place/china"),
    )
    got = [(o.kind, o.area) for o in obs]
    assert got == [
        ("quantity", "place/sichuan"),
        ("rank", "place/sichuan"),  # the figure before it in its sentence
        ("rank", "place/yuzhong"),  # 全國 is the rank's scope
        ("tier", "place/yuzhong"),  # the rank before it
    ]


@SCRIPTS
def test_now_is_the_article_s_year_not_the_edition_s(script: str) -> None:
    """目前 / 當前 state the present of the piece (2023-09-20), like 今年, even in a piece on
    the 2022 edition; a figure with no time word keeps the edition."""
    obs = _figures(
        "報告顯示,全市網站數量達12345家。負責人介紹,目前平台已接入用戶約80萬戶,當前在建項目30個。",
        script,
        _Doc(edition="2022"),
    )
    assert [(o.stated_value[:5], o.period) for o in obs] == [
        ("12345", "2022"),
        ("約80萬戶" if script == "hant" else "约80万户", "2023"),
        ("30個" if script == "hant" else "30个", "2023"),
    ]


@SCRIPTS
def test_a_table_caption_dates_its_cells_a_prose_line_above_does_not(script: str) -> None:
    """表：…（截至6月底）over ``項目｜數值｜比去年底增加``: the caption dates every cell (this
    year's, 2023, not the 2022 edition); a paragraph ending in 。 right above a table is prose
    and dates nothing of it (the cells keep the edition)."""
    rows = "項目｜數值｜比去年底增加\n公共圖書館（個）｜45｜3\n閱讀推廣活動（場）｜310｜52\n"
    captioned = _figures("圖表：全縣文化設施主要指標（截至6月底）\n" + rows, script)
    assert [(o.stated_value, o.period) for o in captioned] == [
        ("45", "2023"),
        ("3", "2023"),
        ("310", "2023"),
        ("52", "2023"),
    ]
    prose = _figures("截至6月底全縣文化設施建設提速。\n" + rows, script)
    assert [o.period for o in prose] == ["2022"] * 4


@SCRIPTS
def test_a_base_year_with_its_own_figure_dates_that_figure_only(script: str) -> None:
    """``與前年的58.3%相比提高4個百分點`` (round 7): 前年 after 與 is a comparison base, yet
    with 的 and a number it dates that number (the base year's own figure); the change after
    it keeps the statement's year. A multiple (是前年的2倍) is no figure of the base."""
    obs = _figures(
        "全市寬帶普及率為62.3%,與前年的58.3%相比提高4個百分點。全市端口達到41萬個,是前年的2倍。",
        script,
    )
    got = [(o.stated_value, o.period) for o in obs]
    want = [("62.3%", "2022"), ("58.3%", "2021"), ("4個百分點", "2022"), ("41萬個", "2022")]
    want.append(("2倍", "2022"))
    assert got == [(s if script == "hant" else to_hans(s), p) for s, p in want]


@SCRIPTS
def test_since_the_year_began_opening_a_paragraph_sets_its_topic(script: str) -> None:
    """``今年以來,…。…已有300個…`` (round 7): 今年以來 is a stretch of the year (as 今年
    上半年): it dates the paragraph's later sentences; a bare 今年 dates only its own."""
    obs = _figures(
        "今年以來,充電設施成為建設重點。記者了解到,全市已有300個充電站投入運營。\n"
        "今年,平台上線應用20款。記者了解到,全市已有50家企業接入。",
        script,
        _Doc(edition="2022"),
    )
    assert [o.period for o in obs] == ["2023", "2023", "2022"]


@SCRIPTS
def test_a_change_after_two_years_figures_is_the_later_year_s(script: str) -> None:
    """``去年…達到5.2萬個,前年為4萬個,一年間增長30%`` (round 7): the change between the
    two years is the later year's and grows its figure; a growth with its own year keeps it."""
    obs = _figures(
        "去年全市充電樁達到5.2萬個,前年為4萬個,一年間增長30%。全市網站前年為800家,前年增長5%。",
        script,
    )
    growth = next(o for o in obs if o.value == 30)
    assert growth.period == "2022" and growth.growth_of is not None
    assert obs[growth.growth_of].value == 52000
    own = next(o for o in obs if o.value == 5)
    assert own.period == "2021"


@SCRIPTS
def test_a_from_to_pair_is_the_year_before_and_the_year(script: str) -> None:
    """``由前一年的3.2萬個增至4.5萬個`` / ``由60.5%升至66.1%`` (round 8): 前一年 and 上一年
    count back from the statement's year as 上年 does, and a from-value with no time word of
    its own (由 right before it, a to-verb right after) is the year before's too; the change
    stated after the pair is the later year's and grows the to-value."""
    obs = _figures(
        "全市光纖端口由前一年的3.2萬個增至4.5萬個,一年間淨增1.3萬個;"
        "寬帶普及率由60.5%升至66.1%,提高5.6個百分點。"
        "充電樁由上一年的900個增加到1200個。全市網站數量由3個部門共同統計,達到800家。",
        script,
        _Doc(edition="2022"),
    )
    got = {o.stated_value: o.period for o in obs}
    want = {"3.2萬個": "2021", "4.5萬個": "2022", "1.3萬個": "2022", "60.5%": "2021"}
    want |= {"66.1%": "2022", "5.6個百分點": "2022", "900個": "2021", "1200個": "2022"}
    want |= {"3個": "2022", "800家": "2022"}  # 由3個部門: no to-verb after it, no frame
    assert got == {(s if script == "hant" else to_hans(s)): p for s, p in want.items()}
    for change, grown in (("1.3萬個", 45000), ("5.6個百分點", Decimal("66.1"))):
        o = next(
            x for x in obs if x.stated_value == (change if script == "hant" else to_hans(change))
        )
        assert o.kind == "growth" and o.growth_of is not None
        assert obs[o.growth_of].value == grown
    ports = next(o for o in obs if o.value == 45000)
    assert ports.indicator == ("光纖端口" if script == "hant" else "光纤端口")
    rate = next(o for o in obs if o.value == Decimal("60.5"))
    assert rate.indicator == ("寬帶普及率" if script == "hant" else "宽带普及率")
