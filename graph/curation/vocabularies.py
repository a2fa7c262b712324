"""Read-only view of the curated vocabularies the assembler needs (units, qualifiers,
indicator names, post titles and section headings in English).

The files are read by their own strict loaders (``graph.curation.units``, ``qualifiers``,
``indicators``, ``registry.load_titles``), the same ones the extractors use, so the assembler
never accepts a row the extractor refused; this module only exposes the few lookups
``assemble`` needs, so the assembler does not depend on the files' layout. ``themes.yaml`` has
no other reader and is checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from graph.curation import CURATION_DIR
from graph.curation.indicators import load_indicators
from graph.curation.qualifiers import QUALIFIERS_FILE, Qualifier, load_qualifiers
from graph.curation.registry import load_titles
from graph.curation.schema import read_yaml
from graph.curation.units import UNITS_FILE, Unit, load_units
from graph.model import InputError
from graph.namespaces import PREFIXES
from graph.text import fold, slug
from graph.vocab import CQO

THEMES_FILE = CURATION_DIR / "themes.yaml"


@dataclass(frozen=True, slots=True)
class UnitInfo:
    surface: str
    iri: str
    cls: URIRef
    label_zh: str
    label_en: str


@dataclass(frozen=True, slots=True)
class QualifierInfo:
    id: str
    label_zh: str
    label_en: str


def expand(curie: str) -> str:
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return curie


def load_themes(path: Path = THEMES_FILE) -> dict[str, str]:
    """Section heading (zh-Hant) -> English name; every row needs both, once."""
    data = read_yaml(path)
    if not isinstance(data, list):
        raise InputError(f"{path.name}: expected a list of heading rows")
    out: dict[str, str] = {}
    for row in data:
        if not isinstance(row, dict) or not row.get("heading") or not row.get("en"):
            raise InputError(f"{path.name}: row {row!r} needs 'heading' and 'en'")
        heading = str(row["heading"])
        if heading in out:
            raise InputError(f"{path.name}: heading {heading!r} repeats")
        out[heading] = str(row["en"])
    return out


class Curation:
    """Lookups by surface form; a missing entry raises ``InputError`` naming the file."""

    def __init__(self) -> None:
        units, _multipliers, _general = load_units()
        self._units: dict[str, Unit] = {u.surface: u for u in units}
        self._units_fold: dict[str, Unit] = {}
        for surface, unit_row in sorted(self._units.items()):
            self._units_fold.setdefault(fold(surface), unit_row)
        self._qualifiers: dict[str, Qualifier] = {q.id: q for q in load_qualifiers()}
        # Script-neutral lookups: a zh-Hans source writes 网民数量 for the curated 網民數量.
        # The loaders refuse two rows that fold alike, so each fold has one row.
        self._indicators_fold = load_indicators()
        self._indicators = {row["zh"]: row for row in self._indicators_fold.values()}
        self._titles = {t.label: t.en for t in load_titles().values()}
        self._themes = load_themes()
        self._themes_fold = {fold(k): en for k, en in sorted(self._themes.items())}
        self._titles_fold = {fold(k): en for k, en in sorted(self._titles.items())}

    def unit(self, surface: str) -> UnitInfo:
        row = self._units.get(surface) or self._units_fold.get(fold(surface))
        if row is None:
            raise InputError(f"{UNITS_FILE.name}: no row for unit {surface!r}")
        iri = expand(row.iri)
        cls = (
            CQO.CountUnit if iri.startswith(PREFIXES["cqr"]) else URIRef(PREFIXES["qudt"] + "Unit")
        )
        return UnitInfo(surface, iri, cls, row.zh, row.en)

    def has_unit(self, surface: str) -> bool:
        return surface in self._units or fold(surface) in self._units_fold

    def candidate_unit(self, surface: str) -> UnitInfo:
        """A unit the file does not know: a count unit minted from its folded surface, so a
        new article builds (the build reports it) instead of stopping at the first new unit."""
        key = fold(surface)
        return UnitInfo(surface, f"{PREFIXES['cqr']}unit/{slug(key)}", CQO.CountUnit, surface, "")

    def qualifier(self, qid: str) -> QualifierInfo:
        row = self._qualifiers.get(qid)
        if row is None:
            raise InputError(f"{QUALIFIERS_FILE.name}: no qualifier {qid!r}")
        return QualifierInfo(qid, row.zh or qid, row.en)

    def indicator_en(self, label: str) -> str | None:
        row = self._indicators.get(label) or self._indicators_fold.get(fold(label))
        return str(row["en"]) if row and row.get("en") else None

    def curated_indicator(self, label: str) -> tuple[str, str] | None:
        """(zh-Hant label, English label) of the curated row whose label folds like ``label``.

        ``None`` means the indicator is a candidate: the text named it, nobody reviewed it.
        """
        row = self._indicators_fold.get(fold(label))
        if row is None or not row.get("en"):
            return None
        return row["zh"], row["en"]

    def theme_en(self, heading: str) -> str | None:
        return self._themes.get(heading) or self._themes_fold.get(fold(heading))

    def title_en(self, title: str) -> str | None:
        return self._titles.get(title) or self._titles_fold.get(fold(title))


@lru_cache(maxsize=1)
def load_curation() -> Curation:
    return Curation()
