"""Open-world entities: names the curated registry does not know, found by rules.

Why rules and not a tagger: every candidate must say which rule found it and where, the
output must be byte-identical across builds, and a wrong entity costs more than a missed one
(it becomes a node with an IRI that users may start to rely on). The rules are data
(``graph/curation/open_world.yaml`` and the titles of ``titles.yaml``), written once in zh-Hant
and matched on a folded copy of the text (``graph.text.fold`` one character at a time, so each
folded character maps back to exactly one clean offset): a zh-Hans source gives the same
candidates at the same offsets as its zh-Hant original.

Rules (``Candidate.rule``), each anchored at a left boundary (start of a clause, punctuation, a
connector word of ``left_context`` or the end of a name already found):

``document-title``
    ``《<title>》``, its edition from a year in parentheses inside or right after it
    (《…報告(2022)》 -> edition 2022). ``(以下簡稱《Y》)`` after it makes 《Y》 a further
    mention of the same document.
``quoted-name``
    ``“<name>”`` classified by its head word (平臺/系統/APP/雲/網 -> platform, 工程/行動/
    計劃/項目/試點/示範 -> project), or by a head word right after the quote (“X”行動). A short
    quoted phrase with no such head is an INFO finding, not an entity.
``title-person``
    ``<agency><title>[(兼)]<name>``: a 2-3 character name starting with a known surname and
    ending at a boundary or a speech verb, after a title of ``titles.yaml`` that follows an
    agency (curated or found by ``agency-suffix``).
``agency-suffix``
    ``<place prefix><body><suffix>`` (市/國家/重慶市/四川省 … + … + 局/委員會/辦公室/廳 …).
``company-suffix``
    ``<name><suffix>`` (…股份有限公司/有限公司/集團/研究院/公司/科技).
``place-name``
    A province-level name (with or without 省/市/自治區), a region (成渝, 西部 …),
    ``<2-3 Han><市/新區/自治縣>`` after a boundary, or a listed district or county of Chongqing
    (``chongqing_districts``, anywhere) with the fixed id ``place/<pinyin>`` given there
    (place/yongchuan), the same in both scripts. ``<X>區`` and ``<X>縣`` are places only when
    listed (偏遠山區, 老城區 are kinds of area).

A district's agency keeps its district (從渝北區大數據發展局: a place begins a name even after a
verb); a later 區大數據發展局 is a mention of it. 區…/縣… with no full form in the text is an
INFO finding (``agency-without-district``). Generic nouns ending in a suffix character (格局,
布局) and prefix characters that begin a word (區域, 市場) make no agency.

A curated entity always wins: a candidate that overlaps a curated mention is dropped, and one
whose folded label equals a curated label, alias or alt_label becomes a mention of that entity
instead. Further occurrences of a candidate's label (3 characters or more) in the same text are
mentions too, so a speaker named with a title once is found again when named alone.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.curation.registry import CURATION_DIR, Entity, load_titles, match_key, read_yaml
from graph.model import Candidate, CleanText, Finding, InputError, Level, Mention, Segmentation
from graph.pipeline.extract.entities import sentence_at
from graph.text import fold, is_han, slug, to_hans, to_hant

__all__ = ["OPEN_WORLD_FILE", "STAGE", "Folded", "Rules", "load_rules", "run", "script_of"]

STAGE = "extract.candidates"
OPEN_WORLD_FILE = CURATION_DIR / "open_world.yaml"
_YEAR = re.compile(r"[(（]\s*((?:19|20)\d\d)\s*年?\s*(?:版|年度)?\s*[)）]")
_BOOK = re.compile(r"《([^《》\n]{1,80})》")
_QUOTES = (("“", "”"), ("「", "」"), ("『", "』"))
_SENTENCE_PUNCT = set("，,。；;！!？?：:、\n")
_ABBREVIATION = re.compile(r"^\s*[(（]\s*以下简称\s*《([^《》]{1,20})》\s*[)）]")  # folded


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded copy of a text, one folded character per clean character.

    ``fold`` is NFKC + OpenCC t2s + casefold; applied one character at a time it is
    length-preserving for CJK. Where a character folds to several (ligatures, ``ß``), only the
    first is kept so that offsets stay one-to-one.
    """

    text: str
    norm: str

    @classmethod
    def of(cls, text: str) -> Folded:
        return cls(text, "".join(_fold_char(c) for c in text))


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    if ch.isspace():
        return ch if ch == "\n" else " "  # lines matter (bylines); other spaces are one space
    k = fold(ch)
    return k[:1] if k else " "


def _fold_word(word: str) -> str:
    return "".join(_fold_char(c) for c in word)


