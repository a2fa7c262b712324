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
