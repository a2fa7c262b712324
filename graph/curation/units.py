"""``units.yaml``: the units and magnitude words of stated figures, read once, strictly.

Two stages read this file: the figure grammar (``extract.numbers`` matches every surface on
the folded text) and the assembler (``curation.vocabularies`` gives a unit its IRI and labels).
They used to parse it separately, one strictly and one leniently; now both get these frozen
rows, so a row the grammar refuses can never reach the graph by the other path.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from graph.curation import CURATION_DIR
from graph.curation.schema import read_yaml
from graph.model import InputError
from graph.pipeline.extract.grammar import fold_aligned

__all__ = ["UNITS_FILE", "Unit", "load_units"]

UNITS_FILE = CURATION_DIR / "units.yaml"


@dataclass(frozen=True, slots=True)
class Unit:
    """One ``units`` row: the surface as the report writes it, its IRI (CURIE) and labels."""

    surface: str
    iri: str
    zh: str
    en: str
    general: bool = False
    needs_multiplier: bool = False  # 億G is traffic; 5G is a name


def multiplier_contexts(path: Path = UNITS_FILE) -> dict[str, tuple[str, ...]]:
    """Multiplier surface -> the words it must be followed by (its row's ``before``), for the
    multipliers that have one: 兆 is a trillion before 元 and mega anywhere else."""
    data = read_yaml(path)
    rows = data.get("multipliers", []) if isinstance(data, dict) else []
    out: dict[str, tuple[str, ...]] = {}
    for row in rows:
        before = row.get("before") if isinstance(row, dict) else None
        if before is None:
            continue
        if (
            not isinstance(before, list)
            or not before
            or not all(isinstance(b, str) for b in before)
        ):
            raise InputError(f"{path.name}: multiplier {row!r}: 'before' must be a list of words")
        out[str(row["surface"])] = tuple(before)
    return out


def load_units(path: Path = UNITS_FILE) -> tuple[tuple[Unit, ...], dict[str, Decimal], set[str]]:
    """Units, multipliers and the set of multipliers marked ``general``.

    Strict: a row that folds to the same key as another (個 and 个) is refused, since the
    text is matched folded and the second row could never be told apart from the first.
    """
    data = read_yaml(path)
    if not isinstance(data, dict) or "units" not in data or "multipliers" not in data:
        raise InputError(f"{path.name}: expected mappings 'units' and 'multipliers'")
    if not isinstance(data["units"], list) or not isinstance(data["multipliers"], list):
        raise InputError(f"{path.name}: 'units' and 'multipliers' must be lists")
    units = []
    seen: dict[str, str] = {}
    for row in data["units"]:
        try:
            unit = Unit(
                str(row["surface"]),
                str(row["iri"]),
                str(row["zh"]),
                str(row["en"]),
                bool(row.get("general", False)),
                bool(row.get("needs_multiplier", False)),
            )
        except (KeyError, TypeError) as exc:
            raise InputError(f"{path.name}: unit row {row!r} lacks {exc}") from exc
        key = fold_aligned(unit.surface)
        if not unit.surface or key in seen:
            raise InputError(f"{path.name}: unit {unit.surface!r} repeats {seen.get(key)!r}")
        seen[key] = unit.surface
        units.append(unit)
    mults: dict[str, Decimal] = {}
    general: set[str] = set()
    for row in data["multipliers"]:
        try:
            surface = str(row["surface"])
            mults[surface] = Decimal(str(row["factor"]))
        except (KeyError, TypeError, InvalidOperation) as exc:
            raise InputError(f"{path.name}: bad multiplier row {row!r}") from exc
        key = "m:" + fold_aligned(surface)
        if key in seen:
            raise InputError(f"{path.name}: multiplier {surface!r} repeats {seen[key]!r}")
        seen[key] = surface
        if row.get("general"):
            general.add(surface)
    return tuple(units), mults, general
