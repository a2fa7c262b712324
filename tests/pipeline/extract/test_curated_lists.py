"""Word lists the extraction rules read from ``graph/curation/`` rather than from code: each
test shows the shipped key holds the words (matching either script) and that the rule follows
the loaded list when it is replaced."""

from __future__ import annotations

from dataclasses import replace

import pytest

from graph.curation.registry import Entity
from graph.pipeline.extract import (
    candidates,
    entities,
    indicators,
    metrics_drafts,
    values,
    values_patterns,
    values_share,
)
from graph.pipeline.extract import grammar as gw
from graph.pipeline.extract.candidates_rules import Rules, fold_word, load_rules
from graph.pipeline.extract.grammar import fold_aligned
from graph.text import to_hans

from .conftest import stand_in


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
    assert (
        fold_aligned("介於") in w.range_frame_open and fold_aligned("之間") in w.range_frame_close
    )
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


def _population_excluded(text: str) -> bool:
    """True when the count of the population in ``text`` (no rank after it) is excluded as a
    rank population."""
    f = fold_aligned(text)
    excluded: dict[int, str] = {}
    assert values.populations(f, 0, len(f), excluded) == []  # no rank follows
    return excluded == {next(i for i, c in enumerate(f) if c.isdigit()): "rank population"}


_ASKED = "重慶在西部12個省（區、市）中處在什麼位置"
_ASSESSED = "對全市38個區縣的數字化發展水平進行了綜合評價"


def test_a_position_or_an_assessment_after_a_population_comes_from_grammar_yaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = gw.words()
    assert fold_aligned("位次") in w.population_positions
    assert (
        fold_aligned("進行") in w.assessment_verbs
        and fold_aligned("綜合") in w.assessment_modifiers
    )
    assert fold_aligned("評價") in w.assessment_nouns
    for text in (_ASKED, _ASSESSED):
        for variant in (text, to_hans(text)):  # either script
            assert _population_excluded(variant), variant
    assert not _population_excluded("全市38個區縣的數字化發展水平不斷提升")
    # the patterns are built from the loaded lists: other words, other readings
    other = replace(
        w,
        population_positions=(fold_aligned("地位"),),
        assessment_nouns=(fold_aligned("評比"),),
    )
    monkeypatch.setattr(gw, "words", lambda: other)
    monkeypatch.setattr(values, "patterns", values_patterns.patterns.__wrapped__)
    assert not _population_excluded(_ASKED) and not _population_excluded(_ASSESSED)
    assert _population_excluded(_ASKED.replace("位置", "地位"))
    assert _population_excluded(to_hans(_ASSESSED.replace("評價", "評比")))


def _quoted_projects(text: str, registry: dict[str, Entity], rules: Rules) -> set[str]:
    clean, seg = stand_in(text, "t")
    curated, _ = entities.run(clean, seg, registry)
    cands, _, _ = candidates.run(clean, seg, registry, curated, rules=rules)
    return {c.label for c in cands if c.cls == "project" and c.rule == "quoted-name"}


def test_a_facility_phase_in_a_quoted_name_comes_from_open_world_yaml(
    registry: dict[str, Entity],
) -> None:
    rules = load_rules()
    assert fold_word("二") in rules.phase_numerals and fold_word("期項目") in rules.phase_words
    built = "由新區牽頭建設的“兩江雲谷智算中心二期”已於9月上線。"
    for text in (built, "啟用“明月山算力中心三期”。"):
        for variant in (text, to_hans(text)):  # either script
            name = variant[variant.index("“") + 1 : variant.index("”")]
            assert _quoted_projects(variant, registry, rules) == {name}, variant
    # the phase is read from the loaded lists: with 號 the only phase word, 二期 is no phase
    # (the quote ends in no facility head) and 二號 is one
    other = replace(rules, phase_words=(fold_word("號"),))
    for variant in (built, to_hans(built)):
        assert _quoted_projects(variant, registry, other) == set()
        numbered = variant.replace("二期", "二號")
        name = numbered[numbered.index("“") + 1 : numbered.index("”")]
        assert _quoted_projects(numbered, registry, other) == {name}
        assert _quoted_projects(numbered, registry, rules) == set()
