"""Flattened tables (``values_table``): which unit a bare cell is read in."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from graph.curation.qualifiers import load_qualifiers
from graph.model import InputError
from graph.text import to_hans
from pipeline.extract.test_figures_open_world import SCRIPTS, TABLE_STYLES, _table, figures


@SCRIPTS
@TABLE_STYLES
def test_a_column_header_s_own_unit_wins_over_the_row_s(
    script: str, sep: str, open_: str, close: str
) -> None:
    """增速（%）under rows in （億元）: the growth cells are per cent, the level cells 億元."""
    body = "附表：產業規模\n" + _table(
        [
            ["指標", "2028年", "2029年", "增速（%）"],
            ["雲服務收入（億元）", "420", "505", "20.2"],
            ["規模以上軟件企業（家）", "118", "131", "11"],
        ],
        sep,
        open_,
        close,
    )
    obs = figures(body, script)
    got = {o.stated_value: (o.kind, o.value, o.unit) for o in obs}
    assert got["420"] == ("quantity", Decimal("42000000000"), "元")
    assert got["505"] == ("quantity", Decimal("50500000000"), "元")
    # the growth column is per cent: never 20.2 億元 (a wrong magnitude) nor 11 家
    assert got["20.2"] == ("growth", Decimal("20.2"), "%")
    assert got["11"] == ("growth", Decimal("11"), "%")


@SCRIPTS
def test_a_column_header_with_no_unit_leaves_the_row_s_unit(script: str) -> None:
    """比上年增加 with no unit of its own: the increase is in the row's unit (as before)."""
    body = "附表\n" + _table(
        [["指標", "數值", "比上年增加"], ["物聯網終端（萬戶）", "96.7", "11.3"]], "｜", "（", "）"
    )
    got = {o.stated_value: (o.value, o.unit) for o in figures(body, script)}
    assert got["11.3"] == (Decimal("113000"), "戶")


@pytest.mark.parametrize(
    ("sentence", "stated", "qualifier"),
    [
        ("全年簽約88個算力項目。", "88個", "exact"),  # 簽約: signed, not 約 "about"
        ("全年簽約約88個算力項目。", "約88個", "approximately"),  # the second 約 is the marker
        ("平臺預約掛號3400萬人次。", "3400萬人次", "exact"),
        ("全年約88個算力項目落地。", "約88個", "approximately"),
        # 集約 and 合約 are words too, but a noun before 約 is commoner (數據集約4800個)
        ("開放數據集約4800個。", "約4800個", "approximately"),
        ("增速趕超120家同類企業。", "120家", "exact"),  # 趕超 is "overtake"
        ("入駐企業超120家。", "超120家", "more-than"),
    ],
)
@SCRIPTS
def test_a_word_ending_in_a_marker_is_no_marker(
    script: str, sentence: str, stated: str, qualifier: str
) -> None:
    obs = figures(sentence, script)
    want = stated if script == "hant" else to_hans(stated)
    (o,) = [o for o in obs if o.stated_value == want]
    assert o.qualifier == qualifier


def test_a_not_in_word_must_end_in_one_of_its_row_s_prefixes(tmp_path: Path) -> None:
    bad = tmp_path / "qualifiers.yaml"
    bad.write_text(
        "- id: approximately\n  zh: 約\n  en: approximately\n  definition: d\n"
        "  prefix: [約]\n  not_in: [約定俗成]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="not_in word '約定俗成'"):
        load_qualifiers(bad)
