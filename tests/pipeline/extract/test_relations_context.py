"""graph.pipeline.extract.relations_context: the strict words loader and the split of mentions
into top-level and nested ones that every relation rule reads."""

from __future__ import annotations

from pathlib import Path

from loader_support import refuses

from graph.model import Mention
from graph.pipeline.extract.relations_context import load_words, split_nested


def test_relation_words_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "relations.yaml"
    refuses(load_words, bad, "speech_verbs: []\n", r"^relations.yaml: ")
    refuses(load_words, bad, "- a list\n", r"^relations.yaml: expected a mapping of word lists$")


def test_words_are_folded_once_for_both_scripts() -> None:
    words = load_words()
    assert "介绍" in words.speech_verbs  # written 介紹 in the file, matched folded


def test_a_place_inside_a_name_is_nested() -> None:
    outer = Mention("project/pilot", 0, 12, "國家(渝中區)試點", "s1", "")
    inner = Mention("place/yuzhong", 3, 6, "渝中區", "s1", "")
    other = Mention("agency/x", 14, 18, "某某局", "s1", "")
    top, nested = split_nested([other, inner, outer])
    assert top == [outer, other]
    assert nested == [(outer, inner)]
