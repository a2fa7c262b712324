"""The shared checks of curated YAML: every defect is one line that starts with the file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.curation.schema import (
    longest_first,
    mapping,
    positive_int,
    read_yaml,
    str_list,
    word_list,
)
from graph.model import InputError


def _one_line(exc: pytest.ExceptionInfo[InputError]) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


def test_unreadable_and_malformed_files_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^missing.yaml: cannot read") as exc:
        read_yaml(tmp_path / "missing.yaml")
    _one_line(exc)
    bad = tmp_path / "broken.yaml"
    bad.write_text("words: [\n  - a\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^broken.yaml: not valid YAML") as exc:
        read_yaml(bad)
    _one_line(exc)


def test_shape_checks_name_the_file_and_the_key() -> None:
    path = Path("rules.yaml")
    with pytest.raises(InputError, match=r"^rules.yaml: expected a mapping of word lists$"):
        mapping(path, ["a"], "word lists")
    for value in (None, [], "詞", [1], ["詞", None]):
        with pytest.raises(InputError, match=r"^rules.yaml: words must be a non-empty list"):
            str_list(path, {"words": value}, "words")
    for value in (0, -1, True, "3", None):
        with pytest.raises(InputError, match=r"^rules.yaml: size must be a positive integer$"):
            positive_int(path, {"size": value}, "size")
    assert str_list(path, {"words": ["網信辦", "网信办"]}, "words") == ["網信辦", "网信办"]
    assert positive_int(path, {"size": 3}, "size") == 3


def test_longest_first_is_deterministic_and_distinct() -> None:
    assert longest_first(["以上", "及以上", "上", "以上", "下"]) == ("及以上", "以上", "上", "下")


def test_period_and_label_rules_read_through_the_shared_reader(tmp_path: Path) -> None:
    """periods.yaml and labels.yaml used to put the YAML parser's multi-line message into
    the error; through ``read_yaml`` a broken file is one line naming it."""
    from loader_support import refuses

    from graph.pipeline.extract import indicators, period

    broken = "words: [\n  - a\n"
    refuses(period.load_rules, tmp_path / "periods.yaml", broken, r"^periods.yaml: not valid")
    refuses(indicators.load_label_rules, tmp_path / "labels.yaml", broken, r"^labels.yaml: not")


def test_word_list_folds_refuses_and_orders_longest_first() -> None:
    """The one word-list shape: folded with the caller's fold, longest first; an empty or
    missing list, a non-word and a word written in both scripts are refused."""
    from graph.text import fold

    path = Path("rules.yaml")
    got = word_list(path, {"w": ["網信", "網信辦", "发布"]}, "w", fold)
    assert got == (fold("網信辦"), fold("發布"), fold("網信"))
    assert got == word_list(path, {"w": ["网信", "网信办", "發布"]}, "w", fold)  # either script
    for data in (None, [], {"w": []}, {"w": "詞"}, {}):
        with pytest.raises(
            InputError, match=r"^rules.yaml: sec.w must be a non-empty list of words$"
        ):
            word_list(path, data, "w", fold, "sec.w")
    with pytest.raises(InputError, match=r"^rules.yaml: w has a non-word entry 1$"):
        word_list(path, {"w": ["詞", 1]}, "w", fold)
    with pytest.raises(InputError, match=r"^rules.yaml: w lists '网信办' twice"):
        word_list(path, {"w": ["網信辦", "网信办"]}, "w", fold)


def test_the_fast_loader_reads_every_curated_file_as_the_safe_loader_does() -> None:
    """read_yaml may use libyaml's CSafeLoader; it must give PyYAML's safe_load data exactly."""
    import yaml

    from graph.curation import CURATION_DIR
    from graph.curation.schema import read_yaml

    files = sorted(CURATION_DIR.glob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path.name
