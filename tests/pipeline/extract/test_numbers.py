"""The number grammar: 萬/億 multipliers, units, qualifier markers, Chinese ordinals."""

from __future__ import annotations

from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import InputError
from graph.pipeline.extract import numbers
from graph.text import to_hans

STATED = [
    ("2362萬人", "23620000", "人", "exact"),
    ("2362 萬人", "23620000", "人", "exact"),
    ("超74%", "74", "%", "more-than"),
    ("74.01%", "74.01", "%", "exact"),
    ("4567.79萬", "45677900", "", "exact"),
    ("2296.6億元", "229660000000", "元", "exact"),
    ("1.9億", "190000000", "", "exact"),
    ("300余家", "300", "家", "more-than-approximately"),
    ("3000余萬張", "30000000", "張", "more-than-approximately"),
    ("超 160萬余條", "1600000", "條", "more-than"),
    ("90%以上", "90", "%", "at-least"),
    ("突破5億元", "500000000", "元", "more-than"),
    ("68.25 萬臺(套)", "682500", "臺(套)", "exact"),
    ("2500P", "2500", "P", "exact"),
    ("超100萬人次", "1000000", "人次", "more-than"),
    ("23.3 小時", "23.3", "小時", "exact"),
    ("400公里", "400", "公里", "exact"),
    ("5毫秒", "5", "毫秒", "exact"),
    ("1萬億元", "1000000000000", "元", "exact"),
    ("39.2兆元", "39200000000000", "元", "exact"),  # Taiwan's trillion, before a currency
    ("逾1.5兆元", "1500000000000", "元", "more-than"),
    ("8.1ZB", "8.1", "ZB", "exact"),
]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("100兆寬帶用戶", "100", ""),  # mega: 100 Mbit/s broadband, never 1e14
        ("裝機容量300兆瓦", "300", "兆瓦"),
        ("建成萬兆光網", None, None),
    ],
)
@pytest.mark.parametrize("script", ["hant", "hans"])
def test_zhao_scales_only_before_a_currency(
    text: str, value: str | None, unit: str | None, script: str
) -> None:
    """兆 is a trillion in 39.2兆元 and mega everywhere else (units.yaml ``before``)."""
    text = to_hans(text) if script == "hans" else text
    found = numbers.find_all(text)
    if value is None:
        assert found == [] and numbers.find_cn_magnitudes(text) == []
    else:
        (m,) = found
        assert (str(m.value), m.unit) == (value, unit)


@pytest.mark.parametrize("text", ["兩兆元", "两兆元"])
def test_zhao_after_a_chinese_numeral(text: str) -> None:
    (c,) = numbers.find_cn_magnitudes(text)
    assert (c.value, c.unit) == (2 * 10**12, "元")


@pytest.mark.parametrize(("stated", "value", "unit", "qualifier"), STATED)
def test_parse_stated_values(stated: str, value: str, unit: str, qualifier: str) -> None:
    (m,) = numbers.find_all(stated)
    assert m.value == Decimal(value)
    assert str(m.value) == value  # canonical: no exponent, no trailing zeros
    assert m.unit == unit and m.qualifier == qualifier
    assert stated[m.begin : m.end] == stated
    assert numbers.parse_number(stated) == Decimal(value)


@pytest.mark.parametrize(("stated", "value", "unit", "qualifier"), STATED)
def test_parse_stated_values_in_simplified_script(
    stated: str, value: str, unit: str, qualifier: str
) -> None:
    """The same rows read zh-Hans text (2362万人): the unit is the curated spelling."""
    hans = to_hans(stated)
    (m,) = numbers.find_all(hans)
    assert m.value == Decimal(value) and str(m.value) == value
    assert m.unit == unit and m.qualifier == qualifier
    assert hans[m.begin : m.end] == hans
    assert numbers.parse_number(hans) == Decimal(value)


def test_exact_marker_is_consumed_but_not_stated() -> None:
    text = "網民數量達 2362 萬人,"
    (m,) = numbers.find_all(text)
    assert text[m.begin : m.end] == "2362 萬人"
    assert text[m.match_begin] == "達"
    assert m.qualifier == "exact"


def test_not_a_number() -> None:
    assert numbers.parse_number("萬人") is None
    assert numbers.parse_number("") is None
    assert numbers.parse_number("2362萬人口") is None  # 口 is not a unit: not a whole figure
    assert numbers.find_all("每萬人擁有") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("兩", 2),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十五", 35),
        ("一百零五", 105),
    ],
)
def test_parse_cn_int(text: str, value: int) -> None:
    assert numbers.parse_cn_int(text) == value


