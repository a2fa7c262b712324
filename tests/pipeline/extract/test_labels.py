"""Indicator labels: the measured noun phrase, trimmed by graph/curation/labels.yaml.

Every rule is checked in both scripts on text other than the seed; the label is cut from the
source so it keeps the source's script, and both scripts give one indicator key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import CleaningReport, CleanText, InputError
from graph.pipeline import segment
from graph.pipeline.extract import indicators, metrics
from graph.text import fold, to_hans

SOURCE_ID = "test-labels"

# (zh-Hant sentence, expected zh-Hant label); the zh-Hans case is the OpenCC conversion
CASES = [
    ("截至2022年底,我市網站數量達12345家。", "網站數量"),
    ("截至2023年6月底,全省網站數量為12345家。", "網站數量"),
    ("據市統計局數據顯示,全市快遞網點達5678家。", "快遞網點"),
    ("其中,累計建成數據中心12家。", "數據中心"),
    ("2023年,重慶市軟件企業達3456家。", "軟件企業"),
    ("2023年上半年重慶市軟件企業達3456家。", "軟件企業"),
    ("去年全市新增市場主體達7890家。", "新增市場主體"),
    ("今年以來,已上線政務應用共計88家。", "上線政務應用"),
    ("共享平臺達15家。", "共享平臺"),
    ("全國網站數量達12345家。", "網站數量"),
    ("全市網站數量較2021年底增長12%。", "網站數量"),
    ("各區縣已分別打造數字化應用場景15家。", "數字化應用場景"),
    ("某平臺已匯聚政務數據資源32家。", "政務數據資源"),
    # 發布 only states that the list was published: the statistic is the list
    ("市經信委累計發布數字化轉型典型案例4批。", "數字化轉型典型案例"),
    # ... but before a bare generic object the verb is what was counted
    ("某平臺全年發布消息逾2萬條。", "發布消息"),
    ("四川省網民規模達1234家。", "網民規模"),
    # actor + light verb; an opening verb is narrative at the start, a flow after 全市/全年
    ("高校和科研院所建成重點實驗室17家。", "重點實驗室"),
    ("“城市大腦”歸集城市運行數據12家。", "城市運行數據"),
    ("新建智慧園區20家。", "智慧園區"),
    ("全年新建光纜線路16家。", "新建光纜線路"),
    # a flow verb after any subject stays, the subject goes (docs/decisions/0012): an actor,
    # a plan word
    ("運營商在全區新建充電樁420個。", "新建充電樁"),
    ("明年全區計劃新建充電樁300至500個。", "新建充電樁"),
    ("全市歸集電子證照46家。", "歸集電子證照"),
    # a period word between an actor and the statistic
    ("通信行業全年攔截涉詐電話13家。", "攔截涉詐電話"),
    # a verb of reaching a level; examples before 等; the base of a multiple
    ("智能算力占比提升至41%。", "智能算力占比"),
    ("數據經紀、數據評估等第三方服務機構30家。", "第三方服務機構"),
    # the counted noun ends before what happened to it; a lone measure word is not a name
    ("全市已有23家數據中心項目納入國家布局。", "數據中心項目"),
    ("接入視頻監控點位96路。", "接入視頻監控點位"),
    # a bracketed list marker and the area after it are not the statistic
    ("（三）全縣快遞網點達5678家。", "快遞網點"),
    ("(二)物流企業超過120家。", "物流企業"),
    # discourse words 另有 / 同期; a verb that only says it was done (完成 / 實現)
    ("另有在建污水處理廠6家。", "在建污水處理廠"),
    ("同期全國快遞網點約45萬家。", "快遞網點"),
    ("全年完成巡檢任務超過900次。", "巡檢任務"),
    ("完成驗收的示範項目58家。", "完成驗收的示範項目"),
    # a light verb before a measure noun names the statistic (消費券發放金額)
    ("消費券發放金額3.2億元。", "消費券發放金額"),
    # 將 / 累計完成 / 平均 before the value
    ("到2030年,全縣光纖總長度將超過9000公里。", "光纖總長度"),
    ("全縣郵政業務收入累計完成12.5億元。", "郵政業務收入"),
    ("農戶寬帶資費平均降低約15%。", "農戶寬帶資費"),
    # a price base (按照上年不變價計算的) and a quarter as comparison base
    ("按照上年不變價計算的郵政業務總量同比增長9.1%。", "郵政業務總量"),
    ("郵政業務收入增速比一季度提高0.6個百分點。", "郵政業務收入增速"),
    # an aside in brackets that ends the subject is a note, not the name
    ("光纖用戶（含企業用戶）達到4986戶。", "光纖用戶"),
    # a ceiling verb before a bound; the target verbs of a plan
    ("全縣污水處理廠平均能耗控制在0.8以下。", "污水處理廠平均能耗"),
    ("今年全縣力爭快遞網點突破900家。", "快遞網點"),
    # 計劃 is a light word, 新增 is not: a count of new items is its own statistic (0012)
    ("今年全縣計劃新增充電樁300至500個。", "新增充電樁"),
    # 力爭 between the subject and its verb (a target)
    ("到2027年,全縣快遞業務收入力爭達到12億元。", "快遞業務收入"),
    # 與 opening a short subject is a comparison only when no word starts with it (與會)
    ("全縣與會代表達到300人。", "與會代表"),
    # the modal 要 of a target is a link like 力爭, also right after 比重 (比重要達到)
    ("到2030年,全縣充電樁總數要超過900個。", "充電樁總數"),
    ("到2030年,全縣快遞業務收入占GDP比重要達到12%。", "快遞業務收入占GDP比重"),
    # 受理 only says the complaints reached an office
    ("2023年全縣受理消費者投訴3200件。", "消費者投訴"),
    # ... but a named receiver before 受理 says whose intake is counted, and stays
    ("某市民服務熱線受理群眾來電約3.2萬件。", "某市民服務熱線受理群眾來電"),
    # 開通 states that the sites went into service, like 建成
    ("截至6月底,全縣已開通充電站126座。", "充電站"),
    # the platform before 累計 is context; after a statistic 累計 qualifies its verb
    ("“某某通”平臺累計實名用戶超過500萬人。", "實名用戶"),
    ("某交易所碳配額累計成交45萬噸。", "某交易所碳配額累計成交"),
    # the verb before the value is trimmed before the leading context is read
    ("1-6月,某平臺快遞業務收入累計完成8.6億元。", "某平臺快遞業務收入"),
    # a Hong Kong-style recording verb and its 則; a currency after the unit; a trailing 的
    ("全縣快遞業務收入則錄得3.2億元。", "快遞業務收入"),
    ("全縣快遞業務收入約4.5億元人民幣。", "快遞業務收入"),
    ("農村用戶佔寬帶用戶總數的38.5%。", "農村用戶佔寬帶用戶總數的比重"),  # decision 0015
    # light verbs of compiling, launching, bringing along and occurring; 發生率 keeps its verb
    ("全縣編制數據資源目錄1200條。", "數據資源目錄"),
    ("推出便民套餐45個。", "便民套餐"),
    ("某項目帶動就業崗位逾3000個。", "就業崗位"),
    ("全縣共發生交通事故120起。", "交通事故"),
    ("全縣集聚電子信息企業三百多家。", "電子信息企業"),
    ("全縣交通事故發生率為3.2%。", "交通事故發生率"),
    ("全縣小微企業貸款發生額達到12億元。", "小微企業貸款發生額"),
    # a forecast and a target's year are no name; nor are examples before 等地
    ("預計2025年全縣快遞業務量將增長12%。", "快遞業務量"),
    ("到2027年全縣快遞業務收入力爭達到12億元。", "快遞業務收入"),
    ("與甲、乙等地實現互認事項320項。", "互認事項"),
    # a list bullet and the list head before a colon are the item's topic, not its name
    ("● 便民服務：推出便民服務套餐45個。", "便民服務套餐"),
    ("▶ 滿意度：縣級政務服務滿意率98.5%。", "縣級政務服務滿意率"),
    # any symbol bullet (Unicode category So), with or without a space after it
    ("▲全縣充電樁超過900個。", "充電樁"),
    ("★ 全縣快遞網點達5678家。", "快遞網點"),
    ("◇農村寄遞物流站點覆蓋率達到96%。", "農村寄遞物流站點覆蓋率"),
    ("☆ 縣級政務服務滿意率98.5%。", "縣級政務服務滿意率"),
    # a quoted name with a 、 inside stays one clause
    ("全縣“放心消費、誠信經營”商戶達到120家。", "“放心消費、誠信經營”商戶"),
    ("全縣「放心消費、誠信經營」商戶達到120家。", "「放心消費、誠信經營」商戶"),
]


def _run(text: str) -> list[str]:
    clean = CleanText(SOURCE_ID, text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, _ = metrics.run(clean, segment.run(clean), [])
    return [o.indicator for o in obs]


@pytest.mark.parametrize(("text", "label"), CASES)
def test_label_is_the_measured_noun_phrase_in_both_scripts(text: str, label: str) -> None:
    # two leading lines: segment reads line 1 as the title and line 2 as the dateline
    head = "標題\n2024-01-01\n"
    assert _run(head + text) == [label]
    hans = to_hans(head + text)
    got = _run(hans)
    assert got == [to_hans(label)]  # cut from the source: the source's script
    assert indicators.indicator_key(got[0]) == indicators.indicator_key(label)


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_anaphora_and_shares_take_the_previous_statistic(script: str) -> None:
    text = "標題\n2024-01-01\n全市網站數量達12345家,而這一數字去年僅為11000家。"
    text += "軟件業務收入12家,占全市地區生產總值的比重為7.2%。"
    text = text if script == "hant" else to_hans(text)
    got = _run(text)
    want = ["網站數量", "網站數量", "軟件業務收入", "軟件業務收入占地區生產總值的比重"]
    assert got == (want if script == "hant" else [to_hans(w) for w in want])


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_nominal_growth_keeps_the_previous_statistic(script: str) -> None:
    # 名義 / 實際 say how the growth is priced, not what grows
    text = "標題\n2024-01-01\n全縣郵政業務收入達12家,同比名義增長4.5%,實際增長3.1%。"
    text = text if script == "hant" else to_hans(text)
    want = ["郵政業務收入"] * 3
    assert _run(text) == (want if script == "hant" else [to_hans(w) for w in want])


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_flattened_table_row_names_each_cell(script: str) -> None:
    # | separates cells (clauses); a bare cell is a figure of the row's first cell
    text = "標題\n2024-01-01\n附表（本縣 | 全省）\n快遞網點 | 450個 | 1.2萬個\n"
    text += "郵政資費 | 下降3.1% | 下降2.5%\n"
    text = text if script == "hant" else to_hans(text)
    clean = CleanText(SOURCE_ID, text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, _ = metrics.run(clean, segment.run(clean), [])
    got = [(o.indicator, o.kind, str(o.value)) for o in obs]
    want = [
        ("快遞網點", "quantity", "450"),
        ("快遞網點", "quantity", "12000"),
        ("郵政資費", "growth", "-3.1"),
        ("郵政資費", "growth", "-2.5"),
    ]
    assert got == (want if script == "hant" else [(to_hans(i), k, v) for i, k, v in want])


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_fen_lie_is_a_rank_verb_over_a_list_of_the_previous_statistic(script: str) -> None:
    # 分列 ranks the listed areas; the names are areas, the statistic is the previous one
    text = "標題\n2024-01-01\n在全國31個省中,廣東快遞業務量排名第一,浙江、江蘇分列第二、第三。"
    text = text if script == "hant" else to_hans(text)
    clean = CleanText(SOURCE_ID, text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, _ = metrics.run(clean, segment.run(clean), [])
    ranks = [(o.indicator, o.rank) for o in obs if o.kind == "rank"]
    label = "快遞業務量" if script == "hant" else "快递业务量"
    # the bare 第三 after 、 continues the rank list
    assert ranks == [(label, 1), (label, 2), (label, 3)]


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_respectively_gives_one_name_per_value(script: str) -> None:
    text = "標題\n2024-01-01\n智能工廠和數字化車間分別達到144家、958家。"
    text = text if script == "hant" else to_hans(text)
    want = ["智能工廠", "數字化車間"]
    assert _run(text) == (want if script == "hant" else [to_hans(w) for w in want])


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_dimension_of_the_previous_statistic_takes_its_name(script: str) -> None:
    text = "標題\n2024-01-01\n全省軟件業務收入4810家,規模居全國第8。"
    text = text if script == "hant" else to_hans(text)
    got = _run(text)
    assert len(got) == 2 and got[0] == got[1] == (
        "軟件業務收入" if script == "hant" else "软件业务收入"
    )


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_part_after_qi_zhong_names_the_previous_statistic(script: str) -> None:
    text = "標題\n2024-01-01\n全市建成重點實驗室17家,其中國家級3家。"
    text = text if script == "hant" else to_hans(text)
    want = ["重點實驗室", "國家級重點實驗室"]
    assert _run(text) == (want if script == "hant" else [to_hans(w) for w in want])


def test_a_magnitude_the_grammar_missed_never_enters_the_label() -> None:
    # simplified 万 is read by the number grammar or not: either way it is not the name
    assert _run("标题\n2024-01-01\n网民数量2362万人。") == ["网民数量"]


def test_indicator_key_is_script_neutral_and_curated_lookup_finds_both() -> None:
    assert (
        indicators.indicator_key("網民數量") == indicators.indicator_key("网民数量") == "网民数量"
    )
    row = indicators.curated("网民数量")
    assert row is not None and row is indicators.curated("網民數量") and row["en"]
    assert indicators.curated("從未出現的指標") is None


def test_aligned_fold_keeps_one_character_per_character() -> None:
    for text in ("網民數量ﬁ2362萬人", "Straße 網站", "ＡＢＣ１２３辦件量"):
        folded = indicators.aligned_fold(text)
        assert len(folded) == len(text)
    assert indicators.aligned_fold("辦件量ＡＢ") == fold("辦件量ＡＢ")


def test_bad_labels_file_is_one_line_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "labels.yaml"
    bad.write_text("leading:\n  patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^labels.yaml: bad pattern"):
        indicators.load_label_rules(bad)
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^labels.yaml: expected a mapping"):
        indicators.load_label_rules(bad)
    bad.write_text("bullet_categories: [Symbol]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^labels.yaml: bullet_categories"):
        indicators.load_label_rules(bad)


def test_indicators_file_has_one_row_per_folded_label(tmp_path: Path) -> None:
    dup = tmp_path / "indicators.yaml"
    dup.write_text("- {zh: 網民數量, en: a}\n- {zh: 网民数量, en: b}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^indicators.yaml: .*repeats"):
        indicators.load_indicators(dup)


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_huan_bi_growth_and_a_repeated_share_take_the_previous_statistic(script: str) -> None:
    """環比增長 names no statistic; 占比較上年末提高 is the change of the same share."""
    text = "標題\n2024-01-01\n快遞網點達到5678家,環比增長2.5%。"
    text += "農村網點占比為41.2%,占比較上年末提高1.3個百分點。"
    text = text if script == "hant" else to_hans(text)
    want = ["快遞網點", "快遞網點", "農村網點占比", "農村網點占比"]
    assert _run(text) == (want if script == "hant" else [to_hans(w) for w in want])


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_group_of_areas_and_the_verb_of_a_range_are_not_the_name(script: str) -> None:
    """各縣(區)…介於 x 至 y 之間: the label of the range's low end is the statistic alone."""
    text = "標題\n2024-01-01\n（五）各縣(區)郵政網點介於30個至90個之間。"
    text = text if script == "hant" else to_hans(text)
    assert _run(text)[0] == ("郵政網點" if script == "hant" else "邮政网点")


