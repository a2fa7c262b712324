"""graph.pipeline.extract.candidates: open-world names by rule, in both scripts, on text not from
the seed.

Every sentence here is written for the test (no third-party text); each rule is run on the
zh-Hant sentence and on its OpenCC zh-Hans conversion and must give the same candidate, with a
mention whose span is exactly its surface in the text.
"""

from __future__ import annotations

import pytest

from graph.curation.registry import Entity, match_key
from graph.model import Candidate, CleanText, Level, Mention, Segmentation
from graph.pipeline.extract import candidates, entities
from graph.pipeline.extract.candidates_rules import Folded, load_rules
from graph.text import fold, slug, to_hans

from .conftest import stand_in
from .entity_scoring import fixture_dirs, score_dir


def _run(
    text: str, registry: dict[str, Entity], area: str = ""
) -> tuple[list[Candidate], list[Mention], list, CleanText]:
    clean, seg = stand_in(text, "t")
    curated, _ = entities.run(clean, seg, registry)
    cands, mentions, findings = candidates.run(clean, seg, registry, curated, area=area)
    return cands, mentions, findings, clean


# (zh-Hant sentence, class, label as written in zh-Hant, rule)
RULES = [
    ("會上,市委網信辦副主任張明遠介紹了有關情況。", "person", "張明遠", "title-person"),
    ("重慶市大數據發展局局長李默表示,將加快建設。", "person", "李默", "title-person"),
    ("四川省經濟和信息化廳副廳長王小明指出,合作成效明顯。", "person", "王小明", "title-person"),
    (
        "四川省經濟和信息化廳副廳長王小明指出,合作成效明顯。",
        "agency",
        "四川省經濟和信息化廳",
        "agency-suffix",
    ),
    ("市政府辦公廳信息處處長孫悅介紹,平臺已上線。", "person", "孫悅", "title-person"),
    (
        "成都市人民政府聯合貴州省大數據發展管理局舉辦峰會。",
        "agency",
        "成都市人民政府",
        "agency-suffix",
    ),
    (
        "成都市人民政府聯合貴州省大數據發展管理局舉辦峰會。",
        "agency",
        "貴州省大數據發展管理局",
        "agency-suffix",
    ),
    ("8月1日,湖南省委網信辦在長沙召開會議。", "agency", "湖南省委網信辦", "agency-suffix"),
    (
        "活動由華為技術有限公司承辦,騰訊集團也參加。",
        "company",
        "華為技術有限公司",
        "company-suffix",
    ),
    ("活動由華為技術有限公司承辦,騰訊集團也參加。", "company", "騰訊集團", "company-suffix"),
    ("重慶數智科技有限公司發布新品。", "company", "重慶數智科技有限公司", "company-suffix"),
    (
        "《湖南省數字經濟發展報告(2022)》顯示,規模持續擴大。",
        "document",
        "湖南省數字經濟發展報告(2022)",
        "document-title",
    ),
    ("上線“渝快碼”平臺,服務群眾。", "platform", "渝快碼", "quoted-name"),
    ("建成“智慧園區管理系統”。", "platform", "智慧園區管理系統", "quoted-name"),
    ("實施“護網長江”專項行動。", "project", "護網長江", "quoted-name"),
    ("啟動“智慧社區建設工程”。", "project", "智慧社區建設工程", "quoted-name"),
    ("活動在綿陽市和萬州區同步舉行。", "place", "綿陽市", "place-name"),
    ("活動在綿陽市和萬州區同步舉行。", "place", "萬州區", "place-name"),
    ("覆蓋遵義市、畢節市等地。", "place", "遵義市", "place-name"),
    ("會上,浙江省數字經濟促進會發布了報告。", "agency", "浙江省數字經濟促進會", "agency-suffix"),
    ("會上,湖北省網絡安全研究所發布成果。", "agency", "湖北省網絡安全研究所", "agency-suffix"),
    (
        "第三屆巴渝數字消費節將於9月舉行。",
        "event",
        "第三屆巴渝數字消費節",
        "event-ordinal",
    ),
    # 舉辦 is a verb: 辦 ends it, the place before it is the name (not an agency 萬州新區舉辦)
    ("峰會將於9月在萬州新區舉辦。", "place", "萬州新區", "place-name"),
    ("記者 陳思源 通訊員 范青\n", "person", "陳思源", "byline-person"),
    ("記者 陳思源 通訊員 范青\n", "person", "范青", "byline-person"),
    ("2023-09-20 18:08 來源:長江觀察網\n", "company", "長江觀察網", "outlet"),
    (
        "在第五屆西部數字經濟博覽會上,發布了成果。",
        "event",
        "第五屆西部數字經濟博覽會",
        "event-ordinal",
    ),
    # a committee named after its parent runs on to its full name (not 湖南省委 alone)
    (
        "8月1日,中共湖南省委網絡安全和信息化委員會辦公室發布報告。",
        "agency",
        "中共湖南省委網絡安全和信息化委員會辦公室",
        "agency-suffix",
    ),
    # the 局 of 局長 is read once: the agency ends before the title, the official follows it
    ("市大數據局局長李默表示,將加快建設。", "agency", "市大數據局", "agency-suffix"),
    ("市大數據局局長李默表示,將加快建設。", "person", "李默", "title-person"),
    # a venue is a place, not an agency
    ("峰會在四川天府國際會展中心開幕。", "place", "四川天府國際會展中心", "venue-name"),
    # a province right before a place of its own is part of its name
    ("論壇在上海浦東新區舉行。", "place", "上海浦東新區", "place-name"),
    # a title that names its body by itself (副市長) needs no agency before it
    ("會上,副市長葛明遠表示,將持續推進。", "person", "葛明遠", "title-person"),
    # 先生/女士 end a name; a space may stand between a title and the name
    ("出席的有市委網信辦副主任馮曉光先生。", "person", "馮曉光", "title-person"),
    ("主持人(市委網信辦新聞發言人　吳思遠):大家好。", "person", "吳思遠", "title-person"),
    # a company's officer, also after the short name the text defines for it
    ("長江智聯科技有限公司董事長冉光明介紹。", "person", "冉光明", "title-person"),
    (
        "長江智聯科技有限公司(以下簡稱“長江智聯”)總經理祝家明介紹。",
        "person",
        "祝家明",
        "title-person",
    ),
    # outlets: after 來源: at the head of a dateline, before a byline role, in parentheses
    ("來源：巴山在線　2024-10-18 10:26\n", "company", "巴山在線", "outlet"),
    ("嘉陵觀察記者 周小川\n", "company", "嘉陵觀察", "outlet"),
    ("嘉陵觀察記者 周小川\n", "person", "周小川", "byline-person"),
    ("記者（巴渝財經）：請問今年有什麼安排？", "company", "巴渝財經", "outlet"),
    ("責任編輯：冉小雨\n", "person", "冉小雨", "byline-person"),
    # 寧 and 滕 are surnames too (round 11): a byline with a separator after it, a chairman
    ("責任編輯：寧沐川　｜　信通週刊編輯部\n", "person", "寧沐川", "byline-person"),
    ("巴山雲聯科技有限公司董事長滕硯秋說,訂單增加。", "person", "滕硯秋", "title-person"),
    # 屆時 (at that time) opens a clause: a name may start after it (round 12)
    ("屆時嘉陵數據交易所將設專場推介。", "company", "嘉陵數據交易所", "company-suffix"),
    # single quotes nest inside double ones in a quoted speech (‘渝算通’算力調度平臺)
    ("他說：“我們運營的‘渝算通’算力調度平臺已接入算力資源。”", "platform", "渝算通", "quoted-name"),
    # a route's other end: a place may start after 至 / 到, and no place starts with one
    ("重慶至遂寧市的光纜已經貫通。", "place", "遂寧市", "place-name"),
    # round 11: a numeral-initial quote of five characters or more that ends in a head is a
    # name (九龍 is no numeral expression), a facility's phase stays in its name, a quoted park
    # is a place
    (
        "截至9月底，“九龍智造雲”工業互聯網平臺接入企業1200家。",
        "platform",
        "九龍智造雲",
        "quoted-name",
    ),
    (
        "由新區牽頭建設的“兩江雲谷智算中心二期”已於9月上線。",
        "project",
        "兩江雲谷智算中心二期",
        "quoted-name",
    ),
    ("今年6月揭牌的“雲瀾數智軟件園”，入駐企業300家。", "place", "雲瀾數智軟件園", "quoted-name"),
    # a long unit of the agency before the title, and 在接受採訪時 before the verb
    (
        "市經濟信息委軟件和信息服務業處處長盧彥清在接受採訪時表示，訂單平穩。",
        "person",
        "盧彥清",
        "title-person",
    ),
    # a quoted name joined by 、 to a company is a company (items of one list)
    ("長江智聯科技有限公司、“嘉陵數創”等一批企業加快成長。", "company", "嘉陵數創", "quoted-name"),
    ("“嘉陵數創”、長江智聯科技有限公司等企業參加。", "company", "嘉陵數創", "quoted-name"),
    # a computing facility named after a place or region is a project
    ("由華為承建的西部超算中心一期已投入運營。", "project", "西部超算中心", "facility-name"),
    ("四川省川西數據中心集群規模提升。", "project", "四川省川西數據中心集群", "facility-name"),
    ("成渝國家樞紐節點嘉陵數據中心集群建設提速。", "project", "嘉陵數據中心集群", "facility-name"),
    # a provincial capital without 市 is a place too
    # a quoted campaign before 活動 is a project
    ("市級部門開展“巴渝數字行”活動,幫助老年人。", "project", "巴渝數字行", "quoted-name"),
    # a quoted service line is a product
    ("為老年用戶開通“防騙專線”提醒服務。", "product", "防騙專線", "quoted-name"),
    # 補充 is a speech verb that ends a name (岑 a surname)
    ("湖北省通信管理局局長岑明遠補充說,覆蓋持續擴大。", "person", "岑明遠", "title-person"),
    # a wire dateline: the agency before the place filed from; every byline name
    ("巴渝社成都9月3日電（記者 馮曉光 聶遠航）會議召開。", "company", "巴渝社", "outlet"),
    ("巴渝社成都9月3日電（記者 馮曉光 聶遠航）會議召開。", "person", "聶遠航", "byline-person"),
    ("嘉陵網9月3日訊（記者 馮曉光）會議召開。", "company", "嘉陵網", "outlet"),
    # a data exchange is a company
    ("嘉陵數據交易所全年交易額增長。", "company", "嘉陵數據交易所", "company-suffix"),
    ("截至6月,黔北數據交易中心掛牌產品300個。", "company", "黔北數據交易中心", "company-suffix"),
    # 要 is a stop character as a verb, not inside 要素 (body_stop_exceptions)
    (
        "兩江數據要素交易中心去年掛牌數據產品逾600個。",
        "company",
        "兩江數據要素交易中心",
        "company-suffix",
    ),
    # a Hong Kong-style dateline 【…訊】
    ("【嘉陵晚報訊】記者 馮曉光 成都報道：會議召開。", "company", "嘉陵晚報", "outlet"),
    # officials after a company's or an association's title, up to 接受 / 告訴
    ("巴山雲聯科技有限公司總經理唐曉川接受採訪時說,訂單增加。", "person", "唐曉川", "title-person"),
    ("廣東省數字產業促進會理事長馮遠航表示,將組織考察。", "person", "馮遠航", "title-person"),
    ("湖南省數據局副主任陶思遠告訴記者,平臺已上線。", "person", "陶思遠", "title-person"),
    # 區 is a surname too (a Cantonese one), 責編 a byline role
    ("【本報專訊】記者 區嘉明 成都報道\n", "person", "區嘉明", "byline-person"),
    ("責編：汪曉雨\n", "person", "汪曉雨", "byline-person"),
    # a media centre's account (…融媒) on an account line with its date
    ("巴山融媒　2024-05-12 09:30　發表於重慶\n", "company", "巴山融媒", "outlet"),
    # the province alone where a word runs on from its suffix character (澳門市場)
    ("他指出,澳門市場規模有限。", "place", "澳門", "place-name"),
    # a named site used as a location is a place
    ("記者在嘉陵軟件產業園看到,企業陸續入駐。", "place", "嘉陵軟件產業園", "site-name"),
    ("論壇在黔北數據谷舉行。", "place", "黔北數據谷", "site-name"),
    # a TV transcript's caption line: the speaker is the last word after a space (蒲 a surname)
    ("同期聲：市民　蒲曉東\n", "person", "蒲曉東", "caption-person"),
    ("現場聲：嘉陵雲聯科技有限公司部門經理　柯文濤\n", "person", "柯文濤", "caption-person"),
    # a credits line with 攝像 (柯 a surname)
    ("（記者：唐曉東　攝像：鍾若溪　編輯：柯曉雨）\n", "person", "鍾若溪", "byline-person"),
    ("（記者：唐曉東　攝像：鍾若溪　編輯：柯曉雨）\n", "person", "柯曉雨", "byline-person"),
    # a wire dateline with the reporter's name glued to the role, and the city filed from
    ("（嘉陵觀察社記者賴曉雯臺北15日電）會議召開。", "person", "賴曉雯", "byline-person"),
    # a dated line going on to a byline names its outlet, whatever it ends with
    ("嘉陵晨訊　2024年5月8日　記者 馮曉光\n", "company", "嘉陵晨訊", "outlet"),
    # a broadcaster's channel: the outlet is the broadcaster
    ("嘉陵視聽新聞頻道　2024-05-12 19:30　晚間新聞\n", "company", "嘉陵視聽", "outlet"),
    # a development zone named after a district (its stem) or a city
    ("企業依托永川高新區加快轉型。", "place", "永川高新區", "zone-name"),
    ("項目落戶貴陽經開區。", "place", "貴陽經開區", "zone-name"),
    # a research fellow of a found agency, before 分析
    ("湖南數字治理研究中心研究員賴思源分析,產業基礎較好。", "person", "賴思源", "title-person"),
    # round 7: 簡 is a surname (a proof-reader's credit)
    ("（編輯：孫曉　校對：簡若冰）", "person", "簡若冰", "byline-person"),
    # 則 and 帶 after a three-character name end it, as a speech verb does
    ("湖南省大數據局局長蔣文濤則透露,平臺年內上線。", "person", "蔣文濤", "title-person"),
    ("貴州雲帆數據科技有限公司總經理高靜怡帶記者走進機房。", "person", "高靜怡", "title-person"),
    # a title after a body that is no agency (a research group), then a name and a verb of saying
    ("課題組負責人潘思遠表示,樣本覆蓋全省。", "person", "潘思遠", "title-person"),
    # …新聞 + 辦公室: the short further name runs on to the longest suffix, not only 辦
    (
        "發布會由四川省人民政府新聞辦公室主辦。",
        "agency",
        "四川省人民政府新聞辦公室",
        "agency-suffix",
    ),
    # a wire outlet's regional edition (<outlet><place>頻道): the outlet is before the place
    ("長河網成都頻道5月8日電（記者 李青）", "company", "長河網", "outlet"),
    # round 8: a numeral-initial quote that a platform noun follows right away is a platform
    ("市民可通過“三峽易辦”平臺預約辦理。", "platform", "三峽易辦", "quoted-name"),
    # a weekly or a monthly is an outlet at the head of its dated line
    ("嘉陵科技週刊　2024年5月8日　第18期\n", "company", "嘉陵科技週刊", "outlet"),
    ("巴山數碼月刊 2024年5月 總第60期\n", "company", "巴山數碼月刊", "outlet"),
    # a credit line (文／X, 圖 | X) names a person; the dated line before it names its outlet
    ("巴山觀察　2024年5月8日　文／祝曉雨\n", "person", "祝曉雨", "byline-person"),
    ("巴山觀察　2024年5月8日　文／祝曉雨\n", "company", "巴山觀察", "outlet"),
    ("圖 | 柯思遠\n", "person", "柯思遠", "byline-person"),
    ("（文/圖 祝曉雨）\n", "person", "祝曉雨", "byline-person"),
    # an account line (…  發布於成都) names its publisher first, whatever the name ends with
    ("嘉陵掌訊  2024-05-12 09:30  發布於成都\n", "company", "嘉陵掌訊", "outlet"),
    # a research institute is an agency with no place before it; its head is found after it
    ("會上,嘉陵網絡安全研究院發布了年度報告。", "agency", "嘉陵網絡安全研究院", "institute-suffix"),
    (
        "黔北數字治理研究所所長龔曉東出席並致辭。",
        "agency",
        "黔北數字治理研究所",
        "institute-suffix",
    ),
    ("黔北數字治理研究所所長龔曉東出席並致辭。", "person", "龔曉東", "title-person"),
    # a curated place (重慶) heads it and a curated region (西部) inside it is a word of its name
    ("會上,重慶西部智聯研究院院長馮曉光出席。", "agency", "重慶西部智聯研究院", "institute-suffix"),
]


