"""``relations.yaml``: the words of the relation rules (``graph.pipeline.extract.relations``),
typed and strict.

Why here: every curated file has its loader next to it in this package, read through
:mod:`graph.curation.schema` (one ``InputError`` line naming the file and the list). The
rules pass their fold in: the words are stored folded the way the text is, longest first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph.curation import CURATION_DIR
from graph.curation.schema import mapping, read_yaml, word_list

__all__ = ["RELATIONS_FILE", "Words", "load_relation_words"]

RELATIONS_FILE = CURATION_DIR / "relations.yaml"


@dataclass(frozen=True, slots=True)
class Words:
    """``relations.yaml`` folded (each word as it appears in the folded text), longest first."""

    speech_verbs: tuple[str, ...]
    joint_words: tuple[str, ...]
    convene_verbs: tuple[str, ...]
    host_verbs: tuple[str, ...]
    agency_joiners: tuple[str, ...]
    maker_links: tuple[str, ...]
    included_in: tuple[str, ...]
    according_to_before: tuple[str, ...]
    according_to_after: tuple[str, ...]


def load_relation_words(fold: Callable[[str], str], path: Path = RELATIONS_FILE) -> Words:
    """Read and check ``relations.yaml``, each word folded with ``fold``."""
    data = mapping(path, read_yaml(path), "word lists")
    return Words(**{key: word_list(path, data, key, fold) for key in Words.__slots__})