def test_parse_cn_int_rejects_other_text() -> None:
    assert numbers.parse_cn_int("") is None
    assert numbers.parse_cn_int("梯隊") is None
    assert numbers.parse_cn_int("1") is None


def test_bad_units_file(tmp_path: Path) -> None:
    bad = tmp_path / "units.yaml"
    bad.write_text("units: []\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^units.yaml: "):
        numbers.load_units(bad)


def test_bad_qualifiers_file(tmp_path: Path) -> None:
    bad = tmp_path / "qualifiers.yaml"
    bad.write_text("- id: exact\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^qualifiers.yaml: "):
        numbers.load_qualifiers(bad)


_values = st.decimals(
    min_value=Decimal("0.01"), max_value=Decimal("99999999"), places=2, allow_nan=False
)


def _stated(value: Decimal, multiplier: str) -> str:
    """How an article states ``value`` with a multiplier word (23620000, 萬 -> '2362萬')."""
    if multiplier:
        with localcontext() as ctx:
            ctx.prec = len(value.as_tuple().digits) + 40
            value = value / numbers.grammar().multipliers[multiplier]
    return format(numbers.clean_decimal(value), "f") + multiplier


@settings(max_examples=200, deadline=None)
@given(value=_values, multiplier=st.sampled_from(["", "萬", "億", "萬億"]))
def test_round_trip_format_then_parse(value: Decimal, multiplier: str) -> None:
    scaled = value * numbers.grammar().multipliers[multiplier] if multiplier else value
    stated = _stated(scaled, multiplier)
    assert numbers.parse_number(stated) == scaled


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from("0123456789.萬億余多超達以上%人個元 ,、第一中"), max_size=40
    )
)
def test_never_raises_on_arbitrary_text(text: str) -> None:
    for m in numbers.find_all(text):
        assert 0 <= m.begin <= m.digits_begin < m.digits_end <= m.end <= len(text)
        assert m.value >= 0
    result = numbers.parse_number(text)
    assert result is None or isinstance(result, Decimal)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_never_raises_on_any_unicode(text: str) -> None:
    numbers.find_all(text)
    numbers.parse_number(text)


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f", "\u2009", "\u3000", "\t"])
def test_any_horizontal_space_inside_a_figure(space: str) -> None:
    """The cleaner keeps every space separator (it never folds spaces), so the grammar must
    read 2362<space>萬人 whatever the space is."""
    assert numbers.parse_number(f"2362{space}萬人") == Decimal("23620000")


@pytest.mark.parametrize(
    "text",
    [
        "行動電話用戶（萬戶）\t4012\t3987\t-0.6%",  # a table row flattened to text, 繁
        "移动电话用户（万户）\t4012\t3987\t-0.6%",  # the same row, 简
        "由20至10個",  # a fall written with 至 is two figures
        "由20至10个",
    ],
)
def test_a_range_that_does_not_ascend_is_two_figures(text: str) -> None:
    """A separator between a larger and a smaller number is not a range (value_max > value)."""
    found = numbers.find_all(text)
    assert found, text
    assert all(m.value_max is None for m in found)
    assert [m.value for m in found][-2:] in (
        [Decimal("3987"), Decimal("0.6")],
        [Decimal("20"), Decimal("10")],
    )


@pytest.mark.parametrize("text", ["增長10%-15%", "增长10%-15%", "3萬至5萬戶", "3万至5万户"])
def test_an_ascending_range_stays_one_figure(text: str) -> None:
    found = numbers.find_all(text)
    assert len(found) == 1
    assert found[0].value_max is not None and found[0].value_max > found[0].value


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_chinese_numeral_magnitudes(script: str) -> None:
    """A Chinese numeral before 萬/億/萬億 scales like digits do (逾四千億元); 千萬 is 千 + 萬;
    a magnitude alone counts only after a bounding marker (近萬人, not 千家萬戶)."""
    text = "收入逾四千億元,用戶三千萬戶,企業近萬家,惠及千家萬戶,規模一萬億元。"
    text = text if script == "hant" else to_hans(text)
    got = [
        (text[c.stated_start : c.end], c.value, c.unit, c.qualifier)
        for c in numbers.find_cn_magnitudes(text)
    ]
    want = [
        ("逾四千億元", 400000000000, "元", "more-than"),
        ("三千萬戶", 30000000, "戶", "exact"),
        ("近萬家", 10000, "家", "nearly"),
        ("一萬億元", 1000000000000, "元", "exact"),
    ]
    assert got == [(to_hans(s) if script == "hans" else s, v, u, q) for s, v, u, q in want]
