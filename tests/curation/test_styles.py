"""``styles.yaml`` and its loader: complete, sorted, every UI string used, strict on bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from graph.curation.styles import STYLES_PATH, load_styles
from graph.model import InputError
from graph.view.render import TEMPLATE_DIR


def test_styles_file_is_complete_and_sorted() -> None:
    raw = yaml.safe_load(STYLES_PATH.read_text(encoding="utf-8"))
    styles = load_styles()
    assert [c.key for c in styles.classes] == [c["key"] for c in raw["classes"]]
    assert list(raw["relations"]) == sorted(raw["relations"])
    assert list(raw["ui"]) == sorted(raw["ui"])
    # subclasses before superclasses, so the most specific class wins
    keys = [c.key for c in styles.classes]
    assert keys.index("Pilot") < keys.index("Project")
    assert keys.index("RankObservation") < keys.index("Observation")
    assert all(all(lab.strip() for lab in c.labels) for c in styles.classes)


def test_every_ui_string_is_used_by_the_page() -> None:
    template = (TEMPLATE_DIR / "viewer.html").read_text(encoding="utf-8")
    used = set(re.findall(r'ui\("([a-z_]+)"\)|data-ui="([a-z_]+)"', template))
    used_keys = {a or b for a, b in used} | {"title", "query"}  # title/query: Python headings
    assert used_keys == set(load_styles().ui)


def test_bad_styles_file_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "styles.yaml"
    bad.write_text("classes: []\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^styles\.yaml: "):
        load_styles(bad)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("classes: {}\nrelations: {}\nui: {}\n", r"^styles\.yaml: 'classes' must be a list$"),
        ("classes: [x]\nrelations: {}\nui: {}\n", r"^styles\.yaml: classes\[0\]: needs 'key'"),
        ("classes: []\nrelations: []\nui: {}\n", r"^styles\.yaml: 'relations' must be a mapping$"),
        ("classes: []\nrelations: {}\nui: {title: x}\n", r"^styles\.yaml: ui\.title: expected"),
        ("classes: []\nrelations: {}\nui: {title: {en: x}}\n", r"ui\.title: missing label zh-Hant"),
        ("classes: [\n", r"^styles\.yaml: not valid YAML"),
    ],
)
def test_every_malformed_entry_is_one_line_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "styles.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        load_styles(bad)
    assert "\n" not in str(err.value)


def test_missing_styles_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^styles\.yaml: cannot read"):
        load_styles(tmp_path / "styles.yaml")
