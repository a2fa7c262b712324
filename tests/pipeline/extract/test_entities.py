"""graph.pipeline.extract.entities on the golden text: golden mentions, both scripts, exact spans.

Refresh the golden file after a reviewed registry change with
``CQKG_UPDATE_GOLDEN=1 .venv/bin/pytest tests/pipeline/extract/test_entities.py``.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.curation.registry import Entity, load_registry, match_key
from graph.model import CleanText, Level, Mention, Segmentation
from graph.pipeline.extract import entities
from graph.text import to_hans

from .conftest import GOLDEN, stand_in

GOLDEN_MENTIONS = GOLDEN / "mentions.tsv"
_REGISTRY = load_registry()
HEADER = "entity_id\tbegin\tend\tsurface\talias"


def _tsv(mentions: list[Mention]) -> str:
    rows = [f"{m.entity_id}\t{m.begin}\t{m.end}\t{m.surface}\t{m.alias}" for m in mentions]
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture(scope="module")
def found(
    golden: tuple[CleanText, Segmentation], registry: dict[str, Entity]
) -> tuple[list[Mention], list]:
    clean, seg = golden
    return entities.run(clean, seg, registry)


def test_golden_mentions(found: tuple[list[Mention], list]) -> None:
    actual = _tsv(found[0])
    if os.environ.get("CQKG_UPDATE_GOLDEN"):
        GOLDEN_MENTIONS.write_text(actual, encoding="utf-8")
    expected = GOLDEN_MENTIONS.read_text(encoding="utf-8")
    assert actual == expected, "mentions changed; review, then refresh with CQKG_UPDATE_GOLDEN=1"


def test_every_entity_mentioned_no_errors(
    found: tuple[list[Mention], list], registry: dict[str, Entity]
) -> None:
    mentions, findings = found
    assert [f for f in findings if f.level is Level.ERROR] == []
    assert {m.entity_id for m in mentions} == {e for e in registry if not registry[e].general}


def test_every_alias_used(found: tuple[list[Mention], list], registry: dict[str, Entity]) -> None:
    """Each alias is matched somewhere (else it is dead data or should be an alt_label)."""
    used = {(m.entity_id, m.alias) for m in found[0]}
    unused = [
        (e.id, a)
        for e in registry.values()
        for a in e.aliases
        if (e.id, a) not in used and not e.general
    ]
    assert unused == []


def test_every_guard_used(
    golden: tuple[CleanText, Segmentation], registry: dict[str, Entity]
) -> None:
    text = match_key(golden[0].text)
    for ent in registry.values():
        for alias, follow in ent.guards:
            for g in follow:
                assert match_key(alias + g) in text, f"{ent.id}: guard {alias}+{g} never applies"


def test_spans_exact_and_in_sentence(
    golden: tuple[CleanText, Segmentation], found: tuple[list[Mention], list]
) -> None:
    clean, seg = golden
    sentences = {s.id: s for s in seg.sentences}
    for m in found[0]:
        assert clean.text[m.begin : m.end] == m.surface
        assert match_key(m.surface) == match_key(m.alias)
        s = sentences[m.sentence_id]
        assert s.begin <= m.begin and m.end <= s.end, m


def test_no_partial_overlaps_only_parenthesised_nesting(
    golden: tuple[CleanText, Segmentation], found: tuple[list[Mention], list]
) -> None:
    text = golden[0].text
    ms = found[0]
    nested = 0
    for a in ms:
        for b in ms:
            if a is b or a.end <= b.begin or b.end <= a.begin:
                continue
            outer, inner = (a, b) if a.end - a.begin > b.end - b.begin else (b, a)
            assert outer.begin < inner.begin and inner.end < outer.end, (a, b)
            assert text[inner.begin - 1] in "(（" and text[inner.end] in ")）", (a, b)
            nested += 1
    assert nested == 2 * 5  # each pair seen twice: 渝中區 渝北區 西部 重慶 重慶


def test_longest_match_wins(found: tuple[list[Mention], list]) -> None:
    by_surface = {(m.surface, m.entity_id) for m in found[0]}
    assert ("重慶通信管理局", "agency/cq-communications-administration") in by_surface
    assert (
        "全國一體化算力網絡成渝樞紐節點",
        "project/chengdu-chongqing-computing-hub",
    ) in by_surface
    assert ("西部數據交易中心", "platform/western-data-exchange") in by_surface
    assert ("市委網信辦", "agency/cq-cac") in by_surface
    # no mention of 市委 inside 市委網信辦 / 市委宣傳部
    assert Counter(m.entity_id for m in found[0])["agency/cq-party-committee"] == 2


def test_guards_and_scope_words(
    golden: tuple[CleanText, Segmentation], found: tuple[list[Mention], list]
) -> None:
    text = golden[0].text
    at = {m.begin: m for m in found[0]}
    first = text.index("全國首個")
    assert at[first].entity_id == "place/china"  # 全國 in 全國首個 is China (the scope)
    pos = text.index("全國產化")
    assert pos not in at and pos + 1 not in at  # 全 + 國產化
    citizens = text.index("重慶市民")
    assert at[citizens].surface == "重慶"  # 重慶 + 市民


def test_zh_hans_source_finds_the_same(
    found: tuple[list[Mention], list], registry: dict[str, Entity]
) -> None:
    from .conftest import golden_text

    hans = to_hans(golden_text())
    assert hans != golden_text() and len(hans) == len(golden_text())
    clean, seg = stand_in(hans)
    mentions, findings = entities.run(clean, seg, registry)
    assert [f for f in findings if f.level is Level.ERROR] == []
    assert [(m.entity_id, m.begin, m.end, m.alias) for m in mentions] == [
        (m.entity_id, m.begin, m.end, m.alias) for m in found[0]
    ]
    assert any(m.surface == "渝快办" for m in mentions)


def test_width_and_whitespace_insensitive(registry: dict[str, Entity]) -> None:
    text = "“渝快辦”與ＧＰＴ－４、5G + 工業互聯網、重 慶通信管理局。"
    clean, seg = stand_in(text, "t")
    got = [(m.entity_id, m.surface) for m in entities.run(clean, seg, registry)[0]]
    assert got == [
        ("platform/yukuaiban", "渝快辦"),
        ("product/gpt-4", "ＧＰＴ－４"),
        ("project/5g-plus-industrial-internet", "5G + 工業互聯網"),
        ("agency/cq-communications-administration", "重 慶通信管理局"),
    ]


def test_ascii_names_need_word_boundaries(registry: dict[str, Entity]) -> None:
    text = "IPv6X與15G不是名稱,IPv6是。"
    clean, seg = stand_in(text, "t")
    got = [(m.entity_id, m.begin) for m in entities.run(clean, seg, registry)[0]]
    assert got == [("product/ipv6", text.rindex("IPv6"))]


def test_unmentioned_entity_is_reported(registry: dict[str, Entity]) -> None:
    """Per source it is INFO; graph.pipeline.run fails when an entity is mentioned in no source."""
    clean, seg = stand_in("渝快辦上線。", "t")
    mentions, findings = entities.run(clean, seg, registry)
    assert not [f for f in findings if f.level is Level.ERROR]
    errors = [f for f in findings if f.code == "entity-unmentioned" and f.level is Level.INFO]
    assert [m.entity_id for m in mentions] == ["platform/yukuaiban"]
    assert len(errors) == len(registry) - 1
    assert any(f.message.startswith("agency/cq-cac:") for f in errors)
    assert all(f.stage == "extract.entities" for f in errors)


def test_alt_labels_are_never_matched(registry: dict[str, Entity]) -> None:
    clean, seg = stand_in("重慶市大數據應用發展管理局與智博會。", "t")
    got = {m.entity_id for m in entities.run(clean, seg, registry)[0]}
    assert "agency/cq-big-data-bureau" not in got
    assert "event/smart-china-expo-2023" not in got


_PIECES = [
    "渝快辦",
    "重慶",
    "重慶市",
    "市民",
    "全國",
    "產化",
    "(",
    ")",
    "渝中區",
    "國家",
    "GPT-4",
    " ",
    "x",
    "。",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_PIECES), st.text(max_size=3)),
        max_size=30,
    )
)
def test_property_spans_exact_and_well_nested(pieces: list[str]) -> None:
    """Any text: no exception, spans exact, overlaps only as parenthesised nesting."""
    registry = _REGISTRY
    text = "".join(pieces)
    clean, seg = stand_in(text, "t")
    mentions, _ = entities.run(clean, seg, registry)
    for m in mentions:
        assert text[m.begin : m.end] == m.surface and m.begin < m.end
    for a in mentions:
        for b in mentions:
            if a is not b and a.begin < b.end and b.begin < a.end:
                outer, inner = (a, b) if a.end - a.begin > b.end - b.begin else (b, a)
                assert outer.begin < inner.begin and inner.end < outer.end


def test_edition_document_does_not_match_another_edition() -> None:
    """A curated edition (label with a year) never matches inside 《…》 with another year, and
    its yearless short name (《報告》) only where the text names this edition."""
    doc = Entity(
        id="document/report-2023",
        cls="document",
        label="湖南省網絡發展報告(2023)",
        aliases=("湖南省網絡發展報告", "《報告》"),
    )
    reg = {doc.id: doc}
    for text, expected in [
        ("《湖南省網絡發展報告(2022)》(以下簡稱《報告》)發布。《報告》顯示。", []),
        ("《湖南省网络发展报告(2022)》(以下简称《报告》)发布。", []),
        (
            "《湖南省網絡發展報告(2023)》(以下簡稱《報告》)發布。",
            ["湖南省網絡發展報告(2023)", "《報告》"],
        ),
        ("《湖南省網絡發展報告》發布。", []),  # the series, no edition named: not this one
        ("據《報告》顯示。", []),  # a short name alone does not say which edition
    ]:
        clean, seg = stand_in(text, "t")
        assert [m.surface for m in entities.run(clean, seg, reg)[0]] == expected, text


@pytest.mark.parametrize("script", ["hant", "hans"])
def test_a_general_national_programme_is_matched_bare(
    script: str, registry: dict[str, Entity]
) -> None:
    """東數西算 is curated (general: the seed does not name it): coverage writes it in quotes
    with no head word (依託“東數西算”成渝樞紐節點), which no open-world rule can type."""
    text = "依託國家級互聯網骨幹直聯點和“東數西算”成渝樞紐節點，時延持續下降。"
    text = text if script == "hant" else to_hans(text)
    clean, seg = stand_in(text, "t")
    found, _ = entities.run(clean, seg, registry)
    assert "project/east-data-west-computing" in {m.entity_id for m in found}
