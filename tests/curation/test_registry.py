"""The curated registry and titles: well-formed, sorted, unique, and describing this text.

A failing check names the file and row; fix ``graph/curation/entities.yaml`` (or
``titles.yaml``) by hand - both are curated, nothing regenerates them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from graph.curation.registry import (
    CLASSES,
    EN_REQUIRED,
    ENTITIES_FILE,
    load_registry,
    load_titles,
    match_key,
)
from graph.model import InputError
from graph.text import to_hans

GOLDEN_TEXT = Path(__file__).parents[1] / "golden" / "cleaned.txt"


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return yaml.safe_load(ENTITIES_FILE.read_text(encoding="utf-8"))


def test_loads_and_is_sorted_unique(rows: list[dict]) -> None:
    reg = load_registry()
    ids = [r["id"] for r in rows]
    assert list(reg) == ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert {e.cls for e in reg.values()} == set(CLASSES)


def test_required_english_and_hant_only() -> None:
    for ent in load_registry().values():
        if ent.cls in EN_REQUIRED:
            assert ent.en, ent.id
        # stored in zh-Hant: converting to Simplified changes nothing a Traditional source
        # would not also contain; the zh-Hans label is derived, never stored
        assert ent.label_hans == to_hans(ent.label)


def test_matched_forms_unique_across_entities() -> None:
    seen: dict[str, str] = {}
    for ent in load_registry().values():
        for s in ent.surfaces:
            assert seen.setdefault(match_key(s), ent.id) == ent.id, s


def test_aliases_occur_and_alt_labels_do_not() -> None:
    """Aliases are what the text says; alt_labels are official names it does not use."""
    text = match_key(GOLDEN_TEXT.read_text(encoding="utf-8"))
    for ent in load_registry().values():
        if ent.general:  # gazetteer rows are for other articles; tested on them
            continue
        for alias in ent.aliases:
            assert match_key(alias) in text, f"{ent.id}: alias {alias!r} not in the text"
        for alt in ent.alt_labels:
            assert match_key(alt) not in text, f"{ent.id}: {alt!r} occurs: make it an alias"
        # the label occurs, unless quotes split it (then an alias carries the written form)
        if match_key(ent.label) not in text:
            assert any("“" in a for a in ent.aliases), ent.id


def test_pilots_are_projects() -> None:
    pilots = [e for e in load_registry().values() if e.subclass == "Pilot"]
    assert len(pilots) >= 6 and all(e.cls == "project" for e in pilots)
    assert all(e.ontology_class == "Pilot" for e in pilots)


def test_titles_sorted_and_slugged() -> None:
    titles = load_titles()
    assert list(titles) == sorted(titles)
    assert {t.label for t in titles.values()} >= {
        "主任",
        "副主任",
        "副部長",
        "黨組成員",
        "副局長",
        "書記",
    }
    assert all(t.en for t in titles.values())


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "entities.yaml"
    path.write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    return path


GOOD = {"id": "place/a", "class": "place", "label": "甲", "en": "A"}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([GOOD, dict(GOOD)], "row 2 (place/a): duplicate id"),
        ([{**GOOD, "id": "place/b"}, GOOD], "row 2 (place/a): ids not sorted"),
        ([{**GOOD, "id": "place/A b"}], "row 1 (place/A b): id must look like"),
        ([{**GOOD, "id": "thing/a", "class": "thing"}], "row 1 (thing/a): unknown class"),
        ([{**GOOD, "class": "person"}], "row 1 (place/a): id prefix 'place' != class 'person'"),
        ([{**GOOD, "en": ""}], "row 1 (place/a): en is required for class place"),
        (
            [
                GOOD,
                {"id": "place/b", "class": "place", "label": "乙", "en": "B", "aliases": ["甲"]},
            ],
            "row 2 (place/b): alias '甲' already belongs to place/a",
        ),
        (
            [GOOD, {"id": "place/b", "class": "place", "label": "甲", "en": "B"}],
            "row 2 (place/b): alias '甲' already belongs to place/a",
        ),
        ([{**GOOD, "aliases": ["甲"]}], "row 1 (place/a): label and aliases repeat a form"),
        ([{**GOOD, "colour": "red"}], "row 1 (place/a): unknown field(s) colour"),
        ([{**GOOD, "subclass": "Pilot"}], "row 1 (place/a): unknown subclass 'Pilot'"),
        ([{**GOOD, "guards": {"乙": ["丙"]}}], "row 1 (place/a): guard '乙' is not a label"),
        ([{**GOOD, "aliases": "乙"}], "row 1 (place/a): aliases must be a list"),
        (["just text"], "row 1: expected a mapping"),
    ],
)
def test_bad_registry_names_file_and_row(tmp_path: Path, rows: list, message: str) -> None:
    with pytest.raises(InputError) as err:
        load_registry(_write(tmp_path, rows))
    assert str(err.value).startswith("entities.yaml: ")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_simplified_alias_collides_with_traditional(tmp_path: Path) -> None:
    rows = [
        {"id": "platform/a", "class": "platform", "label": "渝快辦", "en": "A"},
        {"id": "platform/b", "class": "platform", "label": "渝快办", "en": "B"},
    ]
    with pytest.raises(InputError, match=r"row 2 .*already belongs to platform/a"):
        load_registry(_write(tmp_path, rows))


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "expected a non-empty list"), ("a: [", "not valid YAML"), ("{a: 1}", "expected a")],
)
def test_bad_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "entities.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=f"^entities.yaml: {message}"):
        load_registry(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^nope\.yaml: cannot read"):
        load_registry(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"id": "zhu", "label": "主任", "en": "Director"}], "row 1 (zhu): id must be 'zhu-ren'"),
        (
            [
                {"id": "zhu-ren", "label": "主任", "en": "D"},
                {"id": "fu-zhu-ren", "label": "副主任", "en": "DD"},
            ],
            "row 2 (fu-zhu-ren): ids not sorted",
        ),
        ([{"id": "zhu-ren", "label": "主任"}], "row 1 (zhu-ren): id, label and en are required"),
    ],
)
def test_bad_titles(tmp_path: Path, rows: list, message: str) -> None:
    path = tmp_path / "titles.yaml"
    path.write_text(yaml.safe_dump(rows, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_titles(path)
    assert str(err.value).startswith("titles.yaml: ") and message in str(err.value)


def test_general_titles_are_flagged_and_checked(tmp_path: Path) -> None:
    """Rows kept for other articles say so (``general: true``); the flag must be a boolean."""
    titles = load_titles()
    assert any(t.general for t in titles.values()) and any(not t.general for t in titles.values())
    bad = tmp_path / "titles.yaml"
    bad.write_text("- id: ju-zhang\n  label: 局長\n  en: Director\n  general: yes please\n")
    with pytest.raises(InputError, match=r"^titles.yaml: row 1 \(ju-zhang\): general must be"):
        load_titles(bad)


def test_gazetteer_rows_are_flagged_general_and_cover_the_grammar_places() -> None:
    """Every place id a grammar or area word can produce is a registry row (else a figure's
    scope or area would be a dangling IRI); rows the seed does not mention say ``general``."""
    from graph.curation.registry import CURATION_DIR

    registry = load_registry()
    text = match_key(GOLDEN_TEXT.read_text(encoding="utf-8"))
    ids: set[str] = set()
    for name in ("grammar.yaml", "periods.yaml"):
        found = re.findall(r"place/[a-z0-9-]+", (CURATION_DIR / name).read_text(encoding="utf-8"))
        ids |= set(found)
    assert ids and ids <= set(registry), sorted(ids - set(registry))
    general = [e for e in registry.values() if e.general]
    # gazetteer places, and national programmes other coverage names bare (東數西算)
    assert len(general) >= 30 and all(e.cls in ("place", "project") and e.en for e in general)
    assert all(match_key(e.label) not in text for e in general)


def test_titles_are_read_again_when_the_file_changes(tmp_path: Path) -> None:
    """``load_titles`` keeps one reading per version of the file (path, size, mtime)."""
    path = tmp_path / "titles.yaml"
    path.write_text("- id: bu-zhang\n  label: 部長\n  en: Head\n", encoding="utf-8")
    first = load_titles(path)
    assert list(first) == ["bu-zhang"]
    first.clear()  # a caller's copy: the kept reading is not changed by it
    assert list(load_titles(path)) == ["bu-zhang"]
    path.write_text(
        "- id: bu-zhang\n  label: 部長\n  en: Head\n"
        "- id: chu-zhang\n  label: 處長\n  en: Director\n",
        encoding="utf-8",
    )
    assert list(load_titles(path)) == ["bu-zhang", "chu-zhang"]
    with pytest.raises(Exception, match="titles"):
        load_titles(tmp_path / "missing" / "titles.yaml")
