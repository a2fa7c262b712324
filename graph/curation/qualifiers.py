"""``qualifiers.yaml``: how the text bounds a stated number (超 = more than), read once, strictly.

The figure grammar (``extract.numbers``) matches the markers; the assembler
(``curation.vocabularies``) labels the qualifier resources. Both read these frozen rows, so
the two cannot disagree on what a row says or on which rows are valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.curation import CURATION_DIR
from graph.curation.schema import read_yaml
from graph.model import InputError
from graph.pipeline.extract.grammar import fold_aligned

__all__ = ["QUALIFIERS_FILE", "Qualifier", "load_qualifiers"]

QUALIFIERS_FILE = CURATION_DIR / "qualifiers.yaml"


@dataclass(frozen=True, slots=True)
class Qualifier:
    """One row: id (becomes ``cqr:qualifier/<id>``), labels, definition and its markers."""

    id: str
    zh: str
    en: str
    definition: str
    prefix: tuple[str, ...]
    suffix: tuple[str, ...]
    general: bool = False
    clause: tuple[str, ...] = ()  # weak markers anywhere before the number (累計)
    #: words that end in a prefix marker and are no marker (簽約126個: signed, not "about")
    not_in: tuple[str, ...] = ()


def _markers(path: Path, row: dict[str, object], key: str) -> tuple[str, ...]:
    value = row.get(key) or ()
    if not isinstance(value, list | tuple):
        raise InputError(f"{path.name}: qualifier {row.get('id')!r}: {key} must be a list")
    return tuple(str(m) for m in value)


def load_qualifiers(path: Path = QUALIFIERS_FILE) -> tuple[Qualifier, ...]:
    """Qualifier rows; a marker that folds like another marker is refused."""
    data = read_yaml(path)
    if not isinstance(data, list):
        raise InputError(f"{path.name}: expected a list of qualifier rows")
    rows = []
    seen: dict[str, str] = {}
    for row in data:
        try:
            q = Qualifier(
                str(row["id"]),
                str(row["zh"]),
                str(row["en"]),
                str(row["definition"]),
                _markers(path, row, "prefix"),
                _markers(path, row, "suffix"),
                bool(row.get("general", False)),
                _markers(path, row, "clause"),
                _markers(path, row, "not_in"),
            )
        except (KeyError, TypeError) as exc:
            raise InputError(f"{path.name}: qualifier row {row!r} lacks {exc}") from exc
        for marker in (*q.prefix, *q.suffix, *q.clause):
            key = fold_aligned(marker)
            if key in seen:
                raise InputError(
                    f"{path.name}: marker {marker!r} of {q.id!r} repeats {seen[key]!r}"
                )
            seen[key] = f"{marker} ({q.id})"
        for word in q.not_in:
            if not any(word.endswith(m) and word != m for m in q.prefix):
                raise InputError(
                    f"{path.name}: not_in word {word!r} of {q.id!r} ends in none of its prefixes"
                )
        rows.append(q)
    return tuple(rows)
