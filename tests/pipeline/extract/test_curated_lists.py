"""Word lists the extraction rules read from ``graph/curation/`` rather than from code: each
test shows the shipped key holds the words (matching either script) and that the rule follows
the loaded list when it is replaced."""

from __future__ import annotations

from dataclasses import replace

import pytest

from graph.pipeline.extract import indicators, values_share
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