@pytest.mark.parametrize("script", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize(("text", "cls", "label", "rule"), RULES)
def test_rule_in_both_scripts(
    registry: dict[str, Entity], script: str, text: str, cls: str, label: str, rule: str
) -> None:
    if script == "zh-Hans":
        text, label = to_hans(text), to_hans(label)
    cands, mentions, _, clean = _run(text, registry)
    got = {(c.cls, c.label, c.rule) for c in cands}
    assert (cls, label, rule) in got, got
    cand = next(c for c in cands if c.label == label)
    assert cand.lang == script or label == to_hans(label)  # "市" is the same in both scripts
    own = [m for m in mentions if m.entity_id == cand.id]
    assert own, cand
    for m in own:
        assert clean.text[m.begin : m.end] == m.surface
    # the id is the same in both scripts: a listed district's own id, else the pinyin of the
    # folded label
    district = dict(load_rules().districts).get(Folded.of(label).norm)
    assert cand.id == (district or f"{cls}/" + slug(fold(label)))


# The listed cities (open_world.yaml cities) are curated places (entities.yaml gazetteer rows,
# decision 0016), so the rule that finds them bare is checked with a registry that lacks them:
# it still finds a listed city a registry does not curate.
CITY_RULES = [
    ("峰會在昆明舉行,杭州市代表參加。", "place", "昆明", "place-name"),
    ("峰會在昆明舉行,杭州市代表參加。", "place", "杭州市", "place-name"),
    ("（嘉陵觀察社記者賴曉雯臺北15日電）會議召開。", "place", "臺北", "place-name"),
]


@pytest.mark.parametrize("script", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize(("text", "cls", "label", "rule"), CITY_RULES)
def test_a_listed_city_no_registry_row_curates_is_a_candidate(
    registry: dict[str, Entity], script: str, text: str, cls: str, label: str, rule: str
) -> None:
    cities = {"place/kunming", "place/hangzhou", "place/taipei"}
    assert cities <= set(registry)  # curated in the shipped registry
    test_rule_in_both_scripts(
        {k: v for k, v in registry.items() if k not in cities}, script, text, cls, label, rule
    )


@pytest.mark.parametrize("script", ["zh-Hant", "zh-Hans"])
def test_a_listed_city_is_a_curated_place_with_or_without_shi(
    registry: dict[str, Entity], script: str
) -> None:
    text = "峰會在昆明舉行,杭州市代表參加。"
    text = to_hans(text) if script == "zh-Hans" else text
    cands, mentions, _, _ = _run(text, registry)
    assert not [c for c in cands if c.cls == "place"]
    assert {m.entity_id for m in mentions} >= {"place/kunming", "place/hangzhou"}


@pytest.mark.parametrize(
    "text",
    [
        "在城市和示範區,各區縣與全市都市圈建設同步推進。",  # generic place words
        "建成國家綠色數據中心8個,部署感知設備。",  # a kind of facility; 部署 is a verb
        "推動科技創新,培育軟件公司和互聯網企業。",  # 科技 and 公司 as ordinary words
        "健全供給“一張網”培訓服務體系。",  # a slogan in quotes
        "國家低碳城市試點排名中西部第1。",  # a clause, not an agency
        "持續整治“指尖上的形式主義”。",  # a quoted phrase, not a name
        "數字政府建設成效明顯,交易專區上線。",
        "年度峰會今年在主會場舉辦。",  # 舉辦 ends in the suffix 辦: a verb, not an agency
        "全市節能改造數據中心已達5個。",  # 改造 is a verb: a description, not an agency
        "與東部先進地區相比,差距仍然明顯。",  # 東部 is the curated region, not a new place
        "推動京津冀協同發展和長三角一體化。",  # a region is a scope, not a candidate place
        "責任編輯：\n",  # 責任 is the head of the role 責任編輯, not an outlet
        "他提到市長熱線和副市長信箱。",  # a standalone title with no name after it
        "數據要素從「建平臺」走向「有交易」。",  # a verb and its object, not a platform
        "杭州市民和長沙市場主體踴躍參與。",  # 市民, 市場: the city is part of a word
        "今年新建智算中心2個,數據中心集群規模提升。",  # a kind of facility, no name
        "其中,公共資源交易中心和數據交易所穩步發展。",  # kinds of exchange, no name
        "本地上市公司中,部分公司和多數公司業績改善。",  # quantifiers of a kind, no name
        # a service line known by its number is a contact, no entity (fixtures' README)
        "市民可撥打12345政務服務便民熱線反映問題。",
        "由12345熱線受理,也可撥打舉報電話12377。",
        # a park named only as a statistic's subject, or a kind of park, is no site
        "江津軟件產業園入駐企業300家。",
        "企業紛紛落戶數字經濟產業園,在大數據產業園和該產業園集聚。",
        # the two ends of a change in quotes are slogans, whatever their last character
        "從“能上網”到“用好網”,服務持續升級。",
        "由“會用網”向“善用網”轉變。",
        # a two-character quoted word before 專項行動 is a campaign slogan
        "下一步將開展“護苗”專項行動。",
        # a zone head alone is a kind of zone
        "重點覆蓋高新區和港口。",
        # a title and a verb of saying with no name between: 向記者 is who is told, 簡要/方面
        # are words on a surname character, 曾 + 表示 an adverb and the verb
        "該負責人向記者介紹,項目進展順利。",
        "公司負責人簡單說了幾句,負責人方面表示同意。",
        "該負責人曾表示說過。",
        # a title with a name but no verb of saying after it and no agency before it
        "課題組負責人潘思遠帶隊調研。",
        # round 8: a numeral-initial quote with no platform noun right after it is a slogan
        "推進“一網通辦”改革,政務服務平臺持續優化。",
        "從“多地跑”到“一網辦”平臺,服務升級。",
        # 文 and 圖 as the tail of a word, or glued to a name, are no credit
        "中文/英文版本同步上線,原文/譯文對照。",
        "他在文中引用了圖表。",
        # a dated line with no role, credit or post marker after the date names no outlet
        "嘉陵掌訊  2024-05-12 09:30  重慶\n",
        # an institute whose name opens with a kind (數字經濟, 科研) is a kind, not a name
        "支持數字經濟研究院和科研院所發展。",
        "與高校研究院合作,和新型研究中心共建。",
    ],
)
def test_precision_guards(registry: dict[str, Entity], text: str) -> None:
    for t in (text, to_hans(text)):
        cands, _, _, _ = _run(t, registry)
        assert cands == [], cands


def test_word_on_a_surname_after_a_title_is_no_person(registry: dict[str, Entity]) -> None:
    """局長 + 簡要介紹: 簡 is a surname and 介紹 ends a name, but 簡要 is a word
    (``person_not_names``); the agency before the title is still found."""
    for t in ("湖南省大數據局局長簡要介紹了情況。", "湖南省大数据局局长简要介绍了情况。"):
        cands, _, _, _ = _run(t, registry)
        assert [(c.cls, c.rule) for c in cands] == [("agency", "agency-suffix")], cands


@pytest.mark.parametrize(
    "text",
    [
        "學者認為,湖北擁有眾多高校和研究院,基礎較好。",  # 擁有 is a verb: a clause, no name
        "湖北高校和科研院所聯合攻關。",  # 院所 is a kind of institution, not the 院 of a name
    ],
)
def test_clause_after_a_place_is_no_agency(registry: dict[str, Entity], text: str) -> None:
    """A place may begin an agency's name, but not a clause that happens to end in 院."""
    for t in (text, to_hans(text)):
        cands, mentions, _, _ = _run(t, registry)
        assert cands == [], cands
        assert [m.surface for m in mentions] == ["湖北"]  # the curated place only


def test_institute_after_a_place_starts_with_it(registry: dict[str, Entity]) -> None:
    """重慶 + 西部 + 智聯研究院: the curated place heads the institute's name and the curated
    region inside it is a word of the name, so the one candidate is the whole name (never the
    tail 西部智聯研究院 after the place), and neither place is a mention of its own there."""
    text = "重慶西部智聯研究院網絡研究所所長柯曉雨介紹了情況。"
    for t in (text, to_hans(text)):
        cands, mentions, _, _ = _run(t, registry)
        assert [(c.cls, match_key(c.label)) for c in cands if c.cls == "agency"] == [
            ("agency", match_key("重慶西部智聯研究院"))
        ]
        assert {"place/chongqing", "place/western-china"}.isdisjoint(m.entity_id for m in mentions)


def test_related_headlines_give_no_candidate(registry: dict[str, Entity]) -> None:
    """After a 相關閱讀 line come other articles' headlines: the names there are theirs."""
    text = "第三屆巴渝數字消費節將於9月舉行。\n相關閱讀：\n· 第二屆嘉陵數字大會將於11月舉辦\n"
    for t in (text, to_hans(text)):
        cands, _, _, _ = _run(t, registry)
        assert [match_key(c.label) for c in cands] == [match_key("第三屆巴渝數字消費節")]


@pytest.mark.parametrize("marker", ["▼往期推薦", "往期回顧：", "■ 精彩推薦"])
def test_previous_posts_list_gives_no_candidate(registry: dict[str, Entity], marker: str) -> None:
    """A WeChat post ends in 往期推薦 (the genre's 相關閱讀), often led by a bullet: the
    headlines after it are other posts', so their event is no candidate of this one."""
    text = f"第三屆巴渝數字消費節將於9月舉行。\n{marker}\n· 第二屆嘉陵數字大會開幕\n"
    for t in (text, to_hans(text)):
        cands, _, _, _ = _run(t, registry)
        assert [match_key(c.label) for c in cands] == [match_key("第三屆巴渝數字消費節")]


def test_place_before_a_byline_report_is_no_co_author(registry: dict[str, Entity]) -> None:
    """記者 周小川 江北報道: the word before 報道 is where the reporter filed from (江 is also a
    surname), and 【本報訊】 names no outlet of its own (本報 is "this paper")."""
    text = "【本報訊】記者 周小川 江北報道：會議召開。\n"
    for t in (text, to_hans(text)):
        cands, _, _, _ = _run(t, registry)
        assert [(c.cls, match_key(c.label)) for c in cands] == [("person", match_key("周小川"))]


def test_source_inside_a_phrase_names_no_outlet(registry: dict[str, Entity]) -> None:
    """數據來源：國家統計局 is where a figure comes from, not a dateline: the agency is found by
    its suffix, and nothing becomes an outlet (a name with no outlet suffix is one only after a
    來源 that starts its line)."""
    text = "報告的數據來源：國家統計局和巴山調查\n"
    for t in (text, to_hans(text)):
        cands, _, _, _ = _run(t, registry)
        assert [c.rule for c in cands if c.cls == "company"] == []
        assert [c.cls for c in cands] == ["agency"]


def test_unclassified_quote_is_an_info_finding_with_its_span(registry: dict[str, Entity]) -> None:
    for text, name in (("打造“巴山夜語”品牌。", "巴山夜語"), ("打造“巴山夜语”品牌。", "巴山夜语")):
        cands, _, findings, clean = _run(text, registry)
        assert cands == []
        (f,) = [f for f in findings if f.code == "quoted-name-unclassified"]
        assert f.level is Level.INFO and f.begin is not None
        assert clean.text[f.begin : f.end] == name
        assert f.source_id == "t" and f.raw_begin is not None


@pytest.mark.parametrize(
    ("name", "pid"),
    [
        ("永川區", "place/yongchuan"),
        ("秀山土家族苗族自治縣", "place/xiushan"),
        ("豐都縣", "place/fengdu"),
    ],
)
def test_listed_district_is_a_place_with_its_own_id(
    registry: dict[str, Entity], name: str, pid: str
) -> None:
    """A Chongqing district or county is a place candidate wherever it stands (after 從, a verb),
    with the id of chongqing_districts in both scripts, so that figures can take it as area."""
    text = f"記者從{name}獲悉,全年新建基站三百個。"
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        (place,) = [c for c in cands if c.cls == "place"]
        assert place.id == pid and place.rule == "place-name"
        assert match_key(place.label) == match_key(name)
        (m,) = [m for m in mentions if m.entity_id == pid]
        assert clean.text[m.begin : m.end] == m.surface == place.label


@pytest.mark.parametrize(
    "text",
    [
        "我們在偏遠山區和老城區推進基站共建共享。",
        "貧困縣和產業園區的網絡覆蓋持續改善。",
        "在山區縣開展試點,覆蓋全區和該區。",
    ],
)
def test_generic_zones_are_no_places(registry: dict[str, Entity], text: str) -> None:
    """<X>區 / <X>縣 is a place only when listed: 偏遠山區, 老城區, 貧困縣 are kinds of area."""
    for t in (text, to_hans(text)):
        cands, _, _, _ = _run(t, registry)
        assert [c for c in cands if c.cls == "place"] == []


@pytest.mark.parametrize(
    "text",
    [
        "從區域格局看,東部地區仍然領先。",
        "推動形成優勢互補的產業布局和區域格局。",
        "市場格局持續優化,縣域布局更加合理。",
    ],
)
def test_generic_nouns_are_no_agencies(registry: dict[str, Entity], text: str) -> None:
    """格局, 布局 end in the suffix 局; 區域, 市場, 縣域 begin with a prefix character: neither
    makes an agency."""
    for t in (text, to_hans(text)):
        cands, _, _, _ = _run(t, registry)
        assert [c for c in cands if c.cls == "agency"] == [], cands


def test_district_agency_keeps_its_district(registry: dict[str, Entity]) -> None:
    """從永川區大數據發展局: the district begins the name although 從 is no left boundary, and
    the later 區大數據發展局 is a mention of that agency, not an agency of its own."""
    text = "記者從永川區大數據發展局獲悉,全區建成基站。區大數據發展局負責人表示,將持續推進。"
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        (agency,) = [c for c in cands if c.cls == "agency"]
        assert match_key(agency.label) == match_key("永川區大數據發展局")
        own = [m for m in mentions if m.entity_id == agency.id]
        assert len(own) == 2
        assert all(clean.text[m.begin : m.end] == m.surface for m in own)
        assert "place/yongchuan" not in {m.entity_id for m in mentions}  # part of the name


def test_short_place_after_its_full_name_is_the_same_place(registry: dict[str, Entity]) -> None:
    """上海浦東新區 named in full once: a later 浦東新區 is a mention of it, not a second place."""
    text = "論壇在上海浦東新區舉行。浦東新區一家企業參加。"
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        (place,) = [c for c in cands if c.cls == "place"]
        assert match_key(place.label) == match_key("上海浦東新區")
        own = [m for m in mentions if m.entity_id == place.id]
        assert [match_key(m.surface) for m in own] == [match_key("上海浦東新區"), "浦东新区"]
        assert all(clean.text[m.begin : m.end] == m.surface for m in own)


@pytest.mark.parametrize(
    ("text", "full", "short"),
    [
        (
            "重慶巴山數聯科技有限公司(以下簡稱“巴山數聯”)發布平臺,由巴山數聯負責運營。",
            "重慶巴山數聯科技有限公司",
            "巴山數聯",
        ),
        (
            "8月1日,中共湖南省委網絡安全和信息化委員會辦公室(以下簡稱「湖南省委網信辦」)發布報告。"
            "湖南省委網信辦副主任王小明介紹了情況。",
            "中共湖南省委網絡安全和信息化委員會辦公室",
            "湖南省委網信辦",
        ),
        (  # 下稱: the Hong Kong and legal style of 以下簡稱
            "甘肅省委網絡安全和信息化委員會辦公室（下稱「省委網信辦」）6月發布報告。"
            "省委網信辦表示,將持續推進。",
            "甘肅省委網絡安全和信息化委員會辦公室",
            "省委網信辦",
        ),
    ],
)
def test_defined_short_name_is_a_mention_of_the_full_name(
    registry: dict[str, Entity], text: str, full: str, short: str
) -> None:
    """(以下簡稱“X”) after a name: every X is that entity, even where X reads as a place plus a
    curated name (湖南 + 市委網信辦 is not Chongqing's office), and an official may follow it."""
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        (named,) = [c for c in cands if match_key(c.label) == match_key(full)]
        own = [m for m in mentions if m.entity_id == named.id]
        shorts = [m for m in own if match_key(m.surface) == match_key(short)]
        assert len(own) == 3 and len(shorts) == 2, own
        assert all(clean.text[m.begin : m.end] == m.surface for m in own)
        assert not any(match_key(c.label) == match_key(short) for c in cands)
        assert "agency/cq-cac" not in {m.entity_id for m in mentions}
        if "王小明" in t:  # the official after the short name
            assert any(c.cls == "person" and c.label == "王小明" for c in cands)


def test_short_name_of_a_curated_full_name_is_the_curated_entity(
    registry: dict[str, Entity],
) -> None:
    """重慶市大數據應用發展管理局 is the registry's alt_label: the 市大數據局 it defines is that
    agency, and 局長 after it names an official (the 局 of 局長 is not read twice)."""
    text = (
        "記者從重慶市大數據應用發展管理局(以下簡稱“市大數據局”)獲悉。"
        "市大數據局局長李默表示,將加快建設。"
    )
    for t in (text, to_hans(text)):
        cands, mentions, _, _ = _run(t, registry)
        assert [(c.cls, c.label) for c in cands] == [("person", "李默")]
        assert [m.entity_id for m in mentions].count("agency/cq-big-data-bureau") == 3


def test_parent_body_is_no_agency_of_its_own(registry: dict[str, Entity]) -> None:
    """重慶市委 cut out of 中共重慶市委網絡安全和信息化委員會辦公室 would be a wrong agency: the
    full name (the registry's alt_label) is one mention of the curated agency."""
    text = "會上,中共重慶市委網絡安全和信息化委員會辦公室發布了報告。"
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        assert cands == []
        (m,) = [m for m in mentions if m.entity_id == "agency/cq-cac"]
        assert clean.text[m.begin : m.end] == m.surface and len(m.surface) == 20


def test_local_agency_without_its_district_is_a_finding(registry: dict[str, Entity]) -> None:
    """縣農業農村委 with no county named before it: which county's is unknown, so an INFO
    finding with its span, not a candidate."""
    text = "縣農業農村委相關負責人表示,區委網信辦將繼續推進。"
    for t in (text, to_hans(text)):
        cands, _, findings, clean = _run(t, registry)
        assert [c for c in cands if c.cls == "agency"] == []
        local = [f for f in findings if f.code == "agency-without-district"]
        assert len(local) == 2 and all(f.level is Level.INFO for f in local)
        assert {clean.text[f.begin : f.end] for f in local} == {
            to_hans(w) if t != text else w for w in ("縣農業農村委", "區委網信辦")
        }


@pytest.mark.parametrize(
    ("area", "district"),
    [("place/tongliang", "銅梁區"), ("place/fengdu", "豐都縣")],
)
def test_local_agency_in_a_district_article_is_the_districts(
    registry: dict[str, Entity], area: str, district: str
) -> None:
    """A district article (manifest area a listed district): its 區委網信辦 / 縣委網信辦 is that
    district's office, labelled with the district (so that two districts' offices stay two
    agencies), every occurrence one mention, after 從 as well; its official is found after it.
    The district's name is the text's where it is written, the list's in the source's script
    where it is not."""
    kind = district[-1]  # 區 or 縣
    text = (
        f"記者從{kind}委網信辦獲悉,全{kind}建成基站三百個。"
        f"{kind}經濟信息委副主任龔曉東告訴記者,{kind}委網信辦將持續推進。"
    )
    named = f"{district}發布報告。" + text
    for t, hans in ((text, False), (to_hans(text), True), (named, False), (to_hans(named), True)):
        cands, mentions, findings, clean = _run(t, registry, area=area)
        own = to_hans(district) if hans else district
        agencies = {c.label: c for c in cands if c.cls == "agency"}
        office = own + (to_hans("委網信辦") if hans else "委網信辦")
        assert set(agencies) == {office, own + (to_hans("經濟信息委") if hans else "經濟信息委")}
        assert {c.rule for c in agencies.values()} == {"district-agency"}
        assert agencies[office].id == "agency/" + slug(fold(office))
        surfaces = [m.surface for m in mentions if m.entity_id == agencies[office].id]
        assert [match_key(x) for x in surfaces] == [match_key(f"{kind}委網信辦")] * 2
        assert all(clean.text[m.begin : m.end] == m.surface for m in mentions)
        assert ("person", match_key("龔曉東")) in {(c.cls, match_key(c.label)) for c in cands}
        assert not [f for f in findings if f.code == "agency-without-district"]


def test_local_agency_of_another_kind_or_area_stays_a_finding(
    registry: dict[str, Entity],
) -> None:
    """縣委網信辦 in a district (區) article, or 區委網信辦 in a city article: which body it is
    cannot be read from the manifest, so it stays an INFO finding."""
    for text, area in (
        ("縣委網信辦相關負責人表示,將持續推進。", "place/tongliang"),
        ("區委網信辦相關負責人表示,將持續推進。", "place/chongqing"),
    ):
        for t in (text, to_hans(text)):
            cands, _, findings, _ = _run(t, registry, area=area)
            assert [c for c in cands if c.cls == "agency"] == []
            assert [f.code for f in findings] == ["agency-without-district"]


def test_named_site_occurrences_are_mentions(registry: dict[str, Entity]) -> None:
    """A site named once as a location (在…產業園) is a place; its other occurrences, also the
    one as a statistic's subject before it, are mentions of it."""
    text = "江津軟件產業園入駐企業300家。記者在江津軟件產業園看到,園區持續擴容。"
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        (site,) = [c for c in cands if c.cls == "place" and c.rule == "site-name"]
        assert match_key(site.label) == match_key("江津軟件產業園")
        own = [m for m in mentions if m.entity_id == site.id]
        assert len(own) == 2 and all(clean.text[m.begin : m.end] == m.surface for m in own)


def test_curated_name_running_on_into_its_alt_label_is_one_mention(
    registry: dict[str, Entity],
) -> None:
    """中國 + 大陸: the curated place runs on into its own alt_label 中國大陸, one mention of
    China over the whole name (no 大陸 left over, no candidate); 中國 alone stays as it was."""
    text = "網民規模低於中國大陸整體水平,也低於中國東部。"
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        assert cands == []
        china = [m for m in mentions if m.entity_id == "place/china"]
        assert [match_key(clean.text[m.begin : m.end]) for m in china] == [
            match_key("中國大陸"),
            match_key("中國"),
        ]


def test_full_name_known_as_alt_label_is_one_mention(registry: dict[str, Entity]) -> None:
    """重慶 + 市委網信辦 matched apart are one mention of the agency whose alt_label is the whole
    (重慶市委網信辦), not a place and an agency."""
    text = "10月14日,重慶市委網信辦召開會議。"
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        assert cands == []
        (m,) = [m for m in mentions if m.entity_id == "agency/cq-cac"]
        assert match_key(clean.text[m.begin : m.end]) == match_key("重慶市委網信辦")
        assert "place/chongqing" not in {x.entity_id for x in mentions}


def test_party_prefix_before_a_curated_agency_is_one_mention(registry: dict[str, Entity]) -> None:
    """中共 + 重慶市委網信辦 (the registry's alt_label) is one more mention of that agency, not
    a new agency beside it; its official after the title is found as usual."""
    text = "會上,中共重慶市委網信辦主任冉光明介紹了有關情況。"
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        assert [(c.cls, match_key(c.label)) for c in cands] == [("person", match_key("冉光明"))]
        (m,) = [m for m in mentions if m.entity_id == "agency/cq-cac"]
        assert match_key(clean.text[m.begin : m.end]) == match_key("中共重慶市委網信辦")


def test_everyday_short_name_is_the_full_agency(registry: dict[str, Entity]) -> None:
    """省大數據局 after 湖南省大數據應用發展管理局 (prefix, body head and last character kept)
    is that agency, with no 以下簡稱; after the curated 重慶市大數據應用發展管理局 it is the
    curated agency. With two full names it could shorten, it stays a name of its own."""
    one = "湖南省大數據應用發展管理局發布報告。會上,省大數據局表示,將持續推進。"
    curated = "重慶市大數據應用發展管理局發布報告。會上,市大數據局表示,將持續推進。"
    two = "湖南省大數據應用發展管理局和湖北省大數據產業促進局發布報告。會上,省大數據局表示。"
    for t in (one, to_hans(one)):
        cands, mentions, _, _ = _run(t, registry)
        (c,) = cands
        assert match_key(c.label) == match_key("湖南省大數據應用發展管理局")
        assert len([m for m in mentions if m.entity_id == c.id]) == 2
    for t in (curated, to_hans(curated)):
        cands, mentions, _, _ = _run(t, registry)
        assert cands == []
        got = [match_key(m.surface) for m in mentions if m.entity_id == "agency/cq-big-data-bureau"]
        assert got == [match_key("重慶市大數據應用發展管理局"), match_key("市大數據局")]
    for t in (two, to_hans(two)):
        cands, _, _, _ = _run(t, registry)
        assert match_key("省大數據局") in {match_key(c.label) for c in cands}


def test_curated_wins(registry: dict[str, Entity]) -> None:
    """A curated label, alias or alt_label is never a candidate; an alt_label becomes a
    mention of the curated entity (the registry's full official name)."""
    text = "重慶市經濟和信息化委員會副主任汪立東表示,市委網信辦聯合重慶通信管理局召開新聞發布會。"
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        assert cands == []
        ids = [m.entity_id for m in mentions]
        assert "agency/cq-economy-it-commission" in ids
        full = next(m for m in mentions if m.entity_id == "agency/cq-economy-it-commission")
        assert match_key(full.surface) == match_key("重慶市經濟和信息化委員會")
        assert clean.text[full.begin : full.end] == full.surface


def test_other_edition_is_its_own_document(registry: dict[str, Entity]) -> None:
    """《…報告(2022)》 is not the curated 2023 report; 《報告》 defined for it is its mention."""
    text = (
        "據《重慶市互聯網發展報告(2022)》(以下簡稱《報告》)顯示,網民數量增長。《報告》指出,"
        "普及率提升。"
    )
    for t in (text, to_hans(text)):
        cands, mentions, _, clean = _run(t, registry)
        (doc,) = [c for c in cands if c.cls == "document"]
        assert doc.edition == "2022" and doc.id.endswith("-2022")
        assert "document/cq-internet-report-2023" not in {m.entity_id for m in mentions}
        own = [m for m in mentions if m.entity_id == doc.id]
        assert len(own) == 3  # the title and two 《報告》
        assert all(clean.text[m.begin : m.end] == m.surface for m in own)


def test_same_report_edition_stays_curated(registry: dict[str, Entity]) -> None:
    text = "《重慶市互聯網發展報告(2023)》(以下簡稱《報告》)顯示。《報告》指出。"
    cands, mentions, _, _ = _run(text, registry)
    assert cands == []
    assert [m.entity_id for m in mentions].count("document/cq-internet-report-2023") == 3


def test_short_form_of_a_candidate_agency_is_the_same_agency(registry: dict[str, Entity]) -> None:
    text = "8月1日,湖南省委網信辦在長沙召開會議。省委網信辦副主任王小明表示,將持續推進。"
    for t in (text, to_hans(text)):
        cands, mentions, _, _ = _run(t, registry)
        (agency,) = [c for c in cands if c.cls == "agency"]
        assert agency.label == ("湖南省委網信辦" if t == text else "湖南省委网信办")
        assert [m.entity_id for m in mentions].count(agency.id) == 2
        assert any(c.cls == "person" for c in cands)  # 省委網信辦副主任王小明


def test_later_mentions_of_a_candidate(registry: dict[str, Entity]) -> None:
    text = "市委網信辦副主任張明遠介紹了情況。張明遠表示,將持續推進。"
    for t in (text, to_hans(text)):
        cands, mentions, _, _ = _run(t, registry)
        (person,) = [c for c in cands if c.cls == "person"]
        assert [m.entity_id for m in mentions].count(person.id) == 2


def test_seed_gives_no_candidate_and_keeps_its_mentions(
    golden: tuple[CleanText, Segmentation], registry: dict[str, Entity]
) -> None:
    """The registry names everything in the seed: no candidate duplicates a curated entity,
    and the curated mentions (tests/golden/mentions.tsv) pass through unchanged."""
    clean, seg = golden
    curated, _ = entities.run(clean, seg, registry)
    cands, mentions, findings = candidates.run(clean, seg, registry, curated)
    assert cands == []
    assert mentions == curated
    assert all(f.level is Level.INFO for f in findings)


def test_simplified_seed_gives_no_candidate_either(registry: dict[str, Entity]) -> None:
    from .conftest import golden_text

    clean, seg = stand_in(to_hans(golden_text()))
    curated, _ = entities.run(clean, seg, registry)
    cands, mentions, _ = candidates.run(clean, seg, registry, curated)
    assert cands == [] and mentions == curated


def test_deterministic(golden: tuple[CleanText, Segmentation], registry: dict[str, Entity]) -> None:
    text = "".join(t for t, *_ in RULES)
    assert _run(text, registry)[:3] == _run(text, registry)[:3]


#: the second blind round (written after these rules, never tuned on): measured, not yet met
BLIND_ROUND_2 = ("fx-h4-", "fx-h5-", "fx-h6-")


#: the third blind round (h7-h9, written after the round-2 rules): measured, below the bar
BLIND_ROUND_3 = ("fx-h7-", "fx-h8-", "fx-h9-")


#: the fourth blind round (h10-h12, written after the round-3 rules)
BLIND_ROUND_4 = ("fx-h10-", "fx-h11-", "fx-h12-")


#: the fifth blind round (h13-h14, written after the round-4 rules)
BLIND_ROUND_5 = ("fx-h13-", "fx-h14-")


#: the sixth blind round (h15-h17, written after the round-5 rules): kept out of the other
#: rounds' scores, like every blind round after the second
BLIND_ROUND_6 = ("fx-h15-", "fx-h16-", "fx-h17-")


#: the seventh blind round (h18-h20, written after the round-6 rules): kept out of the other
#: rounds' scores, like every blind round after the second
BLIND_ROUND_7 = ("fx-h18-", "fx-h19-", "fx-h20-")

#: the eighth blind round (h21-h23, written after the round-7 rules): kept out of the other
#: rounds' scores, like every blind round after the second
BLIND_ROUND_8 = ("fx-h21-", "fx-h22-", "fx-h23-")

#: the ninth blind round (h24-h26): measured blind at candidate precision 24/26 and open-world
#: recall 31/43; 35/35 and 42/43 after round 9's rules; kept out of the other rounds' scores
BLIND_ROUND_9 = ("fx-h24-", "fx-h25-", "fx-h26-")

#: the tenth blind round (h27-h29): measured blind at candidate precision 24/25 and open-world
#: recall 31/38; kept out of the other rounds' scores
BLIND_ROUND_10 = ("fx-h27-", "fx-h28-", "fx-h29-")

#: the eleventh blind round (h30-h32): measured blind at candidate precision 30/31 and
#: open-world recall 32/46; kept out of the other rounds' scores
BLIND_ROUND_11 = ("fx-h30-", "fx-h31-", "fx-h32-")

#: the twelfth blind round (h33-h35): measured blind at candidate precision 34/35 and open-world
#: recall 36/41; kept out of the other rounds' scores
BLIND_ROUND_12 = ("fx-h33-", "fx-h34-", "fx-h35-")

#: the thirteenth blind round (h36-h38): measured blind at candidate precision 23/26 and
#: open-world recall 25/42 (people quoted with no title, a cooperative, 街道 and a landmark);
#: kept out of the other rounds' scores
BLIND_ROUND_13 = ("fx-h36-", "fx-h37-", "fx-h38-")

#: the fourteenth blind round (h39-h41): measured blind at candidate precision 39/39 and
#: open-world recall 42/46; kept out of the other rounds' scores
BLIND_ROUND_14 = ("fx-h39-", "fx-h40-", "fx-h41-")

#: the sixteenth blind round (h45-h47): measured blind at candidate precision 32/34 and
#: open-world recall 32/39; kept out of the other rounds' scores
BLIND_ROUND_16 = ("fx-h45-", "fx-h46-", "fx-h47-")

#: the fifteenth blind round (h42-h44): measured blind at candidate precision 33/39 (five
#: generic 公司 phrases of a securities page and a 研究所) and open-world recall 34/45; kept
#: out of the other rounds' scores
BLIND_ROUND_15 = ("fx-h42-", "fx-h43-", "fx-h44-")

#: wrong candidates a blind round brought that no rule fixes yet, by fixture (strict: the day
#: a rule fixes one, the precision test fails until its entry goes)
WRONG_BELOW_TARGET: dict[str, tuple[str, ...]] = {
    # round 13, blind: a kind of facility read as an agency by its 中心 suffix, and an outlet's
    # name in 《》 read as a document
    "fx-h36-yunmai-2024-cq2023-hant": (
        "重慶資料中心 (agency, agency-suffix)",
        "兩江新區經營智算中心 (agency, agency-suffix)",
    ),
    "fx-h38-gele-2024-cq2023-hans": ("歌乐数字 (document, document-title)",),
    # round 15, blind: a securities firm's research institute read as an agency by 研究所
    "fx-h44-hengzheng-2024-cq2023-hans": ("鸿岳证券研究所 (agency, institute-suffix)",),
    # round 16, blind: an outlet's channel name and an event with its ordinal, where the gold
    # lists the outlet and the event bare
    "fx-h46-yuhai-2023-cq2022-hant": (
        "渝海網繁體頻道 (company, outlet)",
        "第五屆西部數字生態大會 (event, event-ordinal)",
    ),
}


def test_blind_round_6_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Sixth blind round (h15-h17), against its hand-read entities.tsv: measured blind at
    candidate precision 28/33 and open-world recall 30/42; 39/40 and 42/42 after the rules of
    TV caption lines (同期聲), 攝像 credits, a wire dateline's glued reporter name and its city
    (臺北), a dated line going on to a byline, a broadcaster's channel, development zones
    (涪陵高新區), 研究員, 從“X”到“Y” slogans, two-character campaign words and a curated name
    running on into its alt_label (中國大陸) (tests above, on other text); 40/40 once h17's
    gold listed “信號升格”專項行動 as a project, as fixture c's gold does for the same phrase."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_6)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    gold_open = sum(s.gold_open for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right / cands >= 0.95, [w for s in scores for w in s.wrong]
    assert found_open / gold_open >= 0.85, [m for s in scores for m in s.missed]


def test_blind_round_7_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Seventh blind round (h18-h20), against its hand-read entities.tsv: measured blind at
    candidate precision 23/24 and open-world recall 27/33; 29/29 and 33/33 after the rules of
    簡 as a surname, 則/帶/透露 after a name, a title and a verb of saying with no agency before
    the title (…編寫組負責人X表示), a short further name running on to its longest suffix
    (…新聞辦 + 公室) and a wire outlet's regional edition (…網重慶頻道) (tests above, on other
    text)."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_7)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    gold_open = sum(s.gold_open for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right == cands, [w for s in scores for w in s.wrong]
    assert found_open == gold_open, [m for s in scores for m in s.missed]


def test_blind_round_8_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Eighth blind round (h21-h23), against its hand-read entities.tsv: measured blind at
    candidate precision 13/13 and open-world recall 19/26; 20/20 and 26/26 after the rules of a
    numeral-initial quoted name before a platform noun (“兩江智辦”平臺), weeklies and magazines
    as outlets, credit lines (文／X), an account line's post marker (…發布於重慶) and research
    institutes with no place before them (…研究院) (tests above, on other text)."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_8)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    gold_open = sum(s.gold_open for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert (right, cands) == (20, 20), [w for s in scores for w in s.wrong]
    assert found_open == gold_open == 26, [m for s in scores for m in s.missed]


def test_blind_round_11_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Eleventh blind round (h30-h32), against its hand-read entities.tsv: measured blind at
    candidate precision 30/31 and open-world recall 32/46 (cities as places, quoted platforms
    and projects the rules do not type, two people, a park); the floors are the measured
    counts until the round's rules land."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_11)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right >= 30 and cands - right <= 1, [w for s in scores for w in s.wrong]
    assert found_open >= 32, [m for s in scores for m in s.missed]


def test_blind_round_12_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Twelfth blind round (h33-h35), measured blind at candidate precision 34/35 and open-world
    recall 36/41; the floors are the measured counts until the round's rules land."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_12)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right >= 34 and cands - right <= 1, [w for s in scores for w in s.wrong]
    assert found_open >= 36, [m for s in scores for m in s.missed]


def test_blind_round_13_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Thirteenth blind round (h36-h38), measured blind at candidate precision 23/26 and
    open-world recall 25/42; the floors are the measured counts until the round's rules land."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_13)
    right = sum(s.right for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right >= 23, [w for s in scores for w in s.wrong]
    assert found_open >= 25, [m for s in scores for m in s.missed]


def test_blind_round_14_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Fourteenth blind round (h39-h41), measured blind at candidate precision 39/39 and
    open-world recall 42/46 (an official named in a quote's attribution, 澳門特區政府, a
    campaign's bare name 清朗 and a person with the surname 和)."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_14)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right == cands >= 39, [w for s in scores for w in s.wrong]
    assert found_open >= 42, [m for s in scores for m in s.missed]


def test_candidate_precision_is_one_on_every_fixture(registry: dict[str, Entity]) -> None:
    """Every fixture article of every round, blind or not, has no wrong candidate (284/284 at
    round 7, 305/305 after round 8's rules, 332/332 at round 9): a wrong name becomes a node
    users may rely on, so one is a regression wherever it appears, not an average to trade
    against recall."""
    wrong = {d.name: score_dir(d, registry).wrong for d in fixture_dirs()}
    got = {k: tuple(v) for k, v in wrong.items() if v}
    assert got == WRONG_BELOW_TARGET


def _scores(
    registry: dict[str, Entity], blind: bool, rounds: tuple[str, ...] = BLIND_ROUND_2
) -> list:
    """The blind ``rounds`` (blind=True), or every other fixture but the later blind rounds 3-8."""
    later = tuple(
        p
        for p in BLIND_ROUND_3
        + BLIND_ROUND_4
        + BLIND_ROUND_5
        + BLIND_ROUND_6
        + BLIND_ROUND_7
        + BLIND_ROUND_8
        + BLIND_ROUND_9
        + BLIND_ROUND_10
        + BLIND_ROUND_11
        + BLIND_ROUND_12
        + BLIND_ROUND_13
        + BLIND_ROUND_14
        + BLIND_ROUND_15
        + BLIND_ROUND_16
        if p not in rounds
    )
    dirs = [
        d
        for d in fixture_dirs()
        if not d.name.startswith(later) and d.name.startswith(rounds) == blind
    ]
    assert dirs, "no fixture articles with entities.tsv"
    return [score_dir(d, registry) for d in dirs]


def test_blind_round_2_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Measured blind at 16/22; 17/17 after the district, generic-noun and local-agency rules
    (tests above, on other text); 25/25 (open-world recall 27/29) after round 3's rules."""
    scores = _scores(registry, blind=True)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    assert right / cands >= 0.95, [w for s in scores for w in s.wrong]


def test_fixture_articles_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Against the hand-read entities.tsv of every fixture article but the second blind round
    (measured: candidate precision 0.99, open-world recall 0.90, overall recall 0.93; after
    round 3's rules 102/102, 103/109 and 136/142; after round 4's 103/103, 104/109, 137/142:
    h2's data exchange)."""
    scores = _scores(registry, blind=False)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    gold_open = sum(s.gold_open for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right / cands >= 0.95, [w for s in scores for w in s.wrong]
    assert found_open / gold_open >= 0.85, [m for s in scores for m in s.missed]


def test_blind_round_3_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Third blind round (h7-h9), against its hand-read entities.tsv: measured blind at
    candidate precision 18/25 and open-world recall 18/33; 26/27 and 31/33 after the rules of
    parent bodies, defined short names, venues, standalone titles and outlets (tests above, on
    other text); 27/27 and 32/32 after round 4 (h7's 12345 line is no entity by the fixtures'
    convention)."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_3)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    gold_open = sum(s.gold_open for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right / cands >= 0.95, [w for s in scores for w in s.wrong]
    assert found_open / gold_open >= 0.85, [m for s in scores for m in s.missed]


def test_blind_round_4_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Fourth blind round (h10-h12), against its hand-read entities.tsv: measured blind at
    candidate precision 27/29 and open-world recall 30/42 (30/38 once the four regions were
    taken out of the gold by the fixtures' convention); 32/32 and 36/38 after the rules of
    往期推薦 lists, clauses in 院所, 中共 + a curated agency, wire datelines, 【…訊】, co-authors
    and data exchanges (tests above, on other text)."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_4)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    gold_open = sum(s.gold_open for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right / cands >= 0.95, [w for s in scores for w in s.wrong]
    assert found_open / gold_open >= 0.85, [m for s in scores for m in s.missed]


def test_blind_round_5_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Fifth blind round (h13-h14), against its hand-read entities.tsv: measured blind at
    candidate precision 16/16 and open-world recall 18/31; 29/29 and 31/31 after the rules of
    a district article's 區… agencies (the manifest's district), titles of associations
    (理事長), 接受/告訴 after a name, 區 as a surname, 責編, …融媒 accounts, a province alone
    before a word on its suffix (澳門市場) and named sites used as locations (tests above, on
    other text)."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_5)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    gold_open = sum(s.gold_open for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right / cands >= 0.95, [w for s in scores for w in s.wrong]
    assert found_open / gold_open >= 0.85, [m for s in scores for m in s.missed]


# round 9 (h24-h26): (zh-Hant sentence, class, label as written in zh-Hant, rule)
ROUND_9_RULES = [
    # 麥, 藺 and 苟 are surnames: an editor's credit, officers after a company's title
    ("（責任編輯：麥曉晴）\n", "person", "麥曉晴", "byline-person"),
    ("長江雲帆科技有限公司董事長藺文博告訴記者，訂單增加。", "person", "藺文博", "title-person"),
    ("巴山集團副總經理苟曉東說，產能提升。", "person", "苟曉東", "title-person"),
    # a title after a unit of the agency written right after it (…研究院 + …研究所 + 所長),
    # with no verb of saying after the name
    (
        "湖北省網絡安全研究院數據治理研究所所長蒙曉川在會上發布成果。",
        "person",
        "蒙曉川",
        "title-person",
    ),
    (
        "貴州省通信管理局網絡安全監測中心主任韓曉峰出席。",
        "person",
        "韓曉峰",
        "title-person",
    ),
    # 以<company>為代表: the company starts after the opener, with its place
    (
        "產業加快集聚，以四川雲帆軟件有限公司為代表的企業快速成長。",
        "company",
        "四川雲帆軟件有限公司",
        "company-suffix",
    ),
    ("產業加快集聚，以雲帆軟件有限公司為龍頭。", "company", "雲帆軟件有限公司", "company-suffix"),
    # what a build verb makes: a facility is a project, a park a place
    (
        "嘉陵雲帆公司投資建設的鳳棲山智算中心已於年初投用。",
        "project",
        "鳳棲山智算中心",
        "facility-name",
    ),
    ("由巴山集團牽頭打造的鳳棲湖數智產業園開園。", "place", "鳳棲湖數智產業園", "site-name"),
    # a quoted facility is a project
    ("“雲嶺灣智算中心”年內投用。", "project", "雲嶺灣智算中心", "quoted-name"),
    # a park sharing its stem with a facility found before is a named site, even as a subject
    (
        "嘉陵雲帆公司投資建設的鳳棲山智算中心已於年初投用。截至6月，鳳棲山產業園入駐企業300家。",
        "place",
        "鳳棲山產業園",
        "site-name",
    ),
    # an outlet named after its city: the dateline, and an <outlet>訊（記者 …） opener
    ("數說四川　2024-05-12 09:30　記者 馮曉光\n", "company", "數說四川", "outlet"),
    ("數說四川訊（記者 馮曉光）會議召開。", "company", "數說四川", "outlet"),
    ("長河社成都訊（記者 李青）會議召開。", "company", "長河社", "outlet"),
]


@pytest.mark.parametrize("script", ["zh-Hant", "zh-Hans"])
@pytest.mark.parametrize(("text", "cls", "label", "rule"), ROUND_9_RULES)
def test_round_9_rule_in_both_scripts(
    registry: dict[str, Entity], script: str, text: str, cls: str, label: str, rule: str
) -> None:
    """Round 9's rules (quantifiers, frames, build verbs, quoted facilities, shared stems,
    nested units, outlets named after a place), as ``test_rule_in_both_scripts`` checks the
    others: the candidate, its language, its mentions' spans and its id in both scripts."""
    test_rule_in_both_scripts(registry, script, text, cls, label, rule)


@pytest.mark.parametrize(
    "text",
    [
        # a quantifier before a suffix noun: how many of a kind, not an agency
        "園區聚集了全市多數研發中心。",
        "主城區集中了全市大部分數據中心和企業。",
        "他說，市各級數據中心運行平穩。",
        # a build verb before a kind, or before two kinds joined by a connector
        "新建的大型智算中心投用，建設的綠色數據中心和打造的數字經濟產業園也已啟用。",
        "企業參與建設的算力和數據中心陸續投用。",
        # a quoted topic joining two kinds, and a park named only as a statistic's subject
        "今年單列“算力與數據中心”一章。",
        "截至6月，鳳棲山產業園入駐企業300家。",
    ],
)
def test_round_9_precision_guards(registry: dict[str, Entity], text: str) -> None:
    for t in (text, to_hans(text)):
        cands, _, _, _ = _run(t, registry)
        assert cands == [], cands


def test_this_papers_dispatch_names_no_outlet(registry: dict[str, Entity]) -> None:
    """本報訊（記者 X）: "this paper's dispatch" names no outlet of its own (2 Han), as 【本報訊】
    does not, nor does 本報北京訊 (``dispatch_self_words``); the reporter is still found."""
    for text in ("本報訊（記者 馮曉光）會議召開。", "本報北京訊（記者 馮曉光）會議召開。"):
        for t in (text, to_hans(text)):
            cands, _, _, _ = _run(t, registry)
            assert [(c.cls, c.rule) for c in cands] == [("person", "byline-person")], cands


def test_credits_after_a_related_list_are_the_articles(registry: dict[str, Entity]) -> None:
    """A 相關閱讀 list ends where the article's own credits resume (（責任編輯：X）): the editor
    is this article's, the headlines between are other articles' (their event and park are no
    candidates)."""
    text = (
        "第三屆巴渝數字消費節將於9月舉行。\n相關閱讀：\n· 第二屆嘉陵數字大會開幕\n"
        "· 市民在鳳棲湖數智產業園體驗新品\n\n（責任編輯：麥曉晴）\n"
    )
    for t in (text, to_hans(text)):
        cands, _, _, _ = _run(t, registry)
        got = sorted((c.cls, match_key(c.label)) for c in cands)
        assert got == [
            ("event", match_key("第三屆巴渝數字消費節")),
            ("person", match_key("麥曉晴")),
        ]


def test_a_bracketed_marker_opens_a_list_and_one_over_prose_does_not(
    registry: dict[str, Entity],
) -> None:
    """【相關閱讀】 opens a related list like 相關閱讀：; 【延伸閱讀】 over a paragraph of prose (a
    sentence with 。) is the article's own section, whose names are this article's."""
    listed = "第三屆巴渝數字消費節將於9月舉行。\n【相關閱讀】\n第二屆嘉陵數字大會開幕\n"
    prose = (
        "第三屆巴渝數字消費節將於9月舉行。\n【延伸閱讀】\n"
        "過去一年，重慶嵐峰雲數據有限公司加快布局雲服務，服務企業逐年增多。\n"
    )
    for t in (listed, to_hans(listed)):
        cands, _, _, _ = _run(t, registry)
        assert sorted(c.cls for c in cands) == ["event"], [c.label for c in cands]
    for t in (prose, to_hans(prose)):
        cands, _, _, _ = _run(t, registry)
        got = sorted((c.cls, match_key(c.label)) for c in cands)
        assert ("company", match_key("重慶嵐峰雲數據有限公司")) in got, got


def test_blind_round_9_precision_and_recall(registry: dict[str, Entity]) -> None:
    """Ninth blind round (h24-h26), against its hand-read entities.tsv: measured blind at
    candidate precision 24/26 and open-world recall 31/43; 35/35 and 42/43 after the rules of
    quantifiers before a suffix noun (全市大部分數據中心), 以…為代表, 麥/藺/苟 as surnames, a
    related list ending at the article's credits, a title after a nested unit, what a build
    verb makes, quoted facilities, a park sharing a facility's stem and outlets named after
    their city (財訊重慶, also from its …訊（記者 opener) (tests above, on other text).
    Recall is not complete: h24's 重慶西部數智研究院 is left to the 研究院 work (the curated
    region 西部 inside it drops the agency), so the floor asserted is the measured count, not
    the gold's."""
    scores = _scores(registry, blind=True, rounds=BLIND_ROUND_9)
    cands = sum(s.candidates for s in scores)
    right = sum(s.right for s in scores)
    found_open = sum(s.found_open for s in scores)
    assert right == cands >= 35, [w for s in scores for w in s.wrong]  # floors: measured
    assert found_open >= 42, [m for s in scores for m in s.missed]
