"""The figure grammar, rule by rule, in both scripts, on sentences that are not the seed's.

Each case is written once (zh-Hant or zh-Hans) and run as written and converted to the other
script with OpenCC (``graph.text.to_hans`` / ``to_hant``): the rules are data written once
and matched on the folded text, so both scripts must give the same figures, with spans that
are exact offsets into the text as given.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import CleaningReport, CleanText, Level, Observation
from graph.pipeline import segment
from graph.pipeline.extract import grammar, metrics, numbers
from graph.text import fold, to_hans, to_hant

Fig = tuple[object, ...]


def _both(text: str) -> list[str]:
    """The text in zh-Hant and in zh-Hans (whichever it was written in)."""
    hans, hant = to_hans(text), to_hant(text)
    assert len(hans) == len(text) == len(hant)
    return [hant, hans] if hans != hant else [text]


def _run(text: str) -> tuple[list[Observation], list, metrics.Accounting]:
    clean = CleanText("test-source", text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, findings, acc = metrics.run_with_accounting(clean, segment.run(clean), [])
    assert acc.balanced
    for o in obs:  # spans are offsets into the text as given, in either script
        assert text[o.value_begin : o.value_end] == o.stated_value
    return obs, findings, acc


def _fig(o: Observation) -> Fig:
    return (
        fold(o.stated_value),
        o.value,
        o.value_max,
        o.unit,
        o.qualifier,
        o.kind,
        o.rank,
        o.rank_scope,
        o.rank_of,
        o.tier,
    )


def q(stated: str, value: str, unit: str = "", qualifier: str = "exact", kind: str = "quantity",
      value_max: str | None = None) -> Fig:  # fmt: skip
    return (
        fold(stated),
        Decimal(value),
        Decimal(value_max) if value_max is not None else None,
        unit,
        qualifier,
        kind,
        None,
        None,
        None,
        None,
    )


def r(stated: str, rank: int, scope: str | None, qualifier: str = "exact",
      rank_of: int | None = None) -> Fig:  # fmt: skip
    return (fold(stated), Decimal(rank), None, "", qualifier, "rank", rank, scope, rank_of, None)


def _check(text: str, expected: list[Fig]) -> None:
    for variant in _both(text):
        obs, _, _ = _run(variant)
        assert [_fig(o) for o in obs] == expected, variant


# ---------------------------------------------------------------- the fold


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80))
def test_fold_aligned_keeps_every_offset(text: str) -> None:
    folded = grammar.fold_aligned(text)
    assert len(folded) == len(text)
    for ch, f in zip(text, folded, strict=True):
        assert f == (fold(ch) if len(fold(ch)) == 1 else ch)


def test_every_curated_word_folds_one_for_one() -> None:
    """The words the rules rely on fold one character for one (so no offset map is needed)."""
    raw = (numbers.CURATION / "grammar.yaml").read_text(encoding="utf-8")
    raw += (numbers.CURATION / "units.yaml").read_text(encoding="utf-8")
    raw += (numbers.CURATION / "qualifiers.yaml").read_text(encoding="utf-8")
    for ch in set(raw):
        if unicodedata.category(ch).startswith(("L", "N")) or ch in "%()/~-—–":
            assert len(fold(ch)) == 1, ch


# ---------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全省網民規模達3213萬人。", [q("3213萬人", "32130000", "人")]),
        ("软件业务收入1.2万亿元。", [q("1.2万亿元", "1200000000000", "元")]),
        ("服務中小企業5千家。", [q("5千家", "5000", "家")]),
        ("覆蓋居民3百萬人。", [q("3百萬人", "3000000", "人")]),
        ("數據存儲容量500 TB。", [q("500 TB", "500", "TB")]),
        ("移動互聯網接入流量2.5億G。", [q("2.5億G", "250000000", "G")]),
        ("骨幹網出口帶寬40Gbps。", [q("40Gbps", "40", "Gbps")]),
        ("平均時延低於20ms。", [q("低於20ms", "20", "ms", "at-most")]),
        ("千兆寬帶用戶156萬戶。", [q("156萬戶", "1560000", "戶")]),
        ("上線政務服務12項。", [q("12項", "12", "項")]),
        ("發布數字應用30款。", [q("30款", "30", "款")]),
        ("人均算力是全國平均水平的1.5倍。", [q("1.5倍", "1.5", "倍")]),
        ("軟件收入1,234.5萬元。", [q("1,234.5萬元", "12345000", "元")]),
        ("網民規模達6. 88億。", [q("6. 88億", "688000000")]),  # a scrape broke the decimal
        ("建成示範點三十一個。", [q("三十一個", "31", "個")]),
        ("算力總規模達到230EFLOPS。", [q("230EFLOPS", "230", "EFLOPS")]),
        (
            "機架總規模超過810萬標準機架。",
            [q("超過810萬標準機架", "8100000", "標準機架", "more-than")],
        ),
        ("全年舉辦活動1200余場次。", [q("1200余場次", "1200", "場次", "more-than-approximately")]),
        ("IPv6地址數量為68055塊/32。", [q("68055塊/32", "68055", "塊/32")]),
        ("農村網民占比約為三成。", [q("約為三成", "30", "%", "approximately")]),
        ("超六成企業已上雲。", [q("超六成", "60", "%", "more-than")]),
        ("八成以上用戶表示滿意。", [q("八成以上", "80", "%", "at-least")]),
        ("打造數字化應用場景10-20個。", [q("10-20個", "10", "個", value_max="20")]),
        ("打造数字化应用场景10至20个。", [q("10至20个", "10", "個", value_max="20")]),
        ("打造數字化應用場景10~20個。", [q("10~20個", "10", "個", value_max="20")]),
        ("打造數字化應用場景10～20萬個。", [q("10～20萬個", "100000", "個", value_max="200000")]),
        # a range that repeats its multiplier and unit on the lower end is still one range
        ("企業上雲率85%至95%。", [q("85%至95%", "85", "%", value_max="95")]),
        ("新建基站3萬至5萬個。", [q("3萬至5萬個", "30000", "個", value_max="50000")]),
        ("新增用戶2萬-4萬戶。", [q("2萬-4萬戶", "20000", "戶", value_max="40000")]),
        # a decimal opening a line is a figure, not a list marker
        ("統計如下。\n1.5萬戶家庭接入千兆。", [q("1.5萬戶", "15000", "戶")]),
        # a quoted figure before a noun that is not a class noun stays a figure
        ("建成“10分鐘”便民服務圈。", [q("10分鐘", "10", "分鐘")]),
    ],
)
def test_quantities(text: str, expected: list[Fig]) -> None:
    _check(text, expected)


def test_a_fraction_is_its_quotient() -> None:
    for text in _both("“雲上議事廳”覆蓋社區約1/3。"):
        (o,), _, acc = _run(text)
        assert o.value == Decimal(1) / Decimal(3) and o.qualifier == "approximately"
        assert fold(o.stated_value) == "约1/3" and acc.in_figures == 2


def test_a_single_chinese_digit_is_prose() -> None:
    for text in _both("建設一個平臺,形成兩項機制。"):
        obs, _, _ = _run(text)
        assert obs == []


def test_a_bare_position_word_is_an_idiom() -> None:
    for text in _both("讓數字紅利惠及千家萬戶,百家爭鳴,格局一成不變,已完成建設。"):
        obs, _, _ = _run(text)
        assert obs == []


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("數字經濟占地區生產總值的比重超過三分之一。", Decimal(1) / Decimal(3), "", "more-than"),
        ("農村寬帶覆蓋率約四分之三。", Decimal("0.75"), "", "approximately"),
        ("移動支付占比達百分之二十。", Decimal(20), "%", "exact"),
        ("網民已占全球網民的五分之一左右。", Decimal("0.2"), "", "approximately"),
    ],
)
def test_fractions_in_words(text: str, value: Decimal, unit: str, qualifier: str) -> None:
    for variant in _both(text):
        (o,), _, _ = _run(variant)
        assert (o.value, o.unit, o.qualifier, o.kind) == (value, unit, qualifier, "quantity")


def test_a_multiple_of_the_earlier_value_is_a_growth() -> None:
    for text in _both("10G-PON端口達到41.5萬個,是2021年底的3倍。"):
        first, grown = _run(text)[0]
        assert (grown.kind, grown.value, grown.unit, grown.growth_of) == (
            "growth",
            Decimal(3),
            "倍",
            0,
        )
        assert grown.indicator == first.indicator


@pytest.mark.parametrize(
    ("text", "unit"), [("發布應用場景清單3批。", "批"), ("接入視頻監控點位9.6萬路。", "路")]
)
def test_count_units(text: str, unit: str) -> None:
    for variant in _both(text):
        (o,), _, _ = _run(variant)
        assert o.unit == unit and o.kind == "quantity"


# ---------------------------------------------------------------- qualifiers


@pytest.mark.parametrize(
    ("stated", "qualifier"),
    [
        ("近20%", "nearly"),
        ("接近20%", "nearly"),
        ("將近20%", "nearly"),
        ("約20%", "approximately"),
        ("大約20%", "approximately"),
        ("20%左右", "approximately"),
        ("超過20%", "more-than"),
        ("超20%", "more-than"),
        ("逾20%", "more-than"),
        ("突破20%", "more-than"),
        ("20%以上", "at-least"),
        ("20%及以上", "at-least"),
        ("不少於20%", "at-least"),
        ("20%以下", "at-most"),
        ("20%以內", "at-most"),
        ("不超過20%", "at-most"),
        ("20余萬", "more-than-approximately"),
        ("20多萬", "more-than-approximately"),
        ("達20%", "exact"),
    ],
)
def test_qualifier_markers(stated: str, qualifier: str) -> None:
    for text in _both(f"網絡覆蓋率{stated}。"):
        (o,), _, _ = _run(text)
        assert o.qualifier == qualifier, text
        assert fold(o.stated_value) == fold(stated.removeprefix("達"))


def test_cumulative_only_when_no_other_marker() -> None:
    _check("全市累計建成5G基站7.3萬個。", [q("7.3萬個", "73000", "個", "cumulative")])
    _check("辦件量累計超過1.2億件。", [q("超過1.2億件", "120000000", "件", "more-than")])


# ---------------------------------------------------------------- ranks and tiers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("信息化水平排名全國第九。", [r("第九", 9, "place/china")]),
        ("綜合指數排名第十一位。", [r("第十一位", 11, None)]),
        ("算力規模位列西部第3位。", [r("第3位", 3, "place/western-china")]),
        ("数字经济规模位居全国第二。", [r("第二", 2, "place/china")]),
        ("網絡安全指數躍居中西部第1。", [r("第1", 1, "place/central-western-china")]),
        ("寬帶速率名列全國第3。", [r("第3", 3, "place/china")]),
        ("數字政府指數位居西部地區第一。", [r("第一", 1, "place/western-china")]),
        ("數字政府指數在全國範圍內排名第5。", [r("第5", 5, "place/china")]),
        ("數字政府指數在西部省份中排名第2位。", [r("第2位", 2, "place/western-china")]),
        ("網絡安全指數並列全國第一。", [r("第一", 1, "place/china")]),
        ("平板電腦產量位居全國榜首。", [r("榜首", 1, "place/china")]),
        ("用戶數居全國首位。", [r("首位", 1, "place/china")]),
        ("公共數據開放數量在全國位居前十。", [r("前十", 10, "place/china", "at-most")]),
        ("開放指數躋身全國前10名。", [r("前10名", 10, "place/china", "at-most")]),
    ],
)
def test_ranks(text: str, expected: list[Fig]) -> None:
    _check(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "重慶信息化發展水平在全國31個省(區、市)中排名第9位。",
        "在全國31個省(區、市)中,重慶信息化發展水平排名第9位。",
        # a population before the statistic it is ranked on (…的), a rank later in the sentence
        "評估覆蓋全國31個省份的信息化發展水平,重慶排名第9位。",
    ],
)
def test_rank_population_is_rank_of_not_a_figure(text: str) -> None:
    for variant in _both(text):
        obs, _, acc = _run(variant)
        assert [_fig(o) for o in obs] == [r("第9位", 9, "place/china", rank_of=31)]
        assert acc.excluded == {"rank population": 1}


def test_every_rank_of_a_sentence_is_ranked_in_its_population() -> None:
    # two ranks after one population share it; a later rank with its own scope does not
    for text in _both("在全國31個省份中,甲省快遞業務量排名第一,乙省、丙省分列第二、第三。"):
        obs, _, _ = _run(text)
        ranks = sorted((o.rank, o.rank_of, o.rank_scope) for o in obs if o.kind == "rank")
        assert ranks == [(n, 31, "place/china") for n in (1, 2, 3)]
    for text in _both("在全國31個省份中,重慶快遞業務量排名第9位,居西部第2位。"):
        obs, _, _ = _run(text)
        ranks = sorted((o.rank, o.rank_of, o.rank_scope) for o in obs if o.kind == "rank")
        assert ranks == [(2, None, "place/western-china"), (9, 31, "place/china")]


def test_a_count_before_de_without_a_rank_stays_a_figure() -> None:
    for text in _both("全市38個區縣的快遞網點達到450個。"):
        obs, _, acc = _run(text)
        assert sorted(fold(o.stated_value) for o in obs) == sorted([fold("38個"), fold("450個")])
        assert "rank population" not in acc.excluded


def test_rank_population_of_the_provinces_own_cities() -> None:
    for text in _both("全省17個市(州)中,成都排名第1。"):
        (o,), _, acc = _run(text)
        assert (o.kind, o.rank, o.rank_of, o.rank_scope) == ("rank", 1, 17, None)
        assert acc.excluded == {"rank population": 1}


def test_rank_population_in_chinese_numerals() -> None:
    _check(
        "信息化發展水平在全國三十一個省份中排名第九。",
        [r("第九", 9, "place/china", rank_of=31)],
    )


def test_tiers() -> None:
    for text in _both("數字政府建設位居全國第二梯隊。"):
        (o,), _, _ = _run(text)
        assert (o.kind, o.tier, o.value) == ("tier", "2", None)


@pytest.mark.parametrize("text", ["區塊鏈應用位居全國前列。", "數字經濟發展進入第一方陣。"])
def test_a_position_without_a_number_is_an_info_not_a_figure(text: str) -> None:
    for variant in _both(text):
        obs, findings, _ = _run(variant)
        assert obs == []
        [info] = [f for f in findings if f.code == "rank-without-number"]
        assert info.level is Level.INFO and info.begin is not None and info.end is not None
        assert fold(variant[info.begin : info.end]) in {"前列", "第一方阵"}


def test_a_vague_word_inside_another_word_is_nothing() -> None:
    for text in _both("開展前列腺疾病篩查。"):
        obs, findings, _ = _run(text)
        assert obs == [] and not [f for f in findings if f.code == "rank-without-number"]


def test_first_three_quarters_is_a_period_not_a_rank() -> None:
    for text in _both("前三季度軟件收入增長5%。"):
        obs, _, _ = _run(text)
        assert [(o.kind, o.value) for o in obs] == [("growth", Decimal(5))]


# ---------------------------------------------------------------- growth


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("軟件業務收入2850億元,同比增長11.3%。", ("growth", "11.3", "%")),
        ("網絡零售額增速達8.5%。", ("growth", "8.5", "%")),
        ("數據交易額提升15%。", ("growth", "15", "%")),
        ("互聯網普及率71.2%,較2021年底提升1.8個百分點。", ("growth", "1.8", "個百分點")),
        ("移動互聯網接入流量較2020年翻一番。", ("growth", "2", "倍")),
        ("數字經濟規模較2017年翻了一番。", ("growth", "2", "倍")),
        ("算力規模增長2倍。", ("growth", "2", "倍")),
        ("网络诈骗案件同比下降5%。", ("growth", "-5", "%")),
        ("軟件業務收入增長了12.5%。", ("growth", "12.5", "%")),
        ("網絡詐騙案件減少了30%。", ("growth", "-30", "%")),
        ("電信業務收入同比增長率為12%。", ("growth", "12", "%")),
        # 淨增: a net increase is a growth in the unit of the figure it grows
        ("寬帶用戶總數達1520萬戶,淨增36.2萬戶。", ("growth", "362000", "戶")),
        ("物聯網終端用戶淨增加8.4萬戶。", ("growth", "84000", "戶")),
    ],
)
def test_growth(text: str, expected: tuple[str, str, str]) -> None:
    for variant in _both(text):
        obs, _, _ = _run(variant)
        grown = obs[-1]
        assert (grown.kind, grown.value, grown.unit) == (
            expected[0],
            Decimal(expected[1]),
            expected[2],
        )
        if len(obs) == 2:  # a growth with no subject of its own grows the figure before it
            assert grown.growth_of == 0 and grown.indicator == obs[0].indicator


def test_a_range_of_rates_is_one_growth_whose_indicator_keeps_the_rate() -> None:
    """介於6%至15%之間: one growth 6..15 %; the frame is grammar, the rate noun stays."""
    for variant in _both("各區縣軟件收入增速介於6%至15%之間。"):
        obs, _, acc = _run(variant)
        assert len(obs) == 1 and acc.warned == 0, variant
        o = obs[0]
        assert (o.kind, o.value, o.value_max, o.unit) == ("growth", 6, 15, "%"), variant
        assert fold(o.indicator).endswith(fold("軟件收入增速")), o.indicator
        assert not {"介", "之", "間"} & set(fold(o.indicator)) - set(fold("軟件收入增速")), o


def test_a_single_rate_is_a_growth_of_the_figure_before_it() -> None:
    """增速達8.5% (no range): the rate noun goes, like 增長, and the growth links its figure."""
    for variant in _both("網絡零售額320億元,增速達8.5%。"):
        obs, _, _ = _run(variant)
        assert [o.kind for o in obs] == ["quantity", "growth"], variant
        assert obs[1].growth_of == 0 and obs[1].indicator == obs[0].indicator, variant


# ---------------------------------------------------------------- not figures


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("2023年10月12日,發布會召開。", {"date": 3}),
        ("會議於2024-10-12 18:08舉行。", {"date or time": 5}),
        ("2023中國國際智能產業博覽會開幕。", {"year": 1}),
        ("第3屆論壇舉行。", {"event ordinal": 1}),
        ("第六屆、第二十屆論壇舉行。", {}),
        ("培育適應力、勝任力、創造力3種能力。", {"enumeration count": 1}),
        # a whole number after 等 / 全部 counts an enumeration or a whole classification
        ("規劃分「交通」「水利」等5個專章。", {"enumeration count": 1}),
        ("快遞服務已覆蓋全部17個鄉鎮。", {"enumeration count": 1}),
        ("5G基站、10G-PON端口和IPv6網絡。", {"name (joined to Latin letters)": 3}),
        ("圍繞“33618”體系。", {"name (a quotation of digits only)": 1}),
        ("市民可撥打12345熱線。", {"name (a service number, list or version)": 1}),
        ("遇到問題可撥打96096諮詢。", {"name (a service number, list or version)": 1}),
        ("用戶可致電申訴受理電話12300。", {"name (a service number, list or version)": 1}),
        ("也可通過12345政務服務便民熱線反映。", {"name (a service number, list or version)": 1}),
        ("說明如下。\n1. 數據為快報數。\n(2)數據四捨五入。\n3、詳見網站。", {"list marker": 3}),
        ("千兆寬帶用戶(1000Mbps及以上)達到156萬戶。", {"name (a figure naming a class)": 1}),
        ("“500Mbps及以上”用戶增長較快。", {"name (a figure naming a class)": 1}),
        ("諮詢電話023-12345678。", {"id or phone number": 2}),
        ("備案編號20231012001。", {"id or phone number": 1}),
        ("《重慶市互聯網發展報告(2022)》發布。", {"title": 1}),
        ("數字經濟連續3年保持兩位數增長。", {"duration (連續N年)": 1}),
        ("2023年1-9月發布會召開。", {"date": 3}),
        ("前10個月發布會召開,建黨100週年。", {"period (N個月)": 2}),
        ("實施第3個五年計劃。", {"ordinal (第N個)": 1}),
        ("入選互聯網企業100強名單。", {"name (a service number, list or version)": 1}),
        ("數字重慶2.0和平臺3.0上線。", {"name (a version number)": 2}),
        ("重慶網民達2285萬人\n全市網民數量2285萬人。", {"headline restating a body figure": 1}),
    ],
)
def test_not_figures(text: str, reasons: dict[str, int]) -> None:
    for variant in _both(text):
        obs, findings, acc = _run(variant)
        non_head = [o for o in obs if o.value_begin > variant.find("\n")]
        assert obs == non_head, variant  # a headline gives no observation
        assert all(o.indicator != "" for o in obs)
        assert acc.excluded == reasons, variant
        assert acc.warned == 0 and not [f for f in findings if f.code == "number-not-extracted"]
        assert all(o.kind == "quantity" for o in obs)


# ---------------------------------------------------------------- strict loaders


def _grammar_yaml() -> str:
    return grammar.GRAMMAR_FILE.read_text(encoding="utf-8")


def test_grammar_file_loads_and_every_list_is_folded() -> None:
    w = grammar.load_words()
    assert w.scopes["全国"] == "place/china" and "排名" in w.rank_verbs
    assert w.numerals["两"] == 2 and w.positions["十"] == 10
    for words in (w.rank_verbs, w.growth, w.decline, w.event_suffixes, w.vague, w.rank_from):
        assert all(grammar.fold_aligned(x) == x for x in words)
    # round 8: the from word of a rank's change (從, folded) and the bare gap words of the
    # 比 form, signed like gap_words
    assert "从" in w.rank_from and w.marker_gap_words == {"高": 1, "低": -1}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("  tier: 梯隊\n", ""), "missing key 'tier'"),
        (("    modifiers: [綜合]\n", ""), "missing key 'modifiers'"),
        (("  population_positions: [位置,", "  population_positions: [位置, 位置,"), "twice"),
        (("verbs: [排名,", "verbs: [排名, 排名,"), "lists '排名' twice"),
        (("verbs: [排名,", "verbs: [排名, 蝉联, 蟬聯,"), "twice"),
        (("{word: 全國, id: place/china}", "{word: 全國, id: china}"), "id must be place/"),
        (("id_min_digits: 7", "id_min_digits: x"), "'id_min_digits'"),
        (("gap_words: {高於: 1,", "gap_words: {高於: 2,"), "must be 1 or -1"),
        (("marker_gap_words: {高: 1,", "marker_gap_words: {高: 3,"), "must be 1 or -1"),
    ],
)
def test_grammar_file_is_strict(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    raw = _grammar_yaml()
    assert edit[0] in raw
    bad = tmp_path / "grammar.yaml"
    bad.write_text(raw.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(grammar.InputError, match=r"^grammar.yaml: ") as err:
        grammar.load_words(bad)
    assert message in str(err.value)


def test_grammar_file_not_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "grammar.yaml"
    bad.write_text("numerals: [\n", encoding="utf-8")
    with pytest.raises(grammar.InputError, match=r"^grammar.yaml: not valid YAML"):
        grammar.load_words(bad)


def test_a_unit_twin_in_the_other_script_is_refused(tmp_path: Path) -> None:
    raw = numbers.UNITS_FILE.read_text(encoding="utf-8")
    twin = "  - surface: 个\n    iri: cqr:unit/ge\n    zh: 個\n    en: units\n"
    bad = tmp_path / "units.yaml"
    bad.write_text(raw.replace("units:\n", "units:\n" + twin, 1), encoding="utf-8")
    with pytest.raises(numbers.InputError, match=r"^units.yaml: unit '個' repeats '个'"):
        numbers.load_units(bad)


def test_a_marker_twin_in_the_other_script_is_refused(tmp_path: Path) -> None:
    raw = numbers.QUALIFIERS_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "qualifiers.yaml"
    bad.write_text(
        raw.replace("prefix: [大約, 大概, 約為, 約]", "prefix: [大約, 大概, 約為, 約, 约]")
    )
    with pytest.raises(numbers.InputError, match=r"^qualifiers.yaml: marker '约'"):
        numbers.load_qualifiers(bad)


def test_every_qualifier_has_a_definition_and_the_new_rows_exist() -> None:
    rows = {x.id: x for x in numbers.load_qualifiers()}
    for qid in ("at-most", "cumulative", "nearly", "approximately", "more-than"):
        assert rows[qid].definition and rows[qid].en
    assert "累計" in rows["cumulative"].clause


_GRAMMAR_CHARS = (
    "0123456789.,/-~ 萬万億亿千百第九十一二兩两位名前列梯隊队在全國国個个省中排名"
    "增長长下降翻番倍分之累計计超約约余以上下、,。\n"
)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(_GRAMMAR_CHARS), max_size=60))
def test_any_text_balances_and_never_raises(text: str) -> None:
    """Whatever the text, every number is accounted for and every span is exact."""
    _run(text)


def test_an_exact_figure_refines_an_at_most_bound_it_fits() -> None:
    for text in _both("平均時延不超過20毫秒。平均時延達18毫秒。平均時延達25毫秒。"):
        obs, _, _ = _run(text)
        assert [o.qualifier for o in obs] == ["at-most", "exact", "exact"]
        assert obs[0].indicator == obs[1].indicator == obs[2].indicator
        assert obs[1].refines == 0 and obs[2].refines is None  # 25 does not fit <= 20


def test_a_bare_ordinal_after_a_comma_list_is_no_rank_without_one_before() -> None:
    # 第一、第二 continue a rank only after a rank; 第3章、第4章 are chapters
    for variant in _both("詳見第3章、第4章。"):
        obs, _, _ = _run(variant)
        assert [o for o in obs if o.kind == "rank"] == [], variant


def test_a_figure_with_a_multiplier_after_deng_stays_a_figure() -> None:
    for variant in _both("快遞、郵政等1.2萬戶企業入駐。"):
        obs, _, acc = _run(variant)
        assert [o.value for o in obs] == [Decimal("12000")], variant
        assert acc.excluded == {}


def test_a_list_of_growths_stays_growths() -> None:
    for text in _both("軟件收入和信息服務收入分別增長8%、9%。"):
        obs, _, _ = _run(text)
        assert [(o.kind, o.value) for o in obs] == [
            ("growth", Decimal(8)),
            ("growth", Decimal(9)),
        ]


def test_a_change_of_rank_keeps_the_ranked_statistic() -> None:
    for text in _both("全省基站數居全國第十二位,較上年提升2位。"):
        rank, change = _run(text)[0]
        assert (rank.kind, rank.rank, change.kind, change.value) == ("rank", 12, "growth", 2)
        assert change.indicator == rank.indicator != ""


def test_a_ranks_duration_is_in_the_figure_not_excluded() -> None:
    for text in _both("計算機產量連續10年蟬聯全球第1。"):
        (o,), _, acc = _run(text)
        assert (o.rank, o.rank_scope, o.duration_years) == (1, "place/world", 10)
        assert acc.excluded == {} and acc.in_figures == 2


def test_rank_zero_is_not_a_rank() -> None:
    """第0位 names no position: no rank observation (SHACL wants rank >= 1); a finding instead."""
    for variant in _both("重慶網絡安全指數在全國排名第0位。"):
        obs, findings, _ = _run(variant)
        assert [o for o in obs if o.kind == "rank"] == []
        assert findings  # the unused digit is reported for review, not dropped silently


def test_a_rank_beyond_the_population_does_not_take_it() -> None:
    """40個城市中排名第41: 40 cannot be the number ranked (SHACL: rank <= rankOf)."""
    for variant in _both("重慶在全國40個城市中排名第41位。"):
        obs, _, _ = _run(variant)
        ranks = [o for o in obs if o.kind == "rank"]
        assert [o.rank for o in ranks] == [41]
        assert all(o.rank_of is None or o.rank_of >= 41 for o in ranks)
