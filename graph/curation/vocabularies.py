"""Read-only view of the curated vocabularies the assembler needs (units, qualifiers,
indicator names, post titles and section headings in English).

The files are owned by the stages that use them (``graph/curation/units.yaml``,
``qualifiers.yaml``, ``indicators.yaml``, ``titles.yaml``, ``themes.yaml``); this module only
exposes the few lookups ``assemble`` needs, so the assembler does not depend on their layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import URIRef

from graph.model import InputError
from graph.namespaces import PREFIXES
from graph.text import fold, slug
from graph.vocab import CQO

CURATION_DIR = Path(__file__).resolve().parents[1] / "curation"


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


def _load(name: str) -> Any:
    path = CURATION_DIR / name
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError:
        raise InputError(f"{path}: curated file missing") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})".replace("\n", " ")) from None


def _rows(data: Any, key: str) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        data = data.get(key, [])
    return [row for row in data or [] if isinstance(row, dict)]


class Curation:
    """Lookups by surface form; a missing entry raises ``InputError`` naming the file."""

    def __init__(self) -> None:
        self._units = {str(r["surface"]): r for r in _rows(_load("units.yaml"), "units")}
        self._units_fold: dict[str, dict[str, Any]] = {}
        for surface, unit_row in sorted(self._units.items()):
            self._units_fold.setdefault(fold(surface), unit_row)
        self._qualifiers = {str(r["id"]): r for r in _rows(_load("qualifiers.yaml"), "qualifiers")}
        self._indicators = {
            str(r.get("label") or r.get("zh")): r
            for r in _rows(_load("indicators.yaml"), "indicators")
        }
        self._titles = {str(r["label"]): r for r in _rows(_load("titles.yaml"), "titles")}
        self._themes = {str(r["heading"]): r for r in _rows(_load("themes.yaml"), "themes")}
        # Script-neutral lookups: a zh-Hans source writes 网民数量 for the curated 網民數量.
        # The first row of a fold wins (the files are sorted, and tests keep folds unique).
        self._indicators_fold: dict[str, dict[str, Any]] = {}
        for label, row in self._indicators.items():
            self._indicators_fold.setdefault(fold(label), row)
        self._themes_fold = {fold(k): r for k, r in sorted(self._themes.items())}
        self._titles_fold = {fold(k): r for k, r in sorted(self._titles.items())}

    def unit(self, surface: str) -> UnitInfo:
        row = self._units.get(surface) or self._units_fold.get(fold(surface))
        if row is None:
            raise InputError(f"{CURATION_DIR / 'units.yaml'}: no row for unit {surface!r}")
        iri = expand(str(row["iri"]))
        cls = (
            CQO.CountUnit if iri.startswith(PREFIXES["cqr"]) else URIRef(PREFIXES["qudt"] + "Unit")
        )
        return UnitInfo(surface, iri, cls, str(row.get("zh", surface)), str(row.get("en", "")))

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
            raise InputError(f"{CURATION_DIR / 'qualifiers.yaml'}: no qualifier {qid!r}")
        zh = row.get("zh") or row.get("label") or qid
        if isinstance(zh, list):
            zh = "、".join(zh)
        return QualifierInfo(qid, str(zh), str(row.get("en", qid)))

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
        return str(row.get("label") or row.get("zh")), str(row["en"])

    def theme_en(self, heading: str) -> str | None:
        row = self._themes.get(heading) or self._themes_fold.get(fold(heading))
        return str(row["en"]) if row and row.get("en") else None

    def title_en(self, title: str) -> str | None:
        row = self._titles.get(title) or self._titles_fold.get(fold(title))
        return str(row["en"]) if row and row.get("en") else None


@lru_cache(maxsize=1)
def load_curation() -> Curation:
    return Curation()