def _both(text: str, want: list[str]) -> None:
    """The labels of ``text`` (zh-Hant) and of its zh-Hans conversion, each in its script."""
    head = "標題\n2024-01-01\n"
    assert _run(head + text) == want
    assert _run(to_hans(head + text)) == [to_hans(w) for w in want]


def test_a_from_to_frame_names_the_statistic_before_it() -> None:
    """由上年的6.2件下降至5.1件: two levels of one statistic; 由…的 and 下降至 are no name."""
    _both("全縣每萬人投訴量由上年的6.2件下降至5.1件。", ["每萬人投訴量"] * 2)
    _both("全縣快遞網點由2022年底的900個提高到1200個。", ["快遞網點"] * 2)


def test_a_comparison_gives_the_compared_figure_the_statistic() -> None:
    """X的Y高於Z的v: v is Z's Y; 低於W的v' continues it (the areas are period.py's)."""
    _both("四川的寬帶普及率高於雲南的71.2%,低於全國的80.5%。", ["寬帶普及率"] * 2)


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_rate_change_in_points_is_the_rate_of_the_previous_statistic(script: str) -> None:
    """增速高於全省1.3個百分點 / 增速比上年回落0.8個百分點: a change of the growth rate."""
    text = "標題\n2024-01-01\n全縣快遞業務收入同比增長9.2%,增速高於全省1.3個百分點。"
    text += "郵政業務總量同比增長5.1%,增速比上年回落0.8個百分點。"
    text = text if script == "hant" else to_hans(text)
    clean = CleanText(SOURCE_ID, text, text, tuple(range(len(text) + 1)), CleaningReport())
    obs, _ = metrics.run(clean, segment.run(clean), [])
    got = [(fold(o.indicator), o.kind, o.growth_of is None) for o in obs]
    assert got == [
        (fold("快遞業務收入"), "growth", True),
        (fold("快遞業務收入增速"), "growth", True),
        (fold("郵政業務總量"), "growth", True),
        (fold("郵政業務總量增速"), "growth", True),
    ]


