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
    assert (up.kind, up.value, up.indicator) == (
        "growth",
        Decimal("0.6"),
        s("城鄉網民規模差距", script),
    )
