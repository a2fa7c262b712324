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
from graph.vocab import CQO

CURATION_DIR = Path(__file__).resolve().parent / "curation"


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
        self._qualifiers = {str(r["id"]): r for r in _rows(_load("qualifiers.yaml"), "qualifiers")}
        self._indicators = {
            str(r.get("label") or r.get("zh")): r
            for r in _rows(_load("indicators.yaml"), "indicators")
        }
        self._titles = {str(r["label"]): r for r in _rows(_load("titles.yaml"), "titles")}
        self._themes = {str(r["heading"]): r for r in _rows(_load("themes.yaml"), "themes")}

    def unit(self, surface: str) -> UnitInfo:
        row = self._units.get(surface)
        if row is None:
            raise InputError(f"{CURATION_DIR / 'units.yaml'}: no row for unit {surface!r}")
        iri = expand(str(row["iri"]))
        cls = (
            CQO.CountUnit if iri.startswith(PREFIXES["cqr"]) else URIRef(PREFIXES["qudt"] + "Unit")
        )
        return UnitInfo(surface, iri, cls, str(row.get("zh", surface)), str(row.get("en", "")))

    def qualifier(self, qid: str) -> QualifierInfo:
        row = self._qualifiers.get(qid)
        if row is None:
            raise InputError(f"{CURATION_DIR / 'qualifiers.yaml'}: no qualifier {qid!r}")
        zh = row.get("zh") or row.get("label") or qid
        if isinstance(zh, list):
            zh = "、".join(zh)
        return QualifierInfo(qid, str(zh), str(row.get("en", qid)))

    def indicator_en(self, label: str) -> str | None:
        row = self._indicators.get(label)
        return str(row["en"]) if row and row.get("en") else None

    def theme_en(self, heading: str) -> str | None:
        row = self._themes.get(heading)
        return str(row["en"]) if row and row.get("en") else None

    def title_en(self, title: str) -> str | None:
        row = self._titles.get(title)
        return str(row["en"]) if row and row.get("en") else None


@lru_cache(maxsize=1)
def load_curation() -> Curation:
    return Curation()
