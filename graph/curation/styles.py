"""The viewer's styles (``styles.yaml``): class colours and shapes, relation and UI labels.

Why a typed loader next to the data: the viewer, ``cqkg analyze`` and the GraphML export all
read the same class order and labels, so the file is checked once, here, and every problem is
one ``InputError`` line naming the file and the entry (a hand-edited file must never become a
``KeyError`` deep inside the page builder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.curation import CURATION_DIR
from graph.curation.registry import read_yaml
from graph.model import InputError

__all__ = [
    "FALLBACK_STYLE",
    "LANG_TAGS",
    "STYLES_PATH",
    "ClassStyle",
    "Labels",
    "Styles",
    "load_styles",
]

STYLES_PATH = CURATION_DIR / "styles.yaml"
LANG_TAGS = ("zh-Hant", "zh-Hans", "en")
"""The language tags of every label triple, in the order of the page's 繁 / 简 / EN switch."""

Labels = tuple[str, str, str]
"""A name in (zh-Hant, zh-Hans, en) order."""

SHAPES = frozenset(
    {"dot", "square", "diamond", "triangle", "triangleDown", "star", "hexagon", "ellipse", "box"}
)
"""The vis-network node shapes the page can draw."""
_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


@dataclass(frozen=True, slots=True)
class ClassStyle:
    """How one class is drawn; ``observation`` classes are figures, ``hub`` classes themes."""

    key: str
    iri: str
    colour: str
    shape: str
    labels: Labels
    observation: bool = False
    hub: bool = False


@dataclass(frozen=True, slots=True)
class Styles:
    """Classes in priority order (a subclass before its superclass), relation and UI labels."""

    classes: tuple[ClassStyle, ...]
    relations: dict[str, Labels]
    ui: dict[str, Labels]

    def by_iri(self) -> dict[str, ClassStyle]:
        return {c.iri: c for c in self.classes}


FALLBACK_STYLE = ClassStyle(
    key="Resource", iri="", colour="#aaaaaa", shape="ellipse", labels=("資源", "资源", "Resource")
)
"""The style of a node none of the classes matches (a CONSTRUCT result can return anything)."""


def _labels_of(entry: Any, where: str) -> Labels:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected a mapping of {', '.join(LANG_TAGS)} labels")
    try:
        out = tuple(str(entry[tag]) for tag in LANG_TAGS)
    except KeyError as exc:
        raise InputError(f"{where}: missing label {exc.args[0]}") from None
    return (out[0], out[1], out[2])


def _class(entry: Any, where: str) -> ClassStyle:
    if not isinstance(entry, dict) or not {"key", "iri"} <= entry.keys():
        raise InputError(f"{where}: needs 'key' and 'iri'")
    if entry.get("shape") not in SHAPES or not _COLOUR.match(str(entry.get("colour", ""))):
        raise InputError(f"{where}: bad shape or colour")
    return ClassStyle(
        key=str(entry["key"]),
        iri=str(entry["iri"]),
        colour=str(entry["colour"]),
        shape=str(entry["shape"]),
        labels=_labels_of(entry, where),
        observation=bool(entry.get("observation", False)),
        hub=bool(entry.get("hub", False)),
    )


def _table(data: dict[str, Any], key: str, name: str) -> dict[str, Labels]:
    table = data[key]
    if not isinstance(table, dict):
        raise InputError(f"{name}: '{key}' must be a mapping")
    return {str(k): _labels_of(v, f"{name}: {key}.{k}") for k, v in table.items()}


def load_styles(path: Path = STYLES_PATH) -> Styles:
    """Read and check ``styles.yaml`` (one clear line naming the file on any problem)."""
    name = path.name
    data = read_yaml(path)
    if not isinstance(data, dict) or not {"classes", "relations", "ui"} <= data.keys():
        raise InputError(f"{name}: needs 'classes', 'relations' and 'ui'")
    if not isinstance(data["classes"], list):
        raise InputError(f"{name}: 'classes' must be a list")
    classes = [_class(c, f"{name}: classes[{i}]") for i, c in enumerate(data["classes"])]
    if len({c.key for c in classes}) != len(classes) or len({c.iri for c in classes}) != len(
        classes
    ):
        raise InputError(f"{name}: class keys and IRIs must be unique")
    return Styles(tuple(classes), _table(data, "relations", name), _table(data, "ui", name))