def script_of(text: str) -> str:
    """``zh-Hans`` when the text has no character that OpenCC would simplify, else zh-Hant."""
    han = [c for c in text if is_han(c)]
    changed = sum(1 for c in han if to_hans(c) != c)
    back = sum(1 for c in han if to_hant(c) != c)
    return "zh-Hant" if changed >= max(1, back // 10) else "zh-Hans"


# -- rules as data ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Rules:
    """``open_world.yaml`` folded: every word as it appears in the folded text."""

    left_context: tuple[str, ...]
    body_stop_chars: frozenset[str]
    body_stop_words: tuple[str, ...]
    agency_prefixes: tuple[str, ...]
    agency_suffixes: tuple[str, ...]
    agency_bare_suffixes: tuple[str, ...]
    agency_suffix_guards: tuple[str, ...]
    agency_not_names: frozenset[str]
    agency_not_endings: tuple[str, ...]
    agency_prefix_guards: tuple[str, ...]
    agency_local_prefixes: tuple[str, ...]
    agency_body_max: int
    agency_units: frozenset[str]
    agency_unit_max: int
    company_suffixes: tuple[str, ...]
    company_body_min: int
    company_body_max: int
    company_not_bodies: frozenset[str]
    company_weak_suffixes: frozenset[str]
    surnames: tuple[str, ...]
    name_followers: tuple[str, ...]
    byline_roles: tuple[str, ...]
    outlet_markers: tuple[str, ...]
    outlet_suffixes: tuple[str, ...]
    event_heads: tuple[str, ...]
    event_max_chars: int
    titles: tuple[tuple[str, str], ...]  # (folded label, title id), longest first
    document_min_chars: int
    quote_max_chars: int
    quote_head_gap: int
    quote_slogan_first: frozenset[str]
    quote_heads: tuple[tuple[str, str], ...]  # (folded head, class), longest head first
    provinces: tuple[str, ...]
    province_suffixes: tuple[str, ...]
    regions: tuple[str, ...]
    place_suffixes: tuple[str, ...]
    place_not_names: frozenset[str]
    place_generic_endings: tuple[str, ...]
    place_stop_first: frozenset[str]
    place_right_guards: tuple[str, ...]
    place_listed_suffixes: tuple[str, ...]
    districts: tuple[tuple[str, str], ...]  # (folded full name, place id), longest first


def _words(path: Path, data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise InputError(f"{path.name}: {key} must be a non-empty list of strings")
    folded = {_fold_word(v) for v in value if v.strip()}
    return tuple(sorted(folded, key=lambda w: (-len(w), w)))


def _districts(path: Path, data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    value = data.get("chongqing_districts")
    if not isinstance(value, dict) or not value:
        raise InputError(f"{path.name}: chongqing_districts must map a name to a place id")
    out: dict[str, str] = {}
    for name, pid in value.items():
        if (
            not isinstance(name, str)
            or not isinstance(pid, str)
            or not re.fullmatch(r"[a-z][a-z0-9-]*", pid)
        ):
            raise InputError(f"{path.name}: chongqing_districts: {name!r} needs an id like yubei")
        out[_fold_word(name)] = f"place/{pid}"
    if len(set(out.values())) != len(out):
        raise InputError(f"{path.name}: chongqing_districts: two names share an id")
    return tuple(sorted(out.items(), key=lambda kv: (-len(kv[0]), kv[0])))


def _int(path: Path, data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError(f"{path.name}: {key} must be a positive integer")
    return value


@lru_cache(maxsize=8)
def load_rules(path: Path | None = None, titles_path: Path | None = None) -> Rules:
    """Load and fold the open-world rules; ``InputError`` names the file and the key."""
    path = path or OPEN_WORLD_FILE
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputError(f"{path.name}: expected a mapping of rule lists")
    heads = data.get("quote_heads")
    if not isinstance(heads, dict) or not heads:
        raise InputError(f"{path.name}: quote_heads must map a class to a list of head words")
    quote_heads = sorted(
        ((h, str(cls)) for cls in heads for h in _words(path, heads, cls)),
        key=lambda hc: (-len(hc[0]), hc),
    )
    titles = sorted(
        ((_fold_word(t.label), t.id) for t in load_titles(titles_path).values()),
        key=lambda t: (-len(t[0]), t[1]),
    )
    w = lambda key: _words(path, data, key)  # noqa: E731 - a local shorthand
    return Rules(
        left_context=w("left_context"),
        body_stop_chars=frozenset(w("body_stop_chars")),
        body_stop_words=w("body_stop_words"),
        agency_prefixes=w("agency_prefixes"),
        agency_suffixes=w("agency_suffixes"),
        agency_bare_suffixes=w("agency_bare_suffixes"),
        agency_suffix_guards=w("agency_suffix_guards"),
        agency_not_names=frozenset(w("agency_not_names")),
        agency_not_endings=w("agency_not_endings"),
        agency_prefix_guards=w("agency_prefix_guards"),
        agency_local_prefixes=w("agency_local_prefixes"),
        agency_body_max=_int(path, data, "agency_body_max"),
        agency_units=frozenset(w("agency_units")),
        agency_unit_max=_int(path, data, "agency_unit_max"),
        company_suffixes=w("company_suffixes"),
        company_body_min=_int(path, data, "company_body_min"),
        company_body_max=_int(path, data, "company_body_max"),
        company_not_bodies=frozenset(w("company_not_bodies")),
        company_weak_suffixes=frozenset(w("company_weak_suffixes")),
        surnames=w("surnames"),
        name_followers=w("name_followers"),
        byline_roles=w("byline_roles"),
        outlet_markers=w("outlet_markers"),
        outlet_suffixes=w("outlet_suffixes"),
        event_heads=w("event_heads"),
        event_max_chars=_int(path, data, "event_max_chars"),
        titles=tuple(titles),
        document_min_chars=_int(path, data, "document_min_chars"),
        quote_max_chars=_int(path, data, "quote_max_chars"),
        quote_head_gap=_int(path, data, "quote_head_gap"),
        quote_slogan_first=frozenset(w("quote_slogan_first")),
        quote_heads=tuple(quote_heads),
        provinces=w("provinces"),
        province_suffixes=w("province_suffixes"),
        regions=w("regions"),
        place_suffixes=w("place_suffixes"),
        place_not_names=frozenset(w("place_not_names")),
        place_generic_endings=w("place_generic_endings"),
        place_stop_first=frozenset(w("place_stop_first")),
        place_right_guards=w("place_right_guards"),
        place_listed_suffixes=w("place_listed_suffixes"),
        districts=_districts(path, data),
    )


# -- hits -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Hit:
    """A rule's proposal: the mention span and the label span (quotes may differ)."""

    begin: int
    end: int
    cls: str
    rule: str
    label: str  # as written, quotes that split a name dropped
    edition: str = ""
    priority: int = 0  # lower wins a tie on length
    cid: str = ""  # a fixed candidate id (a listed district), else derived from the label


def _is_name_char(ch: str) -> bool:
    return is_han(ch) or (ch.isascii() and ch.isalnum())


class _Finder:
    """The rules applied to one folded text; ``taken`` marks curated mention characters."""

    def __init__(
        self,
        folded: Folded,
        rules: Rules,
        curated: Sequence[Mention],
        registry: dict[str, Entity],
    ) -> None:
        self.f = folded
        self.n = folded.norm
        self.r = rules
        self.registry: dict[str, Entity] = registry
        self.taken = [False] * len(self.n)
        self.ends: dict[int, str] = {}  # end offset -> class of a curated mention ending there
        self.place_ends: set[int] = set()
        self.begins: dict[int, list[tuple[int, str]]] = {}  # begin -> [(end, class)]
        for m in curated:
            self.taken[m.begin : m.end] = [True] * (m.end - m.begin)
            cls = registry[m.entity_id].cls if m.entity_id in registry else ""
            self.ends[m.end] = cls
            if cls == "place":
                self.place_ends.add(m.end)
            self.begins.setdefault(m.begin, []).append((m.end, cls))

        n = self.n
        after_word = [False] * (len(n) + 1)  # a connector word ends here
        word_at = [False] * (len(n) + 1)  # a connector word starts here
        for w in rules.left_context:
            for occ in re.finditer(re.escape(w), n):
                after_word[occ.end()] = True
                word_at[occ.start()] = True
        self._left = [
            p == 0 or not _is_name_char(n[p - 1]) or p in self.place_ends or after_word[p]
            for p in range(len(n) + 1)
        ]
        self._starts = [self._left[p] and not word_at[p] for p in range(len(n) + 1)]
        self._after_word = after_word
        # clause_body in O(1): stop characters counted by prefix sums; for every end offset the
        # latest start of a stop word that ends at or before it
        self._stops = [0]
        for ch in n:
            self._stops.append(self._stops[-1] + (ch in rules.body_stop_chars))
        latest = [-1] * (len(n) + 1)
        for w in rules.body_stop_words:
            for occ in re.finditer(re.escape(w), n):
                latest[occ.end()] = max(latest[occ.end()], occ.start())
        for e in range(1, len(n) + 1):
            latest[e] = max(latest[e], latest[e - 1])
        self._word_before = latest
        self._places: dict[tuple[int, bool], list[int]] = {}
        # listed districts (萬州區 …): begin -> (end, place id), leftmost-longest, no overlap
        self.districts: dict[int, tuple[int, str]] = {}
        if rules.districts:
            alt = "|".join(re.escape(d) for d, _ in rules.districts)
            ids = dict(rules.districts)
            for occ in re.finditer(alt, n):
                self.districts[occ.start()] = (occ.end(), ids[occ.group()])
        # a proper place name may begin an agency even after a verb (從渝北區大數據發展局)
        self._name_starts = set(self.districts) | {
            b
            for b, ends in self.begins.items()
            for _e, cls in ends
            if cls == "place" and n[b] not in rules.place_stop_first  # not 全市新建…中心
        }
        self._by_first: dict[str, list[str]] = {}  # first character -> provinces and regions
        for word in (*rules.provinces, *rules.regions):
            self._by_first.setdefault(word[0], []).append(word)

    # boundaries
    def left_ok(self, p: int) -> bool:
        """True when a name may start at ``p``."""
        return self._left[p]

    def starts(self, p: int) -> bool:
        """A name by suffix may start at ``p``: a boundary, and not a connector word itself
        (由成都市人民政府 is 由 + the agency)."""
        return self._starts[p]

    def right_ok(self, e: int) -> bool:
        if e >= len(self.n) or not _is_name_char(self.n[e]) or self.taken[e]:
            return True
        return any(self.n.startswith(w, e) for w in (*self.r.name_followers, *self.r.left_context))

    def free(self, b: int, e: int) -> bool:
        return not any(self.taken[b:e])

    def clause_body(self, b: int, e: int) -> bool:
        """A stretch that may be the inside of a name (no stop characters or words)."""
        if self._stops[e] - self._stops[b]:
            return False
        return self._word_before[e] < b

    # places
    def places_at(self, p: int, regions: bool = True) -> list[int]:
        """Ends of place names starting at ``p`` (provinces, regions, <X><suffix>).

        Without ``regions``: only administrative places (a region such as 西部 does not
        start an agency's name: 西部智算中心 is a facility)."""
        key = (p, regions)
        if key not in self._places:
            self._places[key] = self._places_at(p, regions)
        return self._places[key]

    def _places_at(self, p: int, regions: bool) -> list[int]:
        n, r = self.n, self.r
        ends: list[int] = []
        if p >= len(n) or not is_han(n[p]):
            return ends
        for prov in self._by_first.get(n[p], ()):
            if prov in r.provinces and n.startswith(prov, p):
                q = p + len(prov)
                suf = next((s for s in r.province_suffixes if n.startswith(s, q)), "")
                ends.append(q + len(suf))
        for reg in self._by_first.get(n[p], ()) if regions else ():
            if reg in r.regions and n.startswith(reg, p):
                ends.append(p + len(reg))
        if p in self.districts:
            ends.append(self.districts[p][0])
        if p < len(n) and n[p] not in r.place_stop_first:
            for size in (2, 3):
                x = n[p : p + size]
                if (
                    len(x) < size
                    or not all(is_han(c) and c not in r.place_stop_first for c in x[1:])
                    or not is_han(x[0])
                    or not self.clause_body(p, p + size)
                ):
                    continue
                for suf in r.place_suffixes:
                    if n.startswith(suf, p + size):
                        name = x + suf
                        if suf in r.place_listed_suffixes:
                            break  # <X>區 / <X>縣: only listed names (偏遠山區 is none)
                        if name not in r.place_not_names and not any(
                            name.endswith(g) for g in r.place_generic_endings
                        ):
                            ends.append(p + size + len(suf))
                        break
        return sorted(set(ends), reverse=True)

    def place_hits(self) -> list[_Hit]:
        hits: list[_Hit] = []
        for p in range(len(self.n)):
            if not self.starts(p) and p not in self.districts:
                continue
            for e in self.places_at(p):
                if not any(self.n.startswith(g, e) for g in self.r.place_right_guards):
                    hit = self._hit(p, e, "place", "place-name", priority=4)
                    if p in self.districts and self.districts[p][0] == e:
                        hit = replace(hit, cid=self.districts[p][1])
                    hits.append(hit)
                    break
        return hits

    def _followed_by_suffix(self, e: int) -> bool:
        return any(
            self.n.startswith(s, e) for s in (*self.r.agency_suffixes, *self.r.place_suffixes)
        )

    # agencies
    def agency_hits(self) -> list[_Hit]:
        n, r = self.n, self.r
        hits: list[_Hit] = []
        for p in range(len(n)):
            if not self.starts(p) and p not in self._name_starts:
                continue
            if any(n.startswith(g, p) for g in r.agency_prefix_guards):
                prefixes: set[int] = set()  # 區域格局: 區 begins a word here, not a name
            else:
                prefixes = {p + len(w) for w in r.agency_prefixes if n.startswith(w, p)}
            specific = set(self.places_at(p, regions=False)) | {
                e for e, cls in self.begins.get(p, []) if cls == "place" and n[p:e] not in r.regions
            }
            for q in sorted(prefixes | specific):
                end = self._agency_end(q, bare=q in specific)
                if end is not None and n[p:end] not in r.agency_not_names:
                    hits.append(self._hit(p, end, "agency", "agency-suffix", priority=2))
        return hits

    def _agency_end(self, q: int, bare: bool) -> int | None:
        n, r = self.n, self.r
        for size in range(0, r.agency_body_max + 1):
            s = q + size
            if size and (not is_han(n[s - 1]) or not self.clause_body(q, s)):
                return None
            if s >= len(n):
                return None
            for suf in r.agency_suffixes if size else r.agency_bare_suffixes:
                if not n.startswith(suf, s) or (not size and not bare):
                    continue
                if any(n.startswith(g, s) for g in r.agency_suffix_guards):
                    continue
                if self._ends_a_verb(q, s, s + len(suf)):
                    continue  # 兩江新區舉辦: 辦 completes the verb 舉辦, it is no suffix
                if n[q : s + len(suf)] in r.agency_not_names:
                    continue
                if any(n.endswith(x, 0, s + len(suf)) for x in r.agency_not_endings):
                    continue  # 區域格局, 產業布局: a generic noun, not a name
                return self._chunk(self._extend(s + len(suf), r.agency_suffixes))
        return None

    def _ends_a_verb(self, q: int, s: int, e: int) -> bool:
        """A stop word or connector (舉辦, 主辦) that starts inside the body ``[q, s)`` and
        ends at ``e`` makes the suffix at ``s`` the end of a verb."""
        n, r = self.n, self.r
        return any(
            len(v) > e - s and q <= e - len(v) < s and n.endswith(v, 0, e)
            for v in (*r.body_stop_words, *r.left_context)
        )

    def _chunk(self, e: int) -> int:
        """四川省委 + 網信辦: a short further name (2-4 characters ending in a suffix) goes on,
        unless a title (局長) or a connector (和) starts there."""
        n, r = self.n, self.r
        if any(n.startswith(t, e) for t, _ in r.titles) or any(
            n.startswith(w, e) for w in r.left_context
        ):
            return e
        for size in range(2, 5):
            s = e + size
            if s > len(n) or not all(is_han(c) for c in n[e:s]) or not self.clause_body(e, s):
                return e
            if any(n.endswith(suf, 0, s) for suf in r.agency_suffixes) and not any(
                n.startswith(g, s - 2) for g in r.agency_suffix_guards
            ):
                return s
        return e

    def _extend(self, e: int, suffixes: Iterable[str]) -> int:
        """Longer official names go on: …委員會辦公室, …科技有限公司."""
        while True:
            nxt = next((s for s in suffixes if self.n.startswith(s, e)), None)
            if nxt is None or any(self.n.startswith(g, e) for g in self.r.agency_suffix_guards):
                return e
            e += len(nxt)

    # companies
    def company_hits(self) -> list[_Hit]:
        n, r = self.n, self.r
        hits: list[_Hit] = []
        for p in range(len(n)):
            if not self.starts(p) or not _is_name_char(n[p]):
                continue
            for size in range(r.company_body_min, r.company_body_max + 1):
                s = p + size
                if s > len(n) or not _is_name_char(n[s - 1]) or not self.clause_body(p, s):
                    break
                if self._after_word[s - 1] and s - 1 > p:
                    break  # 活動由華為…: a connector inside; the name starts after it
                suf = next((x for x in r.company_suffixes if n.startswith(x, s)), None)
                if suf is None:
                    continue
                body = n[p:s]
                if body in r.company_not_bodies or any(
                    body.endswith(w) and len(body) - len(w) < 2 for w in r.company_not_bodies
                ):
                    break
                end = self._extend(s + len(suf), r.company_suffixes)
                if n[end - len(suf) : end] not in r.company_weak_suffixes or self.right_ok(end):
                    hits.append(self._hit(p, end, "company", "company-suffix", priority=3))
                break
        return hits

    # officials
    def person_hits(self, agencies: Sequence[_Hit]) -> list[_Hit]:
        n, r = self.n, self.r
        agency_ends = {h.end for h in agencies} | {
            e for e, cls in self.ends.items() if cls == "agency"
        }
        hits: list[_Hit] = []
        for label, _tid in r.titles:
            for m in re.finditer(re.escape(label), n):
                if not self._after_agency(m.start(), agency_ends):
                    continue
                q = m.end()
                conc = re.match(r"[(（]兼[)）]", n[q:])
                if conc:
                    q += conc.end()
                end = self._name_end(q)
                if end is not None and self.free(q, end):
                    hits.append(self._hit(q, end, "person", "title-person", priority=1))
        return hits

    def _after_agency(self, tb: int, agency_ends: set[int]) -> bool:
        """An agency ends at ``tb``, possibly before a unit (…電子政務處) or further titles
        joined by 、."""
        if tb and tb not in agency_ends and self.n[tb - 1] in self.r.agency_units:
            for k in range(2, self.r.agency_unit_max + 1):
                if tb - k in agency_ends and self.clause_body(tb - k, tb):
                    return all(is_han(c) for c in self.n[tb - k : tb])
        while tb not in agency_ends:
            if tb == 0 or self.n[tb - 1] != "、":
                return False
            prev = next(
                (lab for lab, _ in self.r.titles if self.n.startswith(lab, tb - 1 - len(lab))), None
            )
            if prev is None:
                return False
            tb = tb - 1 - len(prev)
        return True

    def _name_end(self, q: int) -> int | None:
        n, r = self.n, self.r
        surname = next((s for s in r.surnames if n.startswith(s, q)), None)
        if surname is None:
            return None
        for given in (1, 2):
            e = q + len(surname) + given
            if e > len(n) or not all(is_han(c) for c in n[q:e]):
                return None
            if e == len(n) or not is_han(n[e]) or self.taken[e]:
                return e
            if any(n.startswith(w, e) for w in r.name_followers):
                return e
        return None

    # bylines and events
    def byline_hits(self) -> list[_Hit]:
        n, r = self.n, self.r
        hits: list[_Hit] = []
        for role in r.byline_roles:
            for m in re.finditer(re.escape(role) + r"[\s:：]*", n):
                q = m.end()
                if q == m.start() + len(role) and q < len(n) and is_han(n[q]):
                    continue  # 記者招待會: the role word runs on into another word
                end = self._name_end(q)
                if end is not None:
                    hits.append(self._hit(q, end, "person", "byline-person", priority=1))
        for marker in r.outlet_markers:
            for m in re.finditer(re.escape(marker) + r"\s*[:：]?\s*", n):
                hits += self._outlet(m.end())
        for m in re.finditer(r"(?m)^[ \t]*(?=\S)", n):
            line_end = n.find("\n", m.end())
            line = n[m.end() : line_end if line_end >= 0 else len(n)]
            if re.match(r"^\S{2,12}\s+\d{4}[-年]", line):
                hits += self._outlet(m.end())
        return hits

    def _outlet(self, q: int) -> list[_Hit]:
        e = q
        while e < len(self.n) and is_han(self.n[e]) and e - q < 12:
            e += 1
        name = self.n[q:e]
        if len(name) < 3 or not any(name.endswith(s) for s in self.r.outlet_suffixes):
            return []
        return [self._hit(q, e, "company", "outlet", priority=1)]

    def event_hits(self) -> list[_Hit]:
        n, r = self.n, self.r
        hits: list[_Hit] = []
        for m in re.finditer(r"第[一二三四五六七八九十百\d]+届", n):
            for e in range(m.end() + 2, min(len(n), m.end() + r.event_max_chars) + 1):
                ch = n[e - 1]
                if not (_is_name_char(ch) or ch in "“”「」·+"):
                    break
                if any(n.endswith(h, 0, e) for h in r.event_heads):
                    hits.append(self._hit(m.start(), e, "event", "event-ordinal", priority=0))
                    break
        return hits

    # documents and quoted names
    def document_hits(self) -> tuple[list[_Hit], list[tuple[int, int, _Hit]]]:
        """Titles in 《》 and the 《short》 names defined for them (以下簡稱)."""
        hits: list[_Hit] = []
        short: list[tuple[int, int, _Hit]] = []
        text = self.n
        for m in _BOOK.finditer(text):
            inner = m.group(1)
            b, e = m.start(1), m.end(1)
            if len(match_key(inner)) < self.r.document_min_chars:
                continue
            years = _YEAR.findall(inner)
            after = _YEAR.match(text, m.end())
            edition = years[-1] if years else (after.group(1) if after else "")
            written = self.f.text[b:e]
            label = written if years or not edition else f"{written}({edition})"
            hit = _Hit(b, e, "document", "document-title", label, edition, priority=0)
            hits.append(hit)
            rest = text[(after.end() if after else m.end()) :]
            if ab := _ABBREVIATION.match(rest):
                short.append((0, 0, hit))
                key = ab.group(1)
                for sm in re.finditer("《" + re.escape(key) + "》", text):
                    short.append((sm.start(), sm.end(), hit))
        short += self._tail_names(hits)
        return hits, [s for s in short if s[1]]

    def _tail_names(self, hits: Sequence[_Hit]) -> list[tuple[int, int, _Hit]]:
        """A yearless 《報告》 that is the tail of exactly one edition title named in the text.

        Coverage names the edition in full once (《重慶市互聯網發展報告(2022)》) and then writes
        《報告》 with or without a 以下簡稱 clause; the short form means that edition, never the
        registry's other edition (which ``extract.entities`` no longer matches here).
        """
        titled: dict[str, _Hit] = {}
        for h in hits:
            if h.edition:
                stem = match_key(_YEAR.sub("", self.n[h.begin : h.end]))
                titled.setdefault(stem, h)
        out: list[tuple[int, int, _Hit]] = []
        for m in _BOOK.finditer(self.n):
            inner = match_key(m.group(1))
            if _YEAR.search(m.group(1)) or not inner:
                continue
            owners = [h for stem, h in titled.items() if stem.endswith(inner) and stem != inner]
            if len(owners) == 1:
                out.append((m.start(), m.end(), owners[0]))
        return out

    def quote_hits(self) -> tuple[list[_Hit], list[Finding]]:
        hits: list[_Hit] = []
        infos: list[tuple[int, int, str]] = []
        text, n = self.f.text, self.n
        for open_q, close_q in _QUOTES:
            for m in re.finditer(re.escape(open_q) + f"([^{open_q}{close_q}\n]+)" + close_q, text):
                b, e = m.start(1), m.end(1)
                inner = n[b:e].strip()
                if not inner or len(inner) > self.r.quote_max_chars:
                    continue
                if any(c in _SENTENCE_PUNCT for c in inner) or not any(is_han(c) for c in inner):
                    continue
                if inner[0] in self.r.quote_slogan_first:
                    head = None
                else:
                    head = next((c for h, c in self.r.quote_heads if inner.endswith(h)), None)
                if head is not None:
                    hits.append(self._hit(b, e, head, "quoted-name", priority=1))
                    continue
                after = (
                    self._head_after(m.end()) if inner[0] not in self.r.quote_slogan_first else None
                )
                if after is not None:  # “山城通辦”平臺: the quoted part is the name
                    hits.append(self._hit(b, e, after, "quoted-name", priority=1))
                    continue
                if self.free(b, e):
                    infos.append((b, e, text[b:e]))
        return hits, [self._info(b, e, s) for b, e, s in sorted(set(infos))]

    def _head_after(self, q: int) -> str | None:
        """The class given by a head word within ``quote_head_gap`` characters after a quote."""
        for size in range(0, self.r.quote_head_gap + 1):
            s = q + size
            if not all(is_han(c) for c in self.n[q:s]):
                return None
            for h, cls in self.r.quote_heads:
                if self.n.startswith(h, s):
                    end = s + len(h)
                    # a one-character head must end a word (網 in 網站 does not)
                    if len(h) > 1 or end >= len(self.n) or not is_han(self.n[end]):
                        return cls
        return None

    def _info(self, b: int, e: int, surface: str) -> Finding:
        return Finding(
            Level.INFO,
            STAGE,
            "quoted-name-unclassified",
            f"“{surface}” is quoted like a name but has no head word of a platform or project",
            "",
            b,
            e,
        )

    def _hit(self, b: int, e: int, cls: str, rule: str, priority: int) -> _Hit:
        return _Hit(b, e, cls, rule, self.f.text[b:e], priority=priority)


# -- run --------------------------------------------------------------------------------------
def _curated_keys(registry: dict[str, Entity]) -> dict[str, tuple[str, str]]:
    """Folded label/alias/alt_label -> (entity id, the form)."""
    keys: dict[str, tuple[str, str]] = {}
    for ent in registry.values():
        for form in (*ent.surfaces, *ent.alt_labels):
            keys.setdefault(match_key(form), (ent.id, form))
    return keys


def _candidate_id(cls: str, label: str, curated: dict[str, Entity]) -> str:
    cid = f"{cls}/{slug(fold(label))}"
    if cid in curated:  # a homophone of a curated id: keep the curated one unambiguous
        cid = f"{cid}-x"
    return cid


def run(
    clean: CleanText,
    seg: Segmentation,
    registry: dict[str, Entity],
    curated: Sequence[Mention],
    rules: Rules | None = None,
    lang: str = "",
) -> tuple[list[Candidate], list[Mention], list[Finding]]:
    """Candidates and every mention of the text: ``curated`` plus the candidates' own.

    ``curated`` are the mentions ``extract.entities`` found. A candidate never overlaps one,
    except a longer name that contains it (see ``_may_swallow``): then the candidate replaces
    it. A full name the registry knows as an alt_label becomes a mention of that entity.
    ``lang`` is the source's script; "" = detected from the text.
    """
    rules = rules or load_rules()
    lang = lang or script_of(clean.text)
    folded = Folded.of(clean.text)
    finder = _Finder(folded, rules, curated, registry)
    docs, shorts = finder.document_hits()
    quoted, infos = finder.quote_hits()
    agencies = finder.agency_hits()
    hits = [*docs, *quoted, *agencies, *finder.company_hits(), *finder.place_hits()]
    hits += finder.byline_hits() + finder.event_hits()
    hits += finder.person_hits(agencies)
    keys = _curated_keys(registry)
    sentences = tuple(sorted(seg.sentences, key=lambda s: s.begin))

    owner: list[int | None] = [None] * len(clean.text)  # curated mention covering a character
    for i, m in enumerate(curated):
        for k in range(m.begin, m.end):
            owner[k] = i
    taken = [False] * len(clean.text)  # characters of accepted candidates
    swallowed: set[int] = set()
    accepted: list[_Hit] = []
    for h in sorted(set(hits), key=lambda h: (h.priority, h.begin - h.end, h.begin, h.cls)):
        if any(taken[h.begin : h.end]):
            continue
        inside = {owner[k] for k in range(h.begin, h.end)} - {None}
        inner = [curated[i] for i in inside if i is not None]
        if inside and not (
            _may_swallow(h, inner, registry) or _full_name_of(h, inner, keys, registry)
        ):
            continue
        swallowed |= {i for i in inside if i is not None}
        taken[h.begin : h.end] = [True] * (h.end - h.begin)
        accepted.append(h)
    for i, m in enumerate(curated):
        if i not in swallowed:
            taken[m.begin : m.end] = [True] * (m.end - m.begin)

    candidates: dict[str, Candidate] = {}
    mentions: list[Mention] = []
    findings: list[Finding] = []

    def mention(eid: str, b: int, e: int, alias: str) -> None:
        sent = sentence_at(sentences, b)
        mentions.append(Mention(eid, b, e, clean.text[b:e], sent.id if sent else "", alias))

    by_label: dict[str, str] = {}  # folded label -> candidate id
    short_forms = _short_forms(accepted, rules)
    for h in sorted(accepted, key=lambda h: (h.begin, h.end)):
        if match_key(h.label) in short_forms:  # 省委網信辦 after 四川省委網信辦: one agency
            h = replace(h, label=short_forms[match_key(h.label)])
        key = match_key(h.label)
        if h.cls == "agency" and any(key.startswith(w) for w in rules.agency_local_prefixes):
            findings.append(  # 區委網信辦 with no district named before it anywhere
                Finding(
                    Level.INFO,
                    STAGE,
                    "agency-without-district",
                    f"{h.label!r} names a district's agency without the district",
                    clean.source_id,
                    h.begin,
                    h.end,
                    *clean.raw_span(h.begin, h.end),
                )
            )
            continue
        if key in keys:  # a curated full name (alt_label) or a form the matcher missed
            eid, form = keys[key]
            mention(eid, h.begin, h.end, form)
            continue
        cid = by_label.get(key) or h.cid or _candidate_id(h.cls, h.label, registry)
        other = candidates.get(cid)
        if other is not None and match_key(other.label) != key:
            findings.append(
                Finding(
                    Level.WARNING,
                    STAGE,
                    "candidate-id-collision",
                    f"{cid}: {h.label!r} and {other.label!r} have the same slug; kept apart",
                    clean.source_id,
                    h.begin,
                    h.end,
                    *clean.raw_span(h.begin, h.end),
                )
            )
            cid = f"{cid}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:6]}"
        by_label[key] = cid
        if cid not in candidates:
            candidates[cid] = Candidate(cid, h.cls, h.label, lang, h.rule, h.edition)
        mention(cid, h.begin, h.end, clean.text[h.begin : h.end])

    for b, e, h in shorts:  # 《報告》 defined as the short name of a candidate document
        short_of = by_label.get(match_key(h.label))
        if short_of is not None and not any(taken[b:e]):
            taken[b:e] = [True] * (e - b)
            mention(short_of, b, e, clean.text[b:e])

    for key, cid in sorted(by_label.items()):  # later occurrences of the same name
        person = cid in candidates and candidates[cid].cls == "person"
        if cid not in candidates or len(key) < (2 if person else 3):
            continue
        for occ in re.finditer(re.escape(_fold_word(key)), folded.norm):
            b, e = occ.start(), occ.end()
            if any(taken[b:e]) or not finder.left_ok(b):
                continue
            if person and not finder.right_ok(e):
                continue
            taken[b:e] = [True] * (e - b)
            mention(cid, b, e, clean.text[b:e])

    findings += [
        Finding(
            f.level,
            f.stage,
            f.code,
            f.message,
            clean.source_id,
            f.begin,
            f.end,
            *clean.raw_span(f.begin or 0, f.end or 0),
        )
        for f in infos
        if f.begin is not None and not any(taken[f.begin : f.end])
    ]
    mentions += [m for i, m in enumerate(curated) if i not in swallowed]
    mentions.sort(key=lambda m: (m.begin, -m.end, m.entity_id))
    return sorted(candidates.values(), key=lambda c: c.id), mentions, findings


def _short_forms(accepted: Sequence[_Hit], rules: Rules) -> dict[str, str]:
    """Folded agency names that are another agency's name without its place (省委網信辦 of
    四川省委網信辦) -> that full name, when exactly one full name in the text fits."""
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
                _is_place_word(key[: -len(short)], rules)
                or _is_place_word(key[: -len(short)] + short[0], rules)  # 渝北 + 區大數據發展局
            )
        ]
        if len(full) == 1:
            out[short] = full[0]
    return out


def _is_place_word(word: str, rules: Rules) -> bool:
    """四川 / 四川省 / 成都市: a province (with or without its suffix) or <X><place suffix>."""
    for prov in rules.provinces:
        if word == prov or any(word == prov + s for s in rules.province_suffixes):
            return True
    if any(word == d for d, _ in rules.districts):
        return True
    return 2 <= len(word) <= 5 and any(word.endswith(s) for s in rules.place_suffixes)


def _full_name_of(
    h: _Hit,
    inside: Sequence[Mention],
    keys: dict[str, tuple[str, str]],
    registry: dict[str, Entity],
) -> bool:
    """重慶 + 市委網信辦 matched apart, where the whole is the registry's alt_label of that
    agency (重慶市委網信辦): the full name is one mention of it, the place is part of the name."""
    owner = keys.get(match_key(h.label))
    if owner is None or h.cls != "agency":
        return False
    return any(m.entity_id == owner[0] and m.end == h.end for m in inside) and all(
        m.entity_id == owner[0] or registry[m.entity_id].cls == "place"
        for m in inside
        if m.entity_id in registry
    )


def _may_swallow(h: _Hit, inside: Sequence[Mention], registry: dict[str, Entity]) -> bool:
    """A longer name may contain curated mentions: any inside a 《title》, places elsewhere.

    《中國互聯網發展報告》 is one document, not China plus words; 四川省…廳 is one agency whose
    name starts with a place. Anything else curated inside a candidate means the rule misread
    the text (the registry knows that name), so the candidate is dropped.
    """
    if not all(h.begin <= m.begin and m.end <= h.end for m in inside):
        return False
    if h.cls in ("document", "event"):
        return all((m.begin, m.end) != (h.begin, h.end) for m in inside)
    if h.cls not in ("agency", "company"):
        return False
    allowed = ("place", "agency") if h.cls == "agency" else ("place",)
    return all(
        m.begin == h.begin and m.end < h.end and registry[m.entity_id].cls in allowed
        for m in inside
        if m.entity_id in registry
    )
