"""Short names an article defines for a name it has just written in full:
``<full name>(以下簡稱“<short>”)`` (also 「」, no quotes, 簡稱 without 以下, or the 下稱 /
以下稱 of Hong Kong and legal style).

Why a rule of its own: the short form is the article's own statement that two spans are one
entity, so it is the most precise evidence of an alias there is; without it 雲嶺數據 (of
重慶雲嶺數據科技有限公司) is no name any suffix rule finds, and 天津市委網信辦 reads as 天津 plus
the curated 市委網信辦 of Chongqing. ``find_aliases`` only reads the text; which entity the full
name is (a candidate or a curated entity) is decided by ``candidates.run`` after the overlaps
are settled. 《…》 short names of documents are ``candidates_titled``'s (``以下簡稱《報告》``).
The short names a text uses with no definition are here too: an agency's everyday name
(``abbreviation_of``), and a name without its place or province (``short_forms_of``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from graph.curation.registry import match_key
from graph.pipeline.extract.candidates_finder import Finder, Hit
from graph.pipeline.extract.candidates_rules import Rules

__all__ = ["Alias", "abbreviation_of", "find_aliases", "is_place_word", "short_forms_of"]

# folded text (简称 / 下称 are the folded 簡稱 / 下稱); the short name is 2-16 characters with no
# punctuation
_DEFINITION = re.compile(
    r"[(（]\s*(?:(?:以下)?简称|以下称|下称)\s*[“「『\"]?([^“”「」『』\"《》()（）\n，,。、；;：:]{2,16}?)[”」』\"]?\s*[)）]"
)


@dataclass(frozen=True, slots=True)
class Alias:
    """``(以下簡稱“short”)`` at ``[begin, end)``; ``short`` folded; every occurrence of it in the
    text that may start a name (the one inside the parentheses too)."""

    begin: int
    end: int
    short: str
    occurrences: tuple[tuple[int, int], ...]


def find_aliases(fd: Finder) -> list[Alias]:
    """Every short-name definition of the text, in text order."""
    out: list[Alias] = []
    for m in _DEFINITION.finditer(fd.n):
        short = m.group(1).strip()
        if len(short) < 2 or m.start() == 0:
            continue
        occurrences = tuple(
            (o.start(), o.end())
            for o in re.finditer(re.escape(short), fd.n)
            if fd.left_ok(o.start()) or o.start() == m.start(1)
        )
        out.append(Alias(m.start(), m.end(), short, occurrences))
    return out


def abbreviation_of(
    short: str,
    fulls: Mapping[str, tuple[str, str]],
    prefixes: Sequence[str],
    is_place: Callable[[str], bool],
) -> tuple[str, str] | None:
    """The one full agency name of the text that folded ``short`` abbreviates, or None.

    市大數據局 after 重慶市大數據應用發展管理局: an agency's everyday name keeps its prefix
    (市, 省委), the head of its body (大數據) and its last suffix character (局), and drops the
    place and the rest. Such a short name, when the text has written exactly one full name
    it fits (after a place or nothing, the same prefix and body head, the same last character,
    and longer), is that agency: one body, not a second agency beside it. ``fulls`` maps folded
    full names to their targets, as in ``candidates._alias_targets``; a body head of fewer
    than two characters is too weak to tell two agencies apart.
    """
    pre = next((w for w in prefixes if short.startswith(w)), None)
    if pre is None or len(short) - len(pre) < 3:
        return None
    head = short[:-1]
    found: set[tuple[str, str]] = set()
    for full, target in fulls.items():
        if len(full) <= len(short) or full[-1] != short[-1]:
            continue
        i = full.find(head)
        if i >= 0 and (i == 0 or is_place(full[:i])) and i + len(head) < len(full) - 1:
            found.add(target)
    return next(iter(found)) if len(found) == 1 else None


def short_forms_of(accepted: Sequence[Hit], rules: Rules) -> dict[str, str]:
    """Folded agency names that are another agency's name without its place (省委網信辦 of
    四川省委網信辦), and places that are another place without its province (濱海新區 of
    天津濱海新區) -> that full name, when exactly one full name in the text fits."""
    agencies = {match_key(h.label): h.label for h in accepted if h.cls == "agency"}
    out: dict[str, str] = {}
    for short in agencies:
        if not any(short.startswith(w) for w in rules.agency_prefixes):
            continue
        full = [
            label
            for key, label in agencies.items()
            if key != short
            and key.endswith(short)
            and (
                is_place_word(key[: -len(short)], rules)
                or is_place_word(key[: -len(short)] + short[0], rules)  # 渝北 + 區大數據發展局
            )
        ]
        if len(full) == 1:
            out[short] = full[0]
    places = {match_key(h.label): h.label for h in accepted if h.cls == "place"}
    for short in places:  # 濱海新區 after 天津濱海新區: one place, named in full once
        full = [
            label
            for key, label in places.items()
            if key != short and key.endswith(short) and key[: -len(short)] in rules.provinces
        ]
        if len(full) == 1:
            out[short] = full[0]
    return out


def is_place_word(word: str, rules: Rules) -> bool:
    """四川 / 四川省 / 成都市: a province (with or without its suffix) or <X><place suffix>."""
    for prov in rules.provinces:
        if word == prov or any(word == prov + s for s in rules.province_suffixes):
            return True
    if any(word == d for d, _ in rules.districts):
        return True
    return 2 <= len(word) <= 5 and any(word.endswith(s) for s in rules.place_suffixes)
