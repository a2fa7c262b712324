"""``graph.curation.labels``: labels.yaml is read strictly, one line naming the file and key."""

from __future__ import annotations

import re
from pathlib import Path

from loader_support import refuses

from graph.curation.labels import LABELS_FILE, load_label_rules
from graph.pipeline.extract.grammar import fold_aligned


def test_the_shipped_file_loads_with_every_section() -> None:
    rules = load_label_rules(LABELS_FILE)
    assert rules.leading is not None and rules.trailing is not None
    assert rules.anaphora and rules.right_stop and rules.named_statistic
    # words are folded at load: a zh-Hant word matches folded (Simplified) text
    assert fold_aligned("這一數字") in rules.anaphora


def test_area_words_join_the_leading_rule_and_the_flow_context() -> None:
    area = re.compile(r"某縣")
    with_area = load_label_rules(LABELS_FILE, area=area)
    without = load_label_rules(LABELS_FILE)
    assert with_area.leading is not None and without.leading is not None
    assert with_area.leading.match("某縣網站數量", 0, 6) == (0, 2)
    assert without.leading.match("某縣網站數量", 0, 6) is None
    assert with_area.flow_context is not None and area in with_area.flow_context.alternatives


def test_a_misspelled_or_misshapen_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "labels.yaml"
    refuses(load_label_rules, path, "leadin:\n  words: [其中]\n", r"^labels.yaml: unknown keys")
    refuses(load_label_rules, path, "leading: [其中]\n", r"^labels.yaml: expected a mapping")
    refuses(
        load_label_rules,
        path,
        "leading:\n  word: [其中]\n",
        r"^labels.yaml: 'leading' has unknown keys \['word'\]",
    )
    refuses(load_label_rules, path, "anaphora: 規模\n", r"^labels.yaml: anaphora must be a list")
    refuses(load_label_rules, path, "right_stop: [納入, 1]\n", r"^labels.yaml: right_stop has")
    refuses(load_label_rules, path, "topic_marker: [對]\n", r"^labels.yaml: topic_marker must")


def test_a_word_written_in_both_scripts_is_refused(tmp_path: Path) -> None:
    # one list for both scripts: 規模 and 规模 fold to one word
    refuses(
        load_label_rules,
        tmp_path / "labels.yaml",
        "anaphora: [規模, 规模]\n",
        r"^labels.yaml: anaphora lists '规模' twice",
    )


def test_a_named_statistic_frame_needs_its_group(tmp_path: Path) -> None:
    path = tmp_path / "labels.yaml"
    refuses(load_label_rules, path, "named_statistic: ['(.+)上']\n", r"needs a group \(\?P<x>")
    refuses(load_label_rules, path, "named_statistic: ['(?P<x>']\n", r"^labels.yaml: bad pattern")


def test_suffix_of_the_joined_pattern_is_the_loop_over_alternatives() -> None:
    """``Rule.suffix`` through one joined pattern gives what the loop over alternatives gives,
    on every rule of labels.yaml, at every end of texts in both scripts."""
    import dataclasses

    from graph.curation.grammar import fold_aligned
    from graph.curation.labels import Rule, load_label_rules

    texts = [
        "全市网民规模达到3500万人，其中农村网民规模超过800万人，同比增长5.2%",
        "全市網民規模達到3500萬人，其中農村網民規模超過800萬人，同比增長5.2%",
        "重庆市两江新区数字经济核心产业增加值占GDP的比重为10.5%以上",
        "重慶市兩江新區數字經濟核心產業增加值佔GDP的比重為10.5%以上",
    ]
    rules = load_label_rules()
    texts = [fold_aligned(t) for t in texts]
    checked = found = 0
    for f in dataclasses.fields(rules):
        rule = getattr(rules, f.name)
        if not isinstance(rule, Rule) or rule.joined is None:
            continue
        looped = Rule.__new__(Rule)
        object.__setattr__(looped, "alternatives", rule.alternatives)
        object.__setattr__(looped, "joined", None)
        for text in texts:
            for end in range(1, len(text) + 1):
                got = rule.suffix(text, 0, end)
                assert got == looped.suffix(text, 0, end), (f.name, end)
                checked += 1
                found += got is not None
    assert checked > 1000 and found > 10
