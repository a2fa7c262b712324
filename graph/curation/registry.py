"""The curated entity registry (``graph/curation/entities.yaml``) and post titles.

Why a curated registry rather than NER: the report is one article, every name in it can be
reviewed by a person, and a reviewed list gives stable ids (``<class>/<ascii-slug>``) that
become IRIs. The loader is strict because a silent duplicate alias or an unsorted file
would change which entity a span is attributed to without anyone noticing.

The registry stores zh-Hant only; zh-Hans labels come from ``graph.text.to_hans`` so the
two scripts cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.curation import CURATION_DIR
from graph.curation.schema import read_yaml
from graph.model import InputError
from graph.text import fold, slug, to_hans

__all__ = [
    "CLASSES",
    "CURATION_DIR",
    "EN_REQUIRED",
    "Entity",
    "Title",
    "load_registry",
    "load_titles",
    "match_key",
]

ENTITIES_FILE = CURATION_DIR / "entities.yaml"
TITLES_FILE = CURATION_DIR / "titles.yaml"

#: registry class -> ontology class local name (contract: docs/architecture.md "Classes")
CLASSES: dict[str, str] = {
    "agency": "Agency",
    "company": "Company",
    "document": "Document",
    "event": "Event",
    "person": "Person",
    "place": "Place",
    "platform": "Platform",
    "product": "Product",
    "project": "Project",
}
#: classes whose entities must have an English name (contract: docs/architecture.md "Labels")
EN_REQUIRED = frozenset({"agency", "place", "platform"})
SUBCLASSES: dict[str, frozenset[str]] = {"project": frozenset({"Pilot"})}

_ID = re.compile(r"^(?P<cls>[a-z]+)/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
_FIELDS = frozenset(
    {"id", "class", "label", "en", "aliases", "alt_labels", "guards", "subclass", "note", "general"}
)
_TITLE_FIELDS = frozenset({"id", "label", "en", "general"})
_SPACE = re.compile(r"\s+")


def match_key(surface: str) -> str:
    """The key aliases are compared by: ``fold`` (NFKC, Simplified, casefold), no whitespace.

    Whitespace is dropped because the source scatters spaces inside names
    (“5G +工業互聯網”, “33618” 現代制造業集群體系) without changing them.
    """
    return _SPACE.sub("", fold(surface))


@dataclass(frozen=True, slots=True)
class Entity:
    """One registry row. ``aliases`` are matched in the text; ``alt_labels`` never are."""

    id: str
    cls: str
    label: str  # zh-Hant, as the source writes it
    en: str = ""
    aliases: tuple[str, ...] = ()
    alt_labels: tuple[str, ...] = ()
    guards: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (alias, texts that must not follow)
    subclass: str = ""
    note: str = ""
    #: a gazetteer row kept for other articles (provinces, regions): it enters a graph only
    #: when a source mentions it, and the vendored seed need not mention it
    general: bool = False

    @property
    def slug(self) -> str:
        return self.id.split("/", 1)[1]

    @property
    def label_hans(self) -> str:
        return to_hans(self.label)

    @property
    def surfaces(self) -> tuple[str, ...]:
        """Every form that is matched in the text: the label, then the aliases."""
        return (self.label, *self.aliases)

    @property
    def ontology_class(self) -> str:
        """Local name in ``cqo:`` (the subclass when there is one, e.g. ``Pilot``)."""
        return self.subclass or CLASSES[self.cls]

    def guard_for(self, surface: str) -> tuple[str, ...]:
        return next((g for a, g in self.guards if a == surface), ())


@dataclass(frozen=True, slots=True)
class Title:
    """A post title such as 副主任; ``id`` is the pinyin slug of the label."""

    id: str
    label: str
    en: str
    #: kept for other articles (officials of other bodies); not used by the seed text
    general: bool = False


def _load_rows(path: Path) -> list[dict[str, Any]]:
    data = read_yaml(path)
    if not isinstance(data, list) or not data:
        raise InputError(f"{path.name}: expected a non-empty list of rows")
    for i, row in enumerate(data, 1):
        if not isinstance(row, dict):
            raise InputError(f"{path.name}: row {i}: expected a mapping, got {type(row).__name__}")
    return data


def _str_list(path: Path, where: str, key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"{path.name}: {where}: {key} must be a list of non-empty strings")
    return tuple(value)


def _entity(path: Path, i: int, row: dict[str, Any]) -> Entity:
    rid = row.get("id")
    where = f"row {i} ({rid})" if isinstance(rid, str) else f"row {i}"
    unknown = set(row) - _FIELDS
    if unknown:
        raise InputError(f"{path.name}: {where}: unknown field(s) {', '.join(sorted(unknown))}")
    if not isinstance(rid, str) or not (m := _ID.match(rid)):
        raise InputError(f"{path.name}: {where}: id must look like <class>/<ascii-slug>")
    cls = row.get("class")
    if cls not in CLASSES:
        raise InputError(f"{path.name}: {where}: unknown class {cls!r}")
    if m["cls"] != cls:
        raise InputError(f"{path.name}: {where}: id prefix {m['cls']!r} != class {cls!r}")
    label = row.get("label")
    if not isinstance(label, str) or not label.strip() or label != label.strip():
        raise InputError(f"{path.name}: {where}: label must be a non-empty trimmed string")
    en = row.get("en") or ""
    if not isinstance(en, str):
        raise InputError(f"{path.name}: {where}: en must be a string")
    if cls in EN_REQUIRED and not en.strip():
        raise InputError(f"{path.name}: {where}: en is required for class {cls}")
    aliases = _str_list(path, where, "aliases", row.get("aliases"))
    alt_labels = _str_list(path, where, "alt_labels", row.get("alt_labels"))
    surfaces = (label, *aliases)
    keys = [match_key(s) for s in surfaces]
    if len(set(keys)) != len(keys):
        raise InputError(f"{path.name}: {where}: label and aliases repeat a form")
    guards_raw = row.get("guards") or {}
    if not isinstance(guards_raw, dict):
        raise InputError(f"{path.name}: {where}: guards must be a mapping alias -> list")
    guards: list[tuple[str, tuple[str, ...]]] = []
    for alias, follow in sorted(guards_raw.items()):
        if alias not in surfaces:
            raise InputError(f"{path.name}: {where}: guard {alias!r} is not a label or alias")
        guards.append((alias, _str_list(path, where, f"guards[{alias}]", follow)))
    subclass = row.get("subclass") or ""
    if subclass and subclass not in SUBCLASSES.get(cls, frozenset()):
        raise InputError(f"{path.name}: {where}: unknown subclass {subclass!r} for {cls}")
    note = row.get("note") or ""
    if not isinstance(note, str):
        raise InputError(f"{path.name}: {where}: note must be a string")
    general = row.get("general", False)
    if not isinstance(general, bool):
        raise InputError(f"{path.name}: {where}: general must be true or false")
    return Entity(
        id=rid,
        cls=cls,
        label=label,
        en=en.strip(),
        aliases=aliases,
        alt_labels=alt_labels,
        guards=tuple(guards),
        subclass=subclass,
        note=" ".join(note.split()),
        general=general,
    )


def load_registry(path: Path | None = None) -> dict[str, Entity]:
    """Load and validate the registry; keys are entity ids, in file (= sorted) order.

    Raises ``InputError`` naming the file and the row on: malformed or unknown ids and
    classes, duplicate or unsorted ids, a missing English name where one is required, or
    a matched form (label or alias, compared by ``match_key``) shared by two entities.
    """
    path = path or ENTITIES_FILE
    rows = _load_rows(path)
    registry: dict[str, Entity] = {}
    owner: dict[str, str] = {}  # match key -> entity id
    previous = ""
    for i, row in enumerate(rows, 1):
        ent = _entity(path, i, row)
        if ent.id in registry:
            raise InputError(f"{path.name}: row {i} ({ent.id}): duplicate id")
        if ent.id < previous:
            raise InputError(
                f"{path.name}: row {i} ({ent.id}): ids not sorted ({ent.id} after {previous})"
            )
        previous = ent.id
        for surface in ent.surfaces:
            key = match_key(surface)
            if key in owner:
                raise InputError(
                    f"{path.name}: row {i} ({ent.id}): alias {surface!r} "
                    f"already belongs to {owner[key]}"
                )
            owner[key] = ent.id
        registry[ent.id] = ent
    return registry


def load_titles(path: Path | None = None) -> dict[str, Title]:
    """Load post titles; ids must be sorted, unique and equal to ``slug(label)``.

    Read once per version of the file (its path, size and mtime): the extractors ask for the
    titles once per article, and parsing and checking the YAML each time was 8 ms an article.
    """
    path = Path(path or TITLES_FILE)
    try:
        st = path.stat()
    except OSError:  # read as before, so the error is the one a missing file always gave
        return _titles.__wrapped__(str(path), 0, 0)
    return dict(_titles(str(path), st.st_size, st.st_mtime_ns))


@lru_cache(maxsize=8)
def _titles(name: str, size: int, mtime_ns: int) -> dict[str, Title]:
    path = Path(name)
    titles: dict[str, Title] = {}
    previous = ""
    for i, row in enumerate(_load_rows(path), 1):
        unknown = set(row) - _TITLE_FIELDS
        tid, label, en = row.get("id"), row.get("label"), row.get("en")
        where = f"row {i} ({tid})" if isinstance(tid, str) else f"row {i}"
        if unknown:
            raise InputError(f"{path.name}: {where}: unknown field(s) {', '.join(sorted(unknown))}")
        if not all(isinstance(v, str) and v.strip() for v in (tid, label, en)):
            raise InputError(f"{path.name}: {where}: id, label and en are required strings")
        assert isinstance(tid, str) and isinstance(label, str) and isinstance(en, str)
        if tid != slug(label):
            raise InputError(f"{path.name}: {where}: id must be {slug(label)!r} (slug of label)")
        if tid in titles:
            raise InputError(f"{path.name}: {where}: duplicate id")
        if tid < previous:
            raise InputError(f"{path.name}: {where}: ids not sorted ({tid} after {previous})")
        general = row.get("general", False)
        if not isinstance(general, bool):
            raise InputError(f"{path.name}: {where}: general must be true or false")
        previous = tid
        titles[tid] = Title(id=tid, label=label, en=en, general=general)
    return titles
