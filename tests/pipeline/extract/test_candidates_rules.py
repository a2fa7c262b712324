"""graph.pipeline.extract.candidates_rules: the open-world rules file, its strict loader, and the
one-character fold that keeps folded offsets equal to clean offsets in both scripts."""

from __future__ import annotations

from pathlib import Path

from loader_support import refuses

from graph.pipeline.extract.candidates_rules import Folded, fold_word, load_rules, script_of


def test_language_tag_is_the_sources_script() -> None:
    assert script_of("重慶市網民數量") == "zh-Hant"
    assert script_of("重庆市网民数量") == "zh-Hans"


def test_rules_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "open_world.yaml"
    refuses(load_rules, bad, "left_context: []\n", r"^open_world.yaml: ")
    refuses(load_rules, bad, "- just a list\n", r"^open_world.yaml: expected a mapping")
    refuses(load_rules, bad, "{a: [\n", r"^open_world.yaml: not valid YAML")


def test_fold_keeps_offsets_in_both_scripts() -> None:
    hant, hans = "渝北區大數據發展局 \t局長", "渝北区大数据发展局 \t局长"
    for text in (hant, hans):
        folded = Folded.of(text)
        assert len(folded.norm) == len(text) and folded.text == text
    assert Folded.of(hant).norm == Folded.of(hans).norm == "渝北区大数据发展局  局长"
    assert fold_word("ＡＰＰ") == "app"


def test_rule_words_are_folded_longest_first() -> None:
    rules = load_rules()
    assert rules.agency_suffixes == tuple(sorted(rules.agency_suffixes, key=lambda w: (-len(w), w)))
    assert all(w == fold_word(w) for w in rules.agency_suffixes)


def test_standalone_titles_must_be_post_titles(tmp_path: Path) -> None:
    """A standalone title finds officials with no agency before it, so it must be a title the
    relation extractor knows (titles.yaml); a typo would silently find nobody."""
    from graph.pipeline.extract.candidates_rules import OPEN_WORLD_FILE

    body = OPEN_WORLD_FILE.read_text(encoding="utf-8")
    assert "standalone_titles: [" in body
    bad = body.replace("standalone_titles: [", "standalone_titles: [副總統, ", 1)
    refuses(load_rules, tmp_path / "open_world.yaml", bad, r"^open_world.yaml: standalone_titles")
    assert "副市长" in load_rules().standalone_titles


def test_numeral_quote_heads_must_be_quote_heads(tmp_path: Path) -> None:
    """A numeral-initial quote takes its class from its head in quote_heads, so a head missing
    there is refused rather than classed by a guess."""
    from graph.pipeline.extract.candidates_rules import OPEN_WORLD_FILE

    body = OPEN_WORLD_FILE.read_text(encoding="utf-8")
    assert "quote_numeral_heads: [" in body
    bad = body.replace("quote_numeral_heads: [", "quote_numeral_heads: [小程序, ", 1)
    refuses(load_rules, tmp_path / "open_world.yaml", bad, r"^open_world.yaml: quote_numeral_heads")
    assert "平台" in load_rules().quote_numeral_heads
