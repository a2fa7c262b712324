"""Rankings stated by a list of places in order (graph/pipeline/extract/values_sequence.py).

依次是 / 依次為 / 分列 / 前N的…是 lists of 2-5 places give one rank row per place, and the
分別 values after the list are the places' figures, in order. Sentences invented for these
tests (not the seed, not a fixture sentence); each runs in zh-Hant and in zh-Hans.
"""

from __future__ import annotations

from decimal import Decimal

from graph.curation.registry import load_registry
from graph.model import CleaningReport, CleanText, Mention, Observation
from graph.pipeline import segment
from graph.pipeline.extract import candidates, entities, metrics, period
from graph.text import fold, to_hans
from pipeline.extract.test_period import HEAD, SCRIPTS, _Doc


def _run(body: str, script: str) -> tuple[list[Observation], list[Mention]]:
    """The figures and the mentions (curated and open-world) of ``body``, as a build reads them."""
    text = HEAD + body
    if script == "hans":
        text = to_hans(text)
    clean = CleanText("t", text, text, tuple(range(len(text) + 1)), CleaningReport())
    seg = segment.run(clean)
    registry = load_registry()
    mentions, _ = entities.run(clean, seg, registry)
    _, mentions, _ = candidates.run(clean, seg, registry, mentions, area="place/chongqing")
    obs, _ = metrics.run(clean, seg, mentions)
    return period.apply(obs, _Doc(), text), mentions


def _figures(body: str, script: str) -> list[Observation]:
    return _run(body, script)[0]


def _ranks(obs: list[Observation]) -> list[tuple[str, int | None, str, str | None, int | None]]:
    return [
        (fold(o.stated_value), o.rank, o.area, o.rank_scope, o.rank_of)
        for o in obs
        if o.kind == "rank"
    ]


@SCRIPTS
def test_a_list_after_yici_ranks_each_place_and_the_values_after_it_are_theirs(
    script: str,
) -> None:
    obs = _figures(
        "在全國31個省（區、市）中,軟件業務收入位居前三位的依次為廣東、江蘇和北京,"
        "分別為2.4萬億元、1.3萬億元和1.9萬億元。",
        script,
    )
    assert _ranks(obs) == [
        ("广东", 1, "place/guangdong", "place/china", 31),
        ("江苏", 2, "place/jiangsu", "place/china", 31),
        ("北京", 3, "place/beijing", "place/china", 31),
    ]
    assert {fold(o.indicator) for o in obs} == {"软件业务收入"}
    assert [o.value for o in obs if o.kind == "rank"] == [Decimal(1), Decimal(2), Decimal(3)]
    quantities = [(o.value, o.area) for o in obs if o.kind == "quantity"]
    assert quantities == [
        (Decimal("2.4e12"), "place/guangdong"),
        (Decimal("1.3e12"), "place/jiangsu"),
        (Decimal("1.9e12"), "place/beijing"),
    ]


@SCRIPTS
def test_top_n_then_a_copula_opens_a_list_of_districts_ranked_in_the_city(script: str) -> None:
    obs = _figures(
        "在全市38個區縣中,千兆寬帶用戶排名前四的區縣是江北區、南岸區、沙坪壩區和北碚區。", script
    )
    assert _ranks(obs) == [
        ("江北区", 1, "place/jiangbei", "place/chongqing", 38),
        ("南岸区", 2, "place/nanan", "place/chongqing", 38),
        ("沙坪坝区", 3, "place/shapingba", "place/chongqing", 38),
        ("北碚区", 4, "place/beibei", "place/chongqing", 38),
    ]
    assert {fold(o.indicator) for o in obs} == {"千兆宽带用户"}


@SCRIPTS
def test_a_list_before_fenlie_and_top_n_ranks_the_figure_before_it(script: str) -> None:
    obs = _figures("2022年全國網民規模達10.7億人,山東、河南和四川分列前三。", script)
    assert _ranks(obs) == [
        ("山东", 1, "place/shandong", None, None),
        ("河南", 2, "place/henan", None, None),
        ("四川", 3, "place/sichuan", None, None),
    ]
    assert [fold(o.indicator) for o in obs] == ["网民规模"] * 4  # 前三 is the list's, no rank


@SCRIPTS
def test_a_place_the_open_world_rule_found_takes_its_candidate_id(script: str) -> None:
    obs, mentions = _run("算力規模排名前二的城市依次是：綿陽市和宜賓市。", script)
    ids = {fold(m.alias): m.entity_id for m in mentions if m.entity_id.startswith("place/")}
    assert set(ids) == {"绵阳市", "宜宾市"}  # found by the open-world place rule
    assert _ranks(obs) == [
        ("绵阳市", 1, ids["绵阳市"], None, None),
        ("宜宾市", 2, ids["宜宾市"], None, None),
    ]


@SCRIPTS
def test_no_rows_when_the_count_disagrees_or_a_name_is_no_place(script: str) -> None:
    assert not _ranks(_figures("在全市38個區縣中,網民數量排名前三的依次是江北區和南岸區。", script))
    assert not _ranks(_figures("評估結果依次是優秀、良好和合格。", script))
    assert not _ranks(_figures("網民數量排名依次是江北區。", script))  # one name is no list
