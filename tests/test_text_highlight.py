"""``graph.text.highlight``: the one function that marks a quote inside its sentence (resource
pages and the viewer). Offsets decide between repeated quotes; wrong offsets are not trusted."""

from __future__ import annotations

import pytest

from graph.text import Highlight, highlight


@pytest.mark.parametrize(
    ("sentence", "quote"),
    [
        ("網民增長，網民規模再創新高。", "網民"),  # 繁
        ("网民增长，网民规模再创新高。", "网民"),  # 简
    ],
)
def test_offsets_pick_the_quoted_occurrence_in_both_scripts(sentence: str, quote: str) -> None:
    second = sentence.index(quote, 1)
    h = highlight(sentence, 100, quote, 100 + second)
    assert h == Highlight(sentence[:second], quote, sentence[second + len(quote) :])
    assert h.before + h.mark + h.after == sentence
    # without offsets (or with offsets that point elsewhere) the first occurrence is marked
    assert highlight(sentence, None, quote, None).before == ""
    assert highlight(sentence, 100, quote, 101).before == ""


def test_no_sentence_marks_the_quote_and_no_quote_marks_nothing() -> None:
    assert highlight("", 0, "五千萬", 3) == Highlight("", "五千萬", "")
    assert highlight("Growth was 12%.", 0, "", 0) == Highlight("Growth was 12%.", "", "")
    assert highlight("Growth was 12%.", 0, "13%", 11) == Highlight("Growth was 12%.", "", "")
