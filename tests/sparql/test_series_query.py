"""``indicator-series`` on the seed + fixtures a (2022 edition) and c (2023 edition).

Expected rows were read from the fixture gold files (a01 2285万人 in 2022; c01 2362万人 and
its growth c02 77万人 in 2023) and from the seed's cleaned text (網民數量達 2362 萬人 and
網民數量2362萬人).
The label may be given in either script or in English: the answer is the same.
"""

from __future__ import annotations

import pytest
from series_support import FIXTURE_A, FIXTURE_C, gold, series_build

from graph.pipeline.run import BuildResult
from graph.sparql.catalogue import bind_query, load_query
from graph.sparql.engines import open_engine, run_query

SEED = "hualong-2024-10-12-cq-internet-report-2023"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    build: BuildResult = series_build(tmp_path_factory)
    return open_engine("oxigraph", build.out_dir)


def series(engine, label: str) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    text = bind_query(load_query("indicator-series"), {"indicator": [label]})
    return [
        tuple("" if t is None else t.value for t in row)[:9] for row in run_query(engine, text).rows
    ]


@pytest.mark.slow
@pytest.mark.parametrize("label", ["網民數量", "网民数量", "Number of internet users"])
def test_series_of_internet_users_in_any_script(engine, label: str) -> None:  # type: ignore[no-untyped-def]
    a01, c01, c02 = gold("a/a01"), gold("c/c01"), gold("c/c02")
    assert series(engine, label) == [
        ("2022", "quantity", a01.value, "people", "exact", a01.stated_value, "2022", FIXTURE_A,
         "网民数量达2285万人"),
        ("2023", "growth", c02.value, "people", "exact", c02.stated_value, "2023", FIXTURE_C,
         "77万人"),
        ("2023", "quantity", c01.value, "people", "exact", c01.stated_value, "2023", FIXTURE_C,
         "网民数量2362万人"),
        ("2023", "quantity", c01.value, "people", "exact", "2362 萬人", "2023", SEED,
         "網民數量達 2362 萬人"),
        ("2023", "quantity", c01.value, "people", "exact", "2362萬人", "2023", SEED,
         "網民數量2362萬人"),
    ]  # fmt: skip


@pytest.mark.slow
def test_series_of_5g_base_stations_with_its_qualifiers(engine) -> None:  # type: ignore[no-untyped-def]
    a06, c04, c05 = gold("a/a06"), gold("c/c04"), gold("c/c05")
    got = [r[:6] for r in series(engine, "5G基站") if r[0] in {"2022", "2023"}]
    assert got == [
        ("2022", "quantity", a06.value, "units (count)", "cumulative", a06.stated_value),
        ("2023", "growth", c05.value, "percent", "exact", c05.stated_value),
        ("2023", "quantity", c04.value, "units (count)", "exact", c04.stated_value),
    ]


def test_unknown_indicator_is_empty(engine) -> None:  # type: ignore[no-untyped-def]
    assert series(engine, "沒有這個指標") == []
