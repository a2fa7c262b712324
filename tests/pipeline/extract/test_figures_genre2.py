"""Round-12 figure readings seen in the genre's other coverage (other provinces, national
reports), each in both scripts on invented texts: 分別 after a predicate clause (A和B持續增長，
分別達到X和Y), a bare generic head noun taking the clause subject (規模達到…, 總數達到…), 高出 and a
compared figure in parentheses (比全國（X%）高出…), 約佔…的N%, 已超 before a per-unit phrase, a
value in a clause of its own after a predicate clause (穩步提升，超過四成), leading 特別是 / 近年來,
均 over coordinated items, 年增長率, an age band and a top-N class inside a name."""

from __future__ import annotations

from decimal import Decimal

from pipeline.extract.test_figures_genre import SCRIPTS, figures, only, s


@SCRIPTS
def test_respectively_after_a_predicate_clause_names_the_items_of_that_clause(
    script: str,
) -> None:
    obs = figures(
        "全省網民規模和互聯網普及率穩步提升，分別達到3120萬人和68.4%，"
        "同比分別增長1.7%和0.9個百分點。",
        script,
    )
    users, rate = only(obs, "3120萬人", script), only(obs, "68.4%", script)
    assert (users.indicator, users.value, users.unit) == (
        s("網民規模", script),
        Decimal(31200000),
        s("人", script),
    )
    assert (rate.indicator, rate.value, rate.unit) == (
        s("互聯網普及率", script),
        Decimal("68.4"),
        "%",
    )
    up, points = only(obs, "1.7%", script), only(obs, "0.9個百分點", script)
    assert (up.kind, up.indicator, up.growth_of) == ("growth", users.indicator, obs.index(users))
    assert (points.kind, points.indicator, points.growth_of) == (
        "growth",
        rate.indicator,
        obs.index(rate),
    )
