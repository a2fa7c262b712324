"""``indicators.yaml`` and ``themes.yaml``: strict loaders; the extractor and the assembler key
indicators by the same fold, so a label in either script finds its row."""

from __future__ import annotations

from pathlib import Path

import pytest
from loader_support import refuses

from graph.curation.indicators import INDICATORS_FILE, load_indicators
from graph.curation.vocabularies import Curation, load_themes
from graph.pipeline.extract import indicators


def test_both_readers_find_a_row_in_both_scripts() -> None:
    assert indicators.load_indicators is load_indicators
    rows = load_indicators()
    cur = Curation()
    for label in ("網民數量", "网民数量"):
        row = indicators.curated(label)
        assert row is not None and row["zh"] == "網民數量"
        assert cur.indicator_en(label) == row["en"]
        assert cur.curated_indicator(label) == ("網民數量", row["en"])
    assert cur.curated_indicator("從未出現的指標") is None
    assert list(rows) == sorted(rows, key=list(rows).index)  # file order kept


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("- zh: [\n", r"^indicators.yaml: not valid YAML"),
        ("zh: 網民數量\n", r"^indicators.yaml: expected a list of indicator rows$"),
        ("- zh: 只有中文\n", r"^indicators.yaml: row .* needs 'zh' and 'en'$"),
        (
            "- {zh: 網民數量, en: a}\n- {zh: 网民数量, en: b}\n",
            r"^indicators.yaml: '网民数量' repeats the row of '網民數量'$",
        ),
    ],
)
def test_a_malformed_indicators_file_is_one_line_naming_it(
    tmp_path: Path, body: str, message: str
) -> None:
    refuses(load_indicators, tmp_path / INDICATORS_FILE.name, body, message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("heading: x\n", r"^themes.yaml: expected a list of heading rows$"),
        ("- heading: 互聯網賦能\n", r"^themes.yaml: row .* needs 'heading' and 'en'$"),
        (
            "- {heading: 互聯網賦能, en: a}\n- {heading: 互聯網賦能, en: b}\n",
            r"^themes.yaml: heading '互聯網賦能' repeats$",
        ),
    ],
)
def test_a_malformed_themes_file_is_one_line_naming_it(
    tmp_path: Path, body: str, message: str
) -> None:
    refuses(load_themes, tmp_path / "themes.yaml", body, message)


def test_theme_and_title_lookups_in_both_scripts() -> None:
    cur = Curation()
    en = cur.theme_en("互聯網賦能高效能治理")
    assert en and cur.theme_en("互联网赋能高效能治理") == en
    assert cur.title_en("部長") and cur.title_en("部长") == cur.title_en("部長")
    assert cur.title_en("沒有的職務") is None
