"""The loaders of grammar.yaml, periods.yaml and layout.yaml live in the curation package;
the stages (extract.grammar, extract.period, segment) use those very objects, so a stage can
never read a file with rules of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.curation import grammar, layout, periods
from graph.model import InputError
from graph.pipeline import segment
from graph.pipeline.extract import grammar as extract_grammar
from graph.pipeline.extract import period


def test_the_stages_read_the_curation_loaders() -> None:
    assert extract_grammar.load_words is grammar.load_words
    assert extract_grammar.fold_aligned is grammar.fold_aligned
    assert period.load_rules is periods.load_rules and period.rules is periods.rules
    assert segment.load_layout is layout.load_layout and segment.layout is layout.layout


def test_the_loaders_read_the_shipped_files_in_both_scripts() -> None:
    w = grammar.words()
    assert w.rank_verbs == grammar.load_words().rank_verbs and "排名" in w.rank_verbs
    r = periods.rules()
    assert r.area_ids["全国"] == "place/china"  # written 全国, folded at load
    m = r.area.match(grammar.fold_aligned("全國"))
    assert m is not None and m.group("w") == "全国"
    lay = layout.layout()
    assert lay.byline.match(grammar.fold_aligned("責任編輯：王某"))
    assert lay.byline.match(grammar.fold_aligned("责任编辑：王某"))


@pytest.mark.parametrize(
    ("loader", "name", "broken", "message"),
    [
        (grammar.load_words, "grammar.yaml", "numerals: [\n", r"^grammar.yaml: not valid YAML"),
        (periods.load_rules, "periods.yaml", "areas: [\n", r"^periods.yaml: not valid YAML"),
        (layout.load_layout, "layout.yaml", "credit_words: [\n", r"^layout.yaml: not valid"),
        (layout.load_layout, "layout.yaml", "- a list\n", r"^layout.yaml: expected lists"),
    ],
)
def test_a_broken_file_is_one_line_naming_it(
    tmp_path: Path, loader: object, name: str, broken: str, message: str
) -> None:
    bad = tmp_path / name
    bad.write_text(broken, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        loader(bad)  # type: ignore[operator]
    assert "\n" not in str(err.value)