def test_a_share_with_no_base_noun_keeps_its_area() -> None:
    """占全省比重: the area is the base; 占全省地區生產總值的比重 loses it (the figure's area)."""
    _both(
        "全縣快遞業務量達到3.2億件,占全省比重約8.5%。",
        ["快遞業務量", "快遞業務量占全省比重"],
    )
    _both(
        "全縣快遞業務收入12億元,占全省的份額為6.1%。",
        ["快遞業務收入", "快遞業務收入占全省的份額"],
    )


def test_an_evaluated_statistic_names_the_ranks_after_it() -> None:
    """對全國31個省份的X進行了評估,四川排名第9位: the rank is of X (its population 31)."""
    text = "某報告對全國31個省份的數字經濟發展水平進行了評估,四川排名第9位,連續兩年位列第一梯隊。"
    for variant in (text, to_hans(text)):
        variant = "標題\n2024-01-01\n" + variant
        offsets = tuple(range(len(variant) + 1))
        clean = CleanText(SOURCE_ID, variant, variant, offsets, CleaningReport())
        obs, _ = metrics.run(clean, segment.run(clean), [])
        got = [(fold(o.indicator), o.kind, o.rank, o.rank_of, o.rank_scope, o.tier) for o in obs]
        assert got == [
            (fold("數字經濟發展水平"), "rank", 9, 31, "place/china", None),
            (fold("數字經濟發展水平"), "tier", None, None, None, "1"),
        ]


