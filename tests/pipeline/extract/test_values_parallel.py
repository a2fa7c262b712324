"""Figure frames of blind round 10 and of real coverage, in both scripts.

分别 parallels (graph/pipeline/extract/values_parallel.py), rank changes in 位, ratios to
another area's level, and the real-text label frames (a comparison base with its month,
已经, 共计, a spaced month). Texts are invented for these tests (not the seed, not a fixture
sentence); each case runs in zh-Hant and in its OpenCC zh-Hans conversion.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from graph.model import CleaningReport, CleanText, Finding, Observation
from graph.pipeline import segment
from graph.pipeline.extract import metrics, period
from graph.text import fold, to_hans

HEAD = "某網報道\n2023-09-20 10:00\n"
SCRIPTS = pytest.mark.parametrize("script", ["hant", "hans"])


@dataclass(frozen=True)
class _Doc:
    """The manifest fields period.apply reads."""

    date: str = "2023-09-20"
    edition: str = ""
    report: str = ""
    title: str = "某市網絡發展報告發布"
    area: str = "place/chongqing"


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
