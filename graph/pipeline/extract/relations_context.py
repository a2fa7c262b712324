"""What every relation rule of ``extract.relations`` reads: the words of ``relations.yaml``
folded as these rules fold the text (:func:`load_words`; the typed, strict loader is
:mod:`graph.curation.relations`) and one text's mentions split into top-level and
nested ones (``Ctx``), so the rule modules share one view of the text instead of each rebuilding it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graph.curation.registry import Entity, Title
from graph.curation.relations import RELATIONS_FILE, Words, load_relation_words
from graph.model import Candidate, CleanText, Mention, Relation, Segmentation
from graph.pipeline.extract.candidates_rules import fold_word

__all__ = [
    "CLOSE_QUOTES",
    "CONCURRENT",
    "OPEN_QUOTES",
    "PARENTHETICAL",
    "Ctx",
    "load_words",
    "rel",
    "split_nested",
]

OPEN_QUOTES = '“「『"'
CLOSE_QUOTES = '”」』"'
CONCURRENT = re.compile(r"[(（]兼[)）]$")
PARENTHETICAL = re.compile(r"^[》」”]?(?:[(（][^()（）]*[)）])?$")


def load_words(path: Path | None = None) -> Words:
    """``relations.yaml`` (:mod:`graph.curation.relations`) folded as these rules fold the
    text; ``InputError`` names the file and the key."""
    return load_relation_words(fold_word, path or RELATIONS_FILE)


@dataclass(frozen=True, slots=True)
class Ctx:
    clean: CleanText
    seg: Segmentation
    registry: dict[str, Entity]
    top: tuple[Mention, ...]  # non-nested mentions, sorted
    nested: tuple[tuple[Mention, Mention], ...]  # (outer, inner)
    titles: tuple[tuple[str, Title], ...]  # (folded label, title), longest label first
    candidates: dict[str, Candidate]
    words: Words
    norm: str  # the folded text, offset for offset

    @property
    def text(self) -> str:
        return self.clean.text

    def cls(self, m: Mention) -> str:
        ent = self.registry.get(m.entity_id)
        if ent is not None:
            return ent.cls
        cand = self.candidates.get(m.entity_id)
        return cand.cls if cand is not None else m.entity_id.split("/", 1)[0]

    def in_sentence(self, sid: str) -> list[Mention]:
        return [m for m in self.top if m.sentence_id == sid]

    def next_mention(self, m: Mention) -> Mention | None:
        later = [n for n in self.top if n.begin >= m.end and n.sentence_id == m.sentence_id]
        return later[0] if later else None


def rel(s: str, p: str, o: str, begin: int, end: int, sid: str, rule: str) -> Relation:
    """A relation with its evidence span and rule (positional, as the rules write them)."""
    return Relation(s, p, o, begin, end, sid, rule)


def split_nested(
    mentions: Sequence[Mention],
) -> tuple[list[Mention], list[tuple[Mention, Mention]]]:
    """Top-level mentions and (outer, inner) pairs: a place inside a longer name is nested."""
    ordered = sorted(mentions, key=lambda m: (m.begin, -m.end, m.entity_id))
    top: list[Mention] = []
    nested: list[tuple[Mention, Mention]] = []
    for m in ordered:
        outer = next((t for t in top if t.begin <= m.begin and m.end <= t.end), None)
        if outer is None:
            top.append(m)
        else:
            nested.append((outer, m))
    return top, nested