def test_a_topic_clause_names_the_figures_after_it() -> None:
    """快遞網點總量上,四川為1200個,貴州為950個: each area's figure of the topic statistic."""
    _both("快遞網點總量上,四川為1200個,貴州為950個。", ["快遞網點總量"] * 2)
    # a clause ending in 以上 is a bound, not a topic: it names no statistic
    _both("規模以上,四川為120家。", [""])
    _both("在此基礎上,四川為120家。", [""])


def test_a_hong_kong_style_growth_takes_the_previous_statistic() -> None:
    """按年增加 / 按年上升 / 按月增長 are 同比 / 環比: the growth names no statistic of its own;
    an elided subject (而全省平均水平為) is the previous statistic too."""
    _both("全縣寬帶用戶達12萬戶,按年增加8000戶。", ["寬帶用戶"] * 2)
    _both(
        "全縣寬帶普及率為71.3%,按年上升2.1個百分點,而全省平均水平為75.2%。",
        ["寬帶普及率"] * 3,
    )
    _both("全縣快遞網點達到900個,按月增長3.1%。", ["快遞網點"] * 2)


def test_quoted_speech_is_read_clause_by_clause() -> None:
    """“…,…。”: speech is clauses (a comma inside, or no closing mark in the sentence)."""
    want = ["充電樁", "每萬人擁有充電樁"]
    _both("某局長表示:“今年,我們累計建成充電樁1200個,每萬人擁有充電樁8.5個。”", want)
    _both("某局長表示:「今年,我們累計建成充電樁1200個,每萬人擁有充電樁8.5個。」", want)
    # closed inside the sentence, with a comma: speech too
    _both("某局長說“今年,全縣充電樁達到1200個”,並稱還將增加。", ["充電樁"])


