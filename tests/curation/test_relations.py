"""graph.curation.relations: ``relations.yaml`` read strictly, folded with the rules' fold."""

from __future__ import annotations

from pathlib import Path

from loader_support import refuses

from graph.curation.relations import Words, load_relation_words
from graph.pipeline.extract.candidates_rules import fold_word


def _load(path: Path) -> Words:
    return load_relation_words(fold_word, path)


def test_every_list_is_read_folded_and_longest_first() -> None:
    words = load_relation_words(fold_word)
    for key in Words.__slots__:
        got = getattr(words, key)
        assert got and list(got) == sorted(got, key=lambda w: (-len(w), w)), key
    assert fold_word("介紹") in words.speech_verbs and fold_word("介绍") in words.speech_verbs
    assert fold_word("联合") in words.joint_words


def test_defects_are_one_line_naming_the_file_and_the_list(tmp_path: Path) -> None:
    bad = tmp_path / "relations.yaml"
    refuses(_load, bad, "- a list\n", r"^relations.yaml: expected a mapping of word lists$")
    refuses(_load, bad, "speech_verbs: []\n", r"^relations.yaml: speech_verbs must be a non-empty")
    lists = "".join(f"{k}: [詞]\n" for k in Words.__slots__ if k != "joint_words")
    refuses(
        _load, bad, lists + "joint_words: [聯合, 联合]\n",
        r"^relations.yaml: joint_words lists '联合' twice",
    )  # fmt: skip
