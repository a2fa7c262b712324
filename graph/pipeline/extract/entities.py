"""Entity mentions: every registry label and alias found in the cleaned text.

How matching works, and why:

* **Both scripts.** Text and aliases are compared through ``graph.curation.registry.match_key``
  (``graph.text.fold``: NFKC, Simplified, casefold; whitespace dropped). The text is folded
  one character at a time with a map back to the original offsets, so spans are always
  offsets into ``clean.text`` and a zh-Hans (or fullwidth, or space-scattered) source gives
  the same mentions as the zh-Hant one. Each alias is keyed both folded as a phrase and
  character by character, so OpenCC's phrase-level choices cannot make a form unfindable.
* **Efficient.** A character trie of all keys, walked from every position (O(text x
  longest alias)); it runs on every build.
* **Longest match first, no overlaps.** All candidates are ranked by length and accepted
  greedily unless they overlap an accepted one: 重慶通信管理局 beats 重慶, 全國一體化算力網絡
  成渝樞紐節點 beats 全國 and 成渝. The one exception is a registered name inside genuine
  parentheses of a longer name (國家(渝中區)區塊鏈創新應用試點): the parentheses set it apart
  as a name of its own, so it is also a mention, nested inside the outer one. Those nested
  mentions are what ``extract.relations`` turns into ``cqo:locatedIn``.
* **全國 in 全國首個 is a mention of China.** It names the scope of "the first in the
  country" exactly as in 全國第1, so it counts. Word-boundary exceptions (全國產化 = 全 +
  國產化, 重慶市民 = 重慶 + 市民) are curated as ``guards`` in the registry, not coded here.
* **Latin names** (GPT-4, IPv6, 5G) only match on ASCII word boundaries.
* **Editions.** A document whose label carries an edition year (重慶市互聯網發展報告(2023)) is
  one edition, not the series: none of its forms matches inside a 《…》 title that gives a
  different year (《…報告(2022)》 is another edition, which ``extract.candidates`` finds), and
  its yearless short names (《報告》) only match in a text that names this edition itself.

An entity with no mention in this text is an INFO finding here; the build turns "mentioned in
no source at all" into an ERROR (``graph.pipeline.run``), because with several sources an entity
needs to be mentioned in one of them, not in each.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from graph.curation.registry import Entity, match_key
from graph.model import CleanText, Finding, Level, Mention, Segmentation, Sentence
from graph.text import fold

__all__ = ["STAGE", "Matcher", "run", "sentence_at"]

STAGE = "extract.entities"
_PAREN = re.compile(r"[(（]([^()（）]+)[)）]")
_BOOK_TITLE = re.compile(r"《([^《》\n]{1,80})》")
_EDITION = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@lru_cache(maxsize=65536)
def _char_key(ch: str) -> str:
    return match_key(ch)


def _keys(surface: str) -> set[str]:
    """The phrase-folded key and the char-by-char key (they differ only in rare cases)."""
    return {match_key(surface), "".join(_char_key(c) for c in surface)} - {""}


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    hits: list[tuple[str, str]] = field(default_factory=list)  # (entity id, alias)


@dataclass(frozen=True, slots=True)
class _Candidate:
    begin: int
    end: int
    entity_id: str
    alias: str


class Matcher:
    """Longest-match-first alias matcher over a registry (build once, run on any text)."""

    def __init__(self, registry: dict[str, Entity]) -> None:
        self.registry = registry
        self.root = _Node()
        self.exact: dict[str, tuple[str, str]] = {}  # key -> (entity id, alias)
        for ent in registry.values():
            for surface in ent.surfaces:
                for key in sorted(_keys(surface)):
                    node = self.root
                    for ch in key:
                        node = node.children.setdefault(ch, _Node())
                    node.hits.append((ent.id, surface))
                    self.exact.setdefault(key, (ent.id, surface))

    def _candidates(self, text: str) -> list[_Candidate]:
        norm_chars: list[str] = []
        origin: list[int] = []  # norm index -> clean index
        for i, ch in enumerate(text):
            for k in _char_key(ch):
                norm_chars.append(k)
                origin.append(i)
        norm = "".join(norm_chars)
        titles = [
            (m.start(), m.end(), set(_EDITION.findall(m.group(1))))
            for m in _BOOK_TITLE.finditer(text)
        ]
        named = self._editions_named(norm)
        found: set[_Candidate] = set()
        for p in range(len(norm)):
            node = self.root
            for q in range(p, len(norm)):
                nxt = node.children.get(norm[q])
                if nxt is None:
                    break
                node = nxt
                for eid, alias in node.hits:
                    begin, end = origin[p], origin[q] + 1
                    if self._accept(text, norm, q + 1, begin, end, eid, alias) and self._edition_ok(
                        begin, end, eid, alias, titles, named
                    ):
                        found.add(_Candidate(begin, end, eid, alias))
        return sorted(found, key=lambda c: (c.begin - c.end, c.begin, c.entity_id))

    def _accept(
        self, text: str, norm: str, q: int, begin: int, end: int, eid: str, alias: str
    ) -> bool:
        if _is_ascii_alnum(text[begin]) and begin > 0 and _is_ascii_alnum(text[begin - 1]):
            return False
        if _is_ascii_alnum(text[end - 1]) and end < len(text) and _is_ascii_alnum(text[end]):
            return False
        return not any(
            norm.startswith(match_key(g), q) for g in self.registry[eid].guard_for(alias)
        )

    def _edition(self, eid: str) -> str:
        ent = self.registry[eid]
        years = _EDITION.findall(ent.label) if ent.cls == "document" else []
        return years[-1] if years else ""

    def _editions_named(self, norm: str) -> set[str]:
        """Edition documents whose year-bearing label or alias occurs in the (folded) text."""
        return {
            ent.id
            for ent in self.registry.values()
            if self._edition(ent.id)
            and any(
                self._edition(ent.id) in s and any(k in norm for k in _keys(s))
                for s in ent.surfaces
            )
        }

    def _edition_ok(
        self,
        begin: int,
        end: int,
        eid: str,
        alias: str,
        titles: list[tuple[int, int, set[str]]],
        named: set[str],
    ) -> bool:
        year = self._edition(eid)
        if not year:
            return True
        for tb, te, years in titles:
            if tb <= begin and end <= te and years and year not in years:
                return False  # inside 《…(2022)》: another edition
        return year in alias or eid in named

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        """(begin, end, entity id, alias) of every accepted match, sorted by position."""
        taken = [False] * len(text)
        chosen: list[tuple[int, int, str, str]] = []
        for c in self._candidates(text):
            if any(taken[c.begin : c.end]):
                continue
            taken[c.begin : c.end] = [True] * (c.end - c.begin)
            chosen.append((c.begin, c.end, c.entity_id, c.alias))
        nested: list[tuple[int, int, str, str]] = []
        for begin, end, eid, _alias in chosen:
            for m in _PAREN.finditer(text, begin, end):
                hit = self.exact.get(match_key(m.group(1)))
                if hit and hit[0] != eid:
                    nested.append((m.start(1), m.end(1), hit[0], hit[1]))
        return sorted(chosen + nested, key=lambda s: (s[0], -s[1], s[2]))


def sentence_at(sentences: tuple[Sentence, ...], offset: int) -> Sentence | None:
    """The sentence containing ``offset`` (sentences are sorted and do not overlap)."""
    begins = [s.begin for s in sentences]
    i = bisect.bisect_right(begins, offset) - 1
    if i >= 0 and sentences[i].begin <= offset < sentences[i].end:
        return sentences[i]
    return None


def run(
    clean: CleanText, seg: Segmentation, registry: dict[str, Entity]
) -> tuple[list[Mention], list[Finding]]:
    """Find every registry entity in ``clean.text``; INFO for each entity not mentioned here."""
    matcher = Matcher(registry)
    sentences = tuple(sorted(seg.sentences, key=lambda s: s.begin))
    mentions: list[Mention] = []
    findings: list[Finding] = []
    for begin, end, eid, alias in matcher.spans(clean.text):
        sent = sentence_at(sentences, begin)
        if sent is None:
            findings.append(
                Finding(
                    Level.WARNING,
                    STAGE,
                    "mention-outside-sentence",
                    f"{eid}: mention {clean.text[begin:end]!r} is in no sentence",
                    clean.source_id,
                    begin,
                    end,
                    *clean.raw_span(begin, end),
                )
            )
        mentions.append(
            Mention(
                entity_id=eid,
                begin=begin,
                end=end,
                surface=clean.text[begin:end],
                sentence_id=sent.id if sent else "",
                alias=alias,
            )
        )
    seen = {m.entity_id for m in mentions}
    for eid in sorted(set(registry) - seen):
        ent = registry[eid]
        findings.append(
            Finding(
                Level.INFO,
                STAGE,
                "entity-unmentioned",
                f"{eid}: no mention of {ent.label!r} ({fold(ent.label)}) or its aliases in "
                f"this source",
                clean.source_id,
            )
        )
    return mentions, findings