def test_counts_before_a_shared_head_each_name_it() -> None:
    """3個國家級、5個省級重點實驗室: each modifier's count is of the shared head noun."""
    _both("全縣建成3個國家級、5個省級重點實驗室。", ["國家級重點實驗室", "省級重點實驗室"])
    _both(
        "全縣已形成2個百億元級、4個十億元級產業集群。",
        ["百億元級產業集群", "十億元級產業集群"],
    )
    _both(
        "全縣擁有3個國家級、5個省級、12個市級創新平台。",
        ["國家級創新平台", "省級創新平台", "市級創新平台"],
    )


def test_the_scope_of_a_rank_is_not_its_name() -> None:
    """在周邊六縣（區）中居首位: the rank is of the previous statistic; 在…中 is its scope."""
    _both("全縣每萬人擁有充電樁8.5個,在周邊六縣（區）中居首位。", ["每萬人擁有充電樁"] * 2)


def test_a_dimension_word_points_back_to_the_statistic_it_ends() -> None:
    """規模排名全國第五: 規模 is the 規模 named before, past a share stated between them; a
    dimension no statistic ends in is the previous figure's (數量居西部第二)."""
    _both(
        "全省快遞業務規模達到8.2億件,佔全國的比重約三成,規模排名全國第五。",
        ["快遞業務規模", "快遞業務規模佔全國的比重", "快遞業務規模"],
    )
    _both("全省快遞網點4500個,數量居西部第二。", ["快遞網點", "快遞網點"])


