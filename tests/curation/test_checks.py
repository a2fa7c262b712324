"""graph.curation.checks: ``checks.yaml`` read strictly, folded with the check's fold."""

from __future__ import annotations

from pathlib import Path

from loader_support import refuses

from graph.curation.checks import SECTIONS, CheckWords, load_check_words
from graph.pipeline.extract.grammar import fold_word


def _load(path: Path) -> CheckWords:
    return load_check_words(fold_word, path)


def test_every_list_is_read_folded_and_longest_first() -> None:
    words = load_check_words(fold_word)
    assert set(SECTIONS) == set(CheckWords.__slots__)
    for key in CheckWords.__slots__:
        got = getattr(words, key)
        assert got and list(got) == sorted(got, key=lambda w: (-len(w), w)), key
    # written once in zh-Hant, matched on folded text of either script
    assert fold_word("佔比") in words.share and fold_word("占比") in words.share
    assert fold_word("当中") in words.total_after and fold_word("合计") in words.exhaustive


def test_defects_are_one_line_naming_the_file_and_the_list(tmp_path: Path) -> None:
    bad = tmp_path / "checks.yaml"
    refuses(_load, bad, "- a list\n", r"^checks.yaml: expected a mapping of check word lists$")
    refuses(
        _load, bad, "parts_vs_total: {}\n",
        r"^checks.yaml: share_from_counts.share must be a non-empty list of words$",
    )  # fmt: skip
    body = (
        "share_from_counts: {share: [佔], total_after: [中], fill: [有], of: [佔], of_end: [的]}\n"
        "parts_vs_total: {parts: [其中], exhaustive: [合計, 合计], breaks: [。]}\n"
    )
    refuses(_load, bad, body, r"^checks.yaml: parts_vs_total.exhaustive lists '合计' twice")
