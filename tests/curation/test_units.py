"""``units.yaml`` and ``qualifiers.yaml``: one strict loader each, shared by the figure grammar
and the assembler; a malformed file is one line naming it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from loader_support import refuses

from graph.curation.qualifiers import QUALIFIERS_FILE, load_qualifiers
from graph.curation.units import UNITS_FILE, load_units
from graph.curation.vocabularies import Curation
from graph.pipeline.extract import numbers


def test_the_shipped_files_load_into_frozen_rows() -> None:
    units, mults, _general = load_units()
    assert {u.surface for u in units} >= {"%", "個"}
    assert mults["萬"] == Decimal(10000)
    with pytest.raises(AttributeError):
        units[0].surface = "x"  # type: ignore[misc]
    quals = {q.id: q for q in load_qualifiers()}
    assert "more-than" in quals and quals["more-than"].en


def test_the_grammar_and_the_assembler_read_the_same_rows() -> None:
    assert numbers.load_units is load_units and numbers.load_qualifiers is load_qualifiers
    cur = Curation()
    unit = next(u for u in load_units()[0] if u.surface == "個")
    assert (cur.unit("個").label_zh, cur.unit("个").label_en) == (unit.zh, unit.en)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("units: [\n", r"^units.yaml: not valid YAML"),
        ("- a list\n", r"^units.yaml: expected mappings 'units' and 'multipliers'$"),
        ("units: {}\nmultipliers: []\n", r"^units.yaml: 'units' and 'multipliers' must be lists$"),
        ("units: [{surface: 個}]\nmultipliers: []\n", r"^units.yaml: unit row .* lacks 'iri'$"),
        ("units: []\nmultipliers: [{surface: 萬, factor: many}]\n", r"^units.yaml: bad multiplier"),
        (
            "units:\n  - {surface: 個, iri: a, zh: 個, en: a}\n"
            "  - {surface: 个, iri: a, zh: 个, en: a}\nmultipliers: []\n",
            r"^units.yaml: unit '个' repeats '個'$",
        ),
        (
            "units: []\nmultipliers: [{surface: 萬, factor: 1e4}, {surface: 万, factor: 1e4}]\n",
            r"^units.yaml: multiplier '万' repeats '萬'$",
        ),
    ],
)
def test_a_malformed_units_file_is_one_line_naming_it(
    tmp_path: Path, body: str, message: str
) -> None:
    refuses(load_units, tmp_path / UNITS_FILE.name, body, message)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("- id: [\n", r"^qualifiers.yaml: not valid YAML"),
        ("id: exact\n", r"^qualifiers.yaml: expected a list of qualifier rows$"),
        ("- {id: exact, zh: 確數, en: exact}\n", r"^qualifiers.yaml: qualifier row .* lacks"),
        (
            "- {id: about, zh: 約, en: about, definition: d, prefix: 約}\n",
            r"^qualifiers.yaml: qualifier 'about': prefix must be a list$",
        ),
        (
            "- {id: about, zh: 約, en: about, definition: d, prefix: [約]}\n"
            "- {id: near, zh: 近, en: near, definition: d, prefix: [约]}\n",
            r"^qualifiers.yaml: marker '约' of 'near' repeats '約 \(about\)'$",
        ),
    ],
)
def test_a_malformed_qualifiers_file_is_one_line_naming_it(
    tmp_path: Path, body: str, message: str
) -> None:
    refuses(load_qualifiers, tmp_path / QUALIFIERS_FILE.name, body, message)