def test_a_share_after_a_rate_gap_takes_the_statistic_not_the_rate() -> None:
    """增速高於全省2個百分點,佔全縣地區生產總值比重為6.4%: the share is of 電商交易額 (the
    gap names the rate, 電商交易額增速); 增速 alone is still the rate of the figure before."""
    _both(
        "全縣電商交易額達到52億元,同比增長9.5%,增速高於全省2個百分點,"
        "佔全縣地區生產總值比重為6.4%。",
        ["電商交易額", "電商交易額", "電商交易額增速", "電商交易額佔地區生產總值比重"],
    )


def test_a_clause_on_how_a_statistic_grew_names_the_growth_after_it() -> None:
    """X的增速有所放緩,同比增長6.1%,增速較上年回落1.2個百分點: the growth is of X, the fall
    of X's rate; a clause with no such frame names nothing (the growth stays unnamed)."""
    _both(
        "同時,固定寬帶接入流量的增速有所放緩,同比增長6.1%,增速較上年回落1.2個百分點。",
        ["固定寬帶接入流量", "固定寬帶接入流量增速"],
    )
    _both("同時,情況有所變化,同比增長6.1%。", [""])


def test_a_rate_gap_against_an_average_is_the_rate_of_the_previous_statistic() -> None:
    """增速高於全國平均1.5個百分點: 平均 ends the comparison base; its 均 is not the adverb of
    各區縣均達到 (which would give the label no statistic)."""
    _both(
        "全縣快遞業務收入年增9.2%,增速高於全國平均1.5個百分點。",
        ["快遞業務收入", "快遞業務收入增速"],
    )


def test_a_sentence_opening_with_the_same_indicator_measures_the_previous_statistic() -> None:
    """每萬人擁有充電樁27.7座;同一指標,四川省為14.6座: the clause 同一指標 only points back, so
    14.6座 is the paragraph's last statistic (for 四川, period.py's area); in a new paragraph
    nothing is carried over (the label stays empty, a review item)."""
    _both("全縣每萬人擁有充電樁27.7座;同一指標,四川省為14.6座。", ["每萬人擁有充電樁"] * 2)
    _both("全縣每萬人擁有充電樁27.7座。\n同一指標,四川省為14.6座。", ["每萬人擁有充電樁", ""])


def test_value_first_marks_are_folded_words_longest_first(tmp_path: Path) -> None:
    """``value_first_marks`` (round 7) are folded at load (：-> :) and the longest mark wins
    (—— over —), so the offset returned is past the whole mark; a mapping is refused."""
    f = tmp_path / "labels.yaml"
    f.write_text("value_first_marks: [—, ——, ：]\n", encoding="utf-8")
    rules = indicators.load_label_rules(f)
    assert rules.value_first_marks == ("——", ":", "—")
    ft = indicators.aligned_fold("8萬個 ——累計建成基站")
    assert rules.value_first(ft, 3, len(ft)) == 6
    assert rules.value_first(indicators.aligned_fold("3所：學校"), 2, 5) == 3
    assert rules.value_first(ft, 7, len(ft)) is None
    f.write_text("value_first_marks: {a: b}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^labels.yaml: value_first_marks"):
        indicators.load_label_rules(f)
