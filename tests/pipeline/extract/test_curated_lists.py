"""Word lists the extraction rules read from ``graph/curation/`` rather than from code: each
test shows the shipped key holds the words (matching either script) and that the rule follows
the loaded list when it is replaced."""

from __future__ import annotations

from dataclasses import replace

import pytest

from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract import indicators, metrics_drafts, values_share
from graph.pipeline.extract.grammar import fold_aligned
from graph.text import to_hans


def test_people_nouns_before_a_size_come_from_labels_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = indicators.label_rules()
    assert {fold_aligned(w) for w in ("用戶", "網民", "人口", "居民")} <= set(rules.people_nouns)
    for label in ("網絡購物用戶規模", to_hans("網絡購物用戶規模")):  # either script
        assert values_share.people_counted(label) == label[:-2]
    assert values_share.people_counted("數字經濟規模") == "數字經濟規模"  # an economy's size
    # the rule reads the loaded list: another list, another reading
    other = replace(rules, people_nouns=(fold_aligned("經濟"),))
    monkeypatch.setattr(indicators, "label_rules", lambda: other)
    assert values_share.people_counted("數字經濟規模") == "數字經濟"
    assert values_share.people_counted("網絡購物用戶規模") == "網絡購物用戶規模"


def test_a_spread_of_rates_is_framed_by_grammar_yaml_range_frames(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = gw.words()
    assert fold_aligned("介於") in w.range_frame_open and fold_aligned("之間") in w.range_frame_close
    for text in ("增速介於各地8%至19%", to_hans("增速介於各地8%至19%之間")):  # either script
        f = fold_aligned(text)
        end = f.index("%", f.index("至")) + 1
        assert metrics_drafts._range_framed(f, 0, f.index("8"), end)
    plain = fold_aligned("增幅可達15%至20%")
    assert not metrics_drafts._range_framed(plain, 0, plain.index("1"), len(plain))
    # the rule reads the loaded lists: with 可達 as the only opener the forecast is framed
    # and 介於 no longer is
    other = replace(w, range_frame_open=(fold_aligned("可達"),), range_frame_close=("§",))
    monkeypatch.setattr(gw, "words", lambda: other)
    assert metrics_drafts._range_framed(plain, 0, plain.index("1"), len(plain))
    f = fold_aligned("增速介於各地8%至19%之間")
    assert not metrics_drafts._range_framed(f, 0, f.index("8"), f.index("之"))
